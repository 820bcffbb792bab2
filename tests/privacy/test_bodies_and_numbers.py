"""Local bodies by their initials and saints' names, and people found beside a phone number."""

from __future__ import annotations

import pytest

from bot.privacy.scrub import Scrubber


@pytest.fixture(scope="module")
def scrubber(tmp_path_factory: pytest.TempPathFactory) -> Scrubber:
    return Scrubber(data_dir=tmp_path_factory.mktemp("bodies"), names=["Daniel Whitfield"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("report due to the Kirklees Safeguarding Adults Board", "report due to the <ORG>"),
        ("40 lists over the summer at St Thomas'. Fine", "40 lists over the summer at <ORG>. Fine"),
        (
            "she is joining us from Guy's and St Thomas' in May",
            "she is joining us from <ORG> in May",
        ),
        ("ltht & lypft both on the call", "<ORG> & <ORG> both on the call"),
        ("GSTT have offered mutual aid", "<ORG> have offered mutual aid"),
        (
            "At Sheffield Teaching Hospitals NHS Foundation Trust it went well. STH agree",
            "At <ORG> it went well. <ORG> agree",
        ),
        ("the contact is Marguerite, 01632 960381", "the contact is <NAME>, <PHONE>"),
        ("nell's off sick, so I'll cover", "<NAME>'s off sick, so I'll cover"),
        ("faz and danny are doing the briefing", "<NAME> and <NAME> are doing the briefing"),
    ],
)
def test_bodies_and_people_found_by_their_shape_or_context(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Happy St Patrick's Day all",
        "St Mary's and St Helens are nearby",
        "the 18 week RTT target is a long way off",
        "Switchboard on 0121 is the way in",
        "we left the draft with the chair",
        "faz and fizz are words I made up",
    ],
)
def test_days_national_abbreviations_and_words_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text
