"""The shipped sealed sets are well formed and have not leaked into the training examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.content.training import encoder_only_examples, load_training
from bot.evals.sealed import SEALED_DIR, load_sealed, set_files

# Safety sets only (safety-*): names and coaching sets have their own formats and runners.
SETS = sorted(p for p in SEALED_DIR.glob("safety-*") if p.is_dir())


def normal(text: str) -> str:
    return " ".join(text.lower().split())


@pytest.mark.parametrize("folder", SETS, ids=[p.name for p in SETS])
def test_a_sealed_set_loads_and_is_big_enough(folder: Path) -> None:
    items = [item for path in set_files(folder) for item in load_sealed(path)]
    risk = [i for i in items if i.expected != "none"]
    calm = [i for i in items if i.expected == "none"]
    assert len(risk) >= 100 and len(calm) >= 600


@pytest.mark.parametrize("folder", SETS, ids=[p.name for p in SETS])
def test_no_sealed_message_is_a_training_example(folder: Path) -> None:
    # Replies of a few words ("yes", "not sure") are everyone's; longer ones are a writer's own.
    # Only a count is reported, never a message.
    prompts = PROJECT_ROOT / "prompts"
    trained = {normal(e.text) for e in load_training(prompts)}
    trained |= {normal(e.text) for _, e in encoder_only_examples(prompts)}
    leaked = sum(
        len(item.text.split()) > 3 and normal(item.text) in trained
        for path in set_files(folder)
        for item in load_sealed(path)
    )
    assert leaked == 0, f"{leaked} sealed messages are safety training examples"
