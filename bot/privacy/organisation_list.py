"""The configurable list of organisation names: its file, its validation and its loading."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.config import PROJECT_ROOT
from bot.datafiles import load_yaml_model

DEFAULT_ORGANISATIONS = PROJECT_ROOT / "prompts" / "privacy" / "organisations.yaml"

PLACEHOLDER = "{}"

_NAME = re.compile(r"^[^\W_](?:[\w'’.&,()-]|\s(?=\S))*$")


def _names(values: list[str]) -> list[str]:
    cleaned = [" ".join(value.split()) for value in values]
    bad = [value for value in cleaned if not _NAME.match(value)]
    if bad:
        raise ValueError(f"not names: {bad}")
    return cleaned


class OrganisationGroup(BaseModel):
    """Names and the forms they are written in: "{} Council" with "Kirklees"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    about: str = ""
    forms: list[str] = Field(min_length=1)
    names: list[str] = Field(min_length=1)

    @field_validator("forms")
    @classmethod
    def _forms(cls, values: list[str]) -> list[str]:
        bad = [value for value in values if value.count(PLACEHOLDER) != 1]
        if bad:
            raise ValueError(f"each form needs one {PLACEHOLDER}: {bad}")
        return [" ".join(value.split()) for value in values]

    @field_validator("names")
    @classmethod
    def _valid_names(cls, values: list[str]) -> list[str]:
        return _names(values)

    def expanded(self) -> Iterator[str]:
        for name in self.names:
            for form in self.forms:
                yield form.replace(PLACEHOLDER, name)


class OrganisationList(BaseModel):
    """The file: names as written, groups of names with their forms, and names to keep."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    organisations: list[str] = Field(default_factory=list)
    groups: list[OrganisationGroup] = Field(default_factory=list)
    capitalised_only: list[str] = Field(default_factory=list)
    not_organisations: list[str] = Field(default_factory=list)

    @field_validator("organisations", "capitalised_only", "not_organisations")
    @classmethod
    def _valid_names(cls, values: list[str]) -> list[str]:
        return _names(values)

    def all_names(self) -> list[str]:
        expanded = (name for group in self.groups for name in group.expanded())
        return list(dict.fromkeys([*self.organisations, *expanded]))


def load_organisations(path: Path = DEFAULT_ORGANISATIONS) -> OrganisationList:
    """Read and validate a list; any problem is a ContentError naming the file and field."""
    return load_yaml_model(path, OrganisationList)
