"""The safety gate's encoder: scored in numpy exactly as torch scored it when it was fitted,
combined with the TF-IDF heads, loaded only when a message needs it."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.coach import risk
from bot.coach.encoder import LazyEncoder, RiskEncoder, encoder_dir
from bot.coach.safety import SafetyGate, SafetyState
from bot.config import PROJECT_ROOT
from bot.content.training import encoder_only_examples, load_training

PROMPTS = PROJECT_ROOT / "prompts"
FOLDER = encoder_dir(PROMPTS)


@pytest.fixture(scope="module")
def encoder() -> RiskEncoder:
    return RiskEncoder(FOLDER)


def test_numpy_scores_what_torch_scored_when_the_encoder_was_fitted(
    encoder: RiskEncoder,
) -> None:
    checks = json.loads((FOLDER / "checks.json").read_text(encoding="utf-8"))
    assert len(checks) >= 5
    for check in checks:
        assert encoder.scores(check["text"]) == pytest.approx(check["p"], abs=2e-3), check


class FakeEncoder:
    """Stands in for the encoder: a fixed opinion, and a count of the messages it read."""

    def __init__(self, p: float) -> None:
        self.p = p
        self.read = 0
        self.loaded = True

    def get(self) -> FakeEncoder:
        return self

    def scores(self, text: str) -> tuple[float, float]:
        self.read += 1
        return self.p, self.p


def with_crisis_bar(model: risk.RiskModel, bar: float, encoder: FakeEncoder) -> risk.RiskModel:
    heads = dict(model.heads)
    heads["crisis"] = replace(heads["crisis"], threshold=bar)
    heads["concern"] = replace(heads["concern"], threshold=risk.NEVER)
    return risk.RiskModel(model.blocks, heads, model.digest, encoder)  # type: ignore[arg-type]


def test_the_encoder_decides_where_tfidf_is_unsure_and_is_not_asked_where_it_cannot() -> None:
    """The crisis head fires on the geometric mean of both probabilities: a TF-IDF score
    below the bar is carried over it by a confident encoder and kept under by a doubtful one;
    a score below the bar's square cannot reach it, so the encoder is never run."""
    gate = SafetyGate.from_dir(PROMPTS, "your EAP")
    model = gate.detector.risk
    assert model is not None
    text = "lately i wonder what the point of going on is, honestly"
    prepared = risk.Prepared(gate.detector.own_text(text), gate.detector.whole_text(text))
    p = model.scores(prepared).crisis
    assert 0.001 < p < 0.999
    unsure = p**0.75  # above p, while its square is below p
    sure, doubtful = FakeEncoder(1.0), FakeEncoder(0.0)
    assert with_crisis_bar(model, unsure, sure).each_head(prepared).crisis
    assert not with_crisis_bar(model, unsure, doubtful).each_head(prepared).crisis
    assert sure.read == doubtful.read == 1
    never = FakeEncoder(1.0)
    assert not with_crisis_bar(model, p**0.4, never).each_head(prepared).crisis
    assert never.read == 0


def test_a_leader_who_has_written_goodbye_letters_is_answered_as_a_crisis() -> None:
    gate = SafetyGate.from_dir(PROMPTS, "your EAP")
    text = "ive written letters to the kids and sorted the insurance, just so you know"
    assert gate.assess(text, SafetyState()).info.level.value in {"crisis", "emergency"}


def test_every_training_example_has_an_out_of_fold_probability(encoder: RiskEncoder) -> None:
    """The gate's thresholds are chosen on probabilities from models that never saw the
    example's writer; an example without one would be scored by a model that learned it."""
    gate = SafetyGate.from_dir(PROMPTS, "your EAP", learned=False)
    missing = [
        e.text
        for e in load_training(PROMPTS)
        if encoder.out_of_fold(gate.detector.own_text(e.text)) is None
    ]
    assert not missing, f"{len(missing)} examples, e.g. {missing[:3]}: refit the encoder"


def test_the_crisis_and_concern_heads_are_combined_with_the_encoder() -> None:
    gate = SafetyGate.from_dir(PROMPTS, "your EAP")
    model = gate.detector.risk
    assert model is not None and model.encoder is not None
    assert model.heads["crisis"].encoder_column == 0
    assert model.heads["concern"].encoder_column == 1
    assert model.heads["emergency"].encoder_column is None


def gate_with_fresh_encoder() -> tuple[SafetyGate, LazyEncoder]:
    encoder = LazyEncoder(FOLDER)
    gate = SafetyGate.from_dir(PROMPTS, "your EAP", learned=False)
    gate.detector.risk = risk.RiskModel.load(
        risk.shipped_model_path(PROMPTS), risk.model_digest(PROMPTS, encoder), encoder
    )
    return gate, encoder


@pytest.mark.parametrize(
    ("text", "needs_encoder"),
    [
        # everyday talk: TF-IDF alone is far below every bar
        ("What is a good agenda for our partnership board away day in March?", False),
        # the rules already see a crisis: the learned crisis and concern heads cannot change it
        ("honestly i have been saving my tablets up and tonight feels like the night", False),
        # no rule fires and TF-IDF is unsure: the encoder is asked
        ("lately i wonder what the point of going on is, honestly", True),
    ],
)
def test_the_encoder_is_loaded_only_for_a_message_that_needs_it(
    text: str, needs_encoder: bool
) -> None:
    gate, encoder = gate_with_fresh_encoder()
    gate.assess(text, SafetyState())
    assert encoder.loaded == needs_encoder


def test_a_changed_encoder_makes_the_saved_model_stale(tmp_path: Path) -> None:
    prompts = tmp_path / "prompts"
    shutil.copytree(PROMPTS / "safety", prompts / "safety")
    before = LazyEncoder(encoder_dir(prompts))
    top = encoder_dir(prompts) / "top.safetensors"
    top.write_bytes(top.read_bytes() + b" ")
    after = LazyEncoder(encoder_dir(prompts))
    assert risk.model_digest(prompts, before) != risk.model_digest(prompts, after)
    with pytest.raises(risk.StaleModel):
        risk.RiskModel.load(
            risk.shipped_model_path(prompts), risk.model_digest(prompts, after), after
        )


def test_a_model_saved_with_the_encoder_will_not_load_without_it() -> None:
    encoder = LazyEncoder(FOLDER)
    with pytest.raises(risk.StaleModel):
        risk.RiskModel.load(
            risk.shipped_model_path(PROMPTS), risk.model_digest(PROMPTS, encoder), None
        )


def test_the_close_twins_teach_the_encoder_and_not_the_tfidf_heads() -> None:
    """Twins share a risk message's words: the encoder learns from them, the word-counting
    heads would only learn to doubt the words, so they never see them."""
    from safetensors import safe_open

    twins = encoder_only_examples(PROMPTS)
    assert {e.label for _, e in twins} >= {"non_crisis", "crisis", "emergency", "concern"}
    trained = load_training(PROMPTS)
    assert not {e.text for _, e in twins} & {e.text for e in trained}
    meta = safe_open(str(FOLDER / "top.safetensors"), framework="np").metadata()
    assert int(meta["examples"]) == len(trained) + len(twins)
