"""Scrubber round 15: people's given names that are also ordinary words, found by the words
around them: a sentence about "she" or "he" after one ("I'm concerned for Mercy. She ..."),
a name that is part of an email address in the message, a name taking up a role ("Blessing is
the new ward clerk", "Autumn starts as our deputy"), names thanked "for" a part taken, a
member's name written surname first in lower case, a name "in" a team before a verb, a name
"from the" somewhere before a verb only a person does, a member's word-name given an action
after a clause, a possessive before an idea, a modal that is a name before "can you", and a
task done after "has" ("Ruby has sent round the notes")."""

from __future__ import annotations

import pytest

from bot.privacy.scrub import Scrubber

MEMBERS = ["Patience Adjei", "Mercy Lindqvist", "Liviu Constantinescu", "Honor Faulkner"]


@pytest.fixture(scope="module")
def members(tmp_path_factory: pytest.TempPathFactory) -> Scrubber:
    return Scrubber(data_dir=tmp_path_factory.mktemp("round15m"), names=MEMBERS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A sentence about her or him after the name.
        (
            "Can someone check in on Ruby. She's had a rough week on the unit",
            "Can someone check in on <NAME>. She's had a rough week on the unit",
        ),
        (
            "I had a long chat with Frank! He'd no idea",
            "I had a long chat with <NAME>! He'd no idea",
        ),
        # A name that is a part of an email address in the message.
        (
            "Write to Heather at heather.moyo@example.org about the venue",
            "Write to <NAME> at <EMAIL> about the venue",
        ),
        (
            "her address is ruby.okoro@example.org, try there first. Ruby.",
            "her address is <EMAIL>, try there first. <NAME>.",
        ),
        # ... but not a word of the address that is no name.
        (
            "Ask the Help Desk at help.desk@example.org about the venue",
            "Ask the Help Desk at <EMAIL> about the venue",
        ),
        # A name taking up a role.
        ("Precious is our new HCA, be kind", "<NAME> is our new HCA, be kind"),
        (
            "Blessing is the new ward clerk on Elm, say hello",
            "<NAME> is the new ward clerk on Elm, say hello",
        ),
        (
            "Autumn starts as our deputy practice manager next week",
            "<NAME> starts as our deputy practice manager next week",
        ),
        # Thanked for a part taken, in lower case too.
        (
            "massive thanks to ruby and honey for running the stall",
            "massive thanks to <NAME> and <NAME> for running the stall",
        ),
        # In a team, before a verb.
        (
            "the chase is on, but Heather in finance would have the codes",
            "the chase is on, but <NAME> in finance would have the codes",
        ),
        (
            "ask around, Ivy in HR would have the policy",
            "ask around, <NAME> in HR would have the policy",
        ),
        # From the somewhere, then a verb only a person does.
        (
            "Rose from the allotment society wants to run a stall",
            "<NAME> from the allotment society wants to run a stall",
        ),
        # A given name that is also a word (but no verb before "to") given an action.
        ("Amber to chase the estates team", "<NAME> to chase the estates team"),
        ("actions: Will to grab the minutes", "actions: <NAME> to grab the minutes"),
        # A possessive before an idea.
        (
            "the green light came from the board but it was Ivy's idea",
            "the green light came from the board but it was <NAME>'s idea",
        ),
        (
            "Heather's proposal for the rota went down well",
            "<NAME>'s proposal for the rota went down well",
        ),
        # A modal opening a line before "can you" is a name.
        (
            "will can you forward the agenda when you get a sec",
            "<NAME> can you forward the agenda when you get a sec",
        ),
        # A season that is a given name, asked to do a task.
        (
            "summer could you forward me the invite",
            "<NAME> could you forward me the invite",
        ),
        # A task done after "has".
        (
            "Sunny has sent out the rota for next month",
            "<NAME> has sent out the rota for next month",
        ),
    ],
)
def test_word_names_in_a_persons_context(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We were worried about the Joy. She was an old boat and leaking",
        "they named the new lifeboat Hope. She launches on Friday",
        "Summer is the new winter for A&E pressures",
        "Hope is the new NHS strategy, apparently",
        "thanks to hard work and luck for the result",
        "hope in finance is running low this quarter",
        "Faith in finance has gone after the audit",
        "thanks to unity and harmony for the result",
        "Hope in IT is fading after the outage",
        "The system has sent out the reminders",
        "Hope to send it tomorrow",
        "will you forward the agenda when you get a sec",
        "march can you believe it, the audit is done",
        "the amber rating on the dashboard was the board's idea",
    ],
)
def test_ordinary_uses_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A member's word-name given an action after a clause.
        (
            "Honor and I will collate; Patience to check the figures",
            "<NAME> and I will collate; <NAME> to check the figures",
        ),
        (
            "Liviu will book the room; patience to circulate the papers",
            "<NAME> will book the room; <NAME> to circulate the papers",
        ),
        # A member's name written surname first in lower case.
        (
            "constantinescu liviu is on the late shift",
            "<NAME> is on the late shift",
        ),
    ],
)
def test_members_word_names(members: Scrubber, text: str, expected: str) -> None:
    assert members.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Hope to check the figures over the weekend",
        "Chance to review the plan would be welcome",
        "we need patience and care for this one",
        "thanks all, patience to review it is wearing thin",
    ],
)
def test_members_ordinary_words_stay(members: Scrubber, text: str) -> None:
    assert members.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A university's school or faculty belongs to its name.
        (
            "Ormside University School of Nursing and Midwifery runs the course",
            "<ORG> runs the course",
        ),
        ("she lectures at Kelbridge University Business School now", "she lectures at <ORG> now"),
        # ... but not words after "of" that name none.
        ("Kelbridge University of course said no", "<ORG> of course said no"),
        # A surgery before a role in lower case is still a surgery.
        (
            "we're seeing Hollinsbrook Lane Surgery partners on Friday",
            "we're seeing <ORG> partners on Friday",
        ),
        ("the Practice Manager group meets monthly", None),
    ],
)
def test_bodies_and_their_units(scrubber: Scrubber, text: str, expected: str | None) -> None:
    assert scrubber.scrub(text) == (text if expected is None else expected)
