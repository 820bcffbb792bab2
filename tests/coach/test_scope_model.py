"""The learned scope model: what Anchor declines that no pattern names, and what it keeps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.coach import scope_model
from bot.coach.engine import Coach
from bot.coach.scope import out_of_scope
from bot.config import Settings
from bot.content.turns import load_turn_words

ROOT = Path(__file__).resolve().parents[2]
PROMPTS = ROOT / "prompts"
KNOWLEDGE = ROOT / "knowledge"

OUTSIDE = [
    "how many calories in a pint of lager",
    "what wine goes with lamb",
    "can you recommend a good box set to watch this weekend",
    "what's the best mortgage rate at the moment",
    "how do I get rid of moss on my lawn",
]
INSIDE = [
    "the weather has wrecked our winter plan, A&E is rammed and the council can't staff homecare",
    "how do I translate the strategy into something the ward teams understand",
    "we're buying a new EPR with the other trust and the clinicians hate the choice",
    "our deficit is 40 million and the ICB wants a joint recovery plan by March",
]


def test_the_exported_model_scores_as_scikit_learn_does(tmp_path: Path) -> None:
    texts = [
        "recipe for lasagne",
        "best pizza in town",
        "what wine with fish",
        "cheap flights to rome",
        "our board keeps arguing",
        "the council will not share data",
        "my team is exhausted this winter",
        "how do I give feedback to the chair",
    ] * 5
    outside = [True] * 4 + [False] * 4
    model = scope_model.ScopeModel.train(texts, outside * 5, "test")
    model.save(tmp_path / "m.npz")
    loaded = scope_model.ScopeModel.load(tmp_path / "m.npz", "test")
    vectorisers, regression = scope_model._fit([t.lower() for t in texts], np.array(outside * 5))
    for text in ["a recipe for the board", "flights for my team", "the chair again"]:
        expected = regression.predict_proba(scope_model._features(vectorisers, [text]))[0, 1]
        assert loaded.probability(text) == pytest.approx(expected, abs=1e-9)
    with pytest.raises(ValueError):
        scope_model.ScopeModel.load(tmp_path / "m.npz", "other examples")


def test_the_shipped_model_is_current() -> None:
    """If this fails, prompts/scope, knowledge/asked or the safety examples changed: run
    `anchor scope train`."""
    digest = scope_model.scope_digest(PROMPTS, KNOWLEDGE)
    model = scope_model.ScopeModel.load(scope_model.shipped_path(PROMPTS), digest)
    assert 0.0 < model.threshold < 1.0


@pytest.fixture(scope="module")
def shipped() -> scope_model.ScopeModel:
    model = scope_model.load_scope_model(PROMPTS, KNOWLEDGE)
    assert model is not None
    return model


@pytest.mark.parametrize("message", OUTSIDE)
def test_requests_no_pattern_names_are_declined(
    shipped: scope_model.ScopeModel, message: str
) -> None:
    assert shipped.outside(message)


@pytest.mark.parametrize("message", INSIDE)
def test_work_in_other_subjects_words_is_kept(
    shipped: scope_model.ScopeModel, message: str
) -> None:
    assert not shipped.outside(message)


def test_the_coach_declines_kindly_and_cites_nothing(settings: Settings) -> None:
    coach = Coach.from_settings(settings)
    reply = coach.respond("scope-user", "what wine goes with lamb")
    assert not reply.citations
    assert "outside what I do" in reply.reply and "I can help you" in reply.reply
    kept = coach.respond("scope-user-2", INSIDE[0])
    assert "outside what I do" not in kept.reply


# off-topic requests that carry work words: a topic's pattern with the model leaning, or the
# model all but certain
OFF_TOPIC_AT_WORK = [
    "can you recommend a decent hotel near the trust HQ for our board away day?",
    "what's the weather going to be like for the ICS leadership summit in Harrogate tomorrow?",
    "which printers should the practice order for reception, under £300?",
    "play me some upbeat music for the team huddle",
    "please write up the minutes of this morning's partnership board from my notes",
    "my outlook keeps crashing when I open the team calendar, how do I fix it?",
]
# leadership questions in the same words: kept
WORK_IN_THOSE_WORDS = [
    "the away day is at a posh hotel and staff think it looks extravagant, how do I handle it?",
    "the weather closed two community bases today and my managers are at each other's throats",
    "I need to tell the practice team we can't afford the new printers they were promised",
    "I think I'll lose my mind if I see another Gantt chart from the programme office",
    "the minutes of last week's board misrepresent what the council said, how do I raise it?",
]


@pytest.mark.parametrize("message", OFF_TOPIC_AT_WORK)
def test_off_topic_requests_with_work_words_are_declined(
    shipped: scope_model.ScopeModel, message: str
) -> None:
    words = load_turn_words(PROMPTS)
    assert out_of_scope(message, words, shipped) is not None


@pytest.mark.parametrize("message", WORK_IN_THOSE_WORDS)
def test_leadership_in_those_words_is_kept(shipped: scope_model.ScopeModel, message: str) -> None:
    words = load_turn_words(PROMPTS)
    assert out_of_scope(message, words, shipped) is None
