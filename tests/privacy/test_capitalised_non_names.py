"""Capitalised words that are not people or bodies here: seasons and months that are also
given names, programmes, models and rooms named after someone, clinical systems, campaigns,
plural things opening a sentence (round 6)."""

from __future__ import annotations

import pytest

from bot.privacy.scrub import Scrubber

MEMBERS = ["Summer Ashworth", "April Kemp", "Will Carter", "Grace Lee", "Baker Smith"]


@pytest.fixture(scope="module")
def scrubber(tmp_path_factory: pytest.TempPathFactory) -> Scrubber:
    return Scrubber(data_dir=tmp_path_factory.mktemp("non_names"), names=MEMBERS)


@pytest.mark.parametrize(
    "text",
    [
        "Summer is always worse for staffing",
        "April was brutal for the finance team",
        "I think Winter is the hardest bit",
        "The Rosalind Franklin Programme is for band 8a and above",
        "Schwartz Rounds are back on Thursdays",
        "the Governance Forum moved to Thursdays",
        "we swapped the huddle to Wednesdays",
        "Our EPR is Lorenzo and Nervecentre does obs",
        "Myers Briggs is not evidence based",
        "Maslow's hierarchy still has its uses",
        "Kotter's eight steps is the go to change model",
        "Movember raised a lot this year",
        "The Jasmine Suite is booked for the away day",
        "The Five Year Forward View feels like ancient history",
        "Place Based Partnership Board has been cancelled",
        "The Academic Health Science Network funded it",
        "Mencap and Scope campaign on this",
        "Will do, thanks",
        "Grace and favour arrangements for the estate",
        "Baker Street is closed",
        "The King's Fund has a good piece on this",
        "The Open University course was good",
    ],
)
def test_a_time_of_year_a_named_programme_or_a_plural_thing_stays(
    scrubber: Scrubber, text: str
) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("April is off today", "<NAME> is off today"),
        ("Summer said she would cover", "<NAME> said she would cover"),
        ("I asked April to chair", "I asked <NAME> to chair"),
        ("Jasmine said the suite is booked", "<NAME> said the suite is booked"),
        ("I asked Grace and Will to lead", "I asked <NAME> and <NAME> to lead"),
        ("Baker Smith said yes", "<NAME> said yes"),
        ("Incommunities have agreed", "<ORG> have agreed"),
    ],
)
def test_the_same_words_as_a_member_or_a_body_are_scrubbed(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected
