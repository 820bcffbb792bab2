"""Local bodies written the way leaders write them: a trust's places, and what stays a place."""

from __future__ import annotations

import pytest

from bot.privacy.scrub import Scrubber


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("got passed to Lewisham and Greenwich by mistake", "got passed to <ORG> by mistake"),
        ("Torbay and South Devon are short of nurses", "<ORG> are short of nurses"),
    ],
)
def test_a_trusts_places_joined_by_and_stand_for_it(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I drive between Leeds and York most weeks",
        "the Cheshire and Wirral style of merger keeps coming up",
        "lewisham and greenwich are both on the route",
    ],
)
def test_the_same_places_stay_as_places(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the holmfirth health centre is closing", "the <ORG> is closing"),
        ("ring the meltham surgery first", "ring the <ORG> first"),
    ],
)
def test_a_body_written_in_lower_case_after_its_place(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the local hospital said no",
        "reflective practice is useful",
        "the oncology hospital is new",
    ],
)
def test_kinds_of_body_in_lower_case_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a home's name in a message about care homes
        (
            "care home update: Bramble Lodge and Thorn Manor are closed",
            "care home update: <ORG> and <ORG> are closed",
        ),
        ("we found a placement at Alder Court for him", "we found a placement at <ORG> for him"),
        # a place or a word that is no English word opening a sentence before a plural verb
        ("Kirklees have signed it off", "<ORG> have signed it off"),
        ("Ordsall have agreed to it. Good.", "<ORG> have agreed to it. Good."),
        # radio stations, companies and agencies by their endings
        ("I'm on BBC Radio Sheffield at 8", "I'm on <ORG> at 8"),
        ("Sunshine Homecare Ltd went bust", "<ORG> went bust"),
        ("Kindred Hearts Support Services are closing", "<ORG> are closing"),
        ("the University of Bradford placements", "the <ORG> placements"),
        # a saint's name before a plural verb; capitalised words before a lower-case kind
        ("St Oswald's have offered two beds", "<ORG> have offered two beds"),
        ("the Grange Park surgery list has closed", "the <ORG> list has closed"),
        ("CQC rated Elmfield Court inadequate", "CQC rated <ORG> inadequate"),
        # a place right before a body found belongs to it
        ("Hull York Medical School want placements", "<ORG> want placements"),
        # capitalised words inside a sentence before a place
        ("off to the Bright Futures Oldham launch", "off to the <ORG> launch"),
        # a body's initials listed after "and" beside a body found
        ("thanks to Bolton Council and BFT for today", "thanks to <ORG> and <ORG> for today"),
        ("Bolton Council and ICB colleagues met", "<ORG> and ICB colleagues met"),
        # one word after "the" naming a hospital
        ("the Royal have been brilliant", "the <ORG> have been brilliant"),
        ("she trained at the Marsden, then came here", "she trained at the <ORG>, then came here"),
    ],
)
def test_homes_agencies_and_bodies_before_a_plural_verb(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Court dates are set for May",
        "the House of Commons sat late",
        "Ofsted have rated the service good",
        "Comms are on it",
        "we visited Bath and Reading, Bath were great",
        "Estates Support Services are closing the car park",
        "Radio silence from the ICB again",
        "the GPs are desperate",
        "the West Leeds team are great",
        "Visiting Leeds tomorrow for the away day",
        "we met in Tower Hamlets and Milton Keynes",
        "Hip surgery went well, he's home",
        "Christmas surgery hours are on the website",
        "Information Governance are cautious",
        "the Court of Appeal ruled on it",
        "the Board are meeting at the Oval",
        "a note from the Kirkby leadership day",
    ],
)
def test_kinds_national_bodies_and_places_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text
