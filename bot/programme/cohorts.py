"""Cohorts (e.g. a programme intake): named lists of leaders, from ANCHOR_COHORTS_FILE.

cohorts:
  intake-2026-spring: [U01ABC, U02DEF, ...]
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bot.datafiles import load_yaml_model

CohortName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
MemberId = Annotated[str, StringConstraints(pattern=r"^(slack:)?[UW][A-Z0-9]{2,}$")]


class CohortsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    cohorts: dict[CohortName, list[MemberId]] = Field(default_factory=dict)


class Cohorts:
    def __init__(self, cohorts: dict[str, list[str]]) -> None:
        self._members = {
            name: frozenset(m if m.startswith("slack:") else f"slack:{m}" for m in members)
            for name, members in cohorts.items()
        }

    @classmethod
    def load(cls, path: Path | None) -> Cohorts:
        if path is None:
            return cls({})
        return cls(dict(load_yaml_model(path, CohortsFile).cohorts))

    @property
    def names(self) -> list[str]:
        return sorted(self._members)

    def members(self, name: str) -> frozenset[str] | None:
        """The external ids of a cohort's members; None for a cohort nobody configured."""
        return self._members.get(name)
