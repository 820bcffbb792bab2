"""What the workshop service hands to the Slack layer and to exports (pydantic, frozen)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.content.workshops import AnswerSpec, AnswerType, Mode

AnswerValue = str | int | list[str]
StepState = Literal["waiting", "open", "closed"]
RunStatus = Literal["running", "paused", "ended"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class StepView(Frozen):
    run_id: int
    index: int
    id: str
    title: str
    prompt: str
    answer: AnswerSpec
    anonymous: bool
    time_limit_minutes: int | None
    facilitator_note: str
    state: StepState
    opened_at: datetime | None = None
    closes_at: datetime | None = None
    closed_at: datetime | None = None
    message_ts: str | None = None

    @property
    def number(self) -> int:
        return self.index + 1


class RunView(Frozen):
    run_id: int
    plan_id: str
    plan_title: str
    mode: Mode
    channel: str
    facilitator: str
    status: RunStatus
    step_index: int
    steps: list[StepView]
    started_at: datetime
    ended_at: datetime | None = None

    @property
    def step_count(self) -> int:
        return len(self.steps)

    @property
    def current(self) -> StepView | None:
        """The step the run is on (live: the one being answered; async: the latest opened)."""
        return self.steps[self.step_index] if 0 <= self.step_index < len(self.steps) else None

    @property
    def open_steps(self) -> list[StepView]:
        return [step for step in self.steps if step.state == "open"]


class Transition(Frozen):
    """The run after a facilitator's action, with the steps it opened (to post, or to update
    if they already have a message) and closed (to mark closed)."""

    run: RunView
    opened: list[StepView] = []
    closed: list[StepView] = []


class TallyCount(Frozen):
    label: str
    value: str | int
    count: int | None  # None: hidden, too few people


class Tally(Frozen):
    """The live count for one step. Free text: only how many answered, never what."""

    run_id: int
    step_id: str
    answer_type: AnswerType
    anonymous: bool
    respondents: int
    hidden: bool  # anonymous, and too few answered or all alike: no distribution yet
    counts: list[TallyCount]


class AnswerResult(Frozen):
    run_id: int
    channel: str
    step: StepView
    tally: Tally
    replaced: bool  # the person had answered before; this answer replaces theirs


class StepEvent(Frozen):
    """A step that opened or closed on its schedule (async plans)."""

    run: RunView
    step: StepView


class Reminder(Frozen):
    """Send one person one nudge about one open step they have not answered."""

    run_id: int
    channel: str
    participant: str
    step: StepView


class ThemeCount(Frozen):
    keyword: str
    people: int


class Cell(Frozen):
    label: str
    count: int | None  # None: suppressed
    share: float | None = None  # of the people who answered, 0..1; None when suppressed

    @property
    def suppressed(self) -> bool:
        return self.count is None


class StepSummary(Frozen):
    index: int
    step_id: str
    title: str
    answer_type: AnswerType
    anonymous: bool
    respondents: int | None  # None: fewer than min_people answered
    cells: list[Cell]
    themes: list[ThemeCount]
    mean: float | None = None  # scale steps whose hidden cells hold nobody

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def suppressed(self) -> bool:
        return self.respondents is None


class RunSummary(Frozen):
    run_id: int
    plan_id: str
    plan_title: str
    mode: Mode
    status: RunStatus
    started_at: datetime
    ended_at: datetime | None
    min_people: int
    steps: list[StepSummary]


class OwnAnswer(Frozen):
    step_id: str
    index: int
    title: str
    answer_type: AnswerType
    anonymous: bool
    value: AnswerValue


class ParticipantCopy(Frozen):
    """A person's own answers, for them alone (including their anonymous ones)."""

    run_id: int
    plan_id: str
    plan_title: str
    participant: str
    answers: list[OwnAnswer]
