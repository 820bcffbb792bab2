"""Scrubber round 11: names after "via" and "per", after "met", with a helping word before a
person's verb ("hasn't replied"), added to a place of talk, and a strong cue's name before a
colon or comma."""

from __future__ import annotations

import pytest

from bot.privacy.scrub import Scrubber

DIRECTORY = ["Hope Nyambura", "Mark Tennant", "Faith Okafor", "Joy Barraclough"]


@pytest.fixture(scope="module")
def scrubber(tmp_path_factory: pytest.TempPathFactory) -> Scrubber:
    return Scrubber(data_dir=tmp_path_factory.mktemp("round11"), names=DIRECTORY)


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
