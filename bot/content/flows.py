"""Reflective exercises and conflict scenarios: validated data in prompts/exercises and
prompts/scenarios (one YAML file each)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.content.errors import ContentError
from bot.content.loader import load_yaml_model
from bot.models import CARD_ID

AnswerKind = Literal["text", "scale", "choice", "commitment"]
Approach = Literal[
    "competing",
    "collaborating",
    "compromising",
    "avoiding",
    "accommodating",
    "interest-based",
]
BUTTON_LABEL = 75  # Slack's limit for a button's text


def _kebab(value: str) -> str:
    if not CARD_ID.match(value):
        raise ValueError(f"{value!r} must be lowercase-kebab-case")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Step(Strict):
    id: str
    prompt: str = Field(min_length=10, max_length=600)
    hint: str | None = Field(default=None, max_length=400)
    answer: AnswerKind = "text"
    choices: list[str] = Field(default_factory=list)
    scale_min: int = 1
    scale_max: int = 10

    _id = field_validator("id")(_kebab)

    @model_validator(mode="after")
    def _shape(self) -> Step:
        if self.answer == "choice" and len(self.choices) < 2:
            raise ValueError("a choice step needs at least two choices")
        if self.answer != "choice" and self.choices:
            raise ValueError("only a choice step has choices")
        if any(len(c) > BUTTON_LABEL for c in self.choices):
            raise ValueError(f"choices must be at most {BUTTON_LABEL} characters")
        if self.scale_min >= self.scale_max:
            raise ValueError("scale_min must be below scale_max")
        return self


class Exercise(Strict):
    id: str
    title: str = Field(min_length=3, max_length=80)
    purpose: str = Field(min_length=20, max_length=400)
    duration_minutes: int = Field(ge=5, le=45)
    cards: list[str] = Field(min_length=1)
    intro: str = Field(min_length=20, max_length=800)
    steps: list[Step] = Field(min_length=3, max_length=12)
    closing: str = Field(min_length=10, max_length=400, description="said after the last step")

    _id = field_validator("id")(_kebab)

    @field_validator("steps")
    @classmethod
    def _ends_with_commitment(cls, steps: list[Step]) -> list[Step]:
        if steps[-1].answer != "commitment":
            raise ValueError(
                "the last step must ask for one concrete commitment (answer: commitment)"
            )
        ids = [s.id for s in steps]
        if len(set(ids)) != len(ids):
            raise ValueError("step ids must be unique")
        return steps


class Counterpart(Strict):
    name: str = Field(min_length=2, max_length=60)
    role: str = Field(min_length=3, max_length=120)
    cares_about: list[str] = Field(min_length=2)


class Option(Strict):
    id: str
    label: str = Field(min_length=3, max_length=BUTTON_LABEL)
    approach: Approach
    consequence: str = Field(min_length=20, max_length=900)
    next: str

    _id = field_validator("id")(_kebab)


class DecisionPoint(Strict):
    id: str
    narrative: str = Field(min_length=20, max_length=1200)
    says: str | None = Field(default=None, max_length=500, description="what the counterpart says")
    question: str = Field(min_length=5, max_length=200)
    options: list[Option] = Field(min_length=2, max_length=5)

    _id = field_validator("id")(_kebab)


class Debrief(Strict):
    summary: str = Field(min_length=20, max_length=900)
    approaches: dict[Approach, str] = Field(
        description="a note on each approach, keyed by approach"
    )
    formal_process: str | None = Field(default=None, max_length=600)
    cards: list[str] = Field(min_length=1)
    question: str = Field(min_length=10, max_length=300)

    @field_validator("question")
    @classmethod
    def _question(cls, value: str) -> str:
        if not value.rstrip().endswith("?"):
            raise ValueError("must be a question")
        return value


DEBRIEF = "debrief"
MIN_DECISIONS = 3


class Scenario(Strict):
    id: str
    title: str = Field(min_length=3, max_length=100)
    summary: str = Field(min_length=20, max_length=300)
    setting: str = Field(min_length=50, max_length=1500)
    your_role: str = Field(min_length=5, max_length=200)
    counterpart: Counterpart
    cards: list[str] = Field(min_length=1)
    start: str
    points: list[DecisionPoint] = Field(min_length=MIN_DECISIONS)
    debrief: Debrief

    _id = field_validator("id")(_kebab)

    def point(self, point_id: str) -> DecisionPoint:
        return next(p for p in self.points if p.id == point_id)

    @model_validator(mode="after")
    def _graph(self) -> Scenario:
        ids = [p.id for p in self.points]
        if len(set(ids)) != len(ids):
            raise ValueError("decision point ids must be unique")
        if self.start not in ids:
            raise ValueError(f"start {self.start!r} is not a decision point")
        for point in self.points:
            for option in point.options:
                if option.next != DEBRIEF and option.next not in ids:
                    raise ValueError(f"{point.id}.{option.id}: next {option.next!r} does not exist")
        used = {o.approach for p in self.points for o in p.options}
        missing = used - set(self.debrief.approaches)
        if missing:
            raise ValueError(f"debrief.approaches needs a note for: {', '.join(sorted(missing))}")
        shortest = self._shortest_path(self.start, frozenset())
        if shortest < MIN_DECISIONS:
            raise ValueError(
                f"every path needs at least {MIN_DECISIONS} decisions (one has {shortest})"
            )
        return self

    def _shortest_path(self, point_id: str, seen: frozenset[str]) -> int:
        if point_id in seen:
            raise ValueError(f"decision points loop back to {point_id!r}")
        point = self.point(point_id)
        return 1 + min(
            0 if o.next == DEBRIEF else self._shortest_path(o.next, seen | {point_id})
            for o in point.options
        )


Flow = TypeVar("Flow", Exercise, Scenario)


def _load_folder(folder: Path, model: type[Flow]) -> dict[str, Flow]:
    items: dict[str, Flow] = {}
    for path in sorted(folder.glob("*.yaml")):
        item = load_yaml_model(path, model)
        if item.id != path.stem:
            raise ContentError(path, "id", f"{item.id!r} must match the file name {path.stem!r}")
        items[item.id] = item
    return items


def load_exercises(prompts_dir: Path) -> dict[str, Exercise]:
    return _load_folder(prompts_dir / "exercises", Exercise)


def load_scenarios(prompts_dir: Path) -> dict[str, Scenario]:
    return _load_folder(prompts_dir / "scenarios", Scenario)
