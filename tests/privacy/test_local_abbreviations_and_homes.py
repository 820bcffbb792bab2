"""Local bodies by their initials, saints' hospices, homes before "care home"; tools named
after a place are no bodies."""

from __future__ import annotations

import pytest

from bot.privacy.scrub import Scrubber


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KAH are refusing mutual aid again", "<ORG> are refusing mutual aid again"),
        ("GCH said they can't staff it", "<ORG> said they can't staff it"),
        ("NSICB want the plan resubmitted", "<ORG> want the plan resubmitted"),
        ("St Luke's in Ashford has a new CEO", "<ORG> in Ashford has a new CEO"),
        ("Bron y Garth care home is closing", "<ORG> is closing"),
        ("the Larchfield nursing home rang", "the <ORG> rang"),
        ("marsh lane surgery rang back", "<ORG> rang back"),
        ("Kingsbridge ED is a car park again", "<ORG> ED is a car park again"),
    ],
)
def test_local_bodies_are_organisations(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "CQC are coming in March",
        "NICE have published the guidance",
        "BMA said they would ballot",
        "Covid care home deaths were in the report",
        "the Scottish care home sector is struggling",
        "Welsh care home fees went up",
        "St Patrick's Day rota is out",
        "Glasgow Coma Scale training on Friday",
        "the Bristol Stool Chart is in the pack",
        "a high street practice is closing",
        "Paeds ED is quiet for once",
        "Covid ICU beds are down to two",
    ],
)
def test_national_bodies_and_kinds_of_home_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text
