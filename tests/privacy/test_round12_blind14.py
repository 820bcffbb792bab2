"""Scrubber round 12: a nickname that is also a word before "and I", ..."""

from __future__ import annotations

import pytest

from bot.privacy.scrub import Scrubber


@pytest.fixture(scope="module")
def scrubber(tmp_path_factory: pytest.TempPathFactory) -> Scrubber:
    return Scrubber(data_dir=tmp_path_factory.mktemp("round12"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A surname or nickname that is also an English word, before "and I" / "and me".
        (
            "Pike and I are running the session on Friday",
            "<NAME> and I are running the session on Friday",
        ),
        ("Birch and me went to the depot", "<NAME> and me went to the depot"),
        ("Gill and I covered the stand-up", "<NAME> and I covered the stand-up"),
    ],
)
def test_names_by_these_contexts_are_found(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Mum and I are fine, thanks for asking",
        "Research and I have never got on",
        "Nobody and I mean nobody read the papers",
    ],
)
def test_ordinary_words_in_these_contexts_are_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text
