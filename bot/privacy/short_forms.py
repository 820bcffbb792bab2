"""Short forms of members' given names: "Mo" for a member called Mohammed.

The table is data (``prompts/privacy/short_forms.yaml``); the rule is here: for each directory
name, the short forms of its given name (the first word after any title) are added to the
deny-list as names of their own, found only when capitalised ("Dai", not the Italian "dai")
and otherwise by the deny-list's rules. Short forms that are ordinary name words
("Will", "Sue") are never added: a member called William is too weak a sign that "will" is
someone.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.config import PROJECT_ROOT
from bot.datafiles import load_yaml_model
from bot.privacy.names import name_key
from bot.privacy.patterns import WORD

DEFAULT_SHORT_FORMS = PROJECT_ROOT / "prompts" / "privacy" / "short_forms.yaml"

_ONE_WORD = re.compile(r"^[^\W\d_]+$")


class ShortForms(BaseModel):
    """The file: ``short_forms`` maps a full given name to its short forms."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    short_forms: dict[str, list[str]] = Field(min_length=1)

    @field_validator("short_forms")
    @classmethod
    def _one_word_each(cls, table: dict[str, list[str]]) -> dict[str, list[str]]:
        bad = [
            f"{name}: {form}"
            for name, forms in table.items()
            for form in [name, *forms]
            if not _ONE_WORD.match(form)
        ]
        if bad:
            raise ValueError(f"not single words: {bad}")
        same = [name for name, forms in table.items() if name_key(name) in map(name_key, forms)]
        if same:
            raise ValueError(f"a name is its own short form: {same}")
        empty = [name for name, forms in table.items() if not forms]
        if empty:
            raise ValueError(f"no short forms: {empty}")
        return table

    def by_key(self) -> dict[str, tuple[str, ...]]:
        """The table by ``name_key`` of the full name, spellings merged."""
        merged: dict[str, list[str]] = {}
        for name, forms in self.short_forms.items():
            merged.setdefault(name_key(name), []).extend(forms)
        return {key: tuple(dict.fromkeys(forms)) for key, forms in merged.items()}


def load_short_forms(path: Path = DEFAULT_SHORT_FORMS) -> ShortForms:
    """Read and validate the table; any problem is a ContentError naming the file and field."""
    return load_yaml_model(path, ShortForms)


class ShortFormTable:
    """Looks up the short forms of directory names; immutable, so safe across threads."""

    def __init__(
        self,
        forms: ShortForms,
        *,
        titles: Collection[str] = (),
        ordinary: Collection[str] = (),
    ) -> None:
        """``ordinary``: ordinary name words ("will", "sue"), never added as a short form."""
        skipped = frozenset(name_key(word) for word in ordinary)
        self._forms = {
            key: kept
            for key, forms_of in forms.by_key().items()
            if (kept := tuple(form for form in forms_of if name_key(form) not in skipped))
        }
        self._titles = frozenset(name_key(title) for title in titles)

    def of_names(self, names: Iterable[str]) -> list[str]:
        """The short forms of each name's given name, in order, each once."""
        found: dict[str, None] = {}
        for name in names:
            for form in self._forms.get(self._given_key(name) or "", ()):
                found[form] = None
        return list(found)

    def _given_key(self, name: str) -> str | None:
        """The ``name_key`` of the first word of ``name`` that is no title."""
        for match in WORD.finditer(name):
            key = name_key(match.group())
            if key not in self._titles:
                return key
        return None
