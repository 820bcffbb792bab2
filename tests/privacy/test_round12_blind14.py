"""Scrubber round 12: a nickname that is also a word before "and I"; a given name opening a
line before "can/could you"; a name, a bracketed aside, then a person's verb; a given name's
possessive before a personal event ("leaving do", "birthday")."""

from __future__ import annotations

import pytest

from bot.privacy.scrub import Scrubber


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A surname or nickname that is also an English word, before "and I" / "and me".
        (
            "Pike and I are running the session on Friday",
            "<NAME> and I are running the session on Friday",
        ),
        ("Birch and me went to the depot", "<NAME> and me went to the depot"),
        ("Gill and I covered the stand-up", "<NAME> and I covered the stand-up"),
        # A season that is also a given name, before a surname that is no English word.
        ("Summer Adeyinka did the poster for it", "<NAME> did the poster for it"),
        # Inside a sentence, a surname that is also a word, judged right or wrong.
        (
            "honestly I think Birch was right that it would slip",
            "honestly I think <NAME> was right that it would slip",
        ),
        # A given name opening a line, asked with a modal and "you" (a word-name: a task).
        ("grace could you chase the bed list", "<NAME> could you chase the bed list"),
        ("Amber can u book the room for Thursday", "<NAME> can u book the room for Thursday"),
        # A given name (also a word) opening a clause, then "will" and a task.
        ("Patience will chase the bank rota", "<NAME> will chase the bank rota"),
        ("ok so Ifeoma will draft it and I'll check", "ok so <NAME> will draft it and I'll check"),
        # An action given to a name after a comma, in a list of actions.
        (
            "I've asked Dele Okoro to run the huddle, Marguerite to hold the rota",
            "I've asked <NAME> to run the huddle, <NAME> to hold the rota",
        ),
        # Two surnames alone, joined by "and", described as people in a role.
        ("Birch and Pike were our leads on it", "<NAME> and <NAME> were our leads on it"),
        # A given name (also a word) opening a clause, then a task done.
        ("Sunny covered the desk all weekend", "<NAME> covered the desk all weekend"),
        (
            "since Hope did the audit it's been calmer",
            "since <NAME> did the audit it's been calmer",
        ),
        # A bracketed aside between a name and a person's verb.
        ("Tobi (our new matron) wants a word", "<NAME> (our new matron) wants a word"),
        ("Faith (from the hub) has said yes", "<NAME> (from the hub) has said yes"),
        # A given name between commas after a word for a person.
        (
            "our new ward clerk, Blessing, starts Monday",
            "our new ward clerk, <NAME>, starts Monday",
        ),
        ("I rang the daughter, Mercy.", "I rang the daughter, <NAME>."),
        # A bracketed aside saying who someone is.
        ("Bunmi (my line manager) is off sick", "<NAME> (my line manager) is off sick"),
        # A person's state after "'s", and leading or doing a piece of work.
        (
            "Bill's taking the lead on the estates work",
            "<NAME>'s taking the lead on the estates work",
        ),
        ("Amber is chairing on Thursday", "<NAME> is chairing on Thursday"),
        # A given name's possessive before a person tied to them.
        ("Grace's mum is poorly again", "<NAME>'s mum is poorly again"),
        # A person's state spelt "til".
        ("Precious is off til Monday, ask me", "<NAME> is off til Monday, ask me"),
        # Two names that are also words, joined by "and", in a person's state.
        ("Faith and Joy are on leave this week", "<NAME> and <NAME> are on leave this week"),
        ("sue and pat were covering the desk", "<NAME> and <NAME> were covering the desk"),
        # A given name's possessive before an event only a person has.
        ("Hope's birthday drinks are at six", "<NAME>'s birthday drinks are at six"),
        ("collection for Sunny's leaving do", "collection for <NAME>'s leaving do"),
    ],
)
def test_names_by_these_contexts_are_found(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Mum and I are fine, thanks for asking",
        "Research and I have never got on",
        "Nobody and I mean nobody read the papers",
        # A word-name wrapped to a line start, no task asked; a year cited in brackets.
        "promise could you make to them this year?",
        "Ashworth (2019) said this about trust",
        # A possessive that is no given name before an event.
        "The team's leaving do is at the pub",
        "Research (the big review) says otherwise",
        "Leeds (our partner in this) is keen to go first",
        "Grace (see below) is one of our values",
        "Day and Night are covering for each other in the rota design",
        "Patience wore thin by the end of the meeting",
        "the nurse, Grace and the doctor all agreed on values",
        "Hope is leading the way on this one",
        "Everyone's on leave at once in August",
        "the Trust's manager said no",
        "and Finance did the numbers twice",
        "Finance will send the figures on Friday",
        "Law is right about this, as it happens",
        "the Summer Fair is on Saturday",
        "In Edmondson's study of teams, safety predicted learning",
        "Estates will book the room",
        "we asked them to cover, Finance to send the figures",
        "Leeds and Bradford are the two places with a plan",
        "Finance and Estates are our partners in this",
        "Mum and Dad are the best carers I know",
    ],
)
def test_ordinary_words_in_these_contexts_are_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # After a person found, "at" or "from" and capitalised words: where they work.
        (
            "had a call with Tamsin Orr at Grampian about it",
            "had a call with <NAME> at <ORG> about it",
        ),
        ("Mr Pryce from Swansea Bay called back", "<NAME> from <ORG> called back"),
        # A named ward, and the site after it.
        ("Aysgarth Ward at Wharfedale has norovirus", "<ORG> at <ORG> has norovirus"),
        # A part of a hospital "at" it.
        ("left my badge in the car park at Wharfedale", "left my badge in the car park at <ORG>"),
        # "Royal" before a place that is no English word: a hospital.
        ("stuck outside Royal Kelbridge for 6 hours", "stuck outside <ORG> for 6 hours"),
        # "Our Lady's" or "Our Lady of" a place, after "at": a home, school or church.
        ("the carers at Our Lady's Hospice are brilliant", "the carers at <ORG> are brilliant"),
        ("the kids at Our Lady of Walsingham were great", "the kids at <ORG> were great"),
        # Initials with a tight ampersand, as listed.
        ("presenting at NHS GG&C next week", "presenting at <ORG> next week"),
    ],
)
def test_bodies_by_these_contexts_are_found(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I met Priyanka at Christmas", "I met <NAME> at Christmas"),
        ("Priyanka from Monday is on the rota", "<NAME> from Monday is on the rota"),
        ("Virtual Ward occupancy is up again", "Virtual Ward occupancy is up again"),
        ("Royal Mail lost the letters again", "Royal Mail lost the letters again"),
        ("the unit at Christmas is always quiet", "the unit at Christmas is always quiet"),
        ("Our Lady's statue was restored last year", "Our Lady's statue was restored last year"),
    ],
)
def test_ordinary_words_after_a_name_are_kept(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A place that is also an English word, opening a sentence, before no body word.
        "Reading Grint on followership this week, very good",
        "Bath Time chaos at home, so I'm late",
        # A finding named after a place.
        "the Glasgow Effect still shapes how I think about deprivation",
        "Stockholm Syndrome jokes in the team meeting fell flat",
    ],
)
def test_places_opening_ordinary_sentences_are_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Reading Borough Council turned it down", "<ORG> turned it down"),
        ("Bath Spa University sent the students", "<ORG> sent the students"),
    ],
)
def test_bodies_opening_with_such_a_place_are_found(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A hospital named before its site or a unit on it, after "the".
        (
            "the Morvenfield discharge lounge is open again",
            "the <ORG> discharge lounge is open again",
        ),
        ("parking at the Barty's site is a nightmare", "parking at the <ORG> site is a nightmare"),
    ],
)
def test_named_sites_are_found(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the Christmas site is down again",
        "the Trust's site is bigger than people think",
        "we moved to the Finance site office",
    ],
)
def test_ordinary_words_before_a_site_are_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text
