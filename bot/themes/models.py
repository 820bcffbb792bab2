"""The themes engine's boundary models: scrubbed messages in, counts and labels out.

No output model carries a leader's pseudonym or any message text: only keywords (checked
words used by at least ``min_people`` leaders), counts of distinct people and card ids.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Trend = Literal["new", "growing", "steady", "fading"]


class ThemeMessage(BaseModel):
    """One scrubbed message from a leader who opted in to themes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    leader: str = Field(min_length=1, description="an opaque pseudonym, never a Slack id")
    at: datetime
    text: str = Field(description="already scrubbed: tags such as <NAME> stand in for PII")
    cohort: str | None = None


class Theme(BaseModel):
    """One theme shown to the programme team: labels and counts, never text or people."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="a slug of the theme's first keywords, unique in its report")
    keywords: list[str] = Field(max_length=6, description="distinctive words, best first")
    label: str | None = Field(
        default=None, description="a readable name from an LLM (optional; from key words only)"
    )
    people: int = Field(ge=0, description="distinct leaders who contributed (never messages)")
    share: float = Field(ge=0.0, le=1.0, description="people / the report's total_people")
    card_ids: list[str] = Field(default_factory=list, max_length=3)
    trend: Trend = "new"
    previous_people: int | None = Field(
        default=None, description="people in the matching theme of the previous window, if any"
    )


class ThemeReport(BaseModel):
    """Themes for one window (and cohort), with what was grouped or withheld."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    window_start: datetime | None
    window_end: datetime | None
    cohort: str | None = None
    themes: list[Theme] = Field(default_factory=list)
    other_people: int = Field(
        default=0,
        ge=0,
        description="distinct leaders in the merged small clusters; 0 when not shown",
    )
    suppressed_count: int = Field(
        default=0, ge=0, description="small clusters withheld entirely (their union was below k)"
    )
    total_people: int = Field(default=0, ge=0)
    min_people: int = Field(default=5, ge=1)
    faded: list[Theme] = Field(
        default_factory=list,
        description="themes shown in the previous window with no match now (people = 0)",
    )
