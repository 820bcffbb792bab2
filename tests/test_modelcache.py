"""Loading learned models: shipped first, then cached, else trained once and cached."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.modelcache import ModelFiles, load_current


class Stale(Exception):
    pass


def files(trained: list[str]) -> ModelFiles[str]:
    def load(path: Path, digest: str) -> str:
        if path.read_text() != digest:
            raise Stale(path.name)
        return f"loaded {path.name}"

    def train() -> str:
        trained.append("now")
        return "trained"

    return ModelFiles[str](
        name="test model",
        retrain="anchor test train",
        training_note="instantly",
        load=load,
        stale=Stale,
        train=train,
        save=lambda model, path: path.write_text("d1"),
    )


def test_the_shipped_file_wins_when_current(tmp_path: Path) -> None:
    (tmp_path / "shipped").write_text("d1")
    trained: list[str] = []
    model = load_current(files(trained), "d1", tmp_path / "shipped", tmp_path / "cached", {})
    assert model == "loaded shipped" and trained == []


def test_a_stale_shipped_file_is_trained_once_then_read_from_the_cache(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "shipped").write_text("old")
    trained: list[str] = []
    kind = files(trained)
    assert load_current(kind, "d1", tmp_path / "shipped", tmp_path / "cached", {}) == "trained"
    assert "run `anchor test train`" in caplog.text
    # a new process (an empty memo): the cache is read, nothing is trained again
    again = load_current(kind, "d1", tmp_path / "shipped", tmp_path / "cached", {})
    assert again == "loaded cached" and trained == ["now"]


def test_a_damaged_file_is_ignored_and_the_model_is_remembered(tmp_path: Path) -> None:
    (tmp_path / "shipped").write_bytes(b"\xff\xfe")  # not UTF-8: reading it fails
    trained: list[str] = []
    memo: dict[str, str] = {}
    kind = files(trained)
    assert load_current(kind, "d1", tmp_path / "shipped", None, memo) == "trained"
    assert load_current(kind, "d1", tmp_path / "shipped", None, memo) == "trained"
    assert trained == ["now"]
