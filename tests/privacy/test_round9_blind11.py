"""Scrubber round 9: local forums and hospices with their place, short forms of members'
given names, and clean texts that only look like members' names."""

from __future__ import annotations

import pytest

from bot.privacy.scrub import Scrubber

DIRECTORY = ["Abdullah Qureshi", "Faith Mercer", "Charity Nwosu", "Ivy Cartwright"]


@pytest.fixture(scope="module")
def scrubber(tmp_path_factory: pytest.TempPathFactory) -> Scrubber:
    return Scrubber(data_dir=tmp_path_factory.mktemp("round9"), names=DIRECTORY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A place's own forum is a local body.
        (
            "the Wakefield Carers Forum wants a speaker in June",
            "the <ORG> wants a speaker in June",
        ),
        # A place after "Hospice" belongs to its name, as after "Hospital".
        (
            "St Bede's Hospice Bradford have offered two beds",
            "<ORG> have offered two beds",
        ),
    ],
)
def test_local_bodies_with_their_place(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Whose forum, not its name.
        "the Patient Forum is on the second Tuesday",
        "can the Senior Managers Forum see this first",
    ],
)
def test_kinds_of_forum_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text
