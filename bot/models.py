"""Pydantic models shared across layers."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CARD_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
YEAR_MONTH = re.compile(r"^\d{4}-\d{2}$")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_year(day: date) -> str:
    """`December 2026`, whatever the machine's locale."""
    return f"{MONTHS[day.month - 1]} {day.year}"


class Source(BaseModel):
    """A published source a card draws on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    author: str = Field(min_length=2)
    year: int = Field(ge=1900, le=2100)
    title: str = Field(min_length=3)
    publisher: str = Field(min_length=2)
    url: str | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    def short(self) -> str:
        """`West et al, 2014` style short reference."""
        first = self.author.split(",")[0].strip()
        surname = first.rsplit(" ", 1)[0] if re.fullmatch(r".+ [A-Z]{1,3}", first) else first
        more = " et al" if "," in self.author else ""
        return f"{surname}{more}, {self.year}"


class CardMeta(BaseModel):
    """A knowledge card's YAML front matter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str = Field(min_length=3, max_length=120)
    summary: str = Field(min_length=20, max_length=300)
    tags: list[str] = Field(min_length=1, max_length=8)
    sources: list[Source] = Field(min_length=1)
    reflection_questions: list[str] = Field(min_length=2)
    related: list[str] = Field(default_factory=list)
    search_phrases: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="how leaders might ask for this card; indexed for search, never shown",
    )
    reviewed: date | None = Field(
        default=None,
        description="when the card's facts were last checked against its sources; "
        "`anchor kb check` requires it and warns once it is older than ANCHOR_KB_REVIEW_MONTHS",
    )
    as_of: date | None = Field(
        default=None,
        description="for a card that states policy which changes: the date (a month is enough, "
        "e.g. 2026-12) its picture of that policy describes; replies drawing on it say so",
    )

    @field_validator("reviewed", "as_of", mode="before")
    @classmethod
    def _month_is_enough(cls, value: object) -> object:
        """`2026-12` (month precision) means the first of that month."""
        if isinstance(value, str) and YEAR_MONTH.match(value.strip()):
            return f"{value.strip()}-01"
        return value

    @model_validator(mode="after")
    def _as_of_not_after_review(self) -> CardMeta:
        if self.as_of and self.reviewed and self.as_of > self.reviewed:
            raise ValueError("as_of cannot be later than reviewed: the picture was checked then")
        return self

    @property
    def as_of_month(self) -> str | None:
        """The policy picture's month, e.g. `December 2026`, for cards that carry `as_of`."""
        return month_year(self.as_of) if self.as_of else None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not CARD_ID.match(value):
            raise ValueError("must be lowercase-kebab-case, e.g. 'four-compassionate-behaviours'")
        return value

    @field_validator("tags", "related")
    @classmethod
    def _kebab(cls, values: list[str]) -> list[str]:
        for value in values:
            if not CARD_ID.match(value):
                raise ValueError(f"{value!r} is not lowercase-kebab-case")
        return values

    @field_validator("reflection_questions")
    @classmethod
    def _questions(cls, values: list[str]) -> list[str]:
        for value in values:
            if not value.strip().endswith("?"):
                raise ValueError(f"{value!r} must be a question ending in '?'")
        return values


class Section(BaseModel):
    model_config = ConfigDict(frozen=True)

    heading: str
    text: str


class Card(BaseModel):
    """A validated knowledge card: metadata plus its body split into sections."""

    model_config = ConfigDict(frozen=True)

    meta: CardMeta
    sections: list[Section]
    path: str
    digest: str

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def body(self) -> str:
        return "\n\n".join(s.text for s in self.sections)

    @property
    def word_count(self) -> int:
        return len(self.body.split())


class Passage(BaseModel):
    """A retrieved chunk of a card."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str
    card_id: str
    title: str
    section: str
    text: str
    score: float


class Citation(BaseModel):
    card_id: str
    title: str
    sources: list[Source]


class SafetyLevel(StrEnum):
    """How worried the safety gate is, in order: none < concern < crisis < emergency.

    Compare levels with ``at_least`` (the strings do not sort in this order)."""

    NONE = "none"
    CONCERN = "concern"
    CRISIS = "crisis"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        return list(SafetyLevel).index(self)

    def at_least(self, other: SafetyLevel) -> bool:
        return self.rank >= other.rank


class SafetyInfo(BaseModel):
    level: SafetyLevel = SafetyLevel.NONE
    category: str = "none"
    signposts: list[str] = Field(default_factory=list)


class ReplyOption(BaseModel):
    """A choice the person can make with one tap (a Slack button) or by typing its number."""

    value: str
    label: str


class FlowInfo(BaseModel):
    kind: str
    id: str
    title: str
    step: int | None = None
    total: int | None = None
    answer: str | None = Field(default=None, description="text, scale, choice or commitment")
    finished: bool = False


class Reply(BaseModel):
    """What the coach says back, in any front end."""

    reply: str
    citations: list[Citation] = Field(default_factory=list)
    mode: Literal["offline", "llm"] = "offline"
    safety: SafetyInfo = Field(default_factory=SafetyInfo)
    options: list[ReplyOption] = Field(default_factory=list)
    flow: FlowInfo | None = None
    notes: list[str] = Field(default_factory=list)
    turn: str | None = Field(
        default=None,
        exclude=True,
        description="The kind of free-form turn the coach planned (bot/coach/plan.py), for the"
        " evals; never serialised.",
    )
