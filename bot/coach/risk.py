"""A learned second opinion for the safety gate: how likely a message is the writer's own crisis.

Rules catch the phrasings we know; this model generalises to ones we don't. It is a logistic
regression over word and character n-grams (TF-IDF) of the gate's normalised, masked text,
trained with scikit-learn on prompts/safety/training. Its threshold is chosen by
cross-validation on the training data alone (the lowest that keeps out-of-fold false alarms
within a target), never on the evaluation sets.

Training needs scikit-learn and takes seconds, so it happens only when the examples change; the
result is exported to plain arrays (vocabularies, idf weights, coefficients) cached in the data
folder, and scoring a message needs only numpy. A test checks the export scores exactly as
scikit-learn does.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.content.training import load_training, training_digest, training_files

log = logging.getLogger(__name__)
TARGET_FALSE_ALARMS = 0.05
MIN_WORDS = 3
FOLDS = 5
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (3, 5)
TOKEN = re.compile(r"(?u)\b\w\w+\b")
SPACES = re.compile(r"\s\s+")
_MEMO: dict[str, RiskModel] = {}


def word_grams(text: str) -> list[str]:
    """scikit-learn's word analyzer: lower case, 2+ character tokens, 1- and 2-grams."""
    tokens = TOKEN.findall(text.lower())
    grams = list(tokens)
    grams += [" ".join(tokens[i : i + 2]) for i in range(len(tokens) - 1)]
    return grams


def char_grams(text: str) -> list[str]:
    """scikit-learn's `char_wb` analyzer: 3- to 5-grams inside space-padded words."""
    grams: list[str] = []
    low, high = CHAR_NGRAMS
    for word in SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:  # a short word counts once, whole
                grams.append(padded)
                break
            grams += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return grams


