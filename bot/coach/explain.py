"""`anchor safety explain`: which of the safety gate's signals fire on a message, and why.

For one message: the gate's verdict; every rule that matches, by group and id, and the view it
matched in (blanking rules on the normalised text; signal rules on the writer's own words or on
the whole message with other people kept); the learned model's score per level beside its
threshold; the word and character n-grams pushing each level's score most; and the training
examples most like it (TF-IDF cosine in the writer's-own view). Nothing here is logged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel

from bot.coach.risk import LEVELS, Level, Prepared, RiskModel, preparer
from bot.coach.safety import SafetyGate, SafetyState
from bot.content.safety import PairRule, Rule
from bot.content.training import load_training, training_files
from bot.textvectors import Vectoriser

# rule groups that blank text out before the signal rules read it
BLANKING = frozenset({"masks", "negations", "past", "relapse", "third_party", "co_crisis"})
NEAREST = 5
TOP_GRAMS = 8
SHOWN_CHARS = 140


@dataclass(frozen=True)
class RuleMatch:
    group: str
    id: str
    view: str  # "normalised", "own", "whole" or "own+whole"


@dataclass(frozen=True)
class LevelScore:
    level: Level
    score: float
    threshold: float
    fires: bool
    trained: bool
    grams: list[tuple[str, str, float]]  # (n-gram, word|char, push on the log-odds)
    # with the encoder: its probability, and the geometric mean the threshold applies to
    encoder: float | None = None
    combined: float | None = None


@dataclass(frozen=True)
class Neighbour:
    similarity: float
    label: str
    file: str
    text: str


@dataclass
class Explanation:
    level: str
    category: str
    normalised: str
    own: str
    whole: str
    rules: list[RuleMatch] = field(default_factory=list)
    learned: list[LevelScore] = field(default_factory=list)
    nearest: list[Neighbour] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "category": self.category,
            "normalised": self.normalised,
            "own_view": self.own,
            "whole_view": self.whole,
            "rules": [vars(m) for m in self.rules],
            "learned": [
                {
                    "level": s.level,
                    "score": round(s.score, 4),
                    "encoder": None if s.encoder is None else round(s.encoder, 4),
                    "combined": None if s.combined is None else round(s.combined, 4),
                    "threshold": round(s.threshold, 4) if s.trained else None,
                    "fires": s.fires,
                    "top_grams": [
                        {"gram": g, "kind": k, "push": round(w, 4)} for g, k, w in s.grams
                    ],
                }
                for s in self.learned
            ],
            "nearest": [
                {
                    "similarity": round(n.similarity, 4),
                    "label": n.label,
                    "file": n.file,
                    "text": n.text,
                }
                for n in self.nearest
            ],
        }

    def lines(self) -> list[str]:
        out = [f"Gate: {self.level} ({self.category})", "", f"Normalised: {self.normalised}"]
        out += [f"Own view:   {self.own}", f"Whole view: {self.whole}", "", "Rules that match:"]
        out += [f"  {m.group}: {m.id}  [{m.view}]" for m in self.rules] or ["  none"]
        out += ["", "Learned model (score / threshold; with the encoder, the geometric mean of"]
        out += ["TF-IDF and encoder is what meets the threshold):"]
        for s in self.learned:
            if not s.trained:
                out.append(f"  {s.level:<9} no examples of this level: never fires")
                continue
            mark = "FIRES" if s.fires else "-"
            if s.encoder is not None and s.combined is not None:
                out.append(
                    f"  {s.level:<9} TF-IDF {s.score:.3f}, encoder {s.encoder:.3f}: "
                    f"{s.combined:.3f} / {s.threshold:.3f}  {mark}"
                )
            else:
                out.append(f"  {s.level:<9} {s.score:.3f} / {s.threshold:.3f}  {mark}")
            pushes = ", ".join(f"{_shown_gram(g, k)} {w:+.2f}" for g, k, w in s.grams)
            out.append(f"            {pushes or 'no known n-grams'}")
        out += ["", "Nearest training examples (TF-IDF cosine, own view):"]
        out += [
            f"  {n.similarity:.2f}  {n.label:<10} {n.file}: {n.text}" for n in self.nearest
        ] or ["  none"]
        return out


def _shown_gram(gram: str, kind: str) -> str:
    return f'"{gram}"' if kind == "word" else f"'{gram}'"


def _rule_groups(rules: BaseModel, prefix: str = "") -> Iterator[tuple[str, Rule | PairRule]]:
    """Every rule in rules.yaml with the name of its group ("crisis", "checkin.safe", ...)."""
    for name in type(rules).model_fields:
        value = getattr(rules, name)
        if isinstance(value, BaseModel):
            yield from _rule_groups(value, f"{prefix}{name}.")
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Rule | PairRule):
                    yield f"{prefix}{name}", item


def _matches(pattern: Rule | PairRule, text: str) -> bool:
    if isinstance(pattern, PairRule):
        return bool(pattern.first.search(text) and pattern.second.search(text))
    regex: re.Pattern[str] = pattern.regex
    return regex.search(text) is not None


def rule_matches(gate: SafetyGate, normalised: str, own: str, whole: str) -> list[RuleMatch]:
    found: list[RuleMatch] = []
    for group, rule in _rule_groups(gate.content.rules):
        if group in BLANKING:
            if normalised and _matches(rule, normalised):
                found.append(RuleMatch(group, rule.id, "normalised"))
            continue
        views = [name for name, text in (("own", own), ("whole", whole)) if text]
        hit = [name for name in views if _matches(rule, own if name == "own" else whole)]
        if hit:
            found.append(RuleMatch(group, rule.id, "+".join(hit)))
    return found


class Neighbours:
    """The training examples as TF-IDF vectors in the own view, for nearest-example look-ups."""

    def __init__(self, model: RiskModel, prompts_dir: Path, gate: SafetyGate) -> None:
        detector = gate.detector
        prepare = preparer(detector.own_text)
        self._blocks = [b for b in model.blocks if b.view == "own"]
        self._examples: list[tuple[str, str, str]] = []
        self._vectors: list[list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]]] = []
        for example, file in _with_files(prompts_dir):
            own = prepare(example.text).own
            self._examples.append((example.label, file, example.text))
            self._vectors.append([block.vector(own) for block in self._blocks])

    def nearest(self, own: str, top: int = NEAREST) -> list[Neighbour]:
        if not self._blocks:
            return []
        query = [_dense(block, own) for block in self._blocks]
        scores = np.array(
            [
                sum(
                    float(dense[index] @ weights)
                    for dense, (index, weights) in zip(query, vecs, strict=True)
                )
                / len(query)
                for vecs in self._vectors
            ]
        )
        order = np.argsort(-scores)[:top]
        found: list[Neighbour] = []
        for i in order:
            if scores[i] > 0:
                label, file, text = self._examples[i]
                found.append(Neighbour(float(scores[i]), label, file, _short(text)))
        return found


def _dense(block: Vectoriser, text: str) -> npt.NDArray[np.float64]:
    dense = np.zeros(len(block.vocabulary))
    index, weights = block.vector(text)
    dense[index] = weights
    return dense


def _with_files(prompts_dir: Path) -> Iterator[tuple[Any, str]]:
    from bot.content.training import ExampleFile
    from bot.datafiles import load_yaml_model

    load_training(prompts_dir)  # validates the folder as a whole
    for path in training_files(prompts_dir):
        for example in load_yaml_model(path, ExampleFile).root:
            yield example, path.stem


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SHOWN_CHARS else flat[: SHOWN_CHARS - 1] + "…"


def explain(gate: SafetyGate, text: str, prompts_dir: Path, *, nearest: bool = True) -> Explanation:
    detector = gate.detector
    normalised = detector.normalise(text)
    whole = detector.crisis_text(normalised) if normalised else ""
    own = detector.own_text(text) if normalised else ""
    outcome = gate.assess(text, SafetyState())
    found = Explanation(
        level=str(outcome.info.level.value),
        category=outcome.info.category,
        normalised=normalised,
        own=own,
        whole=whole,
        rules=rule_matches(gate, normalised, own, whole),
    )
    model = detector.risk
    if model is None:
        return found
    prepared = Prepared(own, whole)
    scores = model.scores(prepared)
    levels = model.levels(prepared)
    combined = model.combined(prepared)
    for level in LEVELS:
        head = model.heads[level]
        encoder, mean = combined.get(level, (None, None))
        found.learned.append(
            LevelScore(
                level,
                scores.get(level),
                head.threshold,
                bool(getattr(levels, level)),
                head.trained,
                [
                    (c.gram, c.kind, c.weight)
                    for c in model.contributions(prepared, level, TOP_GRAMS)
                ]
                if head.trained
                else [],
                encoder,
                mean,
            )
        )
    if nearest:
        found.nearest = Neighbours(model, prompts_dir, gate).nearest(own)
    return found
