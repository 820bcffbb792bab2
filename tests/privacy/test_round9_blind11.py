"""Scrubber round 9: local forums and hospices with their place, short forms of members'
given names, and clean texts that only look like members' names."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.datafiles import ContentError
from bot.privacy.scrub import Scrubber
from bot.privacy.short_forms import ShortFormTable, load_short_forms

DIRECTORY = ["Abdullah Qureshi", "Faith Mercer", "Charity Nwosu", "Ivy Cartwright", "Ruth Newton"]


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
        # No place in it: a kind of forum, not a local body.
        "the Governance Forum has moved again",
        "the BAME Forum and the Workforce Forum are both on the 3rd",
    ],
)
def test_kinds_of_forum_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The short form of a member's given name is that member.
        ("Abdul has the bed figures, ask him", "<NAME> has the bed figures, ask him"),
        ("can Abdul send the slides", "can <NAME> send the slides"),
    ],
)
def test_short_forms_of_members_given_names(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


def test_short_form_added_later_and_two_capitals_stay(tmp_path: Path) -> None:
    scrubber = Scrubber(data_dir=tmp_path)
    scrubber.add_names(["Dr Muhammad Siddiqui"])
    assert scrubber.scrub("Mo will chair on Friday") == "<NAME> will chair on Friday"
    # Two capitals are an abbreviation, not the short form.
    assert scrubber.scrub("the MO rota for next week") == "the MO rota for next week"


def test_no_short_form_without_a_member_of_that_name(scrubber: Scrubber) -> None:
    assert scrubber.scrub("Mo is across the numbers") == "Mo is across the numbers"


def test_short_forms_file_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "short_forms.yaml"
    bad.write_text("short_forms:\n  Robert: [Rob, Robert]\n", encoding="utf-8")
    with pytest.raises(ContentError):
        load_short_forms(bad)
    two_words = tmp_path / "two_words.yaml"
    two_words.write_text("short_forms:\n  Robert: [Big Rob]\n", encoding="utf-8")
    with pytest.raises(ContentError):
        load_short_forms(two_words)


def test_short_forms_skip_titles() -> None:
    table = ShortFormTable(load_short_forms(), titles=["Dr"])
    assert "Mo" in table.of_names(["Dr Mohammed Asad"])
    assert table.of_names(["Dr Zebedee Quartermain"]) == []


@pytest.mark.parametrize(
    "text",
    [
        # A list of ordinary words, capitalised only where the sentence opens.
        "Faith, charity, ivy - the three banners for the Christmas stall",
        "Charity, faith and ivy.",
    ],
)
def test_lists_of_words_that_are_members_names_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


def test_capitalised_list_of_members_is_still_names(scrubber: Scrubber) -> None:
    assert scrubber.scrub("Faith, Charity and Ivy.") == "<NAME>, <NAME> and <NAME>."


def test_town_opening_with_a_members_surname(scrubber: Scrubber) -> None:
    text = "Newton Abbot is getting a new minor injuries unit"
    assert scrubber.scrub(text) == text
    assert scrubber.scrub("Newton said she would chair") == "<NAME> said she would chair"


@pytest.mark.parametrize(
    "text",
    [
        "Lidl agreed to host the pop-up vaccine clinic in their car park",
        "Poundland said they'd put the leaflets by the tills",
    ],
)
def test_high_street_chains_are_no_people(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A national charity's local branch written in lower case, places joined by "&".
        (
            "the survey came from age uk wakefield & barnsley yesterday",
            "the survey came from <ORG> yesterday",
        ),
        ("ask healthwatch york for their report", "ask <ORG> for their report"),
    ],
)
def test_local_branches_in_lower_case(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "age uk's national campaign starts in May",
        "keep in mind in leeds the buses stop at 11",
    ],
)
def test_national_charities_without_a_place_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A given name in lower case before "from" and an organisation is one of its people.
        (
            "morning - lorraine from healthwatch york rang about the survey",
            "morning - <NAME> from <ORG> rang about the survey",
        ),
        (
            "had a call with gary from the Kirklees Council team",
            "had a call with <NAME> from the <ORG> team",
        ),
    ],
)
def test_lower_case_given_name_from_a_body(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


def test_function_word_from_a_body_stays(scrubber: Scrubber) -> None:
    text = "we had one from Kirklees Council last week"
    assert scrubber.scrub(text) == "we had one from <ORG> last week"


def test_word_name_from_a_body_needs_a_persons_verb(scrubber: Scrubber) -> None:
    text = "- grant from Healthwatch York pays for the venue"
    assert scrubber.scrub(text) == "- grant from <ORG> pays for the venue"
    said = "- frank from Healthwatch York said the venue is booked"
    assert scrubber.scrub(said) == "- <NAME> from <ORG> said the venue is booked"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A listed hospital called by "Royal" and the start of its next word.
        ("the Royal Berks is on black again", "the <ORG> is on black again"),
        ("transferred to the Royal Shrewsbury overnight", "transferred to the <ORG> overnight"),
    ],
)
def test_clipped_hospital_names(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize("text", ["the Royal Unit opened in 1990", "Royal Mail lost the letter"])
def test_royal_before_a_word_stays(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A given name that is also a word or a month, on duty.
        ("April's on nights all next week", "<NAME>'s on nights all next week"),
        ("Autumn's on the late shift, ask her", "<NAME>'s on the late shift, ask her"),
    ],
)
def test_word_names_on_duty(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Autumn's on the way and the leaves are everywhere",
        "Winter's on us already",
        # A day, a feast or a ward is on a rota, not a person.
        "Saturday's on the escalation rota",
        "Ward's on the escalation rota again",
    ],
)
def test_seasons_coming_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


def test_ordinary_word_short_forms_are_skipped(tmp_path: Path) -> None:
    forms = tmp_path / "short_forms.yaml"
    forms.write_text("short_forms:\n  William: [Will, Billy]\n", encoding="utf-8")
    table = ShortFormTable(load_short_forms(forms), ordinary=["will"])
    assert table.of_names(["William Ashdown"]) == ["Billy"]


def test_short_forms_need_a_capital(tmp_path: Path) -> None:
    scrubber = Scrubber(data_dir=tmp_path, names=["Dafydd Pritchard"])
    assert scrubber.scrub("Dai has the rota") == "<NAME> has the rota"
    assert scrubber.scrub("mi dai una mano?") == "mi dai una mano?"
    assert scrubber.scrub("dafydd has the rota") == "<NAME> has the rota"
