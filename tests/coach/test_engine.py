"""The coach as a leader experiences it: replies, memory, safety and bad input."""

from __future__ import annotations

import logging
import re

import pytest

from bot.coach.engine import Coach
from bot.config import Settings
from bot.models import SafetyLevel

BED_PLAN = (
    "The trust chief executive keeps blocking our shared bed plan because of his own targets."
)


@pytest.fixture
def coach(settings: Settings) -> Coach:
    return Coach.from_settings(settings)


def body_and_sources(text: str) -> tuple[str, str]:
    body, _, sources = text.rpartition("\n\nSources: ")
    return body, sources


def test_a_reply_acknowledges_grounds_cites_and_asks(coach: Coach, user: str) -> None:
    reply = coach.respond(user, BED_PLAN)
    body, sources = body_and_sources(reply.reply)
    paragraphs = body.split("\n\n")
    assert len(paragraphs) == 3  # acknowledgement, points, question
    assert re.search(r"\[1\]", paragraphs[1])
    assert paragraphs[-1].endswith("?") and paragraphs[-1].count("?") == 1
    assert reply.citations and sources.startswith("[1] ")
    assert reply.citations[0].title in sources
    assert len(reply.reply.split()) <= 190


def test_tell_me_more_goes_deeper_without_repeating(coach: Coach, user: str) -> None:
    first = coach.respond(user, BED_PLAN)
    more = coach.respond(user, "tell me more")
    first_points = body_and_sources(first.reply)[0].split("\n\n")[1]
    more_points = body_and_sources(more.reply)[0].split("\n\n")[1]
    assert more.citations
    for sentence in re.split(r" \[\d\] ?", more_points):
        if sentence.strip():
            assert sentence.strip() not in first_points
    assert (
        body_and_sources(first.reply)[0].split("\n\n")[-1]
        != body_and_sources(more.reply)[0].split("\n\n")[-1]
    )


def test_what_about_shifts_the_topic_in_context(coach: Coach, user: str) -> None:
    coach.respond(user, BED_PLAN)
    reply = coach.respond(user, "what about with clinicians?")
    cited = {c.card_id for c in reply.citations}
    assert cited & {
        "engaging-clinicians",
        "lessons-from-early-stps",
        "what-is-collective-leadership",
    }


def test_memory_survives_a_restart(settings: Settings, user: str) -> None:
    Coach.from_settings(settings).respond(user, BED_PLAN)
    reply = Coach.from_settings(settings).respond(user, "tell me more")
    assert reply.citations  # it still knew the topic


def test_a_new_conversation_forgets_the_topic(coach: Coach, user: str) -> None:
    coach.respond(user, BED_PLAN)
    coach.new_conversation(user)
    reply = coach.respond(user, "tell me more")
    assert not reply.citations


def test_an_empty_message_gets_a_gentle_prompt(coach: Coach, user: str) -> None:
    for empty in ["", "   ", "\n\t"]:
        reply = coach.respond(user, empty)
        assert "What's on your mind" in reply.reply
        assert not reply.citations


def test_a_huge_message_is_truncated_with_a_note(coach: Coach, user: str) -> None:
    text = ("Our partnership board keeps avoiding the difficult conversation about money. " * 700)[
        :50_000
    ]
    reply = coach.respond(user, text)
    assert "very long" in reply.reply and "4,000 characters" in reply.reply
    assert reply.citations and reply.notes


def test_off_topic_questions_are_not_forced_onto_a_card(coach: Coach, user: str) -> None:
    reply = coach.respond(user, "recipe for lasagne")
    assert not reply.citations
    assert reply.reply.endswith("?")


def test_small_talk_is_answered_briefly(coach: Coach, user: str) -> None:
    assert "Anchor" in coach.respond(user, "hello").reply
    assert "coach" in coach.respond(user, "help").reply


def test_crisis_gets_signposting_and_the_check_in_persists(coach: Coach, user: str) -> None:
    reply = coach.respond(user, "honestly I've been thinking about ending it all")
    assert reply.safety.level == SafetyLevel.CRISIS
    for needed in ("999", "116 123", "111", "Practitioner Health"):
        assert needed in reply.reply
    assert not reply.citations
    still = coach.respond(user, "I'm fine")
    assert still.safety.level == SafetyLevel.CRISIS and not still.citations
    restarted = Coach.from_settings(coach.settings).respond(user, "ok")
    assert restarted.safety.level == SafetyLevel.CRISIS


def test_idioms_are_coached_not_escalated(coach: Coach, user: str) -> None:
    reply = coach.respond(user, "this merger is killing me, the boards just won't agree")
    assert reply.safety.level != SafetyLevel.CRISIS
    assert reply.citations


def test_speak_up_worries_point_to_the_guardian(coach: Coach, user: str) -> None:
    reply = coach.respond(
        user, "I think incidents on the ward are being covered up and patients are being harmed"
    )
    assert reply.safety.level == SafetyLevel.CONCERN
    assert "Freedom to Speak Up" in reply.reply


def test_message_text_is_never_logged_at_info(
    coach: Coach, user: str, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Councillor Jane Doe is furious about the bed plan"
    with caplog.at_level(logging.INFO):
        coach.respond(user, secret)
        coach.respond(user, "I want to end it all")
    assert "Jane Doe" not in caplog.text and "end it all" not in caplog.text


def test_no_reply_tells_the_leader_what_they_should_do(coach: Coach, user: str) -> None:
    for message in [
        BED_PLAN,
        "how do I get GPs to engage with the ICB",
        "I feel like a fraud on the board",
    ]:
        assert "you should" not in coach.respond(user, message).reply.lower()
