"""A time-aware coach: replies that draw on a policy card (one with `as_of`) say once how
current the picture is; offline, and when an LLM improves the reply."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.coach.engine import Coach
from bot.coach.llm import CardBrief, LLMRequest, LLMResponder, render
from bot.coach.polish import Polisher
from bot.config import Settings
from bot.content.llm_prompts import load_llm_prompts

HOW_MANY = "how many ICSs are there?"


@pytest.fixture
def coach(settings: Settings) -> Coach:
    return Coach.from_settings(settings)


def month_of(coach: Coach, card_id: str) -> str:
    month = coach.retriever.cards[card_id].meta.as_of_month
    assert month, f"{card_id} should carry as_of"
    return month


def test_how_many_icss_gets_todays_picture_with_its_date(coach: Coach, user: str) -> None:
    reply = coach.respond(user, HOW_MANY)
    body = reply.reply.split("\n\nSources: ")[0]
    assert "42 ICSs at launch in July 2022" in body
    assert "1 April 2026" in body
    month = month_of(coach, "health-and-care-act-2022")
    assert body.count(f"as of {month}") == 1
    assert reply.citations[0].card_id == "health-and-care-act-2022"


def test_a_reply_without_a_policy_card_has_no_date(coach: Coach, user: str) -> None:
    reply = coach.respond(user, "is this a technical fix or an adaptive challenge?")
    assert reply.citations
    dated = [c.card_id for c in reply.citations if coach.retriever.cards[c.card_id].meta.as_of]
    assert dated == []
    assert "as of" not in reply.reply.lower()


class Recording:
    """A chat model that remembers what it was sent and answers without any date."""

    def __init__(self, reply: str, cards: list[str]) -> None:
        self.answer = json.dumps({"reply": reply, "cited_card_ids": cards})
        self.sent: list[Any] = []

    def invoke(self, messages: Any) -> Any:
        self.sent.append(messages)
        return self.answer


def test_the_llm_sees_the_date_and_the_reply_keeps_it(coach: Coach, user: str) -> None:
    # keeps the turn plan: picks up the leader's words first, one idea, one question
    text = (
        "You're asking how many ICSs there are. Forty-two systems began in 2022 and some have"
        " merged since. What matters most to you?"
    )
    model = Recording(text, ["health-and-care-act-2022"])
    prompts = load_llm_prompts(coach.settings.prompts_dir)
    coach.polisher = Polisher(LLMResponder(model, prompts, 2.0), coach.retriever, coach.flows, None)
    reply = coach.respond(user, HOW_MANY)
    month = month_of(coach, "health-and-care-act-2022")
    assert reply.mode == "llm"
    assert reply.reply.startswith(text)
    assert reply.reply.count(f"as of {month}") == 1  # added, since the model left it out
    sent = "\n".join(content for _, content in model.sent[0])
    assert f"(policy as of {month})" in sent


def test_a_dated_llm_answer_is_not_dated_twice(coach: Coach, user: str) -> None:
    month = month_of(coach, "health-and-care-act-2022")
    text = (
        f"You're asking how many ICSs there are. As of {month}, 42 systems began in 2022"
        " and some have merged. What matters most?"
    )
    prompts = load_llm_prompts(coach.settings.prompts_dir)
    coach.polisher = Polisher(
        LLMResponder(Recording(text, ["health-and-care-act-2022"]), prompts, 2.0),
        coach.retriever,
        coach.flows,
        None,
    )
    reply = coach.respond(user, HOW_MANY)
    assert reply.mode == "llm"
    assert reply.reply.lower().count("as of") == 1


def test_card_briefs_show_their_month_only_when_dated() -> None:
    prompts_dir = Settings().prompts_dir
    request = LLMRequest(
        message="m",
        draft="d",
        cards=[
            CardBrief(id="a-card", title="A", text="t", as_of="May 2026"),
            CardBrief(id="b-card", title="B", text="t"),
        ],
    )
    human = render(request, load_llm_prompts(prompts_dir))[1][1]
    assert "[a-card] A (policy as of May 2026)" in human
    assert "[b-card] B\n" in human
