"""Bring-your-own LLM: grounded, validated, scrubbed, and always falling back to offline."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from bot.coach.engine import Coach
from bot.coach.llm import LLMResponder
from bot.coach.polish import Polisher
from bot.config import Settings
from bot.content.llm_prompts import load_llm_prompts
from tests.fakes.openai_server import FakeOpenAI

BED_PLAN = (
    "The trust chief executive keeps blocking our shared bed plan because of his own targets."
)
PLANTED = (
    "Email me at priya.shah@nhs.net or call 07700 900123, "
    "patient NHS number 943 476 5919. " + BED_PLAN
)


# a reply that keeps the turn plan: it reflects the leader's words and asks one question
GOOD = "So the trust chief executive keeps blocking your bed plan. What would help them agree?"


def answer(reply: str, cards: list[str]) -> str:
    return json.dumps({"reply": reply, "cited_card_ids": cards})


class Exploding:
    def invoke(self, _messages: Any) -> Any:
        raise RuntimeError("provider down")


class Sleepy:
    def __init__(self, seconds: float, reply: str = answer("late?", [])) -> None:
        self.seconds = seconds
        self.reply = reply

    def invoke(self, _messages: Any) -> Any:
        time.sleep(self.seconds)
        return self.reply


def with_model(coach: Coach, model: Any, timeout: float = 1.0) -> Coach:
    prompts = load_llm_prompts(coach.settings.prompts_dir)
    coach.polisher = Polisher(
        LLMResponder(model, prompts, timeout), coach.retriever, coach.flows, None
    )
    return coach


@pytest.fixture
def coach(settings: Settings) -> Coach:
    return Coach.from_settings(settings)


def offline_cards(coach: Coach, user: str) -> list[str]:
    """The cards the offline composer cites for the bed-plan message (the LLM's allowed set)."""
    polisher, coach.polisher = coach.polisher, None
    try:
        return [c.card_id for c in coach.respond(f"{user}-offline", BED_PLAN).citations]
    finally:
        coach.polisher = polisher


def test_a_valid_answer_is_used_with_only_the_cards_it_was_given(coach: Coach, user: str) -> None:
    given = offline_cards(coach, user)
    text = (
        "The trust chief executive keeps blocking your shared bed plan for his own targets."
        " Interests sit under positions. What would help them agree?"
    )
    fake = FakeListChatModel(responses=[answer(text, [given[0], "invented-card"])])
    reply = with_model(coach, fake).respond(user, BED_PLAN)
    assert reply.mode == "llm"
    assert reply.reply.startswith(text)
    assert [c.card_id for c in reply.citations] == [given[0]]
    assert "invented-card" not in reply.reply


@pytest.mark.parametrize(
    "model",
    [
        FakeListChatModel(responses=["this is not json at all"]),
        FakeListChatModel(responses=[answer("", [])]),
        FakeListChatModel(responses=[answer("You should just escalate it to the region.", [])]),
        FakeListChatModel(responses=[answer("A statement with no question at all.", [])]),
        Exploding(),
    ],
    ids=["not-json", "empty", "you-should", "no-question", "error"],
)
def test_bad_answers_fall_back_to_the_offline_reply(coach: Coach, user: str, model: Any) -> None:
    reply = with_model(coach, model).respond(user, BED_PLAN)
    assert reply.mode == "offline"
    assert reply.citations and "Sources:" in reply.reply


def test_a_slow_model_is_abandoned_at_the_timeout(coach: Coach, user: str) -> None:
    # The same good answer is used when it comes in time and dropped when it comes too late.
    # How far past the timeout the fallback comes is measured by `anchor bench`.
    given = offline_cards(coach, user)
    good = answer(GOOD, given[:1])
    assert with_model(coach, Sleepy(0.0, good), timeout=5.0).respond(user, BED_PLAN).mode == "llm"
    reply = with_model(coach, Sleepy(5.0, good), timeout=0.5).respond(f"{user}-late", BED_PLAN)
    assert reply.mode == "offline" and reply.citations


def test_the_safety_gate_runs_before_the_llm(coach: Coach, user: str) -> None:
    fake = FakeListChatModel(responses=[answer("Let's talk strategy. What next?", [])])
    reply = with_model(coach, fake).respond(user, "i want to kill myself")
    assert reply.mode == "offline" and "116 123" in reply.reply


def test_flow_turns_keep_their_options(coach: Coach, user: str) -> None:
    fake = FakeListChatModel(responses=[answer("Let's begin. Which do you pick?", [])] * 3)
    with_model(coach, fake)
    reply = coach.respond(user, "practise a difficult conversation about the council walking out")
    assert reply.options, "scenario choices are offered"
    assert reply.mode == "offline"  # the model dropped the numbered options, so it wasn't used


# --- the real langchain-openai client against a fake OpenAI-compatible server on loopback ------


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def openai_coach(settings: Settings, server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> Coach:
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    configured = settings.model_copy(
        update={"llm": "openai:gpt-4.1-mini", "llm_base_url": server.base_url, "llm_timeout": 1.0}
    )
    coach = Coach.from_settings(configured)
    assert coach.polisher is not None
    return coach


def test_openai_success(openai_coach: Coach, server: FakeOpenAI, user: str) -> None:
    given = offline_cards(openai_coach, user)
    server.script.append(("ok", answer(GOOD, given[:1])))
    reply = openai_coach.respond(user, BED_PLAN)
    assert reply.mode == "llm" and reply.citations[0].card_id == given[0]
    assert server.received[-1]["model"] == "gpt-4.1-mini"


@pytest.mark.parametrize(
    "behaviour",
    [
        ("status", 429),
        ("status", 500),
        ("raw", "{not json"),
        ("ok", "no json object here"),
        ("slow", 3),
    ],
    ids=["429", "500", "malformed-http", "malformed-answer", "slow"],
)
def test_openai_failures_fall_back(
    openai_coach: Coach, server: FakeOpenAI, user: str, behaviour: tuple[str, Any]
) -> None:
    server.script.append(behaviour)
    reply = openai_coach.respond(user, BED_PLAN)
    assert reply.mode == "offline" and reply.citations


def test_no_planted_personal_detail_reaches_the_provider(
    openai_coach: Coach, server: FakeOpenAI, user: str
) -> None:
    openai_coach.respond(user, PLANTED)
    openai_coach.respond(user, "tell me more, or ring Dr Okafor on 0161 496 0000")
    sent = server.sent_text()
    assert server.received, "the provider was called"
    for planted in ["priya.shah@nhs.net", "07700 900123", "943 476 5919", "0161 496 0000"]:
        assert planted not in sent


# --- the LLM follows the same turn plan as the offline composer --------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Here is what the evidence suggests: interests sit under positions. What next?",
        "Partnerships are hard and trust takes time. What would help them agree?",
        "So the trust chief executive keeps blocking your bed plan. Why? What now?",
    ],
    ids=["stock-opener", "not-their-words", "two-questions"],
)
def test_an_answer_that_breaks_the_turn_plan_is_refused(coach: Coach, user: str, text: str) -> None:
    given = offline_cards(coach, user)
    reply = with_model(coach, FakeListChatModel(responses=[answer(text, given[:1])])).respond(
        user, BED_PLAN
    )
    assert reply.mode == "offline" and reply.citations


