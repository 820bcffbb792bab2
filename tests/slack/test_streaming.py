"""Streamed replies over real HTTP when an LLM is configured: chat.startStream, appendStream
and stopStream against the fake Slack, the finished message closed with sources and feedback,
and a refused answer replaced by the reply the coach kept."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from bot.config import Settings
from bot.slack.loopback import Call, FakeSlack
from bot.slack.services import SlackServices
from tests.coach.test_llm import BED_PLAN, Exploding, answer, with_model
from tests.slack.conftest import Rig, block_ids, dm, make_rig, settle, texts_of, threaded

# keeps the turn plan: picks up the leader's words first, one idea, one question
GOOD = (
    "The trust chief executive keeps blocking your shared bed plan."
    " Interests sit under positions. What matters most to them?"
)


@pytest.fixture
def llm_rig(slack_settings: Settings, fake_slack: FakeSlack) -> Iterator[Rig]:
    services = SlackServices.open(slack_settings)
    rig = make_rig(slack_settings, fake_slack, services)
    with rig.served:
        yield rig
    services.close()


def use_model(rig: Rig, model: Any) -> None:
    with_model(rig.services.coach, model)


def streamed_text(calls: list[Call]) -> str:
    text = ""
    for call in calls:
        text += str(call.args.get("markdown_text") or "")
        for chunk in call.args.get("chunks") or []:
            text += str(chunk.get("text") or "")
    return text


def stream_calls(fake: FakeSlack) -> list[Call]:
    names = ("chat.startStream", "chat.appendStream", "chat.stopStream")
    return [c for c in fake.calls if c.method in names]


def test_an_llm_reply_is_streamed_into_the_thread_and_closed_with_sources(llm_rig: Rig) -> None:
    # the model may cite only the cards of the offline reply to the same message
    cards = [c.card_id for c in llm_rig.services.coach.respond("slack:U0", BED_PLAN).citations]
    use_model(llm_rig, FakeListChatModel(responses=[answer(GOOD, cards[:1])]))
    ts = "1700000900.000100"
    assert dm(llm_rig, "U9", BED_PLAN, ts).status == 200
    fake = llm_rig.fake
    assert fake.wait_for(lambda: fake.of("chat.stopStream"), 20)
    settle(llm_rig)
    calls = stream_calls(fake)
    assert calls[0].method == "chat.startStream"
    assert calls[0].args["thread_ts"] == ts and calls[0].args["recipient_user_id"] == "U9"
    assert len(calls) >= 3  # it arrived in pieces, not all at once
    assert streamed_text(calls) == GOOD
    closing = fake.of("chat.stopStream")[0].args
    assert {"sources", "feedback"} <= set(block_ids(closing["blocks"]))
    assert "[1]" in texts_of(closing["blocks"])
    assert threaded(fake, ts) == [] and fake.of("chat.update") == []  # no second copy


def test_a_streamed_answer_the_coach_refuses_is_replaced_by_the_kept_reply(llm_rig: Rig) -> None:
    use_model(llm_rig, FakeListChatModel(responses=[answer("A statement. And another.", [])]))
    ts = "1700001000.000100"
    dm(llm_rig, "U9", BED_PLAN, ts)
    fake = llm_rig.fake
    assert fake.wait_for(lambda: fake.of("chat.update"), 20)
    settle(llm_rig)
    assert streamed_text(stream_calls(fake)) == "A statement. And another."
    started_ts = str(fake.of("chat.stopStream")[0].args["ts"])
    [update] = fake.of("chat.update")
    assert update.args["ts"] == started_ts
    assert "A statement" not in update.args["text"]
    assert "sources" in block_ids(update.args["blocks"])


def test_with_no_llm_answer_the_reply_is_posted_as_usual(llm_rig: Rig) -> None:
    use_model(llm_rig, Exploding())
    ts = "1700001100.000100"
    dm(llm_rig, "U9", BED_PLAN, ts)
    fake = llm_rig.fake
    assert fake.wait_for(lambda: threaded(fake, ts), 20)
    settle(llm_rig)
    assert stream_calls(fake) == []
    assert "sources" in block_ids(threaded(fake, ts)[0].args["blocks"])
