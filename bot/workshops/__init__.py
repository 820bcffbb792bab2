"""Facilitator workshop runs: the plan state machine, answers, tallies, summaries, exports.

Slack handlers call `Workshops` (see service.py) and show `WorkshopError.message` as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import Engine

from bot.content.workshops import load_workshop_plans
from bot.privacy.text_scrubber import TextScrubber, default_scrubber
from bot.store.crypto import Cipher
from bot.store.workshop_runs import WorkshopStore
from bot.workshops.errors import (
    AlreadyRunning,
    CannotGoBack,
    InvalidAnswer,
    NoActiveRun,
    NoMoreSteps,
    NotAllowed,
    NotPaused,
    RunPaused,
    StepClosed,
    StepMoved,
    UnknownFormat,
    UnknownPlan,
    UnknownRun,
    UnknownStep,
    WorkshopError,
)
from bot.workshops.export import render_summary
from bot.workshops.models import (
    AnswerResult,
    ParticipantCopy,
    Reminder,
    RunSummary,
    RunView,
    StepEvent,
    StepSummary,
    StepView,
    Tally,
    Transition,
)
from bot.workshops.service import DEFAULT_MIN_PEOPLE, Workshops
from bot.workshops.summarise import FreeTextSummariser, WordCountSummariser
from bot.workshops.texts import load_texts, texts_path


def open_workshops(
    prompts_dir: Path,
    engine: Engine,
    cipher: Cipher,
    is_facilitator: Callable[[str], bool],
    *,
    min_people: int = DEFAULT_MIN_PEOPLE,
    summariser: Callable[[WordCountSummariser], FreeTextSummariser] | None = None,
    scrubber: Callable[[], TextScrubber] = default_scrubber,
    deny: Callable[[], Iterable[str]] = tuple,
) -> Workshops:
    """The service over the plans in `prompts_dir` (messages from there too, if it has them).
    Free text is scrubbed by `scrubber` and no keyword holds a name from `deny`."""
    texts = load_texts(prompts_dir if texts_path(prompts_dir).exists() else None)
    words = WordCountSummariser(texts.stop_words)
    return Workshops(
        WorkshopStore(engine, cipher),
        load_workshop_plans(prompts_dir),
        is_facilitator=is_facilitator,
        texts=texts,
        min_people=min_people,
        summariser=summariser(words) if summariser is not None else words,
        scrubber=scrubber,
        deny=deny,
    )


__all__ = [
    "DEFAULT_MIN_PEOPLE",
    "AlreadyRunning",
    "AnswerResult",
    "CannotGoBack",
    "FreeTextSummariser",
    "InvalidAnswer",
    "NoActiveRun",
    "NoMoreSteps",
    "NotAllowed",
    "NotPaused",
    "ParticipantCopy",
    "Reminder",
    "RunPaused",
    "RunSummary",
    "RunView",
    "StepClosed",
    "StepEvent",
    "StepMoved",
    "StepSummary",
    "StepView",
    "Tally",
    "Transition",
    "UnknownFormat",
    "UnknownPlan",
    "UnknownRun",
    "UnknownStep",
    "WordCountSummariser",
    "WorkshopError",
    "Workshops",
    "open_workshops",
    "render_summary",
]
