"""A learned reading of scope: is this message a request a leadership coach should decline?

Patterns (prompts/system/turns.yaml, `out_of_scope.topics`) name a few subjects; people ask for
recipes, box sets, mortgage rates and parking-fine appeals in more ways than patterns can list.
This model is a logistic regression over word and character n-grams (`bot.textvectors`),
trained on prompts/scope/ (requests to decline, and leadership messages that borrow other
subjects' words, by independent writers), with every leader message in knowledge/asked/ and
every safety training example as in scope. Its threshold is chosen by cross-validation on the
training data alone: the lowest at which at most `MAX_FALSE_DECLINES` of in-scope messages
out of fold would be declined, since declining a leader's real question costs more than
answering a stray one with a coaching reply.

Like the risk model, it is trained with scikit-learn by `anchor scope train`, shipped as plain
arrays (prompts/scope/scope-model.npz, keyed by a digest of its training files) and scored with
numpy alone; when the shipped model is out of date it is trained at start-up and cached.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.content.scope_examples import files_digest, load_scope_examples, scope_files
from bot.content.training import load_training, training_files
from bot.knowledge.asked import asked_files, load_asked
from bot.modelcache import ModelFiles, load_current
from bot.textvectors import CHAR_NGRAMS, Kind, Vectoriser, exported, word_grams

FILE = "scope-model.npz"
FORMAT = 1
KINDS: tuple[Kind, Kind] = ("word", "char")
C = 2.0
FOLDS = 5
MAX_FALSE_DECLINES = 0.003
MIN_WORDS = 4  # "tell me more", "ok thanks": never declined by the model
# A request that carries work words ("which team has won the most FA cups") the model declines
# alone only at or above this probability: the highest of 439 leaders' questions with work words
# in the retrieval and blind development sets scores 0.89.
CERTAIN = 0.95
# A request a topic's pattern names (weather, shopping, sport...) that carries work words is
# declined at or above this: of 55 in-house in-scope messages that match a topic and carry work
# words, only two medication questions (which a coach should decline) score above 0.56.
LEANS = 0.7
_MEMO: dict[str, ScopeModel] = {}


class ScopeModel:
    """Scores a message with exported arrays; declines at or above the threshold."""

    def __init__(
        self,
        blocks: list[Vectoriser],
        coef: list[npt.NDArray[np.float64]],
        intercept: float,
        threshold: float,
        digest: str = "",
    ) -> None:
        self.blocks = blocks
        self.coef = coef
        self.intercept = intercept
        self.threshold = threshold
        self.digest = digest

    def probability(self, text: str) -> float:
        """How likely the message is a request to decline."""
        lowered = text.lower()
        z = self.intercept
        for block, coef in zip(self.blocks, self.coef, strict=True):
            index, weights = block.vector(lowered)
            if len(index):
                z += float(weights @ coef[index])
        return float(1.0 / (1.0 + np.exp(-z)))

    def score(self, text: str) -> float:
        """The probability, or 0 for a message too short to judge (see MIN_WORDS)."""
        return self.probability(text) if len(text.split()) >= MIN_WORDS else 0.0

    def outside(self, text: str) -> bool:
        return self.score(text) >= self.threshold

    # --- training (scikit-learn) and files ---------------------------------------------------

    @classmethod
    def train(cls, texts: Sequence[str], outside: Sequence[bool], digest: str = "") -> ScopeModel:
        from sklearn.model_selection import StratifiedKFold

        lowered = [t.lower() for t in texts]
        y = np.array(outside, dtype=bool)
        out_of_fold = np.zeros(len(lowered))
        folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
        for train_idx, test_idx in folds.split(lowered, y):
            vectorisers, regression = _fit([lowered[i] for i in train_idx], y[train_idx])
            features = _features(vectorisers, [lowered[i] for i in test_idx])
            out_of_fold[test_idx] = regression.predict_proba(features)[:, 1]
        inside = np.sort(out_of_fold[~y])[::-1]
        allowed = int(np.floor(MAX_FALSE_DECLINES * len(inside)))
        threshold = float(inside[allowed]) + 1e-9
        vectorisers, regression = _fit(lowered, y)
        blocks = exported(vectorisers, KINDS, "text")
        coef = regression.coef_[0].astype(np.float64)
        size = len(blocks[0].vocabulary)
        return cls(
            blocks, [coef[:size], coef[size:]], float(regression.intercept_[0]), threshold, digest
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": FORMAT,
            "digest": self.digest,
            "intercept": self.intercept,
            "threshold": self.threshold,
            "kinds": [b.kind for b in self.blocks],
            "vocabularies": [b.vocabulary for b in self.blocks],
        }
        arrays: dict[str, Any] = {"meta": np.array(json.dumps(meta))}
        for i, (block, coef) in enumerate(zip(self.blocks, self.coef, strict=True)):
            arrays |= {f"idf{i}": block.idf, f"coef{i}": coef}
        tmp = path.with_suffix(".tmp.npz")
        np.savez_compressed(tmp, **arrays)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, digest: str) -> ScopeModel:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("format") != FORMAT or meta.get("digest") != digest:
                raise ValueError(f"{path.name} was trained on other examples")
            blocks = [
                Vectoriser(vocabulary, data[f"idf{i}"], kind, "text")
                for i, (vocabulary, kind) in enumerate(
                    zip(meta["vocabularies"], meta["kinds"], strict=True)
                )
            ]
            coef = [data[f"coef{i}"] for i in range(len(blocks))]
        return cls(blocks, coef, float(meta["intercept"]), float(meta["threshold"]), digest)


def _fit(texts: list[str], y: npt.NDArray[np.bool_]) -> tuple[list[Any], Any]:
    import scipy.sparse as sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorisers = [
        TfidfVectorizer(analyzer=word_grams, sublinear_tf=True, min_df=3).fit(texts),
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, min_df=6
        ).fit(texts),
    ]
    features = sparse.hstack([v.transform(texts) for v in vectorisers]).tocsr()
    regression = LogisticRegression(C=C, class_weight="balanced", max_iter=3000)
    return vectorisers, regression.fit(features, y)


def _features(vectorisers: list[Any], texts: list[str]) -> Any:
    import scipy.sparse as sparse

    return sparse.hstack([v.transform(texts) for v in vectorisers]).tocsr()


def shipped_path(prompts_dir: Path) -> Path:
    return prompts_dir / "scope" / FILE


def scope_digest(prompts_dir: Path, knowledge_dir: Path) -> str:
    return files_digest(
        [*scope_files(prompts_dir), *asked_files(knowledge_dir), *training_files(prompts_dir)]
    )


def training_data(prompts_dir: Path, knowledge_dir: Path) -> tuple[list[str], list[bool]]:
    """(texts, declined?): prompts/scope/, then knowledge/asked/ and the safety examples as in
    scope, each text once (a scope file's label wins: its writers' messages are also safety
    examples, labelled non_crisis there)."""
    labelled: dict[str, bool] = {}
    for example in load_scope_examples(prompts_dir):
        labelled.setdefault(example.text, example.label == "out_of_scope")
    asked, _ = load_asked(knowledge_dir)
    for messages in asked.values():
        for message in messages:
            labelled.setdefault(message, False)
    if training_files(prompts_dir):
        for safety in load_training(prompts_dir):
            labelled.setdefault(safety.text, False)
    return list(labelled), list(labelled.values())


def train_scope_model(prompts_dir: Path, knowledge_dir: Path) -> ScopeModel:
    texts, outside = training_data(prompts_dir, knowledge_dir)
    return ScopeModel.train(texts, outside, scope_digest(prompts_dir, knowledge_dir))


def load_scope_model(
    prompts_dir: Path, knowledge_dir: Path, cache_dir: Path | None = None
) -> ScopeModel | None:
    """The model for the current examples: shipped, else cached, else trained now (and cached).
    None when there are no scope examples."""
    if not scope_files(prompts_dir):
        return None
    digest = scope_digest(prompts_dir, knowledge_dir)
    kind = ModelFiles[ScopeModel](
        name="scope model",
        retrain="anchor scope train",
        training_note="a few seconds",
        load=ScopeModel.load,
        stale=ValueError,
        train=lambda: train_scope_model(prompts_dir, knowledge_dir),
        save=ScopeModel.save,
    )
    cached = None if cache_dir is None else cache_dir / f"scope-{digest}.npz"
    return load_current(kind, digest, shipped_path(prompts_dir), cached, _MEMO)
