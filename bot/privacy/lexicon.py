"""The scrubber's word lists, read from ``prompts/privacy/lexicon.yaml`` and validated.

Patterns are code (``patterns.py``); the words they are built from are data, kept in YAML so
they can be reviewed and extended (organisation names will join them) without a code change.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.config import PROJECT_ROOT
from bot.datafiles import ContentError, load_yaml_model

DEFAULT_LEXICON = PROJECT_ROOT / "prompts" / "privacy" / "lexicon.yaml"

_WORD = re.compile(r"^[^\W\d_]+$")
_DOMAIN_ENDING = re.compile(r"^[a-z]{2,24}$")


LexiconError = ContentError  # the lexicon fails like any other data file: file, field, message


def _words(values: list[str]) -> list[str]:
    cleaned = [value.strip() for value in values]
    bad = [value for value in cleaned if not _WORD.match(value)]
    if bad:
        raise ValueError(f"not single words: {bad}")
    return cleaned


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Honorifics(_Section):
    titles: list[str] = Field(min_length=1)
    also_lower_case: list[str] = Field(default_factory=list)
    also_upper_case: list[str] = Field(default_factory=list)
    not_names: list[str] = Field(default_factory=list)

    @field_validator("titles", "also_lower_case", "also_upper_case", "not_names")
    @classmethod
    def _single_words(cls, values: list[str]) -> list[str]:
        return _words(values)

    def spellings(self) -> list[str]:
        """Every accepted spelling of a title, longest first (so "Mrs" is tried before "Mr")."""
        forms = {*self.titles, *self.also_lower_case, *self.also_upper_case}
        return sorted(forms, key=lambda form: (-len(form), form))

    def is_lower_case_title(self, title: str) -> bool:
        return title in self.also_lower_case


class Names(_Section):
    common_words: list[str] = Field(default_factory=list)
    particles: list[str] = Field(default_factory=list)

    @field_validator("common_words", "particles")
    @classmethod
    def _single_words(cls, values: list[str]) -> list[str]:
        return [word.casefold() for word in _words(values)]


class Urls(_Section):
    bare_domain_endings: list[str] = Field(min_length=1)

    @field_validator("bare_domain_endings")
    @classmethod
    def _endings(cls, values: list[str]) -> list[str]:
        cleaned = [value.strip().lower() for value in values]
        bad = [value for value in cleaned if not _DOMAIN_ENDING.match(value)]
        if bad:
            raise ValueError(f"not domain endings: {bad}")
        return cleaned


class Lexicon(_Section):
    honorifics: Honorifics
    names: Names
    urls: Urls


def load_lexicon(path: Path = DEFAULT_LEXICON) -> Lexicon:
    """Read and validate the lexicon; any problem is a ContentError naming the file and field."""
    return load_yaml_model(path, Lexicon)
