"""Labelled example messages that teach the safety gate's risk model (prompts/safety/training)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from bot.datafiles import ContentError, load_yaml_model


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1, max_length=2000)
    label: Literal["crisis", "non_crisis"]


class ExampleFile(RootModel[list[Example]]):
    pass


def training_files(prompts_dir: Path) -> list[Path]:
    return sorted((prompts_dir / "safety" / "training").glob("*.yaml"))


def load_training(prompts_dir: Path) -> list[Example]:
    """Every example; at least some of each label, or a ContentError naming the folder."""
    examples = [
        e for path in training_files(prompts_dir) for e in load_yaml_model(path, ExampleFile).root
    ]
    labels = {e.label for e in examples}
    if labels != {"crisis", "non_crisis"}:
        raise ContentError(
            prompts_dir / "safety" / "training", "examples", "needs examples of both labels"
        )
    return examples


def training_digest(prompts_dir: Path) -> str:
    """Changes when the examples change, or the rules and lexicon that prepare their text."""
    digest = hashlib.sha256()
    safety = prompts_dir / "safety"
    for path in [*training_files(prompts_dir), safety / "rules.yaml", safety / "lexicon.yaml"]:
        if path.exists():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
