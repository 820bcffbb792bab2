"""Common given names, found without the Slack directory: "my PA Bernadette", "Tunde said".

The names are data (``prompts/privacy/given_names.yaml``); the rules are here:

- A name counts only when capitalised and not all in capitals ("Sandra", not "sandra" or
  "SANDRA", which may be an acronym). Names that are ordinary words ("Will", "Grace") are
  dropped when loading: those are found only from the directory or after a title.
- After "St", "Queen", "King"... a name is part of a place or building ("St Mary's",
  "Queen Elizabeth Hospital").
- A capitalised word right after the name, that is not an ordinary word, is its surname
  ("Femi Adeleke"); the possessive ending stays outside ("Sandra's").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.config import PROJECT_ROOT
from bot.datafiles import load_yaml_model
from bot.privacy.names import name_key
from bot.privacy.patterns import DONE_ABBREVIATION, NAME_WORD, POSSESSIVE_ENDINGS

DEFAULT_GIVEN_NAMES = PROJECT_ROOT / "prompts" / "privacy" / "given_names.yaml"

_NAME = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$")
_SURNAME_GAP = re.compile(r"^[^\S\r\n]$")

Span = tuple[int, int]


class GivenNames(BaseModel):
    """The file: ``names`` is a list of groups (by origin), each a list of names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    names: list[list[str]] = Field(min_length=1)

    @field_validator("names")
    @classmethod
    def _names(cls, groups: list[list[str]]) -> list[list[str]]:
        bad = [name for group in groups for name in group if not _NAME.match(name.strip())]
        if bad:
            raise ValueError(f"not names: {bad}")
        return [[name.strip() for name in group] for group in groups]

    def all(self) -> list[str]:
        return [name for group in self.names for name in group]


def load_given_names(path: Path = DEFAULT_GIVEN_NAMES) -> GivenNames:
    """Read and validate the list; any problem is a ContentError naming the file and field."""
    return load_yaml_model(path, GivenNames)


class GivenNameFinder:
    """Finds given names from a fixed list in text; immutable, so safe across threads."""

    def __init__(
        self,
        names: Iterable[str],
        *,
        ordinary: Collection[str] = (),
        not_after: Collection[str] = (),
    ) -> None:
        self._ordinary = frozenset(name_key(word) for word in ordinary)
        self._names = frozenset(name_key(name) for name in names) - self._ordinary
        self._not_after = frozenset(name_key(word) for word in not_after)

    def __len__(self) -> int:
        return len(self._names)

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        previous: re.Match[str] | None = None
        skip_until = -1
        for match in NAME_WORD.finditer(text):
            if match.start() < skip_until:
                previous = match
                continue
            end = self._name_end(text, match, previous)
            if end is not None:
                spans.append((match.start(), end))
                skip_until = end
            previous = match
        return spans

    def _name_end(
        self, text: str, match: re.Match[str], previous: re.Match[str] | None
    ) -> int | None:
        word = match.group()
        if not _capitalised(word):
            return None
        end = self._known_end(match)
        if end is None:
            return None
        if previous is not None and name_key(previous.group().rstrip(".")) in self._not_after:
            return None
        if end < match.end():
            return end  # a possessive or a hyphenated compound ("Sandra's", "Priya-led")
        surname = (
            NAME_WORD.match(text, end + 1) if _SURNAME_GAP.match(text[end : end + 1]) else None
        )
        if surname is not None and self._is_surname(surname.group()):
            return surname.end() - _possessive_length(surname.group())
        return end

    def _known_end(self, match: re.Match[str]) -> int | None:
        """Where the given name in ``match`` ends (without a possessive), if it is one."""
        word = match.group()
        if name_key(word) in self._names:
            return match.end()
        ending = _possessive_length(word)
        if ending and name_key(word[:-ending]) in self._names:
            return match.end() - ending
        first = word.split("-", 1)[0]
        if first != word and name_key(first) in self._names:
            return match.start() + len(first)
        return None

    def _is_surname(self, word: str) -> bool:
        if DONE_ABBREVIATION.fullmatch(word):
            return False  # "Sarah CC'd me in"
        base = word[: len(word) - _possessive_length(word)]
        return _capitalised(base) and name_key(base) not in self._ordinary


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or not word.isupper())


def _possessive_length(word: str) -> int:
    for ending in POSSESSIVE_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending):
            return len(ending)
    return 0
