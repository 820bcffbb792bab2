"""Labelled messages that teach Anchor's reading of scope (prompts/scope/*.yaml).

Each file is a list of `{label, text}`, `label` in_scope (what a leadership coach is for, even
when it borrows the words of other subjects: "the snow has shut two of our community bases")
or out_of_scope (a request to decline: trivia, recipes, travel, shopping, personal money, law or
medicine, IT support, code, other languages). Written by independent writers who never saw
Anchor's code. The learned scope model (`bot.coach.scope_model`) also reads every leader
message in knowledge/asked/ and every safety training example as in scope: a risk message is
never declined.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from bot.datafiles import load_yaml_model

ScopeLabel = Literal["in_scope", "out_of_scope"]


class ScopeExample(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1, max_length=2000)
    label: ScopeLabel


class ScopeFile(RootModel[list[ScopeExample]]):
    pass


def scope_files(prompts_dir: Path) -> list[Path]:
    return sorted((prompts_dir / "scope").glob("*.yaml"))


def load_scope_examples(prompts_dir: Path) -> list[ScopeExample]:
    return [e for path in scope_files(prompts_dir) for e in load_yaml_model(path, ScopeFile).root]


def files_digest(paths: list[Path]) -> str:
    """Changes when any of the files (names or contents) changes."""
    digest = hashlib.sha256()
    for path in paths:
        if path.exists():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
