"""Scrubber round 10: local bodies by the forms they take in Scotland, Wales and Northern
Ireland, a place's branches and departments in any case, partnerships named "Together", merged
bodies, two name forms ("joy and i", "Rose's right that") and towns of more than one word."""

from __future__ import annotations

import pytest

from bot.privacy.scrub import Scrubber
from bot.privacy.towns import Towns

DIRECTORY = ["Joy Okonkwo", "Ailsa Drummond", "Rhian Powell"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Scotland's partnerships and joint boards, and an integrated care trust's initials.
        ("Strathmorven HSCP signed the plan off", "<ORG> signed the plan off"),
        ("the Kelmuir IJB meets on the 4th", "the <ORG> meets on the 4th"),
        ("we sat down with Ashby and Penwood ICFT today", "we sat down with <ORG> today"),
        # A GP confederation, shortened.
        ("the Kelbridge GP Confed wants a seat", "the <ORG> wants a seat"),
    ],
)
def test_partnerships_and_trusts_by_their_endings(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wakefield mind have a new peer worker", "<ORG> have a new peer worker"),
        ("sheffield children's services rang back", "<ORG> rang back"),
        ("Oldham adult social care are short staffed", "<ORG> are short staffed"),
        ("york gp confed sent the figures", "<ORG> sent the figures"),
    ],
)
def test_a_places_branches_and_departments_in_any_case(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "keep leeds in mind when you plan the route",
        "bear in mind that york is further than it looks",
        "children's services across the country are stretched",
        "the mind of a manager is rarely on the rota",
    ],
)
def test_minds_and_services_without_a_place_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A place's own partnership called "Together".
        ("Oldham Together is on the agenda", "<ORG> is on the agenda"),
        ("the Kelmuir Together board met", "the <ORG> board met"),
        # Two bodies merged, called by their first words.
        (
            "Oakfield Surgery and Brookside Medical Practice are now the Oakfield & Brookside "
            "partnership",
            "<ORG> and <ORG> are now the <ORG>",
        ),
    ],
)
def test_partnerships_named_by_their_members(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A place's programme or promise is no body.
        "the Oldham Pledge is a good model for us",
        "Salford Deal style working is what they want",
        # "Together" without a place.
        "Better Together was the slogan",
        "we will get there together",
    ],
)
def test_programmes_and_slogans_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Hospitals and boards of Scotland, Wales and Northern Ireland, by name and initials.
        ("the VHK front door is closed", "the <ORG> front door is closed"),
        ("they moved him to Gartnavel overnight", "they moved him to <ORG> overnight"),
        ("NHSGGC want a reply by Friday", "<ORG> want a reply by Friday"),
        ("a bed came up at Altnagelvin", "a bed came up at <ORG>"),
        # A royal infirmary's initials.
        ("we are diverting to the KRI tonight", "we are diverting to the <ORG> tonight"),
        # A body reported as saying or doing something.
        ("Rhian says Lanarkshire are holding the line", "<NAME> says <ORG> are holding the line"),
    ],
)
def test_devolved_hospitals_boards_and_initials(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "booked an MRI for the Tuesday clinic",
        "the clinic runs MON-FRI only",
        "she said Fridays are quieter now",
    ],
)
def test_scans_days_and_plurals_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A member's given name in lower case before "and i", even an English word.
        ("joy and i are at the huddle later", "<NAME> and i are at the huddle later"),
        # A given name, also a word, that is right or wrong about something.
        ("Rose's right that the bids overlap", "<NAME>'s right that the bids overlap"),
        ("I think Hunter's wrong, to be fair", "I think <NAME>'s wrong, to be fair"),
    ],
)
def test_names_by_how_they_are_used(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # No member is called Hope: an English word.
        "hope and i are old friends now",
        # A right that someone has, not someone who is right.
        "the Patient's right to refuse is clear",
        "his right hand is in a cast",
    ],
)
def test_rights_and_words_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    "text",
    [
        # Towns of more than one word are places, not people.
        "Market Harborough and Lutterworth share one hub now",
        "I drove over from Kirkby Lonsdale this morning",
        "the clinic in Hebden Bridge is closing in March",
    ],
)
def test_towns_of_more_than_one_word_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


def test_a_town_that_reads_as_a_person_is_not_kept(scrubber: Scrubber) -> None:
    # "Harold Wood" is a place and a given name with a surname: left to the names rules.
    assert scrubber.scrub("Harold Wood signed the form") == "<NAME> signed the form"


