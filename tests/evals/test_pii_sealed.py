"""Sealed names sets: scored by word, reported and logged without a single message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.evals.pii_sealed import SealedSetError, is_pii_set, measure_pii, record_pii

SET = {
    "directory": ["Zanele Khumalo"],
    "items": [
        # From the directory: both words scrubbed.
        {
            "text": "Zanele Khumalo is chairing today",
            "entities": [{"type": "PERSON", "text": "Zanele Khumalo"}],
        },
        # An address and a phone number, both scrubbed whole.
        {
            "text": "write to qx.planner@example.org or ring 07700 900461",
            "entities": [
                {"type": "EMAIL_ADDRESS", "text": "qx.planner@example.org"},
                {"type": "PHONE_NUMBER", "text": "07700 900461"},
            ],
        },
        # A made-up name no list knows, in no context: it stays, two words missed.
        {
            "text": "the blorvik quenthatch figures look odd",
            "entities": [{"type": "PERSON", "text": "blorvik quenthatch"}],
        },
        {"text": "Can we move the huddle to Thursday?", "entities": []},
        {"text": "please ask Zanele Khumalo", "entities": []},  # labelled clean, scrubbed
    ],
}


@pytest.fixture
def sealed(tmp_path: Path) -> Path:
    folder = tmp_path / "names-test"
    folder.mkdir()
    (folder / "names.yaml").write_text(yaml.safe_dump(SET), encoding="utf-8")
    return folder


def test_words_are_counted_per_type_and_clean_texts_checked(sealed: Path, tmp_path: Path) -> None:
    figures = measure_pii(sealed, tmp_path).figures()
    assert figures["names_recall_by_word"] == 0.5  # 2 of 4 name words
    assert figures["recall_by_word[EMAIL_ADDRESS]"] == 1.0
    assert figures["recall_by_word[PHONE_NUMBER]"] == 1.0  # both words of the number
    assert figures["overall_recall_by_word"] == pytest.approx(5 / 7, abs=1e-3)
    assert figures["clean_texts_changed"] == 0.5
    assert figures["items"] == 5


def test_nothing_in_the_set_is_shown_or_logged(sealed: Path, tmp_path: Path) -> None:
    result = measure_pii(sealed, tmp_path)
    log = tmp_path / "log.jsonl"
    record_pii(result, "names by context", log)
    shown = result.table() + json.dumps(result.figures()) + log.read_text(encoding="utf-8")
    for word in ("Zanele", "Khumalo", "blorvik", "quenthatch", "example.org", "900461", "huddle"):
        assert word not in shown
    entry = json.loads(log.read_text(encoding="utf-8"))
    assert entry["set"] == "names-test" and entry["kind"] == "pii"
    assert entry["note"] == "names by context" and entry["commit"]


def test_a_broken_set_is_refused_without_quoting_it(tmp_path: Path) -> None:
    folder = tmp_path / "names-bad"
    folder.mkdir()
    bad = {"items": [{"text": "ask Wiremu", "entities": [{"type": "PERSON", "text": "Tane"}]}]}
    (folder / "names.yaml").write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(SealedSetError) as caught:
        measure_pii(folder, tmp_path)
    assert "items.0" in str(caught.value)
    assert "Wiremu" not in str(caught.value) and "Tane" not in str(caught.value)


def test_pii_sets_are_told_from_safety_sets(sealed: Path, tmp_path: Path) -> None:
    safety = tmp_path / "safety-x"
    safety.mkdir()
    (safety / "everyday.yaml").write_text(
        yaml.safe_dump([{"text": "my goals", "expected": "none"}]), encoding="utf-8"
    )
    assert is_pii_set(sealed) and not is_pii_set(safety)


def test_the_command_prints_figures_only(
    sealed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import cli
    from bot.evals import pii_sealed

    log = tmp_path / "cli-log.jsonl"
    monkeypatch.setattr(pii_sealed, "LOG", log)
    monkeypatch.setenv("ANCHOR_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(cli.app, ["eval", "pii", "--sealed", str(sealed), "--note", "try"])
    assert result.exit_code == 0, result.output
    assert "names recall by word" in result.output and "0.500" in result.output
    assert "Zanele" not in result.output and "blorvik" not in result.output
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1
