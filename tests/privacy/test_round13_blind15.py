"""Scrubber round 13: a surname given as such ("surname's Okonjo"); initials in a person's state
("TK's out today"); a given name's possessive before a hospital department, a hospital's
nickname ("Benny's A&E"); "mind in <place>" in lower case opening a clause or before a plural
verb; office technology never a name ("the Wi-Fi is down"); the colours of a RAG rating; a
programme named after someone kept when a member shares only a word of the name."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.privacy.scrub import Scrubber


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A surname given as such.
        (
            "not the Rahul in finance, his surname is Okonjo",
            "not the <NAME> in finance, his surname is <NAME>",
        ),
        (
            "her maiden name was Pike before she married",
            "her maiden name was <NAME> before she married",
        ),
        ("wrong Tunde, last name's Bakare", "wrong <NAME>, last name's <NAME>"),
        # Initials (two capitals) in a person's state, and "out" states.
        (
            "TK's off sick so I'll do the board round",
            "<NAME>'s off sick so I'll do the board round",
        ),
        (
            "RW's out today, can anyone take the 2pm?",
            "<NAME>'s out today, can anyone take the 2pm?",
        ),
        ("Ruth's out sick, can someone cover", "<NAME>'s out sick, can someone cover"),
        # A given name's possessive before a department in capitals: a hospital's nickname.
        ("Benny's A&E was heaving again last night", "<ORG> A&E was heaving again last night"),
        ("Freddie's ICU has no beds", "<ORG> ICU has no beds"),
        # "mind in <place>" in lower case, opening a clause or before a plural verb.
        ("mind in wigan are hiring peer workers", "<ORG> are hiring peer workers"),
        ("- mind in bury: the café is open", "- <ORG>: the café is open"),
        ("sorry, mind in bolton have pulled out", "sorry, <ORG> have pulled out"),
    ],
)
def test_found(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A surname cue with no name after it.
        "the surname's field is optional on the form",
        # Abbreviations and things in a state, not people.
        "ED's on the rota for black alert",
        "the report's out today",
        "the new policy is out next week",
        # A possessive before a department that is no name.
        "Today's ED figures are out",
        "Monday's ED huddle is cancelled",
        "the Trust's ICU is full",
        # "mind" as the mind one thinks with.
        "keep in mind in leeds the buses stop at six",
        "bear it in mind in york, the trains are bad",
        "peace of mind in bolton are what families want",
        # Office technology.
        "the Wi-Fi is down again in the seminar room",
        "ugh the WiFi is down again",
        "Webex keeps dropping on the ward PCs",
        "honestly Bluetooth is down again on the new laptops",
        "SharePoint says no to the upload",
        # The colours of a RAG rating.
        "the board wants it RAG-rated again. Amber says nothing useful",
        "RAG again?! Green tells you nothing about flow",
        "Red, amber, green: Amber said it all really",
        # A colour before a word of rating or warning, anywhere.
        "Amber Alert for snow on Thursday",
        "an Amber rating again for the audit",
        # A festival's greeting.
        "Ramadan Kareem to colleagues fasting",
        # Characters and idioms whose words are names.
        "Father Christmas visited the children's ward",
        "Ivy League thinking won't help us here",
    ],
)
def test_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


def test_rating_colour_alone_is_a_name(scrubber: Scrubber) -> None:
    """Without a rating in the message, a colour that is a given name stays a name."""
    assert scrubber.scrub("Amber said she would do the rota") == "<NAME> said she would do the rota"


def test_rating_colour_of_a_member_is_a_name(tmp_path: Path) -> None:
    members = Scrubber(data_dir=tmp_path, names=["Amber Kowalczyk"])
    assert members.scrub("RAG it please. Amber says no") == "RAG it please. <NAME> says no"


def test_programme_kept_beside_a_member_sharing_a_word(tmp_path: Path) -> None:
    """A member "Mary Okafor" does not make "the Mary Seacole programme" a person; a member
    called by the whole name does."""
    text = "the Mary Seacole programme starts in May"
    assert Scrubber(data_dir=tmp_path, names=["Mary Okafor"]).scrub(text) == text
    named = Scrubber(data_dir=tmp_path, names=["Mary Seacole"]).scrub(text)
    assert named == "the <NAME> programme starts in May"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # After "NHS" or "NHS no", ten digits grouped any way (a valid check digit).
        ("nhs no 943 4765 919 pls check", "nhs no <NHS_NUMBER> pls check"),
        ("NHS number: 94 34 76 59 19", "NHS number: <NHS_NUMBER>"),
        ("NHS no.9434765919", "NHS no.<NHS_NUMBER>"),
        # The pharmacists' regulator's numbers, 7 digits after "GPhC".
        ("GPhC 2045678 on the form", "GPhC <REG_NUMBER> on the form"),
        ("our gphc number is 2045678", "our gphc number is <REG_NUMBER>"),
        # An NMC PIN with spaces or hyphens between its parts, in capitals.
        ("NMC pin 12A 3456E", "NMC pin <REG_NUMBER>"),
        ("pin is 12 A 3456 E", "pin is <REG_NUMBER>"),
    ],
)
def test_numbers_found(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "NHS no 943 4765 918 pls check",  # a wrong check digit
        "the NHS spent 943 4765 919 pounds",
        "NHS 111 calls went up 20",
        "page 2045678 of the log",
        "we need 12 a 2024 b",
    ],
)
def test_numbers_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    "text",
    [
        # Everyday words newer than the dictionary, capitalised: no names.
        "Handover was late again",
        "and Handovers said nothing about the falls",
        "the Webinar said nothing new",
        "Onboarding takes ages here",
        "Inbox is full again after leave",
        "the Sitrep said OPEL 4",
        "the Summer Fete raised £500 for the ward",
        "Laptop's always open in the evenings",
    ],
)
def test_newer_words_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Initials after a strong cue, given an action, two given one, or before an event.
        ("cc TW", "cc <NAME>"),
        ("told PK the plan", "told <NAME> the plan"),
        ("KO to send the slides", "<NAME> to send the slides"),
        ("KO and TM to pick up the audit", "<NAME> and <NAME> to pick up the audit"),
        ("RB's leaving do is on Friday", "<NAME>'s leaving do is on Friday"),
        # Given names joined by a hyphen, in lower case after a cue.
        ("speak to jo-anne in payroll", "speak to <NAME> in payroll"),
        ("spoke with ann-marie about the rota", "spoke with <NAME> about the rota"),
    ],
)
def test_initials_and_joined_names_found(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "spoke to OH about her return",
        "went to OH for an assessment",
        "cc HR and IT",
        "HR to send the letters",
        "QI and OD to support the work",
        "the HV says it is post natal",
        "my EA thinks not",
        "thanks to the follow-up team",
        "spoke to rose-bud",
    ],
)
def test_abbreviations_and_joined_words_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An initial without its stop before a surname ("A" only before a vowel).
        ("K Liu is the lead", "<NAME> is the lead"),
        ("A Okonkwo is the lead", "<NAME> is the lead"),
        # A surname, a comma and an initial with its stop.
        ("Okonkwo, A. is on the list", "<NAME> is on the list"),
    ],
)
def test_initial_and_surname_found(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize("text", ["A Option is best", "I Okonkwo", "Plan A is fine, Plan B is not"])
def test_letters_that_are_no_initials_kept(scrubber: Scrubber, text: str) -> None:
    assert "<NAME>" not in scrubber.scrub(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A lower-case given name, no English word, beside "me and" or "and i".
        ("me and kwame are doing the audit", "me and <NAME> are doing the audit"),
        ("me and siobhan will cover", "me and <NAME> will cover"),
    ],
)
def test_lower_name_with_me_found(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "me and dinner are late",
        "me and will are going",
        "I asked them to summarise it for me and realised none of us could",
        "the only man on a team of 12 women and I think I miss things",
        "the train was cancelled and I missed the start",
    ],
)
def test_words_with_me_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    "text",
    [
        # British spellings, capitalised, are English words, no names.
        "Travelling between the two sites eats my whole day",
        "Neighbour plays music till 2am",
        "Organising the rota is a nightmare",
        "Colour coding helps, honestly",
    ],
)
def test_british_spellings_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


def test_a_site_with_view_in_its_name_is_a_body(scrubber: Scrubber) -> None:
    assert scrubber.scrub("Harbour View surgery wants to leave the PCN") == (
        "<ORG> wants to leave the PCN"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Someone "over", "up", "down" or "out" at a body.
        ("the folks over at Beckside are lovely", "the folks over at <ORG> are lovely"),
        ("the team down at Fernlea", "the team down at <ORG>"),
    ],
)
def test_body_after_someone_over_at(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize("text", ["it was all over at Christmas", "handing over at Handover"])
def test_over_at_alone_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Capitalised words ending in a street or site word before a plural verb: a body.
        ("Hollins Park are on board", "<ORG> are on board"),
        ("Larch View have said no to the pilot", "<ORG> have said no to the pilot"),
    ],
)
def test_sites_before_plural_verbs(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize("text", ["The Park are nice", "Hollins Park is lovely in May"])
def test_sites_without_plural_verbs_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


def test_a_comma_before_an_ending_parts_a_list(scrubber: Scrubber) -> None:
    assert scrubber.scrub("Venue: Boardroom, Trust HQ") == "Venue: Boardroom, Trust HQ"
    assert scrubber.scrub("Morlington Council, Kelbridge Trust and the ICB") == (
        "<ORG>, <ORG> and the ICB"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A message in capitals is read as if typed in lower case too.
        ("PLEASE CALL SARAH OKAFOR BACK", "PLEASE CALL <NAME> BACK"),
        ("FAO JOHN SMITH", "FAO <NAME>"),
    ],
)
def test_names_in_capitals_found(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "URGENT: CQC VISIT TOMORROW, ALL HANDS",
        "PLEASE READ THE NEW POLICY BEFORE FRIDAY",
        "HOPE EVERYONE HAD A GOOD WEEKEND",
        "WILL DO, THANKS",
    ],
)
def test_capitals_without_names_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text
