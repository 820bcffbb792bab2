"""Facilitator workshop plans: validated data in prompts/workshops (one YAML file each).

A plan is a sequence of steps a facilitator posts to a Slack channel. A *live* plan runs in one
sitting, step by step; an *async* plan opens each step on a schedule over several days, like a
stand-up bot. Each step says how people answer (free text, one choice, several choices or a
scale), whether answers are anonymous, and how long people have.

Async schedules use one duration format, a small subset of ISO 8601: ``P<days>D``,
``PT<hours>H``, ``PT<minutes>M`` or a combination such as ``P1DT9H`` or ``PT1H30M``, measured
from the start of the run. ``WorkshopStep.opens_after`` is a ``timedelta``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_serializer,
    field_validator,
    model_validator,
)

from bot.content.errors import ContentError
from bot.content.loader import load_yaml_model
from bot.models import CARD_ID

AnswerType = Literal["free_text", "single_choice", "multiple_choice", "scale"]
Mode = Literal["live", "async"]

ANSWER_TYPES: tuple[AnswerType, ...] = ("free_text", "single_choice", "multiple_choice", "scale")
CHOICE_TYPES: frozenset[str] = frozenset({"single_choice", "multiple_choice"})
OPTION_CHARS = 75  # Slack's limit for the text of a button or a menu option
PROMPT_CHARS = 2000
FREE_TEXT_CHARS = 1000
SLACK_INPUT_CHARS = 3000  # Slack's limit for a plain-text input
SCALE_MIN, SCALE_MAX = 1, 5
MAX_SCHEDULE = timedelta(days=60)
MIN_UNTIMED_MINUTES = 5  # live: what a step with no time limit gets at least

DURATION = re.compile(
    r"^P(?:(?P<days>\d+)D)?(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?$"
)
DURATION_HELP = "an ISO 8601 duration in days, hours and minutes, e.g. P0D, P1D, PT4H or P2DT9H30M"
SENTENCE_END = re.compile(r"[.!?](?=\s+[\"'A-Z(]|[\"')]?\s*$)")


def parse_duration(text: str) -> timedelta:
    """Parse ``P1D``, ``PT4H``, ``P2DT9H30M``...; raise ValueError for anything else."""
    match = DURATION.match(text.strip())
    if not match or text.strip() in {"P", "PT"}:
        raise ValueError(f"{text!r} is not {DURATION_HELP}")
    parts = {name: int(value or 0) for name, value in match.groupdict().items()}
    return timedelta(days=parts["days"], hours=parts["hours"], minutes=parts["minutes"])


def format_duration(value: timedelta) -> str:
    """The inverse of parse_duration: ``timedelta(days=1, hours=9)`` -> ``P1DT9H``."""
    if value < timedelta(0) or value % timedelta(minutes=1):
        raise ValueError("a schedule offset must be a whole, non-negative number of minutes")
    minutes = int(value.total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    time = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if time:
        return f"P{days}DT{time}" if days else f"PT{time}"
    return f"P{days}D"


def _kebab(value: str) -> str:
    if not CARD_ID.match(value):
        raise ValueError(f"{value!r} must be lowercase-kebab-case")
    return value


def _kebabs(values: list[str]) -> list[str]:
    for value in values:
        _kebab(value)
    if len(set(values)) != len(values):
        raise ValueError("must not list the same card twice")
    return values


def _non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AnswerSpec(Strict):
    """How people answer a step. Fields that do not apply to the type stay empty (None or []):
    a scale gets scale_min 1 and scale_max 5 unless given, free text gets max_chars 1000."""

    type: AnswerType
    options: list[str] = Field(
        default_factory=list, description="2-10 distinct options; choice types only"
    )
    scale_min: int | None = Field(default=None, ge=0, le=1, description="scale only; default 1")
    scale_max: int | None = Field(default=None, ge=2, le=10, description="scale only; default 5")
    low_label: str | None = Field(
        default=None, max_length=OPTION_CHARS, description="scale only: what scale_min means"
    )
    high_label: str | None = Field(
        default=None, max_length=OPTION_CHARS, description="scale only: what scale_max means"
    )
    max_chars: int | None = Field(
        default=None, ge=50, le=SLACK_INPUT_CHARS, description="free text only; default 1000"
    )

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: object) -> object:
        if not isinstance(data, dict):
            return data
        filled = dict(data)
        defaults: dict[str, int] = {}
        if filled.get("type") == "scale":
            defaults = {"scale_min": SCALE_MIN, "scale_max": SCALE_MAX}
        elif filled.get("type") == "free_text":
            defaults = {"max_chars": FREE_TEXT_CHARS}
        for key, value in defaults.items():
            if filled.get(key) is None:
                filled[key] = value
        return filled

    @model_validator(mode="after")
    def _shape(self) -> AnswerSpec:
        if self.type in CHOICE_TYPES:
            self._check_options()
        elif self.options:
            raise ValueError(f"options: only choice answers have options, not {self.type}")
        if self.type == "scale":
            if not self.low_label or not self.low_label.strip():
                raise ValueError("low_label: a scale needs a label for its low end")
            if not self.high_label or not self.high_label.strip():
                raise ValueError("high_label: a scale needs a label for its high end")
        else:
            for name in ("scale_min", "scale_max", "low_label", "high_label"):
                if getattr(self, name) is not None:
                    raise ValueError(f"{name}: only a scale answer has {name}, not {self.type}")
        if self.type != "free_text" and self.max_chars is not None:
            raise ValueError(f"max_chars: only a free_text answer has max_chars, not {self.type}")
        return self

    def _check_options(self) -> None:
        if len(self.options) < 2:
            raise ValueError(f"options: a {self.type} answer needs at least two options")
        if len(self.options) > 10:
            raise ValueError("options: at most ten options")
        seen: set[str] = set()
        for i, option in enumerate(self.options):
            if not option.strip():
                raise ValueError(f"options.{i}: must not be blank")
            if len(option) > OPTION_CHARS:
                raise ValueError(f"options.{i}: must be at most {OPTION_CHARS} characters")
            key = " ".join(option.casefold().split())
            if key in seen:
                raise ValueError(f"options.{i}: {option!r} appears twice")
            seen.add(key)

    @property
    def scale_points(self) -> list[int]:
        """Scale: every point from scale_min to scale_max; other types: none."""
        if self.scale_min is None or self.scale_max is None:
            return []
        return list(range(self.scale_min, self.scale_max + 1))


class WorkshopStep(Strict):
    id: str
    title: str = Field(min_length=3, max_length=80)
    prompt: str = Field(
        min_length=10, max_length=PROMPT_CHARS, description="posted to the channel; Slack mrkdwn"
    )
    answer: AnswerSpec
    anonymous: bool = Field(description="answers are shown without names; required")
    time_limit_minutes: int | None = Field(
        default=None,
        ge=1,
        le=7 * 24 * 60,
        description="how long answers stay open; in a live plan, the step's slot in the timetable",
    )
    opens_after: timedelta | None = Field(
        default=None, description=f"async plans only: {DURATION_HELP}, from the start of the run"
    )
    cards: list[str] = Field(default_factory=list)
    facilitator_note: str = Field(
        min_length=20, max_length=1500, description="timing and how to run it in the room"
    )

    _id = field_validator("id")(_kebab)
    _cards = field_validator("cards")(_kebabs)
    _text = field_validator("title", "prompt", "facilitator_note")(_non_blank)

    @field_validator("opens_after", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        if value is None or isinstance(value, timedelta):
            return value
        if not isinstance(value, str):
            raise ValueError(f"must be {DURATION_HELP}")
        return parse_duration(value)

    @field_validator("opens_after")
    @classmethod
    def _offset(cls, value: timedelta | None) -> timedelta | None:
        if value is not None:
            if value < timedelta(0) or value > MAX_SCHEDULE:
                raise ValueError(f"must be between P0D and P{MAX_SCHEDULE.days}D")
            format_duration(value)  # whole minutes
        return value

    @field_serializer("opens_after")
    def _dump_duration(self, value: timedelta | None) -> str | None:
        return None if value is None else format_duration(value)


class WorkshopPlan(Strict):
    id: str
    title: str = Field(min_length=3, max_length=100)
    summary: str = Field(min_length=20, max_length=400, description="one or two sentences")
    audience: str = Field(min_length=5, max_length=300)
    duration_minutes: int = Field(
        ge=10, le=8 * 60, description="live: the session; async: each person's time in total"
    )
    mode: Mode
    steps: list[WorkshopStep] = Field(min_length=3, max_length=12)
    cards: list[str] = Field(min_length=1)
    facilitator_notes: str = Field(min_length=40, max_length=4000)

    _id = field_validator("id")(_kebab)
    _cards = field_validator("cards")(_kebabs)
    _text = field_validator("title", "audience", "facilitator_notes")(_non_blank)

    @field_validator("summary")
    @classmethod
    def _sentences(cls, value: str) -> str:
        count = len(SENTENCE_END.findall(value.strip()))
        if not 1 <= count <= 2:
            raise ValueError(f"must be one or two sentences ending in a full stop (found {count})")
        return value

    @model_validator(mode="after")
    def _plan(self) -> WorkshopPlan:
        seen: dict[str, int] = {}
        for i, step in enumerate(self.steps):
            if step.id in seen:
                raise ValueError(
                    f"steps.{i}.id: {step.id!r} is already used by steps.{seen[step.id]}"
                )
            seen[step.id] = i
        if self.mode == "live":
            self._check_live()
        else:
            self._check_async()
        return self

    def _check_live(self) -> None:
        for i, step in enumerate(self.steps):
            if step.opens_after is not None:
                raise ValueError(
                    f"steps.{i}.opens_after: a live plan runs step by step; "
                    "only async plans have a schedule"
                )
        timed = sum(step.time_limit_minutes or 0 for step in self.steps)
        untimed = sum(step.time_limit_minutes is None for step in self.steps)
        if timed > self.duration_minutes:
            raise ValueError(
                f"duration_minutes: the steps' time limits add up to {timed} minutes, "
                f"more than the {self.duration_minutes} minutes planned"
            )
        if untimed and self.duration_minutes - timed < MIN_UNTIMED_MINUTES * untimed:
            raise ValueError(
                f"duration_minutes: the time limits leave {self.duration_minutes - timed} "
                f"minutes for {untimed} step(s) with no limit; allow at least "
                f"{MIN_UNTIMED_MINUTES} minutes each"
            )

    def _check_async(self) -> None:
        previous: timedelta | None = None
        for i, step in enumerate(self.steps):
            if step.opens_after is None:
                raise ValueError(
                    f"steps.{i}.opens_after: every step of an async plan needs a time to "
                    f"open, {DURATION_HELP}"
                )
            if previous is not None and step.opens_after < previous:
                raise ValueError(
                    f"steps.{i}.opens_after: {format_duration(step.opens_after)} is earlier "
                    f"than the step before ({format_duration(previous)}); the schedule must "
                    "not go backwards"
                )
            previous = step.opens_after

    def step(self, step_id: str) -> WorkshopStep:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    @property
    def all_cards(self) -> list[str]:
        """Every linked card id, plan first then steps, without repeats."""
        ordered = list(self.cards) + [c for step in self.steps for c in step.cards]
        return list(dict.fromkeys(ordered))

    @property
    def answer_types(self) -> set[AnswerType]:
        return {step.answer.type for step in self.steps}

    @property
    def schedule_span(self) -> timedelta:
        """Async: from the start to the opening of the last step (zero for live plans)."""
        offsets = [s.opens_after for s in self.steps if s.opens_after is not None]
        return max(offsets, default=timedelta(0))


WORKSHOPS = "workshops"
_FIELD_MESSAGE = re.compile(
    r"^(?:Value error, )?(?P<field>[A-Za-z_][\w.]*): (?P<message>.+)$", re.DOTALL
)


def _located(path: Path, exc: ContentError) -> ContentError:
    """Move a field path from a validator's message into the error's field."""
    match = _FIELD_MESSAGE.match(exc.message)
    if not match:
        return ContentError(path, exc.field, exc.message.removeprefix("Value error, "))
    base = "" if exc.field == "document" else exc.field + "."
    return ContentError(path, base + match["field"], match["message"])


def card_link_errors(
    path: Path | str, plan: WorkshopPlan, card_ids: Collection[str]
) -> list[ContentError]:
    """One error per linked card id that has no knowledge card, naming the exact field."""
    links = [(f"cards.{i}", card) for i, card in enumerate(plan.cards)]
    links += [
        (f"steps.{s}.cards.{i}", card)
        for s, step in enumerate(plan.steps)
        for i, card in enumerate(step.cards)
    ]
    return [
        ContentError(path, field, f"no knowledge card {card!r}")
        for field, card in links
        if card not in card_ids
    ]


def load_workshop_plan(path: Path) -> WorkshopPlan:
    """Load and validate one plan file; raise ContentError naming the file and field."""
    try:
        plan = load_yaml_model(path, WorkshopPlan)
    except ContentError as exc:
        raise _located(path, exc) from exc
    if plan.id != path.stem:
        raise ContentError(path, "id", f"{plan.id!r} must match the file name {path.stem!r}")
    return plan


def workshop_files(prompts_dir: Path) -> list[Path]:
    return sorted((prompts_dir / WORKSHOPS).glob("*.yaml"))


def load_workshop_plans(
    prompts_dir: Path, *, card_ids: Collection[str] | None = None
) -> dict[str, WorkshopPlan]:
    """Every plan in prompts_dir/workshops by id. With card_ids, links must name real cards."""
    plans: dict[str, WorkshopPlan] = {}
    for path in workshop_files(prompts_dir):
        plan = load_workshop_plan(path)
        if card_ids is not None:
            problems = card_link_errors(path, plan, card_ids)
            if problems:
                raise problems[0]
        plans[plan.id] = plan
    return plans