class Vectoriser:
    """One TF-IDF block (sublinear tf, idf, l2 norm) with its slice of the coefficients."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        idf: npt.NDArray[np.float64],
        coef: npt.NDArray[np.float64],
        analyse: Callable[[str], list[str]],
    ) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.coef = coef
        self.analyse = analyse

    def score(self, text: str) -> float:
        counts = Counter(g for g in self.analyse(text) if g in self.vocabulary)
        if not counts:
            return 0.0
        index = np.fromiter((self.vocabulary[g] for g in counts), dtype=np.int64)
        weights = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64)
        weights *= self.idf[index]
        norm = float(np.linalg.norm(weights))
        return float(weights @ self.coef[index]) / norm if norm else 0.0


class RiskModel:
    """Scores text with exported arrays; flags it at or above the chosen threshold."""

    def __init__(
        self, blocks: Sequence[Vectoriser], intercept: float, threshold: float, digest: str = ""
    ) -> None:
        self.blocks = list(blocks)
        self.intercept = intercept
        self.threshold = threshold
        self.digest = digest

    def probability(self, text: str) -> float:
        if not text.strip():
            return 0.0
        z = self.intercept + sum(block.score(text) for block in self.blocks)
        return 1.0 / (1.0 + math.exp(-z))

    def flags(self, text: str) -> bool:
        """Too few words carry too little evidence: short messages are left to the rules."""
        if len(TOKEN.findall(text)) < MIN_WORDS:
            return False
        return self.probability(text) >= self.threshold

    # --- training (scikit-learn) and export -------------------------------------------------

    @staticmethod
    def pipeline() -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        features = make_union(
            TfidfVectorizer(ngram_range=WORD_NGRAMS, sublinear_tf=True),
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, min_df=2
            ),
        )
        return make_pipeline(
            features, LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000)
        )

    @classmethod
    def train(
        cls, texts: Sequence[str], labels: Sequence[bool], digest: str = ""
    ) -> tuple[RiskModel, Any]:
        """The exported model and the fitted scikit-learn pipeline it came from."""
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        y = np.asarray(labels, dtype=bool)
        folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
        out_of_fold = cross_val_predict(
            cls.pipeline(), list(texts), y, cv=folds, method="predict_proba"
        )[:, 1]
        threshold = choose_threshold(out_of_fold, y, TARGET_FALSE_ALARMS)
        fitted = cls.pipeline().fit(list(texts), y)
        return cls.export(fitted, threshold, digest), fitted

    @classmethod
    def export(cls, fitted: Any, threshold: float, digest: str) -> RiskModel:
        union, regression = fitted.steps[0][1], fitted.steps[-1][1]
        coef = regression.coef_[0].astype(np.float64)
        blocks: list[Vectoriser] = []
        offset = 0
        for (_, vectoriser), analyse in zip(
            union.transformer_list, (word_grams, char_grams), strict=True
        ):
            size = len(vectoriser.vocabulary_)
            blocks.append(
                Vectoriser(
                    {k: int(v) for k, v in vectoriser.vocabulary_.items()},
                    vectoriser.idf_.astype(np.float64),
                    coef[offset : offset + size],
                    analyse,
                )
            )
            offset += size
        return cls(blocks, float(regression.intercept_[0]), threshold, digest)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {f"idf{i}": b.idf for i, b in enumerate(self.blocks)}
        arrays |= {f"coef{i}": b.coef for i, b in enumerate(self.blocks)}
        meta = {
            "digest": self.digest,
            "intercept": self.intercept,
            "threshold": self.threshold,
            "vocabularies": [b.vocabulary for b in self.blocks],
        }
        tmp = path.with_suffix(".tmp.npz")
        arrays["meta"] = np.array(json.dumps(meta))
        np.savez_compressed(tmp, **arrays)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, digest: str) -> RiskModel:
        """The model saved at `path`, if it was trained on examples with this digest."""
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("digest") != digest:
                raise StaleModel(f"{path.name} was trained on other examples")
            analysers = (word_grams, char_grams)
            blocks = [
                Vectoriser(vocab, data[f"idf{i}"], data[f"coef{i}"], analysers[i])
                for i, vocab in enumerate(meta["vocabularies"])
            ]
        return cls(blocks, float(meta["intercept"]), float(meta["threshold"]), digest)


class StaleModel(Exception):
    """A saved model was trained on different examples, rules or lexicon."""


def shipped_model_path(prompts_dir: Path) -> Path:
    return prompts_dir / "safety" / "risk-model.npz"


def train_from_examples(prompts_dir: Path, prepare: Callable[[str], str]) -> RiskModel:
    examples = load_training(prompts_dir)
    model, _ = RiskModel.train(
        [prepare(e.text) for e in examples],
        [e.label == "crisis" for e in examples],
        training_digest(prompts_dir),
    )
    return model


def choose_threshold(
    probabilities: npt.NDArray[np.float64], labels: npt.NDArray[np.bool_], target: float
) -> float:
    """The lowest threshold whose false-alarm rate on non-crisis examples stays within target."""
    calm = np.sort(probabilities[~labels])[::-1]
    allowed = int(np.floor(target * len(calm)))
    return float(calm[allowed]) + 1e-9 if allowed < len(calm) else 0.5


def load_risk_model(
    prompts_dir: Path, prepare: Callable[[str], str], cache_dir: Path | None = None
) -> RiskModel | None:
    """The model for the current examples: the one shipped in prompts/safety when it is current,
    else one cached in `cache_dir`, else trained now (and cached). None without examples."""
    if not training_files(prompts_dir):
        return None
    digest = training_digest(prompts_dir)
    if digest in _MEMO:
        return _MEMO[digest]
    candidates = [shipped_model_path(prompts_dir)]
    if cache_dir is not None:
        candidates.append(cache_dir / f"risk-{digest}.npz")
    model: RiskModel | None = None
    for path in candidates:
        if path.exists():
            try:
                model = RiskModel.load(path, digest)
                break
            except StaleModel:
                log.warning("%s is out of date; run `anchor safety train`", path)
            except Exception as exc:  # a damaged file: ignore it
                log.warning("risk model %s unusable (%s)", path, type(exc).__name__)
    if model is None:
        log.warning("training the safety risk model now (a few seconds)")
        model = train_from_examples(prompts_dir, prepare)
        if cache_dir is not None:
            model.save(cache_dir / f"risk-{digest}.npz")
    _MEMO[digest] = model
    return model
