"""Streaming an LLM's reply: whole sentences as they arrive, never text that fails the screen,
and the finished reply always the one to keep."""

from __future__ import annotations

import json

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from bot.coach.engine import Coach
from bot.coach.stream import SentenceRelease, partial_reply
from bot.config import Settings
from tests.coach.test_llm import BED_PLAN, answer, offline_cards, with_model


def feed_in_pieces(raw: str, size: int) -> list[str]:
    got: list[str] = []
    release = SentenceRelease(got.append)
    for start in range(0, len(raw), size):
        release.feed(raw[start : start + size])
    return got


def test_partial_reply_decodes_what_has_arrived() -> None:
    raw = json.dumps({"reply": 'Café "talks" —\nnext?\u2019', "cited_card_ids": []})
    for cut in range(len(raw) + 1):
        text, _ = partial_reply(raw[:cut])
        assert 'Café "talks" —\nnext?\u2019'.startswith(text)
    assert partial_reply(raw) == ('Café "talks" —\nnext?\u2019', True)
    assert partial_reply('{"cited_card_ids": [], "rep') == ("", False)


@pytest.mark.parametrize("size", [1, 3, 17, 1000])
def test_whole_sentences_are_released_once_in_order(size: int) -> None:
    reply = "That sounds hard. Interests sit under positions! What would help them agree?"
    pieces = feed_in_pieces(answer(reply, ["x"]), size)
    assert "".join(pieces) == reply
    assert all(p.rstrip().endswith((".", "!", "?")) for p in pieces)


def test_a_sentence_telling_them_what_they_should_do_stops_the_stream() -> None:
    pieces = feed_in_pieces(answer("I hear you. You should escalate. Or not?", []), 4)
    assert "".join(pieces) == "I hear you."


@pytest.fixture
def coach(settings: Settings) -> Coach:
    return Coach.from_settings(settings)


def test_the_coach_streams_an_llm_reply_that_matches_what_it_keeps(coach: Coach, user: str) -> None:
    given = offline_cards(coach, user)
    # keeps the turn plan: picks up the leader's words first, one idea, one question
    text = (
        "The trust chief executive keeps blocking your shared bed plan."
        " Interests sit under positions. What matters to them?"
    )
    with_model(coach, FakeListChatModel(responses=[answer(text, given[:1])]))
    pieces: list[str] = []
    reply = coach.respond(user, BED_PLAN, on_text=pieces.append)
    assert reply.mode == "llm" and len(pieces) >= 3
    assert "".join(pieces) == text and reply.reply.startswith(text)


def test_a_streamed_answer_that_is_then_refused_leaves_the_offline_reply(
    coach: Coach, user: str
) -> None:
    with_model(coach, FakeListChatModel(responses=[answer("A statement. Another one.", [])]))
    pieces: list[str] = []
    reply = coach.respond(user, BED_PLAN, on_text=pieces.append)
    assert "".join(pieces) == "A statement. Another one."  # shown while it arrived ...
    assert reply.mode == "offline" and not reply.reply.startswith("A statement")  # ... not kept
