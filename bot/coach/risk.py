"""A learned second opinion for the safety gate: how likely a message is a risk, level by level.

Rules catch the phrasings we know; this model generalises to ones we don't. It has one head per
level of the gate, each a logistic regression over word and character n-grams (TF-IDF):

- **emergency**: danger to life now, to the writer or to someone they are with;
- **crisis**: the writer's own crisis (or an emergency): crisis or above;
- **concern**: any risk at all, ambiguous signs included: concern or above.

Each head reads the gate's normalised text with idioms, topics, negations and past recovery
blanked out. The crisis and concern heads read the writer's own words only (other people's
crises blanked too, the "own" view); the emergency head also sees other people (the "whole"
view), since a colleague's overdose is an emergency. Thresholds are chosen by cross-validation
on the training data alone (the lowest that keeps out-of-fold false alarms on non_crisis
examples within a target per level), never on the evaluation sets.

Candidates compared by leave-one-writer-out evaluation (train on every writer but one, test on
the one left out) were this model, WordLlama sentence vectors with a linear head, and both
combined; the sentence vectors did not improve recall at equal false alarms, so the shipped
model is TF-IDF only and needs no embedder (see `anchor safety explain`). A stronger encoder was
tried the same way in December 2026: all-MiniLM-L6-v2 (a packaged copy of its weights run in
numpy) appended to the TF-IDF features. Leaving one writer out, crisis recall 0.945 against 0.947
and false alarms 4.1% against 3.9%: no gain, for 10-50 ms a message and 90 MB more.

Nearest training examples as a check on the heads were tried in session 13: a head's flag
vetoed unless enough of the examples nearest the message (cosine of word TF-IDF vectors, own
view) were at its level, or a flag raised when they nearly all were. On development sets the
model never trained on, the veto looked free (false alarms at crisis on 300 everyday messages
16 -> 9, at concern on 352 coaching questions 15 -> 8, held-out crises caught 72 of 82 both).
Leaving one writer out (18 writers, 3,887 crisis and 10,633 calm examples) told otherwise: 2 of
the 5 nearest needed cost crisis recall 0.943 -> 0.917 for false alarms 3.44% -> 2.64%; 2 of
10, 0.943 -> 0.938 for 3.44% -> 3.26%; concern flags alone, at least concern 0.941 -> 0.928 for
6.8% -> 6.1%. Raising flags (4 of the 5 nearest at crisis) gave 0.943 -> 0.953 for 3.4% ->
4.4%. Neighbours add little the heads do not already know, so neither was kept.

A FINE-TUNED encoder was tried in session 15 (`evals/experiments/`): all-MiniLM-L6-v2 with two
sigmoid outputs (crisis or above, concern or above) trained on the own view, embeddings and the
first two layers frozen, 1.5 epochs, in a torch venv outside the project. The 19 writers were
split into four folds of about equal size; on three of them (14 writers held out in turn,
12,841 examples, 8,760 calm), the heads alone, ranked by ROC AUC and by recall at 1% / 2% / 5%
of calm examples flagged (one oracle threshold per candidate, the same rule for each):
crisis, TF-IDF 0.984 and 0.765 / 0.849 / 0.930; encoder 0.986 and 0.776 / 0.865 / 0.941; the
two averaged 0.990 and 0.844 / 0.907 / 0.959. Concern, TF-IDF 0.982 and 0.673 / 0.807 / 0.906;
encoder 0.973 and 0.618 / 0.756 / 0.882; averaged 0.985 and 0.742 / 0.838 / 0.925. Alone the
encoder ranks about as TF-IDF does; averaged with it, a third fewer crises are missed at 2% of
calm examples flagged.

Shipped in session 17 (`bot/coach/encoder.py`, `scripts/encoder_fit.py`): only the top two
layers and the head train (the four below frozen, their outputs cached, so a fit of four folds
and the final model takes about 40 minutes on two cores), on the examples' own view plus
writer T's 320 close twin pairs, which the TF-IDF heads never see. The crisis and concern heads
fire on the geometric mean of both probabilities, thresholds chosen on out-of-fold
probabilities of both (the encoder's from the four folds of writers). All four folds held out,
17,208 examples, recall at 1% / 2% of calm examples flagged: crisis TF-IDF 0.771 / 0.853,
encoder 0.787 / 0.866, geometric mean 0.842 / 0.894; concern 0.704 / 0.814, 0.688 / 0.783,
0.764 / 0.849 (without the twins the means were 0.829 / 0.890 and 0.759 / 0.843). Since the
geometric mean cannot reach a bar unless the TF-IDF probability reaches the bar's square, the
encoder runs (about 20 ms) only for such messages, and is loaded only then.

Training needs scikit-learn and takes seconds, so it happens only when the examples change; the
result is exported to plain arrays (vocabularies, idf weights, coefficients) shipped beside the
rules or cached in the data folder, and scoring a message needs only numpy. A test checks the
export scores exactly as scikit-learn does.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from bot.coach.encoder import ENCODER_COLUMNS, LazyEncoder, RiskEncoder, encoder_dir
from bot.content.training import Example, load_training, training_digest, training_files
from bot.modelcache import ModelFiles, load_current
from bot.textvectors import (
    CHAR_NGRAMS,
    TOKEN,
    Kind,
    Vectoriser,
    word_grams,
)

Level = Literal["emergency", "crisis", "concern"]
View = Literal["own", "whole"]
LEVELS: tuple[Level, ...] = ("emergency", "crisis", "concern")
# the training labels each level's head counts as positive (levels are nested)
POSITIVE: dict[Level, frozenset[str]] = {
    "emergency": frozenset({"emergency"}),
    "crisis": frozenset({"emergency", "crisis"}),
    "concern": frozenset({"emergency", "crisis", "concern"}),
}
VIEWS: dict[Level, View] = {"emergency": "whole", "crisis": "own", "concern": "own"}
# out-of-fold false alarms allowed on non_crisis training examples, per level. Concern is a
# direct question, not a script, but still costs a leader's trust: leave-one-writer-out runs at
# 6% gave 4-15% concern false alarms on the held-out writer's non_crisis messages, so 3%.
TARGETS: dict[Level, float] = {"emergency": 0.01, "crisis": 0.02, "concern": 0.03}
TARGET_FALSE_ALARMS = TARGETS["crisis"]
FORMAT = 5
MIN_WORDS = 3
# the concern head is the least sure: it needs more words ("no, not at all" answering the
# concern question is not a new concern)
MIN_WORDS_CONCERN = 6
FOLDS = 5
C = 4.0
NEVER = 1.0 + 1e-9
_MEMO: dict[str, RiskModel] = {}


@dataclass(frozen=True)
class Prepared:
    """A message as the heads read it: the writer's own words, and the whole message."""

    own: str
    whole: str

    def view(self, view: str) -> str:
        return self.own if view == "own" else self.whole


