"""The safety gate's learned risk model: exported faithfully, cached, and a real second opinion."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.coach import risk
from bot.coach.safety import SafetyGate, SafetyState
from bot.config import PROJECT_ROOT
from bot.content.training import load_training, training_digest
from bot.models import SafetyLevel

PROMPTS = PROJECT_ROOT / "prompts"


@pytest.fixture(scope="module")
def gate() -> SafetyGate:
    return SafetyGate.from_dir(PROMPTS, "your EAP")


def test_the_exported_model_scores_exactly_as_scikit_learn_does(gate: SafetyGate) -> None:
    examples = load_training(PROMPTS)[:400]
    texts = [gate.detector.own_text(e.text) for e in examples]
    exported, fitted = risk.RiskModel.train(texts, [e.label == "crisis" for e in examples])
    theirs = fitted.predict_proba(texts)[:, 1]
    ours = np.array([exported.probability(t) for t in texts])
    assert np.allclose(ours, theirs, atol=1e-9)


def test_the_threshold_keeps_false_alarms_within_the_target() -> None:
    probabilities = np.array([0.9, 0.8, 0.7, 0.2, 0.1, 0.05, 0.04, 0.03, 0.02, 0.01, 0.6, 0.3])
    labels = np.array([True, True, True] + [False] * 9)
    threshold = risk.choose_threshold(probabilities, labels, target=0.12)
    false_alarms = ((probabilities >= threshold) & ~labels).sum() / (~labels).sum()
    assert false_alarms <= 0.12 and threshold <= 0.6 + 1e-6


def test_the_shipped_model_is_current() -> None:
    """If this fails, the examples, rules or lexicon changed: run `anchor safety train`."""
    digest = training_digest(PROMPTS)
    model = risk.RiskModel.load(risk.shipped_model_path(PROMPTS), digest)
    assert 0.0 < model.threshold < 1.0


@pytest.mark.slow  # trains the model from the examples
def test_without_a_current_model_one_is_trained_and_cached(
    tmp_path: Path, gate: SafetyGate
) -> None:
    prompts = tmp_path / "prompts"
    shutil.copytree(PROMPTS, prompts)
    risk.shipped_model_path(prompts).unlink()
    cache = tmp_path / "cache"
    risk._MEMO.clear()
    first = risk.load_risk_model(prompts, gate.detector.own_text, cache)
    assert first is not None and list(cache.glob("risk-*.npz"))
    risk._MEMO.clear()
    again = risk.load_risk_model(prompts, gate.detector.own_text, cache)
    assert again is not None and again.threshold == first.threshold
    text = gate.detector.own_text("i have the tablets lined up for tonight")
    assert again.probability(text) == pytest.approx(first.probability(text))


def test_the_model_catches_phrasings_the_rules_do_not(gate: SafetyGate) -> None:
    rules_only = SafetyGate.from_dir(PROMPTS, "your EAP", learned=False)
    novel = [
        "after the inquiry i wont be around to read it, ive sorted everything for my deputy",
        "i keep thinking about walking into the sea after the board and just carrying on walking",
    ]
    caught = [m for m in novel if gate.assess(m, SafetyState()).info.level == SafetyLevel.CRISIS]
    by_rules = [
        m for m in novel if rules_only.assess(m, SafetyState()).info.level == SafetyLevel.CRISIS
    ]
    assert len(caught) == len(novel)
    assert len(by_rules) <= len(caught)


def test_ordinary_stress_is_not_flagged(gate: SafetyGate) -> None:
    for message in [
        "the deficit is killing us and the board wants a miracle by March",
        "I'm exhausted, honestly, but I'm fine, just need a better plan for winter",
        "how do I support a colleague who told me she has been having dark thoughts?",
    ]:
        assert gate.assess(message, SafetyState()).info.level != SafetyLevel.CRISIS


def test_choices_anchor_offers_are_never_read_as_a_crisis(gate: SafetyGate) -> None:
    from bot.content.flows import load_exercises, load_scenarios

    labels = [
        o.label for s in load_scenarios(PROMPTS).values() for p in s.points for o in p.options
    ]
    labels += [
        c for e in load_exercises(PROMPTS).values() for step in e.steps for c in step.choices
    ]
    flagged = [
        label
        for label in labels
        if gate.assess(label, SafetyState(), free_text=False).info.level == SafetyLevel.CRISIS
    ]
    assert flagged == []


def test_picking_an_offered_option_mid_scenario_continues_the_scenario(settings: object) -> None:
    from bot.coach.engine import Coach
    from bot.config import Settings

    assert isinstance(settings, Settings)
    coach = Coach.from_settings(settings)
    first = coach.respond("test:option", "scenario bed plan resistance")
    assert first.flow is not None
    for option in first.options:
        reply = coach.respond(f"test:option:{option.value}", "scenario bed plan resistance")
        reply = coach.respond(f"test:option:{option.value}", option.label)
        assert reply.safety.level != SafetyLevel.CRISIS
        assert reply.flow is not None and reply.flow.id == "bed-plan-resistance"
