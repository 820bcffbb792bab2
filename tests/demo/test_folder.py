"""The demo folder: made only where it cannot harm real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.demo.folder import (
    MARKER,
    DemoRefused,
    is_demo_folder,
    prepare_folder,
    require_demo_folder,
)


def test_a_new_folder_is_made_and_marked(tmp_path: Path) -> None:
    made = prepare_folder(tmp_path / "demo", tmp_path / "real", force=False)
    assert made == (tmp_path / "demo").resolve() and is_demo_folder(made)
    assert not (tmp_path / "real").exists()


def test_an_empty_existing_folder_may_be_used(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert is_demo_folder(prepare_folder(tmp_path / "empty", tmp_path / "real", force=False))


@pytest.mark.parametrize("where", [".", "real", "real/inside", ".."], ids=str)
def test_the_real_data_folder_is_refused_whatever_the_spelling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    real = tmp_path / "work" / "real"
    real.mkdir(parents=True)
    (real / "anchor.db").write_text("real data", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "work")
    with pytest.raises(DemoRefused, match="real data folder"):
        prepare_folder(Path(where), Path("real"), force=True)
    assert (real / "anchor.db").read_text(encoding="utf-8") == "real data"


def test_a_folder_it_did_not_make_is_refused_even_with_force(tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    for force in (False, True):
        with pytest.raises(DemoRefused, match="not an Anchor demo folder"):
            prepare_folder(other, tmp_path / "real", force=force)
    assert (other / "notes.txt").read_text(encoding="utf-8") == "mine"
    (other / MARKER).write_text("{not the marker", encoding="utf-8")
    with pytest.raises(DemoRefused, match="not an Anchor demo folder"):
        prepare_folder(other, tmp_path / "real", force=True)


def test_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(DemoRefused, match="is a file"):
        prepare_folder(tmp_path / "file", tmp_path / "real", force=True)


def test_a_demo_folder_is_kept_unless_forced_then_rebuilt_from_nothing(tmp_path: Path) -> None:
    demo = prepare_folder(tmp_path / "demo", tmp_path / "real", force=False)
    (demo / "anchor.db").write_text("old demo", encoding="utf-8")
    with pytest.raises(DemoRefused, match="--force"):
        prepare_folder(tmp_path / "demo", tmp_path / "real", force=False)
    assert (demo / "anchor.db").exists()
    again = prepare_folder(tmp_path / "demo", tmp_path / "real", force=True)
    assert again == demo and sorted(p.name for p in demo.iterdir()) == [MARKER]


def test_the_builder_only_fills_a_marked_demo_folder(tmp_path: Path) -> None:
    demo = prepare_folder(tmp_path / "demo", tmp_path / "real", force=False)
    assert require_demo_folder(tmp_path / "demo", tmp_path / "real") == demo
    (tmp_path / "plain").mkdir()
    for folder, real in ((tmp_path / "plain", tmp_path / "real"), (demo, demo)):
        with pytest.raises(DemoRefused):
            require_demo_folder(folder, real)