@dataclass(frozen=True)
class RiskScores:
    """The probability of each level (or above) for one message."""

    emergency: float
    crisis: float
    concern: float

    def get(self, level: Level) -> float:
        return float(getattr(self, level))


@dataclass(frozen=True)
class LearnedLevels:
    """Which levels the model flags; nested: an emergency is also a crisis and a concern."""

    emergency: bool
    crisis: bool
    concern: bool


@dataclass(frozen=True)
class Contribution:
    """One n-gram's push on a head's score (log-odds)."""

    gram: str
    kind: Kind
    weight: float


@dataclass
class Head:
    """One level's logistic regression over some of the blocks."""

    blocks: tuple[int, ...]
    coef: list[npt.NDArray[np.float64]]
    intercept: float
    threshold: float
    trained: bool = True  # False: no examples of this level; it never fires
    # the encoder's output this head is combined with (geometric mean of the two
    # probabilities, which `threshold` then applies to); None: TF-IDF alone
    encoder_column: int | None = None

    def logit(
        self, vectors: Sequence[tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]]
    ) -> float:
        z = self.intercept
        for block, coef in zip(self.blocks, self.coef, strict=True):
            index, weights = vectors[block]
            if len(index):
                z += float(weights @ coef[index])
        return z


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class RiskModel:
    """Scores text with exported arrays; flags each level at or above its threshold."""

    def __init__(
        self,
        blocks: Sequence[Vectoriser],
        heads: dict[Level, Head],
        digest: str = "",
        encoder: LazyEncoder | None = None,
    ) -> None:
        self.blocks = list(blocks)
        self.heads = heads
        self.digest = digest
        self.encoder = encoder
        self._last: tuple[Prepared, RiskScores] | None = None  # the message scored last

    # --- scoring ------------------------------------------------------------------------

    @property
    def threshold(self) -> float:
        """The crisis head's threshold (kept for callers of the single-level model)."""
        return self.heads["crisis"].threshold

    def thresholds(self) -> dict[Level, float]:
        return {level: head.threshold for level, head in self.heads.items()}

    def _vectors(
        self, prepared: Prepared
    ) -> list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]]:
        # the views are usually the same text: its n-grams are worked out once per kind
        grams: dict[tuple[Kind, str], list[str]] = {}
        found = []
        for block in self.blocks:
            text = prepared.view(block.view)
            key = (block.kind, text)
            if key not in grams:
                grams[key] = block.analyse(text)
            found.append(block.vector(text, grams[key]))
        return found

    def scores(self, prepared: Prepared | str) -> RiskScores:
        """Each level's probability. A plain string is read as both views (the own text)."""
        if isinstance(prepared, str):
            prepared = Prepared(prepared, prepared)
        if not (prepared.own.strip() or prepared.whole.strip()):
            return RiskScores(0.0, 0.0, 0.0)
        last = self._last
        if last is not None and last[0] == prepared:  # the gate asks the emergency head first
            return last[1]
        vectors = self._vectors(prepared)
        found = {
            level: sigmoid(head.logit(vectors)) if head.trained else 0.0
            for level, head in self.heads.items()
        }
        scored = RiskScores(found["emergency"], found["crisis"], found["concern"])
        self._last = (prepared, scored)
        return scored

    def levels(self, prepared: Prepared | str) -> LearnedLevels:
        """Which levels fire. Too few words carry too little evidence: short messages are left
        to the rules (and a concern needs a few more). Nested: emergency implies crisis implies
        concern."""
        if isinstance(prepared, str):
            prepared = Prepared(prepared, prepared)
        heads = self.each_head(prepared)
        crisis = heads.emergency or heads.crisis
        return LearnedLevels(heads.emergency, crisis, crisis or heads.concern)

    def each_head(self, prepared: Prepared) -> LearnedLevels:
        """Each head against its own threshold, not nested (the crisis head's decision is not
        implied by the emergency head's), with the message scored once. All False wherever
        :meth:`levels` fires nothing: too few words, or no head over its bar (concern also
        needing a few more words)."""
        words = len(TOKEN.findall(prepared.whole))
        if words < MIN_WORDS:
            return LearnedLevels(False, False, False)
        scores = self.scores(prepared)
        # the crisis and concern heads read the writer's own words: when other people's words
        # have been blanked out and little is left ("my _"), there is nothing of the writer's
        # for them to judge (a head fed "my" alone flagged a colleague's plan as the writer's)
        own = len(TOKEN.findall(self._view_text(prepared, "crisis")))
        encoded: list[tuple[float, float]] = []  # the encoder runs at most once a message

        def fires(level: Level) -> bool:
            head = self.heads[level]
            p = scores.get(level)
            if head.encoder_column is None or self.encoder is None:
                return p >= head.threshold
            # the geometric mean cannot reach the bar unless TF-IDF alone reaches its
            # square: most messages never need the encoder
            if p < head.threshold**2:
                return False
            if not encoded:
                encoded.append(self.encoder.get().scores(self._view_text(prepared, level)))
            return math.sqrt(p * encoded[0][head.encoder_column]) >= head.threshold

        emergency = fires("emergency")
        crisis = own >= MIN_WORDS and fires("crisis")
        concern = own >= MIN_WORDS_CONCERN and fires("concern")
        if not (emergency or crisis or concern):
            return LearnedLevels(False, False, False)
        return LearnedLevels(emergency, crisis, crisis or concern)

    def combined(self, prepared: Prepared | str) -> dict[Level, tuple[float, float]]:
        """For `anchor safety explain`: each head combined with the encoder, its encoder
        probability and the geometric mean its threshold applies to (always computed)."""
        if isinstance(prepared, str):
            prepared = Prepared(prepared, prepared)
        if self.encoder is None:
            return {}
        scores = self.scores(prepared)
        encoded: dict[str, tuple[float, float]] = {}  # the heads share a view: score it once
        found: dict[Level, tuple[float, float]] = {}
        for level, head in self.heads.items():
            if head.encoder_column is None:
                continue
            text = self._view_text(prepared, level)
            if text not in encoded:
                encoded[text] = self.encoder.get().scores(text) if text.strip() else (0.0, 0.0)
            p = encoded[text][head.encoder_column]
            found[level] = (p, math.sqrt(scores.get(level) * p))
        return found

    def emergency(self, prepared: Prepared) -> bool:
        """The emergency head alone (TF-IDF, never the encoder): as :meth:`each_head` decides
        it, for a gate that needs only this head before the rules have had their say."""
        if len(TOKEN.findall(prepared.whole)) < MIN_WORDS:
            return False
        return self.scores(prepared).emergency >= self.heads["emergency"].threshold

    def _view_text(self, prepared: Prepared, level: Level) -> str:
        """The text this level's head reads (its first block's view)."""
        return prepared.view(self.blocks[self.heads[level].blocks[0]].view)

    def probability(self, text: str) -> float:
        """The crisis head's probability for the writer's own (masked) text."""
        return self.scores(text).crisis

    def flags(self, text: str) -> bool:
        """Crisis or above, for the writer's own (masked) text: what the Detector asks."""
        return self.levels(text).crisis

    def contributions(
        self, prepared: Prepared | str, level: Level, top: int = 8
    ) -> list[Contribution]:
        """The n-grams pushing this head's score most, either way, largest first."""
        if isinstance(prepared, str):
            prepared = Prepared(prepared, prepared)
        head = self.heads[level]
        vectors = self._vectors(prepared)
        found: list[Contribution] = []
        for block_index, coef in zip(head.blocks, head.coef, strict=True):
            block = self.blocks[block_index]
            index, weights = vectors[block_index]
            for i, w in zip(index.tolist(), (weights * coef[index]).tolist(), strict=True):
                found.append(Contribution(block.gram(i), block.kind, w))
        found.sort(key=lambda c: abs(c.weight), reverse=True)
        return found[:top]

    # --- training (scikit-learn) and export -----------------------------------------------

    @staticmethod
    def vectorisers() -> dict[Kind, Any]:
        from sklearn.feature_extraction.text import TfidfVectorizer

        return {
            # a word seen in one example only is dropped: leaving one writer out (L, K, J, G)
            # this kept recall and false alarms (crisis recall 0.937 against 0.933, false
            # alarms 7.3% both) with a smaller model that loads and scores faster
            "word": TfidfVectorizer(analyzer=word_grams, sublinear_tf=True, min_df=2),
            "char": TfidfVectorizer(
                analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, min_df=2
            ),
        }

    @classmethod
    def train(
        cls,
        texts: Sequence[str | Prepared],
        labels: Sequence[str | bool],
        digest: str = "",
        encoder: LazyEncoder | None = None,
    ) -> tuple[RiskModel, Fitted]:
        """The exported model and the fitted scikit-learn models it came from. Labels are
        emergency | crisis | concern | non_crisis (True/False mean crisis/non_crisis). With an
        `encoder`, the crisis and concern heads are combined with it and their thresholds
        chosen on the geometric mean of both models' out-of-fold probabilities."""
        from sklearn.model_selection import StratifiedKFold

        prepared = [t if isinstance(t, Prepared) else Prepared(t, t) for t in texts]
        names = np.array([_label(label) for label in labels])
        calm = names == "non_crisis"
        stratify = np.unique(names, return_inverse=True)[1]
        out_of_fold = {level: np.zeros(len(prepared)) for level in LEVELS}
        folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
        for train_idx, test_idx in folds.split(prepared, stratify):
            fitted = Fitted.fit([prepared[i] for i in train_idx], names[train_idx])
            scored = fitted.predict([prepared[i] for i in test_idx])
            for level in LEVELS:
                out_of_fold[level][test_idx] = scored[level]
        fitted = Fitted.fit(prepared, names)
        columns: dict[Level, int] = {}
        if encoder is not None:
            columns = {level: column for level, column in ENCODER_COLUMNS.items()}
            own = encoder_out_of_fold(encoder.get(), [p.own for p in prepared])
            for level, column in columns.items():
                out_of_fold[level] = np.sqrt(out_of_fold[level] * own[:, column])
        thresholds = {
            level: choose_threshold(
                out_of_fold[level][positive | calm], positive[positive | calm], TARGETS[level]
            )
            if fitted.trained[level]
            else NEVER
            for level in LEVELS
            for positive in [np.isin(names, list(POSITIVE[level]))]
        }
        model = cls.export(fitted, thresholds, digest, columns)
        model.encoder = encoder
        return model, fitted

    @classmethod
    def export(
        cls,
        fitted: Fitted,
        thresholds: dict[Level, float],
        digest: str,
        columns: dict[Level, int] | None = None,
    ) -> RiskModel:
        blocks: list[Vectoriser] = []
        where: dict[tuple[View, Kind], int] = {}
        for (view, kind), vectoriser in fitted.vectorisers.items():
            where[(view, kind)] = len(blocks)
            blocks.append(
                Vectoriser(
                    {k: int(v) for k, v in vectoriser.vocabulary_.items()},
                    vectoriser.idf_.astype(np.float64),
                    kind,
                    view,
                )
            )
        heads: dict[Level, Head] = {}
        for level in LEVELS:
            view = VIEWS[level]
            order = (where[(view, "word")], where[(view, "char")])
            regression = fitted.regressions[level]
            if regression is None:
                heads[level] = Head(
                    order,
                    [np.zeros(len(blocks[i].vocabulary)) for i in order],
                    -30.0,
                    NEVER,
                    trained=False,
                )
                continue
            coef = regression.coef_[0].astype(np.float64)
            sizes = [len(blocks[i].vocabulary) for i in order]
            heads[level] = Head(
                order,
                [coef[: sizes[0]], coef[sizes[0] :]],
                float(regression.intercept_[0]),
                thresholds[level],
                encoder_column=(columns or {}).get(level),
            )
        return cls(blocks, heads, digest)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {f"idf{i}": b.idf for i, b in enumerate(self.blocks)}
        for level, head in self.heads.items():
            arrays |= {f"{level}{j}": coef for j, coef in enumerate(head.coef)}
        meta = {
            "format": FORMAT,
            "digest": self.digest,
            "blocks": [{"kind": b.kind, "view": b.view} for b in self.blocks],
            "heads": {
                level: {
                    "blocks": list(head.blocks),
                    "intercept": head.intercept,
                    "threshold": head.threshold,
                    "trained": head.trained,
                    "encoder_column": head.encoder_column,
                }
                for level, head in self.heads.items()
            },
            "vocabularies": [b.vocabulary for b in self.blocks],
        }
        tmp = path.with_suffix(".tmp.npz")
        arrays["meta"] = np.array(json.dumps(meta))
        np.savez_compressed(tmp, **arrays)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, digest: str, encoder: LazyEncoder | None = None) -> RiskModel:
        """The model saved at `path`, if it was trained on examples with this digest (which
        names the encoder too, when there is one)."""
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("digest") != digest:
                raise StaleModel(f"{path.name} was trained on other examples")
            if meta.get("format") != FORMAT:
                raise StaleModel(f"{path.name} is in an older format")
            blocks = [
                Vectoriser(vocab, data[f"idf{i}"], spec["kind"], spec["view"])
                for i, (vocab, spec) in enumerate(
                    zip(meta["vocabularies"], meta["blocks"], strict=True)
                )
            ]
            heads: dict[Level, Head] = {}
            for level in LEVELS:
                spec = meta["heads"][level]
                heads[level] = Head(
                    tuple(spec["blocks"]),
                    [data[f"{level}{j}"] for j in range(len(spec["blocks"]))],
                    float(spec["intercept"]),
                    float(spec["threshold"]),
                    bool(spec["trained"]),
                    spec["encoder_column"],
                )
        if encoder is None and any(h.encoder_column is not None for h in heads.values()):
            raise StaleModel(f"{path.name} was trained with an encoder that is not here")
        return cls(blocks, heads, digest, encoder)


