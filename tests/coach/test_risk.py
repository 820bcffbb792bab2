"""The safety gate's learned risk model: exported faithfully, cached, per level, explainable,
and a real second opinion."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from bot.coach import risk
from bot.coach.encoder import LazyEncoder, encoder_dir
from bot.coach.safety import SafetyGate, SafetyState
from bot.config import PROJECT_ROOT
from bot.content.training import Example, load_training, training_digest
from bot.datafiles import ContentError
from bot.models import SafetyLevel
from tests.helpers import TRIAL_FALSE_ALARMS

PROMPTS = PROJECT_ROOT / "prompts"


@pytest.fixture(scope="module")
def gate() -> SafetyGate:
    return SafetyGate.from_dir(PROMPTS, "your EAP")


@pytest.fixture(scope="module")
def model(gate: SafetyGate) -> risk.RiskModel:
    assert gate.detector.risk is not None
    return gate.detector.risk


def at_least_crisis(level: SafetyLevel) -> bool:
    return level.value in {"crisis", "emergency"}


def views(gate: SafetyGate, text: str) -> risk.Prepared:
    detector = gate.detector
    return risk.Prepared(detector.own_text(text), detector.crisis_text(detector.normalise(text)))


@pytest.mark.slow  # trains every head
def test_the_exported_model_scores_exactly_as_scikit_learn_does(gate: SafetyGate) -> None:
    """Every level's head, on a sample with every label the examples use."""
    examples = load_training(PROMPTS)
    sample = [
        e
        for label in ("emergency", "crisis", "concern", "non_crisis")
        for e in [x for x in examples if x.label == label][:120]
    ]
    prepared = [views(gate, e.text) for e in sample]
    exported, fitted = risk.RiskModel.train(prepared, [e.label for e in sample])
    theirs = fitted.predict(prepared)
    for level in risk.LEVELS:
        ours = np.array([exported.scores(p).get(level) for p in prepared])
        assert np.allclose(ours, theirs[level], atol=1e-9), level


@pytest.mark.slow  # trains a model
def test_old_style_labels_still_train_a_crisis_model(gate: SafetyGate) -> None:
    """True/False (crisis/non_crisis) alone: the emergency head never fires, concern is the
    crisis head at a looser threshold."""
    examples = [e for e in load_training(PROMPTS) if e.label in ("crisis", "non_crisis")][:300]
    texts = [gate.detector.own_text(e.text) for e in examples]
    exported, _ = risk.RiskModel.train(texts, [e.label == "crisis" for e in examples])
    assert not exported.heads["emergency"].trained
    assert exported.heads["concern"].trained and 0 < exported.threshold < 1
    assert not exported.levels(texts[0]).emergency


def test_the_threshold_keeps_false_alarms_within_the_target() -> None:
    probabilities = np.array([0.9, 0.8, 0.7, 0.2, 0.1, 0.05, 0.04, 0.03, 0.02, 0.01, 0.6, 0.3])
    labels = np.array([True, True, True] + [False] * 9)
    threshold = risk.choose_threshold(probabilities, labels, target=0.12)
    false_alarms = ((probabilities >= threshold) & ~labels).sum() / (~labels).sum()
    assert false_alarms <= 0.12 and threshold <= 0.6 + 1e-6


def test_the_shipped_model_is_current() -> None:
    """If this fails, the examples, rules or lexicon changed: run `anchor safety train`."""
    encoder = LazyEncoder.find(encoder_dir(PROMPTS))
    digest = risk.model_digest(PROMPTS, encoder)
    model = risk.RiskModel.load(risk.shipped_model_path(PROMPTS), digest, encoder)
    labels = {e.label for e in load_training(PROMPTS)}
    for level in risk.LEVELS:
        head = model.heads[level]
        assert head.trained == bool(labels & risk.POSITIVE[level]), level
        assert not head.trained or 0.0 < head.threshold < 1.0, level


def test_the_digest_covers_every_training_file(tmp_path: Path) -> None:
    """A new writer's file makes the shipped model stale."""
    prompts = tmp_path / "prompts"
    shutil.copytree(PROMPTS / "safety", prompts / "safety")
    before = training_digest(prompts)
    (prompts / "safety" / "training" / "writer-z.yaml").write_text(
        '- text: "I have taken all my tablets"\n  label: emergency\n', encoding="utf-8"
    )
    assert training_digest(prompts) != before
    assert any(e.label == "emergency" for e in load_training(prompts))


