"""Scrubber round 11: names after "via" and "per", after "met", with a helping word before a
person's verb ("hasn't replied"), added to a place of talk, and a strong cue's name before a
colon or comma."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.privacy.scrub import Scrubber

DIRECTORY = ["Hope Nyambura", "Mark Tennant", "Faith Okafor", "Joy Barraclough"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Where news came from: "via" and "per", in any case, a colon or comma after.
        ("via hope: the night shift is short again", "via <NAME>: the night shift is short again"),
        ("per zofia the bank rate went up", "per <NAME> the bank rate went up"),
        ("Per Tendai, the pilot is paused", "Per <NAME>, the pilot is paused"),
        ("thanks joy, the ward has the rota now", "thanks <NAME>, the ward has the rota now"),
        # "met" and its like, before a capitalised name.
        ("met Oluwafemi from the food bank yesterday", "met <NAME> from the food bank yesterday"),
        ("bumped into Priyanka at the depot", "bumped into <NAME> at the depot"),
        # One helping word between the name and a person's verb.
        ("mark hasn't replied to the email", "<NAME> hasn't replied to the email"),
        ("Faith has already agreed to cover", "<NAME> has already agreed to cover"),
        # Added or invited to a place of talk, in lower case.
        ("can someone add hope to the channel", "can someone add <NAME> to the channel"),
        ("invited faith to the huddle on Friday", "invited <NAME> to the huddle on Friday"),
    ],
)
def test_names_by_these_contexts_are_found(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "thanks will do",
        "£12 per hour via the agency, paid per shift",
        "sent via email as per the policy",
        "we met Tuesday and again on Friday",
        "add hope to the list of values on the poster",
        "the will has said it all",
        "my mark has already said enough about the audit",
        "add the grace period to the rota",
    ],
)
def test_the_same_words_as_ordinary_words_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


def test_a_body_after_met_stays_a_body(scrubber: Scrubber) -> None:
    assert scrubber.scrub("I met Cedar Lodge today") == "I met <ORG> today"


@pytest.mark.parametrize(
    "text",
    [
        # Places abroad cited as examples are no names, after a cue or with "'s".
        "we keep hearing about the scheme in Norway from our director",
        "Ontario's home care reforms are worth a read",
        "Queensland in Australia tried the same with virtual wards",
        # A model of care named after someone or somewhere.
        "The Buurtzorg approach gets quoted at every nursing conference",
        "is the Esther model worth copying for frailty?",
        # National regulators of the other nations and a national charity.
        "HIW are inspecting three wards next month",
        "Christian Aid have put out a new appeal",
    ],
)
def test_places_abroad_models_and_national_bodies_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Ambulance services by their initials.
        ("the handover times from WMAS look worse", "the handover times from <ORG> look worse"),
        ("SECAmb have asked for a meeting", "<ORG> have asked for a meeting"),
        ("we had YAS on the call", "we had <ORG> on the call"),
        # A place abroad that is also a given name stays a name after a cue.
        ("asked Georgia to send the rota", "asked <NAME> to send the rota"),
        # A model named after a member is the member.
        ("the Hope model of supervision", "the <NAME> model of supervision"),
    ],
)
def test_ambulance_services_and_names_beside_them_are_found(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


def test_yas_in_lower_case_is_a_word(scrubber: Scrubber) -> None:
    assert scrubber.scrub("yas, finally some good news") == "yas, finally some good news"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("she moved to Kelbridge Central 3 PCN in May", "she moved to <ORG> in May"),
        ("Ashby 2 Primary Care Network is hiring", "<ORG> is hiring"),
    ],
)
def test_a_numbered_network_is_a_body(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize("text", ["our 4 PCN leads met on Monday", "North 3 PCN meets today"])
def test_a_number_of_networks_stays(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("shout out to hope for covering nights", "shout out to <NAME> for covering nights"),
        ("kudos to Ifeoma for the audit", "kudos to <NAME> for the audit"),
        ("can you nudge chidinma about the rota", "can you nudge <NAME> about the rota"),
        ("reminded Oyinkansola about the deadline", "reminded <NAME> about the deadline"),
        (
            "our new ward clerk Ebunoluwa joins on Monday",
            "our new ward clerk <NAME> joins on Monday",
        ),
    ],
)
def test_praise_chasing_and_joining_find_names(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "thanks to hope and kindness we got through winter",
        "well done to everyone on the ward",
        "can you chase Leeds for the data",
        "remind me tomorrow about the audit",
        "Dawn starts are killing the discharge team",
    ],
)
def test_praise_and_chasing_without_a_name_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("can you ask Gaz about the van", "can you ask <NAME> about the van"),
        ("Mags is off until Thursday", "<NAME> is off until Thursday"),
        ("Kev and Shaz are on the late shift", "<NAME> and <NAME> are on the late shift"),
    ],
)
def test_british_nicknames_are_names(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


def test_a_nickname_that_is_a_word_stays_in_lower_case(scrubber: Scrubber) -> None:
    text = "the tash competition raised £300 for Movember"
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ring Heledd in the discharge hub", "ring <NAME> in the discharge hub"),
        ("can we get Chukwuemeka to chair it?", "can we get <NAME> to chair it?"),
        ("got Mererid to sign it off", "got <NAME> to sign it off"),
    ],
)
def test_welsh_names_and_names_after_get_are_found(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "we finally got Datix to load",
        "get Leeds to agree first",
        "getting Christmas sorted",
        "at least I've got Zumba tonight",
    ],
)
def test_things_after_get_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("honestly Hope is right about the rota", "honestly <NAME> is right about the rota"),
        (
            "I think Amir was wrong that it would work",
            "I think <NAME> was wrong that it would work",
        ),
    ],
)
def test_a_name_judged_right_or_wrong_in_full(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text", ["the Patient is right to refuse treatment", "Summer is right around the corner"]
)
def test_a_thing_judged_right_stays(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mark is off today so I'm chairing", "<NAME> is off today so I'm chairing"),
        ("Precious is covering reception", "<NAME> is covering reception"),
        ("Obinna was on nights last week", "<NAME> was on nights last week"),
        ("where's Chidi? the huddle started", "where's <NAME>? the huddle started"),
        ("has anyone seen kwabena today", "has anyone seen <NAME> today"),
        ("over to you faith", "over to you <NAME>"),
        ("paging Olamide", "paging <NAME>"),
    ],
)
def test_a_persons_state_and_whereabouts_find_names(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "hope is off the table now",
        "Summer is off today, it's pouring",
        "nobody is covering the desk",
        "the will is off today",
        "where's the rota?",
        "where is hope in all this",
        "over to you all",
    ],
)
def test_states_and_whereabouts_of_things_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


def test_a_sign_off_word_before_a_name_stays(scrubber: Scrubber) -> None:
    assert scrubber.scrub("see you Monday\nTa, Nkechi") == "see you Monday\nTa, <NAME>"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chukwudi to lead on the bid", "<NAME> to lead on the bid"),
        ("actions: tendai to send the deck", "actions: <NAME> to send the deck"),
        ("- Oluwatoyin to chase estates", "- <NAME> to chase estates"),
    ],
)
def test_a_name_given_an_action_is_found(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Finance to send the figures by Friday",
        "Hope to send it tomorrow",
        "Everyone to review the paper",
        "Trust to confirm the numbers",
        "Happy to lead on this",
    ],
)
def test_teams_and_phrases_before_an_action_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


def test_a_two_word_given_name_of_a_member_is_found_in_lower_case(tmp_path: Path) -> None:
    scrubber = Scrubber(data_dir=tmp_path, names=["Mei Ling Tan", "Fatima Zahra Idrissi"])
    assert scrubber.scrub("mei ling sent the deck") == "<NAME> sent the deck"
    assert scrubber.scrub("ok so fatima zahra agreed") == "ok so <NAME> agreed"