def test_the_model_is_given_the_turn_plan_and_the_leaders_seat(
    openai_coach: Coach, server: FakeOpenAI, user: str
) -> None:
    openai_coach.respond(user, "I'm the director of adult social care at the county council.")
    openai_coach.respond(user, BED_PLAN)
    sent = server.sent_text()
    assert "Kind of turn: idea" in sent and "cite only it" in sent
    assert "director of adult social care in a council" in sent


# a message whose offline reply quotes one card and asks another card's question
NODS = (
    "everyone nodded through the strategy at the away day but 3 months later nobody's work"
    " joins up. what's missing"
)


def test_a_plan_with_a_second_cards_question_binds_the_model_too(coach: Coach, user: str) -> None:
    # the offline reply quotes one card and asks the second card's question ("...? [2]"): an
    # answer with no question is refused, and one that keeps the plan keeps both citations
    polisher, coach.polisher = coach.polisher, None
    given = [c.card_id for c in coach.respond(f"{user}-offline", NODS).citations]
    coach.polisher = polisher
    assert len(given) == 2
    flat = answer("So everyone nodded the strategy through and nothing joins up. A pattern.", given)
    refused = with_model(coach, FakeListChatModel(responses=[flat])).respond(f"{user}-a", NODS)
    assert refused.mode == "offline"
    kept = answer(
        "So everyone nodded the strategy through at the away day and nobody's work joins up."
        " Nodding is not agreement. What did nobody say out loud?",
        given,
    )
    reply = with_model(coach, FakeListChatModel(responses=[kept])).respond(f"{user}-b", NODS)
    assert reply.mode == "llm"
    assert [c.card_id for c in reply.citations] == given