def test_examples_take_four_labels_and_need_both_sides(tmp_path: Path) -> None:
    for label in ("emergency", "crisis", "concern", "non_crisis"):
        assert Example(text="x", label=label).label == label  # type: ignore[arg-type]
    folder = tmp_path / "prompts" / "safety" / "training"
    folder.mkdir(parents=True)
    (folder / "only.yaml").write_text(
        '- text: "a bit low"\n  label: concern\n- text: "budget"\n  label: non_crisis\n',
        encoding="utf-8",
    )
    with pytest.raises(ContentError):
        load_training(tmp_path / "prompts")


def test_levels_are_nested_and_short_messages_are_left_to_the_rules(
    gate: SafetyGate, model: risk.RiskModel
) -> None:
    for text in [
        "my colleague has just taken an overdose and is slurring, what do I do",
        "i have been stockpiling my tablets and I do not see the point any more",
        "another winter plan meeting, another set of actions nobody owns",
    ]:
        levels = model.levels(views(gate, text))
        assert levels.crisis or not levels.emergency
        assert levels.concern or not levels.crisis
    assert model.levels(views(gate, "kill me")) == risk.LearnedLevels(False, False, False)
    scores = model.scores(risk.Prepared("", ""))
    assert scores == risk.RiskScores(0.0, 0.0, 0.0)


def test_the_trial_false_alarms_do_not_reach_crisis(
    gate: SafetyGate, model: risk.RiskModel
) -> None:
    for text in TRIAL_FALSE_ALARMS:
        assert not model.levels(views(gate, text)).crisis, text
        assert not at_least_crisis(gate.assess(text, SafetyState()).info.level), text


def test_explain_shows_rules_scores_grams_and_neighbours_and_logs_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from bot.cli import app

    text = "honestly I have been stockpiling my tablets since the inquiry, no point any more"
    with caplog.at_level(logging.DEBUG):
        result = CliRunner().invoke(app, ["safety", "explain", "--json", text])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["level"] in {level.value for level in SafetyLevel}
    assert any(rule["group"] == "crisis" for rule in found["rules"])
    levels = {entry["level"]: entry for entry in found["learned"]}
    assert set(levels) == set(risk.LEVELS)
    crisis = levels["crisis"]
    assert crisis["fires"] and crisis["top_grams"]
    # with the encoder, the geometric mean of both models is what meets the threshold
    assert crisis["combined"] is not None and crisis["encoder"] is not None
    assert crisis["combined"] >= crisis["threshold"]
    assert crisis["combined"] == pytest.approx(
        (crisis["score"] * crisis["encoder"]) ** 0.5, abs=1e-3
    )
    assert levels["emergency"]["encoder"] is None
    assert found["nearest"] and all(n["label"] for n in found["nearest"])
    assert "stockpiling" not in caplog.text
    shown = CliRunner().invoke(app, ["safety", "explain", text])
    assert shown.exit_code == 0 and "Learned model" in shown.output and "encoder" in shown.output


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
    caught = [m for m in novel if at_least_crisis(gate.assess(m, SafetyState()).info.level)]
    by_rules = [m for m in novel if at_least_crisis(rules_only.assess(m, SafetyState()).info.level)]
    assert len(caught) == len(novel)
    assert len(by_rules) <= len(caught)


def test_ordinary_stress_is_not_flagged(gate: SafetyGate) -> None:
    for message in [
        "the deficit is killing us and the board wants a miracle by March",
        "I'm exhausted, honestly, but I'm fine, just need a better plan for winter",
        "how do I support a colleague who told me she has been having dark thoughts?",
    ]:
        assert not at_least_crisis(gate.assess(message, SafetyState()).info.level)


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
        if at_least_crisis(gate.assess(label, SafetyState(), free_text=False).info.level)
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
        assert not at_least_crisis(reply.safety.level)
        assert reply.flow is not None and reply.flow.id == "bed-plan-resistance"
