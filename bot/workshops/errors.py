"""Why a workshop action was refused. Every error carries a kind, user-facing `message` (from
prompts/facilitation/messages.yaml) that the Slack layer can show as it is."""

from __future__ import annotations


class WorkshopError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(WorkshopError):
    """Someone who is not a facilitator tried a facilitator action."""


class NoActiveRun(WorkshopError):
    """The channel has no running or paused workshop."""


class UnknownRun(WorkshopError):
    """No run has this id (or its plan is no longer installed)."""


class UnknownPlan(WorkshopError):
    """No plan has this id."""


class AlreadyRunning(WorkshopError):
    """The channel already has an active workshop."""


class UnknownStep(WorkshopError):
    """The plan has no step with this id."""


class InvalidAnswer(WorkshopError):
    """The answer does not fit the step (not an option, out of range, empty, too long)."""


class StepClosed(WorkshopError):
    """The step does not take answers: not open yet, closed, or the run has ended."""


class RunPaused(WorkshopError):
    """The run is paused: no answers, no moving, no pausing again."""


class NotPaused(WorkshopError):
    """Resume was asked of a run that is not paused."""


class StepMoved(WorkshopError):
    """Someone else moved the run first (a double click, a second facilitator, a replica)."""


class NoMoreSteps(WorkshopError):
    """Next on the last step."""


class CannotGoBack(WorkshopError):
    """Back on the first step, or in an async plan."""


class UnknownFormat(WorkshopError):
    """An export format other than html, csv or json."""
