"""Templates for the offline composer, loaded from prompts/system/offline.yaml."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.content.loader import load_yaml_model
from bot.datafiles import check_regexes

TONES = ("feeling", "conflict", "question", "followup", "statement")


def _compile(patterns: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in patterns]


class SmallTalk(BaseModel):
    model_config = ConfigDict(extra="forbid")

    patterns: list[str] = Field(min_length=1)
    replies: list[str] = Field(min_length=1)

    _check = field_validator("patterns")(check_regexes)

    @cached_property
    def compiled(self) -> list[re.Pattern[str]]:
        return _compile(self.patterns)


class Followups(BaseModel):
    model_config = ConfigDict(extra="forbid")

    more: list[str] = Field(min_length=1)
    shift: list[str] = Field(min_length=1)
    # of the `more` requests, those asking for an example; answered from a card's practical
    # sections (their headings match `practical`) before the rest of it
    example: list[str] = Field(min_length=1)
    practical: list[str] = Field(min_length=1)

    _check = field_validator("more", "shift", "example", "practical")(check_regexes)

    @cached_property
    def more_compiled(self) -> list[re.Pattern[str]]:
        return _compile(self.more)

    @cached_property
    def example_compiled(self) -> list[re.Pattern[str]]:
        return _compile(self.example)

    @cached_property
    def practical_compiled(self) -> list[re.Pattern[str]]:
        return _compile(self.practical)

    @cached_property
    def shift_compiled(self) -> list[re.Pattern[str]]:
        return _compile(self.shift)


class OfflineTemplates(BaseModel):
    model_config = ConfigDict(extra="forbid")

    acknowledgements: dict[str, list[str]]
    tone_words: dict[str, list[str]]
    bridges: list[str] = Field(min_length=1)
    fallback_questions: list[str] = Field(min_length=1)
    empty: str
    truncated: str
    no_match: str
    no_match_question: str
    more_exhausted: str
    more_without_topic: str
    sources_heading: str
    as_of: str = Field(
        description="said once when a reply draws on a card with `as_of`; {month} is its month"
    )
    small_talk: dict[str, SmallTalk]
    followups: Followups

    @field_validator("acknowledgements")
    @classmethod
    def _all_tones(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        missing = [tone for tone in TONES if not value.get(tone)]
        if missing:
            raise ValueError(f"needs at least one line for each of: {', '.join(missing)}")
        return value

    @field_validator("as_of")
    @classmethod
    def _month(cls, value: str) -> str:
        if "{month}" not in value or "as of" not in value.lower():
            raise ValueError("must say 'as of {month}'")
        return value

    @field_validator("fallback_questions")
    @classmethod
    def _questions(cls, value: list[str]) -> list[str]:
        for line in value:
            if not line.rstrip().endswith("?"):
                raise ValueError(f"{line!r} must be a question")
        return value


def load_offline_templates(prompts_dir: Path) -> OfflineTemplates:
    return load_yaml_model(prompts_dir / "system" / "offline.yaml", OfflineTemplates)