def _label(label: str | bool) -> str:
    if isinstance(label, bool):
        return "crisis" if label else "non_crisis"
    return label


class Fitted:
    """The scikit-learn side: one TF-IDF vectoriser per (view, kind), one regression per level."""

    def __init__(
        self, vectorisers: dict[tuple[View, Kind], Any], regressions: dict[Level, Any]
    ) -> None:
        self.vectorisers = vectorisers
        self.regressions = regressions
        self.trained = {level: regressions[level] is not None for level in LEVELS}

    @classmethod
    def fit(cls, prepared: Sequence[Prepared], names: npt.NDArray[Any]) -> Fitted:
        from sklearn.linear_model import LogisticRegression

        views = sorted(set(VIEWS.values()))
        vectorisers: dict[tuple[View, Kind], Any] = {}
        for view in views:
            docs = [p.view(view) for p in prepared]
            for kind, vectoriser in RiskModel.vectorisers().items():
                vectorisers[(view, kind)] = vectoriser.fit(docs)
        fitted = cls(vectorisers, dict.fromkeys(LEVELS))
        for level in LEVELS:
            y = np.isin(names, list(POSITIVE[level]))
            if y.all() or not y.any():
                continue
            regression = LogisticRegression(C=C, class_weight="balanced", max_iter=3000)
            fitted.regressions[level] = regression.fit(fitted.features(prepared, level), y)
        fitted.trained = {level: fitted.regressions[level] is not None for level in LEVELS}
        return fitted

    def features(self, prepared: Sequence[Prepared], level: Level) -> Any:
        import scipy.sparse as sparse

        view = VIEWS[level]
        docs = [p.view(view) for p in prepared]
        return sparse.hstack(
            [self.vectorisers[(view, kind)].transform(docs) for kind in ("word", "char")]
        ).tocsr()

    def predict(self, prepared: Sequence[Prepared]) -> dict[Level, npt.NDArray[np.float64]]:
        """Each level's probabilities (zeros for a level without examples)."""
        found: dict[Level, npt.NDArray[np.float64]] = {}
        for level in LEVELS:
            regression = self.regressions[level]
            found[level] = (
                regression.predict_proba(self.features(prepared, level))[:, 1]
                if regression is not None
                else np.zeros(len(prepared))
            )
        return found


