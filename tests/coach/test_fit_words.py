"""Sentence fit reads the leader's situation, not the names in it: a name or an acronym no
longer turns a fitting question into "nothing fits", and the reply quotes retrieval's first
card."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.coach.engine import Coach
from bot.coach.plain import plain_words, vocabulary
from bot.config import Settings
from bot.content.turns import load_turn_words

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
KNOWN = vocabulary(["Our trust and the council keep the bed plan", "a finance director"])
ACRONYMS = load_turn_words(PROMPTS).acronyms


@pytest.mark.parametrize(
    ("said", "read"),
    [
        (
            "Our ICS finance director Priya Shah keeps vetoing the bed plan",
            "Our ICS (integrated care system) finance director keeps vetoing the bed plan",
        ),
        ("<NAME> from <ORG> said the Trust won't fund it", "from said the Trust won't fund it"),
        ("Priya's GPs walked out", "GPs (general practice doctor) walked out"),
        ("how do I keep the council on board?", "how do I keep the council on board?"),
    ],
)
def test_names_go_and_acronyms_are_spelled_out_for_fit(said: str, read: str) -> None:
    assert plain_words(said, KNOWN, ACRONYMS) == read


def test_a_name_and_an_acronym_no_longer_make_a_fitting_question_fit_nothing(
    settings: Settings, user: str
) -> None:
    coach = Coach.from_settings(settings)
    reply = coach.respond(user, "Our ICS finance director Priya Shah keeps vetoing the bed plan")
    assert reply.citations, reply.reply
    assert "Priya Shah" in reply.reply.split("\n\n")[0]  # the reflection keeps their words
    assert "notes" not in reply.reply.lower()


def test_the_reply_quotes_retrievals_first_card(settings: Settings, user: str) -> None:
    coach = Coach.from_settings(settings)
    message = "how do i get GPs to engage with the ICS instead of seeing it as another layer"
    first = coach.retriever.rank_cards(message, k=1)
    reply = coach.respond(user, message)
    assert [c.card_id for c in reply.citations] == first
