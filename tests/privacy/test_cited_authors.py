"""Authors, reports and numbered pages that look like names but are not people here."""

from __future__ import annotations

import pytest

from bot.privacy.scrub import Scrubber

DIRECTORY = ["Siân Page", "Grace Whitfield", "Kim Lewin", "Carys Mason"]


@pytest.mark.parametrize(
    "text",
    [
        "Page 12 has the wrong denominator fyi",
        "see Page 4 of the pack",
        "Lencioni's five dysfunctions landed well with the team",
        "Goleman's leadership styles came up in my 360",
        "Kotter's model again, sigh",
        "Francis report lessons are ten years old",
        "Nolan principles slide in the induction pack",
        "the Darzi review said as much",
        "Nan said she'd come to the appointment",
        "Mason jars on the ward again",
    ],
)
def test_cited_authors_and_pages_stay_as_written(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Page said she would chair", "<NAME> said she would chair"),
        ("ring Page on 07700 900123", "ring <NAME> on <PHONE>"),
        ("Lewin's back from leave", "<NAME>'s back from leave"),
        ("did Grace report it to Datix?", "did <NAME> report it to Datix?"),
        ("Sarah report it to Datix please", "<NAME> report it to Datix please"),
    ],
)
def test_people_with_the_same_words_are_still_names(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my EA is Sam Oduya, ask her", "my EA is <NAME>, ask her"),
        ("DCI Asante is joining the board", "<NAME> is joining the board"),
        ("Sgt Mills rang back", "<NAME> rang back"),
        ("Jo said no", "<NAME> said no"),
        ("Jo at Ashford Foodbank is worried", "<NAME> at <ORG> is worried"),
        ("Mason from the LA is on board", "<NAME> from the LA is on board"),
    ],
)
def test_word_given_names_and_ranks_before_a_surname_are_names(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected
