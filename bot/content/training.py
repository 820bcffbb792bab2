"""Labelled example messages that teach the safety gate's risk model (prompts/safety/training)."""

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


def training_files(prompts_dir: Path) -> list[Path]:
    return sorted((prompts_dir / "safety" / "training").glob("*.yaml"))


def load_training(prompts_dir: Path) -> list[Example]:
    """Every example; at least some crisis (or emergency) and some non_crisis, or a
    ContentError naming the folder."""
    examples = [
        e for path in training_files(prompts_dir) for e in load_yaml_model(path, ExampleFile).root
    ]
    labels = {e.label for e in examples}
    if "non_crisis" not in labels or not labels & {"emergency", "crisis"}:
        raise ContentError(
            prompts_dir / "safety" / "training",
            "examples",
            "needs crisis (or emergency) and non_crisis examples",
        )
    return examples


def encoder_only_examples(prompts_dir: Path) -> list[tuple[str, Example]]:
    """The safety encoder's own extra examples, as (writer, example): close twins of risk
    messages in prompts/safety/encoder/twins, which the TF-IDF heads do not train on (they
    share the risk messages' words, and cost those heads recall)."""
    folder = prompts_dir / "safety" / "encoder" / "twins"
    return [
        (path.stem, example)
        for path in sorted(folder.glob("*.yaml"))
        for example in load_yaml_model(path, ExampleFile).root
    ]


def training_digest(prompts_dir: Path) -> str:
    """Changes when the examples change (any file in the folder, new writers' included), or
    the rules and lexicon that prepare their text."""
    digest = hashlib.sha256()
    safety = prompts_dir / "safety"
    for path in [*training_files(prompts_dir), safety / "rules.yaml", safety / "lexicon.yaml"]:
        if path.exists():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
