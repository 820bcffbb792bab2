"""`anchor safety cv`: each writer graded by a gate trained without them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.coach.safety import SafetyGate
from bot.config import PROJECT_ROOT
from bot.evals.writers import cross_validate, load_by_writer, writer_of

PROMPTS = PROJECT_ROOT / "prompts"


def test_a_writer_is_named_by_the_file() -> None:
    assert writer_of(Path("writer-d.yaml")) == "D"
    assert writer_of(Path("part1.yaml")) == "A"
    assert writer_of(Path("everyday.yaml")) == "A"


def test_a_new_writers_file_joins_as_a_writer_of_its_own(tmp_path: Path) -> None:
    extra = tmp_path / "writer-z.yaml"
    extra.write_text(
        yaml.safe_dump([{"text": "how do I chair a hard meeting", "label": "non_crisis"}])
    )
    written = load_by_writer(PROMPTS, [extra])
    assert [w.example.text for w in written if w.writer == "Z"] == ["how do I chair a hard meeting"]
    assert {"A", "B", "C"} <= {w.writer for w in written}


def _write(folder: Path, name: str, items: list[tuple[str, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml.safe_dump([{"text": t, "label": lab} for t, lab in items]))


@pytest.mark.slow  # trains a model per writer
def test_each_writer_is_graded_by_a_model_that_never_saw_them(tmp_path: Path) -> None:
    """Two small writers: every example is counted once, under its own writer, and the gate's
    own model is back in place afterwards."""
    prompts = tmp_path / "prompts"
    for part in ("rules.yaml", "lexicon.yaml", "signposts.yaml"):
        (prompts / "safety").mkdir(parents=True, exist_ok=True)
        (prompts / "safety" / part).write_bytes((PROMPTS / "safety" / part).read_bytes())
    training = prompts / "safety" / "training"
    calm = [
        f"the {topic} paper goes to the board on {day}"
        for topic in ("winter", "estates", "digital", "finance", "workforce")
        for day in ("monday", "friday", "tuesday")
    ]
    risky = [
        f"i have {how} and i want to end my life {when}"
        for how in ("pills saved", "a rope", "a plan", "the tablets", "a date set")
        for when in ("soon", "this week", "after the board")
    ]
    _write(
        training,
        "part1.yaml",
        [(t, "non_crisis") for t in calm[:8]] + [(t, "crisis") for t in risky[:8]],
    )
    _write(
        training,
        "writer-b.yaml",
        [(t, "non_crisis") for t in calm[8:]] + [(t, "crisis") for t in risky[8:]],
    )
    gate = SafetyGate.from_dir(PROMPTS, "your EAP", learned=False)
    result = cross_validate(gate, load_by_writer(prompts))
    by_writer = {f.writer: f for f in result.writers}
    assert set(by_writer) == {"A", "B"}
    assert by_writer["A"].messages == 16 and by_writer["B"].messages == 14
    assert by_writer["A"].crisis_or_above == 8 and by_writer["B"].calm == 7
    assert result.total.messages == 30
    # plain statements of a plan are caught by the rules whichever model grades them
    assert result.total.crisis_caught == result.total.crisis_or_above
    assert gate.detector.risk is None
    assert "Leave one writer out" in result.table()
