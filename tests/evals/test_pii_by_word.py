"""`anchor eval pii --by-word`: the sealed runner's word figures on readable sets, with misses."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.evals.pii_by_word import IN_HOUSE_SETS, format_by_word, measure_file

SET = {
    "directory": ["Zanele Khumalo"],
    "items": [
        {
            "text": "Zanele Khumalo is chairing today",
            "entities": [{"type": "PERSON", "text": "Zanele Khumalo"}],
        },
        # A made-up name no list knows, in no context: two words missed.
        {
            "text": "the blorvik quenthatch figures look odd",
            "entities": [{"type": "PERSON", "text": "blorvik quenthatch"}],
        },
        {"text": "Can we move the huddle to Thursday?", "entities": []},
        {"text": "please ask Zanele Khumalo", "entities": []},  # labelled clean, scrubbed
    ],
}


def write_set(folder: Path) -> Path:
    path = folder / "names.yaml"
    path.write_text(yaml.safe_dump(SET), encoding="utf-8")
    return path


def test_a_set_is_scored_by_word_and_its_misses_are_listed(tmp_path: Path) -> None:
    found = measure_file(write_set(tmp_path), tmp_path / "data")
    counts = found.result.counts
    assert (counts.recalled["PERSON"], counts.words["PERSON"]) == (2, 4)
    assert (counts.clean_changed, counts.clean) == (1, 2)
    assert [line.split(" in: ")[0] for line in found.misses] == [
        "PERSON 'blorvik'",
        "PERSON 'quenthatch'",
    ]
    assert found.changed == ["please ask Zanele Khumalo -> please ask <NAME>"]
    table = format_by_word([found], misses=True)
    assert "names.yaml" in table and "0.500 (2/4)" in table and "0.500 (1/2)" in table
    assert "missed names.yaml: PERSON 'blorvik'" in table


def test_every_in_house_set_is_measured_and_none_is_sealed() -> None:
    names = [path.name for path in IN_HOUSE_SETS]
    assert "pii_dev_blind.yaml" in names and "pii_context_holdout.yaml" in names
    assert "pii_dev_blind2.yaml" in names and "pii_dev_blind5.yaml" in names
    assert "pii_dev_blind8.yaml" in names and "pii_dev_blind9.yaml" in names
    assert all(path.exists() and "sealed" not in path.parts for path in IN_HOUSE_SETS)


def test_the_command_prints_one_row_per_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import app

    monkeypatch.setenv("ANCHOR_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(
        app, ["eval", "pii", "--by-word", "--data", str(write_set(tmp_path))]
    )
    assert result.exit_code == 0, result.output
    assert "names.yaml" in result.output and "0.500 (2/4)" in result.output
    assert "blorvik" not in result.output  # misses only with --misses
