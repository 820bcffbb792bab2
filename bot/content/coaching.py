"""Words and patterns for routing and running flows: prompts/system/{router,flows,grow}.yaml."""

from __future__ import annotations

import re
import string
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.content.loader import load_yaml_model
from bot.datafiles import check_regexes


class RouterRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    controls: dict[str, list[str]]
    starts: dict[str, list[str]]

    @field_validator("controls", "starts")
    @classmethod
    def _regexes(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for patterns in value.values():
            check_regexes(patterns)
        return value

    @cached_property
    def compiled_controls(self) -> dict[str, list[re.Pattern[str]]]:
        return {k: [re.compile(p) for p in v] for k, v in self.controls.items()}

    @cached_property
    def compiled_starts(self) -> dict[str, list[re.Pattern[str]]]:
        return {k: [re.compile(p) for p in v] for k, v in self.starts.items()}


Intent = Literal[
    "ask", "grow", "exercise", "scenario", "goals", "pause", "resume", "skip", "quit", "status"
]


class Example(BaseModel):
    """Something Anchor can do, and words to type to get it (`intent` is where they lead)."""

    model_config = ConfigDict(extra="forbid")

    what: str = Field(min_length=3)
    say: str = Field(min_length=2)
    intent: Intent


class SlashCommand(BaseModel):
    model_config = ConfigDict(extra="forbid")

    command: str = Field(pattern=r"^/[a-z]+$")
    what: str = Field(min_length=3)


class TerminalHelp(BaseModel):
    """The `anchor chat` commands, added to the help in the terminal."""

    model_config = ConfigDict(extra="forbid")

    heading: str
    command: str
    commands: list[SlashCommand] = Field(min_length=1)
    close: str
    unknown: str
    # {days}: ANCHOR_RETENTION_DAYS, {theme_days}: ANCHOR_THEME_RETENTION_DAYS,
    # {audit_days}: ANCHOR_AUDIT_RETENTION_DAYS, {outbox_days}: ANCHOR_OUTBOX_RETENTION_DAYS
    privacy: str

    @field_validator("privacy")
    @classmethod
    def _periods_only(cls, value: str) -> str:
        allowed = {"days", "theme_days", "audit_days", "outbox_days"}
        extra = {name for _, name, _, _ in string.Formatter().parse(value) if name} - allowed
        if extra:
            raise ValueError(
                f"unknown placeholder(s) {sorted(extra)}; allowed: {', '.join(sorted(allowed))}"
            )
        return value

    def text(self) -> str:
        lines = [self.command.format(command=c.command, what=c.what) for c in self.commands]
        return "\n".join([self.heading, *lines, "", self.close])

    def privacy_notice(
        self, days: int, theme_days: int, audit_days: int = 730, outbox_days: int = 7
    ) -> str:
        """What is kept and for how long, with the periods from the settings."""
        return self.privacy.format(
            days=days, theme_days=theme_days, audit_days=audit_days, outbox_days=outbox_days
        )


class HelpWords(BaseModel):
    """What Anchor can do, one example each: the reply to "help" and the terminal's /help."""

    model_config = ConfigDict(extra="forbid")

    intro: str
    item: str
    abilities: list[Example] = Field(min_length=1)
    controls_heading: str
    control: str
    controls: list[Example] = Field(min_length=1)
    terminal: TerminalHelp

    def text(self, *, terminal: bool = False) -> str:
        """The help as one reply: a line per item; with `terminal`, the chat commands too."""
        abilities = [self.item.format(what=a.what, say=a.say) for a in self.abilities]
        controls = [self.control.format(what=c.what, say=c.say) for c in self.controls]
        parts = [
            "\n".join([self.intro, *abilities]),
            "\n".join([self.controls_heading, *controls]),
        ]
        if terminal:
            parts.append(self.terminal.text())
        return "\n\n".join(parts)


class FlowWords(BaseModel):
    model_config = ConfigDict(extra="forbid")

    menu: dict[str, str]
    exercise: dict[str, str]
    scenario: dict[str, str]
    answers: dict[str, str]
    controls: dict[str, str]
    help: HelpWords
    goals: dict[str, str]


class GrowPart(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GrowGoal(GrowPart):
    ask: str
    ask_with_topic: str
    too_short: str


class GrowReality(GrowPart):
    reflect_own: str = Field(description="{goal} opened with I or we: 'So {goal}.'")
    reflect: str = Field(description="any other goal: 'So you'd like {goal}.'")
    questions: list[str] = Field(min_length=1)


class GrowOptions(GrowPart):
    first: str
    more: list[str] = Field(min_length=1)
    prompts: int = Field(ge=1, description="questions asking for options, the first included")
    enough_words: list[str]
    not_options: list[str] = Field(description="replies that are never an option")
    not_an_option: str
    repeated: str
    min_before_choice: int = Field(ge=1)
    max: int = Field(ge=2)
    listed: str
    choose: str
    not_a_choice: str

    @field_validator("more")
    @classmethod
    def _all_different(cls, value: list[str]) -> list[str]:
        if len({v.strip().lower() for v in value}) != len(value):
            raise ValueError("the option questions must all differ")
        return value

    @model_validator(mode="after")
    def _enough_questions(self) -> GrowOptions:
        if self.prompts > len(self.more) + 1:
            raise ValueError(f"prompts is {self.prompts} but there are {len(self.more) + 1}")
        if self.first.strip().lower() in {m.strip().lower() for m in self.more}:
            raise ValueError("first must differ from the questions in more")
        return self


class GrowWill(GrowPart):
    what: str
    what_for_goal: str
    not_a_step: str
    when: str
    not_a_time: str
    no_time: str
    score: str
    bad_score: str
    explore: str = Field(description="a score under 7, explored: {score}")
    revise: str
    keep_words: list[str]
    rescore: str
    support: str


class GrowSummary(GrowPart):
    heading: str
    goal: str
    reality: str
    options: str
    will: str
    no_date: str
    affirm: str = Field(description="only after a commitment of 7 or more")
    honest: str = Field(description="after a commitment under 7: {score}; no praise")
    close: str = Field(description="when no score was given")


class GrowAfter(GrowPart):
    reply: str = Field(description="to a bare reply ('5', 'yes') just after GROW has finished")
    not_for: list[str] = Field(description="bare replies that get the usual answer instead")


class GrowWords(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cards: list[str]
    intro: str
    goal: GrowGoal
    reality: GrowReality
    options: GrowOptions
    will: GrowWill
    summary: GrowSummary
    after: GrowAfter


def load_router(prompts_dir: Path) -> RouterRules:
    return load_yaml_model(prompts_dir / "system" / "router.yaml", RouterRules)


def load_flow_words(prompts_dir: Path) -> FlowWords:
    return load_yaml_model(prompts_dir / "system" / "flows.yaml", FlowWords)


def load_grow(prompts_dir: Path) -> GrowWords:
    return load_yaml_model(prompts_dir / "system" / "grow.yaml", GrowWords)