class StaleModel(Exception):
    """A saved model was trained on different examples, rules or lexicon."""


def shipped_model_path(prompts_dir: Path) -> Path:
    return prompts_dir / "safety" / "risk-model.npz"


def preparer(
    own: Callable[[str], str], whole: Callable[[str], str] | None = None
) -> Callable[[str], Prepared]:
    """Raw text to both views; without `whole`, the own text stands for both."""
    if whole is None:
        return lambda raw: Prepared(text := own(raw), text)
    return lambda raw: Prepared(own(raw), whole(raw))


def training_set(
    prompts_dir: Path,
    prepare: Callable[[str], str],
    whole: Callable[[str], str] | None = None,
) -> tuple[list[Example], list[Prepared]]:
    examples = load_training(prompts_dir)
    both = preparer(prepare, whole)
    return examples, [both(e.text) for e in examples]


def train_from_examples(
    prompts_dir: Path,
    prepare: Callable[[str], str],
    whole: Callable[[str], str] | None = None,
) -> RiskModel:
    examples, prepared = training_set(prompts_dir, prepare, whole)
    encoder = LazyEncoder.find(encoder_dir(prompts_dir))
    model, _ = RiskModel.train(
        prepared, [e.label for e in examples], model_digest(prompts_dir, encoder), encoder
    )
    return model


