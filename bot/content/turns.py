"""Words for the free-form coaching turn, loaded from prompts/system/turns.yaml."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.content.loader import load_yaml_model
from bot.datafiles import check_regexes


def _compile(patterns: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in patterns]


def _questions(value: list[str]) -> list[str]:
    for line in value:
        if not line.rstrip().endswith("?"):
            raise ValueError(f"{line!r} must end with a question")
    return value


class Feeling(BaseModel):
    model_config = ConfigDict(extra="forbid")

    words: list[str] = Field(min_length=1)
    strong: list[str] = Field(default_factory=list)
    lines: list[str] = Field(min_length=1)
    questions: list[str] = Field(min_length=1)

    _q = field_validator("questions")(_questions)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(r"\b(?:" + "|".join(map(re.escape, self.words)) + r")\b", re.I)

    @cached_property
    def strong_pattern(self) -> re.Pattern[str] | None:
        if not self.strong:
            return None
        return re.compile(r"\b(?:" + "|".join(map(re.escape, self.strong)) + r")\b", re.I)


class Topic(BaseModel):
    model_config = ConfigDict(extra="forbid")

    says: str
    patterns: list[str] = Field(min_length=1)
    # firm: a match declines on its own (a dose, a tax return); otherwise the subject's words
    # also serve work ("the weather has wrecked our winter plan"), so a match declines only a
    # message with no work words, or one the learned scope model also declines
    firm: bool = False

    _check = field_validator("patterns")(check_regexes)

    @cached_property
    def compiled(self) -> list[re.Pattern[str]]:
        return _compile(self.patterns)


class OutOfScope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reply: str
    help: str
    question: str
    again: str
    again_help: str
    again_question: str
    topics: dict[str, Topic]
    # what the reply names when the learned scope model declines a request no topic matched
    learned_says: str = Field(min_length=1)
    # a message that points back at the conversation ("can you give me an example of that?"):
    # in a conversation with a topic, the learned model alone never declines it
    follow_up: list[str] = Field(min_length=1)

    @cached_property
    def follow_up_compiled(self) -> list[re.Pattern[str]]:
        return [re.compile(p, re.I) for p in self.follow_up]

    @field_validator("reply")
    @classmethod
    def _says(cls, value: str) -> str:
        if "{says}" not in value:
            raise ValueError("must contain {says}")
        return value


class OtherLanguage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    says: str
    words: list[str] = Field(min_length=1)

    @cached_property
    def marker_set(self) -> frozenset[str]:
        """The marker words as a set, built once."""
        return frozenset(self.words)


class Memory(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first: list[str] = Field(min_length=1)
    recap: list[str] = Field(min_length=1)
    already: list[str] = Field(min_length=1)
    first_reply: str
    recap_reply: str
    none_reply: str
    already_reply: str
    already_unknown: str
    questions: list[str] = Field(min_length=1)

    _check = field_validator("first", "recap", "already")(check_regexes)
    _q = field_validator("questions")(_questions)

    @cached_property
    def compiled(self) -> dict[str, list[re.Pattern[str]]]:
        return {
            "first": _compile(self.first),
            "recap": _compile(self.recap),
            "already": _compile(self.already),
        }


class TurnWords(BaseModel):
    model_config = ConfigDict(extra="forbid")

    statement_frames: list[str] = Field(min_length=10)
    question_frames: list[str] = Field(min_length=10)
    topic_frames: list[str] = Field(min_length=3)
    quoted_frames: list[str] = Field(min_length=1)
    brief_frames: list[str] = Field(min_length=2)
    more_frames: list[str] = Field(min_length=2)
    feelings: dict[str, Feeling]
    idea_leads: list[str] = Field(min_length=1)
    no_fit: list[str] = Field(min_length=1)
    offer: str
    no_fit_questions: list[str] = Field(min_length=1)
    out_of_scope: OutOfScope
    english_words: list[str] = Field(min_length=20)
    other_language: OtherLanguage
    memory: Memory
    narrowing: list[str] = Field(min_length=1)
    work_words: list[str] = Field(min_length=20)
    acronyms: dict[str, str] = Field(default_factory=dict)

    @field_validator("acronyms")
    @classmethod
    def _acronyms(cls, value: dict[str, str]) -> dict[str, str]:
        bad = [a for a in value if not re.fullmatch(r"[A-Z][A-Z&]+", a)]
        if bad:
            raise ValueError(f"acronyms must be written in capitals: {bad}")
        return value

    @cached_property
    def english_set(self) -> frozenset[str]:
        """The common English words as a set, built once."""
        return frozenset(self.english_words)

    def leans_back(self, text: str) -> bool:
        """Whether a message points back at the conversation so far (`out_of_scope.follow_up`)."""
        return any(p.search(text) for p in self.out_of_scope.follow_up_compiled)

    @cached_property
    def work_pattern(self) -> re.Pattern[str]:
        stems = [
            re.escape(w[:-1]) + r"\b" if w.endswith("$") else re.escape(w) for w in self.work_words
        ]
        return re.compile(r"\b(?:" + "|".join(stems) + ")", re.I)

    _q = field_validator("no_fit_questions", "narrowing")(_questions)

    @field_validator("statement_frames")
    @classmethod
    def _situation(cls, value: list[str]) -> list[str]:
        return _need(value, "{situation}")

    @field_validator("question_frames")
    @classmethod
    def _asking(cls, value: list[str]) -> list[str]:
        return _need(value, "{asking}")

    @field_validator("topic_frames")
    @classmethod
    def _topic(cls, value: list[str]) -> list[str]:
        return [
            line for line in value if _need([line.replace("{topic_cap}", "{topic}")], "{topic}")
        ]


def _need(value: list[str], placeholder: str) -> list[str]:
    for line in value:
        if placeholder not in line:
            raise ValueError(f"{line!r} must contain {placeholder}")
    if len(set(value)) != len(value):
        raise ValueError("frames must all differ")
    return value


def load_turn_words(prompts_dir: Path) -> TurnWords:
    return load_yaml_model(prompts_dir / "system" / "turns.yaml", TurnWords)
