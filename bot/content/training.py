"""Labelled example messages that teach the safety gate's risk model (prompts/safety/training),
and messages borrowed whole from elsewhere in the project (prompts/safety/borrowed.yaml)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from bot.datafiles import ContentError, load_yaml_model

Label = Literal["emergency", "crisis", "concern", "non_crisis"]
RISK_LABELS = frozenset({"emergency", "crisis", "concern"})


class Example(BaseModel):
    """One message and its level: emergency (danger to life now, the writer's or someone
    else's), crisis (the writer's own suicidal thoughts, plans or self-harm), concern
    (ambiguous signs, or worry about someone) or non_crisis (everything else)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1, max_length=2000)
    label: Label


class ExampleFile(RootModel[list[Example]]):
    pass


class Borrowed(BaseModel):
    """Messages written for another purpose, all of one label: each YAML file in `folder`
    (relative to prompts/safety) maps a key to a list of messages, as knowledge/asked does;
    the messages under a key in `skip` are left out."""

    model_config = ConfigDict(extra="forbid")

    folder: str = Field(min_length=1)
    label: Label
    skip: list[str] = Field(default_factory=list)


class KeyedMessages(RootModel[dict[str, list[str]]]):
    pass


BORROWED = "borrowed.yaml"


def training_files(prompts_dir: Path) -> list[Path]:
    return sorted((prompts_dir / "safety" / "training").glob("*.yaml"))


def borrowed_spec(prompts_dir: Path) -> Borrowed | None:
    path = prompts_dir / "safety" / BORROWED
    return load_yaml_model(path, Borrowed) if path.exists() else None


def borrowed_files(prompts_dir: Path) -> list[Path]:
    spec = borrowed_spec(prompts_dir)
    if spec is None:
        return []
    return sorted((prompts_dir / "safety" / spec.folder).glob("*.yaml"))


def borrowed_examples(prompts_dir: Path) -> list[Example]:
    """The borrowed messages as examples (empty without prompts/safety/borrowed.yaml)."""
    spec = borrowed_spec(prompts_dir)
    if spec is None:
        return []
    skip = set(spec.skip)
    return [
        Example(text=text, label=spec.label)
        for path in borrowed_files(prompts_dir)
        for key, texts in load_yaml_model(path, KeyedMessages).root.items()
        if key not in skip
        for text in texts
    ]


def load_training(prompts_dir: Path) -> list[Example]:
    """Every example, borrowed ones last; at least some crisis (or emergency) and some
    non_crisis, or a ContentError naming the folder."""
    examples = [
        e for path in training_files(prompts_dir) for e in load_yaml_model(path, ExampleFile).root
    ] + borrowed_examples(prompts_dir)
    labels = {e.label for e in examples}
    if "non_crisis" not in labels or not labels & {"emergency", "crisis"}:
        raise ContentError(
            prompts_dir / "safety" / "training",
            "examples",
            "needs crisis (or emergency) and non_crisis examples",
        )
    return examples


def training_digest(prompts_dir: Path) -> str:
    """Changes when the examples change (any file in the folder, new writers' included), or
    the rules and lexicon that prepare their text."""
    digest = hashlib.sha256()
    safety = prompts_dir / "safety"
    files = [*training_files(prompts_dir), safety / BORROWED, *borrowed_files(prompts_dir)]
    for path in [*files, safety / "rules.yaml", safety / "lexicon.yaml"]:
        if path.exists():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