def model_digest(prompts_dir: Path, encoder: LazyEncoder | None) -> str:
    """The examples' digest, and the encoder's when there is one: either changing makes the
    saved model stale."""
    digest = training_digest(prompts_dir)
    if encoder is None:
        return digest
    return hashlib.sha256(f"{digest}:{encoder.identity}".encode()).hexdigest()[:16]


def encoder_out_of_fold(encoder: RiskEncoder, own: Sequence[str]) -> npt.NDArray[np.float64]:
    """Each example's encoder probabilities from a model that never saw its writer; an
    example the encoder was not fitted on (added since) gets the fitted model's own score."""
    found = np.zeros((len(own), len(ENCODER_COLUMNS)))
    for i, text in enumerate(own):
        known = encoder.out_of_fold(text)
        found[i] = known if known is not None else encoder.scores(text)
    return found


def choose_threshold(
    probabilities: npt.NDArray[np.float64], labels: npt.NDArray[np.bool_], target: float
) -> float:
    """The lowest threshold whose false-alarm rate on negative examples stays within target."""
    calm = np.sort(probabilities[~labels])[::-1]
    allowed = int(np.floor(target * len(calm)))
    return float(calm[allowed]) + 1e-9 if allowed < len(calm) else 0.5


def load_risk_model(
    prompts_dir: Path,
    prepare: Callable[[str], str],
    cache_dir: Path | None = None,
    whole: Callable[[str], str] | None = None,
) -> RiskModel | None:
    """The model for the current examples: the one shipped in prompts/safety when it is current,
    else one cached in `cache_dir`, else trained now (and cached). None without examples.
    `prepare` gives the writer's own masked text; `whole`, the masked text with other people
    kept (what the emergency head reads); without it the own text stands for both."""
    if not training_files(prompts_dir):
        return None
    encoder = LazyEncoder.find(encoder_dir(prompts_dir))
    digest = model_digest(prompts_dir, encoder)
    kind = ModelFiles[RiskModel](
        name="safety risk model",
        retrain="anchor safety train",
        training_note="under a minute",
        load=lambda path, digest: RiskModel.load(path, digest, encoder),
        stale=StaleModel,
        train=lambda: train_from_examples(prompts_dir, prepare, whole),
        save=RiskModel.save,
    )
    cached = None if cache_dir is None else cache_dir / f"risk-{digest}.npz"
    return load_current(kind, digest, shipped_model_path(prompts_dir), cached, _MEMO)
