"""Local services and charities by their kind of body: police, fire, universities, branches of
national charities, lower-case and abbreviated forms (scrubber round 6)."""

from __future__ import annotations

import pytest

from bot.privacy.scrub import Scrubber


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ashvale Police want a joint suite", "<ORG> want a joint suite"),
        ("I met the lead at Dunmere Fire and Rescue today", "I met the lead at <ORG> today"),
        (
            "the team at Penhallow University will evaluate it",
            "the team at <ORG> will evaluate it",
        ),
        ("the chair of Tolbury Citizens Advice rang", "the chair of <ORG> rang"),
        ("the Tolbury Foodbank referrals doubled", "the <ORG> referrals doubled"),
        ("Crenwick Women's Aid handle them well", "<ORG> handle them well"),
        ("Crenwick Local Medical Committee said no", "<ORG> said no"),
        ("Tolbury Mencap runs a day centre", "<ORG> runs a day centre"),
        ("Bwrdd Iechyd Prifysgol Penwood is consulting", "<ORG> is consulting"),
    ],
)
def test_a_local_service_or_charity_branch_is_an_organisation(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("crenwick healthwatch is busy", "<ORG> is busy"),
        ("talk to the tolbury pcn first", "talk to the <ORG> first"),
        ("DKMBC have a new director", "<ORG> have a new director"),
        ("pnuhb comms are good", "<ORG> comms are good"),
    ],
)
def test_lower_case_and_abbreviated_bodies_are_organisations(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We funded the Healthy Homes scheme again",
        "the Police and the University both came",
        "Citizens Advice has national guidance on this",
    ],
)
def test_a_scheme_or_a_kind_of_body_alone_stays(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("re the north tolbury pcn bid", "re the <ORG> bid"),
        ("crenwick city council's cabinet agreed", "<ORG>'s cabinet agreed"),
        ("the crenwick general practice alliance runs it", "the <ORG> runs it"),
        ("dunmere & crenwick ft are merging", "<ORG> are merging"),
        ("tolbury care group runs five homes", "<ORG> runs five homes"),
        ("penvarrow housing association are helping", "<ORG> are helping"),
        ("the trelask street medical centre", "the <ORG>"),
        ("Hillside and Moorside surgeries are merging", "<ORG> and <ORG> are merging"),
        ("ashvale general's discharge lounge", "<ORG>'s discharge lounge"),
        ("we asked st cadoc's hospice", "we asked <ORG>"),
        ("the Hospice of the Marches is great", "the <ORG> is great"),
        ("he reckons the Cwm Penfro cluster will go for it", "he reckons the <ORG> will go for it"),
    ],
)
def test_a_lower_case_body_keeps_its_opener_kinds_and_joined_place(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NHS Penvarrow are doing the same", "<ORG> are doing the same"),
        ("NHS Penvarrow and Trelask health board share it", "<ORG> share it"),
        ("Birch Road practice is our outlier", "<ORG> is our outlier"),
        ("P&Q ICB has cut the grant", "<ORG> has cut the grant"),
        ("DTH's CEO is great", "<ORG>'s CEO is great"),
    ],
)
def test_scottish_boards_street_practices_and_initials_are_organisations(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Is the NHS App down again?",
        "Anyone going to the NHS Confed Expo?",
        "NHS Wales has a new framework",
        "Hip surgery waits are long",
        "last week's surgery was cancelled",
        "a Norovirus cluster on ward 4",
        "Guillain-Barré cluster query closed",
        "Welsh practices are different",
        "Rural practices have it worse",
        "BOTH sites are on black, NORTH and SOUTH",
    ],
)
def test_national_names_and_capitals_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Penvarrow Royal is on black again", "<ORG> is on black again"),
        (
            "Tolbury Steps (the recovery charity) lost the bid",
            "<ORG> (the recovery charity) lost the bid",
        ),
        (
            "Ashgrove Living (a housing association, not the council) offered flats",
            "<ORG> (a housing association, not the council) offered flats",
        ),
    ],
)
def test_a_hospital_by_place_and_royal_or_a_body_described_in_brackets(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The Princess Royal opened the ward",
        "Ask Sam (the charity lead) about it",
        "We read Good Governance (the charity guide) together",
    ],
)
def test_a_title_or_a_role_in_brackets_stays(scrubber: Scrubber, text: str) -> None:
    assert "<ORG>" not in scrubber.scrub(text)