def test_towns_are_found_as_written() -> None:
    towns = Towns(["Barnard Castle", "Ashton-under-Lyne", "Leeds"])
    text = "from Ashton under Lyne to Barnard Castle, not barnard castle nor Leeds"
    assert [text[start:end] for start, end in towns.find(text)] == [
        "Ashton under Lyne",
        "Barnard Castle",
    ]
    assert len(towns) == 3
    assert towns.single_words == {"Leeds"}  # a town of one word is no phrase


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A provider collaborative with a place in its name.
        ("the Northshire Mental Health Collaborative met", "the <ORG> met"),
        # Northern Ireland's trusts by their initials, a Welsh board by its former name.
        ("WHSCT are recruiting again", "<ORG> are recruiting again"),
        ("Cwm Taf have sent the figures", "<ORG> have sent the figures"),
        # A metropolitan district council by its initials.
        ("KMDC are consulting on it", "<ORG> are consulting on it"),
        # Wales' regional partnership boards, a joint board's initials, the ambulance trust.
        ("the Powys Teaching RPB met", "the <ORG> met"),
        ("the GIJB papers are out", "the <ORG> papers are out"),
        ("WAST are on escalation", "<ORG> are on escalation"),
        # A council's public health team after its place.
        ("Calderdale public health team said yes", "<ORG> said yes"),
    ],
)
def test_collaboratives_trust_initials_and_teams(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the Leadership Collaborative met today",
        "our Provider Collaborative is new",
        "the public health team said yes",
    ],
)
def test_kinds_of_collaborative_and_team_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kelmuir hscp said no", "<ORG> said no"),
        ("the ashby & penwood icft board", "the <ORG> board"),
        ("wakefield cvs are hosting", "<ORG> are hosting"),
    ],
)
def test_partnerships_and_councils_for_voluntary_service_in_lower_case(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


def test_cvs_without_a_place_stay(scrubber: Scrubber) -> None:
    assert scrubber.scrub("send me the CVs by Friday") == "send me the CVs by Friday"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Back from leave or off on leave: only a person.
        ("Summer's back from mat leave on Monday", "<NAME>'s back from mat leave on Monday"),
        ("May's off on annual leave next week", "<NAME>'s off on annual leave next week"),
    ],
)
def test_names_back_from_or_off_on_leave(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Summer's back and it's hot again",
        "Sunday's back on the rota",
        "Justice's right there in the policy",
    ],
)
def test_seasons_days_and_words_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("he was moved to Derriford overnight", "he was moved to <ORG> overnight"),
        ("Heartlands are on divert again", "<ORG> are on divert again"),
    ],
)
def test_hospitals_by_their_site_name(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


def test_heartlands_in_lower_case_stay(scrubber: Scrubber) -> None:
    text = "the industrial heartlands of the north"
    assert scrubber.scrub(text) == text


def test_a_place_named_after_someone_before_a_plural_verb(scrubber: Scrubber) -> None:
    # A hospital's nickname: scrubbed as the name it is.
    assert scrubber.scrub("Jimmy's are out of beds") == "<NAME>'s are out of beds"


@pytest.mark.parametrize("text", ["Summer's are getting hotter", "Mum's are the best"])
def test_ordinary_words_with_an_apostrophe_before_a_plural_stay(
    scrubber: Scrubber, text: str
) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FAO Tomasz: the papers are late", "FAO <NAME>: the papers are late"),
        ("fao priya - rota attached", "fao <NAME> - rota attached"),
    ],
)
def test_names_for_the_attention_of(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize("text", ["fao the board: papers attached", "fao all: rota attached"])
def test_for_the_attention_of_everyone_stays(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    "text",
    [
        # Towns of one word are never names by context.
        "we drove from Penzance to Truro at rush hour",
        "Spennymoor and Consett both lost their steelworks",
    ],
)
def test_towns_of_one_word_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


def test_a_town_that_is_a_given_name_is_still_a_name(scrubber: Scrubber) -> None:
    # "Bryn" is a town and a Welsh given name of the curated list.
    assert scrubber.scrub("Bryn and I did the audit") == "<NAME> and I did the audit"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("truro mind are recruiting", "<ORG> are recruiting"),
        ("penzance children's services called", "<ORG> called"),
    ],
)
def test_branches_after_a_gazetteer_town(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize("text", ["Loch Lomond was freezing", "we drove on to Fort William"])
def test_names_after_loch_or_fort_are_places(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the hebden bridge practice are short", "the <ORG> are short"),
        ("market harborough medical centre is shut", "<ORG> is shut"),
    ],
)
def test_lower_case_towns_before_a_kind_of_body(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


def test_a_lower_case_town_alone_stays(scrubber: Scrubber) -> None:
    assert scrubber.scrub("we drove to barnard castle") == "we drove to barnard castle"


def test_towns_in_lower_case_are_found_word_for_word() -> None:
    towns = Towns(["Barnard Castle", "Ashton-under-Lyne"])
    text = "ashton-under-lyne and barnard castle, not Barnard castle"
    assert [text[start:end] for start, end in towns.find_lower(text)] == [
        "ashton-under-lyne",
        "barnard castle",
    ]
