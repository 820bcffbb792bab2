"""The synthetic programme `anchor demo` plays through the services: validated data in
prompts/demo/programme.yaml. Its exercises and workshop answers are checked against the real
exercises and workshop plan, so the demo never gives an answer a step would refuse."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.content.errors import ContentError
from bot.content.flows import Exercise
from bot.content.loader import load_yaml_model
from bot.content.workshops import WORKSHOPS, WorkshopPlan, WorkshopStep, load_workshop_plan

DEMO_FILE = Path("demo") / "programme.yaml"
EXERCISES = "exercises"
Rate = float
WorkshopAnswer = int | str | list[str]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DemoTheme(Strict):
    title: str = Field(min_length=3, description="for the reader of the file; never used")
    weeks: list[float] = Field(min_length=1, description="relative weight per week, oldest first")
    core: list[str] = Field(min_length=10)
    more: list[str] = Field(min_length=3)


class DemoSector(Strict):
    name: str = Field(min_length=3)
    count: int = Field(ge=1, le=100, description="leaders from this sector")
    roles: list[str] = Field(min_length=1)
    themes: dict[str, float] = Field(min_length=2, description="theme key -> weight")


class MessageCount(Strict):
    low: int = Field(ge=1, le=50)
    high: int = Field(ge=1, le=50)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.low > self.high:
            raise ValueError("low must not be more than high")
        return self


class DemoExercise(Strict):
    id: str
    request: str = Field(min_length=3, description="what a leader types to start it")
    people: int = Field(ge=1, le=100)
    answers: dict[str, list[str]] = Field(description="step id -> possible answers")


class DemoWorkshop(Strict):
    plan: str
    participants: int = Field(ge=2, le=50)
    answers: dict[str, list[WorkshopAnswer]] = Field(description="step id -> possible answers")


class DemoProgramme(Strict):
    seed: int
    weeks: int = Field(ge=2, le=12)
    coaching_only: int = Field(ge=0)
    messages: MessageCount
    lowercase: Rate = Field(ge=0, le=1)
    opener_rate: Rate = Field(ge=0, le=1)
    second_rate: Rate = Field(ge=0, le=1)
    more_rate: Rate = Field(ge=0, le=1)
    closer_rate: Rate = Field(ge=0, le=1)
    feedback_rate: Rate = Field(ge=0, le=1)
    helpful_rate: Rate = Field(ge=0, le=1)
    goals_done: Rate = Field(ge=0, le=1)
    openers: list[str] = Field(min_length=1)
    closers: list[str] = Field(min_length=1)
    themes: dict[str, DemoTheme] = Field(min_length=3)
    sectors: list[DemoSector] = Field(min_length=1)
    exercises: list[DemoExercise] = Field(default_factory=list)
    workshop: DemoWorkshop

    @property
    def leaders(self) -> int:
        return sum(sector.count for sector in self.sectors)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        for key, theme in self.themes.items():
            if len(theme.weeks) != self.weeks:
                raise ValueError(f"themes.{key}.weeks needs one weight for each of {self.weeks}")
        for sector in self.sectors:
            unknown = sorted(set(sector.themes) - set(self.themes))
            if unknown:
                raise ValueError(f"sector {sector.name!r} names unknown themes {unknown}")
        if self.coaching_only >= self.leaders:
            raise ValueError("coaching_only must leave some leaders contributing to themes")
        return self


def _exercise_problems(item: DemoExercise, exercise: Exercise) -> list[str]:
    problems = []
    steps = {step.id: step for step in exercise.steps}
    for step_id in sorted(set(steps) - set(item.answers)):
        problems.append(f"step {step_id!r} has no answers")
    for step_id, answers in item.answers.items():
        step = steps.get(step_id)
        if step is None:
            problems.append(f"{exercise.id} has no step {step_id!r}")
        elif not answers:
            problems.append(f"step {step_id!r} has no answers")
        elif step.answer == "choice":
            problems += [
                f"{a!r} is not a choice of {step_id!r}" for a in answers if a not in step.choices
            ]
        elif step.answer == "scale":
            problems += [
                f"{a!r} is not on the scale of {step_id!r}"
                for a in answers
                if not (a.isdigit() and step.scale_min <= int(a) <= step.scale_max)
            ]
    return problems


def _answer_problem(step: WorkshopStep, answer: WorkshopAnswer) -> str | None:
    spec = step.answer
    if spec.type == "scale":
        low, high = spec.scale_min or 0, spec.scale_max or 0
        ok = isinstance(answer, int) and low <= answer <= high
    elif spec.type == "single_choice":
        ok = isinstance(answer, str) and answer in spec.options
    elif spec.type == "multiple_choice":
        ok = isinstance(answer, list) and bool(answer) and set(answer) <= set(spec.options)
    else:
        ok = isinstance(answer, str) and 0 < len(answer.strip()) <= (spec.max_chars or 0)
    return None if ok else f"{answer!r} does not fit step {step.id!r} ({spec.type})"


def _workshop_problems(workshop: DemoWorkshop, plan: WorkshopPlan) -> list[str]:
    problems = []
    for step in plan.steps:
        answers = workshop.answers.get(step.id)
        if not answers:
            problems.append(f"step {step.id!r} has no answers")
            continue
        problems += [p for p in (_answer_problem(step, a) for a in answers) if p]
        if step.answer.type == "free_text" and len(set(map(str, answers))) < workshop.participants:
            problems.append(f"step {step.id!r} needs a different answer for each participant")
    problems += [
        f"{plan.id} has no step {step_id!r}"
        for step_id in sorted(set(workshop.answers) - {s.id for s in plan.steps})
    ]
    return problems


def load_demo_programme(prompts_dir: Path) -> DemoProgramme:
    """The demo programme, checked against the exercises and workshop plan it uses (only
    those files are read, so a problem elsewhere is reported once, by its own check)."""
    path = prompts_dir / DEMO_FILE
    programme = load_yaml_model(path, DemoProgramme)
    for i, item in enumerate(programme.exercises):
        exercise_file = prompts_dir / EXERCISES / f"{item.id}.yaml"
        if not exercise_file.is_file():
            raise ContentError(path, f"exercises.{i}.id", f"no exercise {item.id!r}")
        problems = _exercise_problems(item, load_yaml_model(exercise_file, Exercise))
        if problems:
            raise ContentError(path, f"exercises.{i}.answers", problems[0])
    plan_file = prompts_dir / WORKSHOPS / f"{programme.workshop.plan}.yaml"
    if not plan_file.is_file():
        raise ContentError(path, "workshop.plan", f"no workshop plan {programme.workshop.plan!r}")
    problems = _workshop_problems(programme.workshop, load_workshop_plan(plan_file))
    if problems:
        raise ContentError(path, "workshop.answers", problems[0])
    return programme
