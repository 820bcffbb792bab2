"""The card classifier: which card a leader's message is asking for, learned from examples.

Search ranks chunks by the words and word vectors they share with the message; leaders describe
situations in other words than the cards use. This classifier is trained on every card's own
text (title, summary, sentences, reflection questions, search phrases) and on the messages
independent writers wrote for each card (`knowledge/asked/`), a logistic regression over word
and character n-grams (`bot.textvectors`). It is trained with scikit-learn when the index is
built, saved as plain arrays beside the index, and scored with numpy alone.

Measured on a blind development set (110 questions written from the cards' titles only,
evals/data/coaching_dev_blind.yaml; `anchor eval retrieval --data`): recall@1 of hybrid search
0.609, of this classifier 0.764 (with five writers' messages; 0.755 with three, 0.718 with two),
of the two fused as in `Retriever.rank_cards` 0.764, recall@3 0.918.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.knowledge.units import split_sentences
from bot.models import Card
from bot.textvectors import CHAR_NGRAMS, Kind, Vectoriser, exported, word_grams

FILE = "classifier.npz"
FORMAT = 1
# One-vs-rest logistic regression fitted by stochastic gradient descent: as good as the full
# multinomial fit on the development sets (recall@1 0.755 against 0.764 on the blind one, 0.865
# against 0.861 in-house) in a quarter of the time and a sixth of the memory (5 s and 210 MB
# against 20 s and 1.3 GB, at index build; the classes are fitted on two threads, with the same
# result). LinearSVC was faster (3 s) but weaker (0.736). Training time grows with the epochs
# (63 cards x epochs x 1.2M non-zero features); twice the regularisation converges in half the
# epochs: 10 epochs at 2e-5 rank as 20 at 1e-5 did (blind recall@1 0.764, in-house 0.880; over
# four shuffling seeds 0.757 against 0.762 and 0.880 against 0.879) in about half the time.
# Pruning the vocabulary instead (min_df, max_df, max_features, shorter character n-grams)
# saved less and lost recall. With ten writers' messages (session 8) 6 epochs rank as 10 did
# (over four seeds: blind recall@1 0.843 both, in-house 0.918 against 0.917) in less time. With
# twelve, word n-grams seen only once are noise (`PRUNE_FROM`): min_df=2 keeps 24k of 70k and
# ranks better on both blind development sets (recall@1 0.845 -> 0.864 and 0.935 -> 0.944;
# in-house unchanged, 0.923 and 0.975), in three quarters of the time and a third of the memory.
ALPHA = 2e-5
EPOCHS = 6
PRUNE_FROM = 5000  # training texts from which word n-grams seen once are dropped (8,700 today)
KINDS: tuple[Kind, Kind] = ("word", "char")


def training_texts(
    cards: Sequence[Card], asked: dict[str, list[str]]
) -> tuple[list[str], list[str]]:
    """(texts, card ids): everything a card says of itself, and how leaders ask for it."""
    texts: list[str] = []
    labels: list[str] = []
    for card in cards:
        meta = card.meta
        own = [meta.title, meta.summary, *meta.search_phrases, *meta.reflection_questions]
        for section in card.sections:
            own += split_sentences(section.text)
        own += asked.get(meta.id, [])
        texts += own
        labels += [meta.id] * len(own)
    return texts, labels


class CardClassifier:
    """Scores every card for a message with exported arrays (no scikit-learn at run time)."""

    def __init__(
        self,
        card_ids: list[str],
        blocks: list[Vectoriser],
        coef: list[npt.NDArray[np.float32]],
        intercept: npt.NDArray[np.float32],
    ) -> None:
        self.card_ids = card_ids
        self.blocks = blocks
        self.coef = coef  # per block: (vocabulary, cards)
        self.intercept = intercept

    def scores(self, text: str) -> npt.NDArray[np.float64]:
        """Each card's log-odds for `text` (order of `card_ids`)."""
        z = self.intercept.astype(np.float64)
        for block, coef in zip(self.blocks, self.coef, strict=True):
            index, weights = block.vector(text.lower())
            if len(index):
                z = z + weights @ coef[index]
        return z

    def rank(self, text: str) -> tuple[list[str], float]:
        """Card ids, best first (ties by id), and the first one's probability (a softmax over
        every card), from one scoring of `text`."""
        z = self.scores(text)
        order = sorted(range(len(self.card_ids)), key=lambda i: (-z[i], self.card_ids[i]))
        p = np.exp(z - z.max())
        return [self.card_ids[i] for i in order], float(p[order[0]] / p.sum())

    # --- training (scikit-learn) and files ---------------------------------------------------

    @classmethod
    def train(cls, cards: Sequence[Card], asked: dict[str, list[str]]) -> CardClassifier:
        import scipy.sparse as sparse
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import SGDClassifier

        texts, labels = training_texts(cards, asked)
        lowered = [t.lower() for t in texts]
        word_min_df = 2 if len(lowered) >= PRUNE_FROM else 1  # a small base keeps every word
        fitted = [
            TfidfVectorizer(analyzer=word_grams, sublinear_tf=True, min_df=word_min_df),
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, min_df=2
            ),
        ]
        # fit and transform in one pass over the texts (the same matrix as fit, then transform)
        features = sparse.hstack([v.fit_transform(lowered) for v in fitted]).tocsr()
        regression = SGDClassifier(
            loss="log_loss", alpha=ALPHA, max_iter=EPOCHS, tol=None, random_state=0, n_jobs=2
        ).fit(features, labels)
        blocks = exported(fitted, KINDS, "text")
        coef = regression.coef_.T.astype(np.float32)  # (features, classes)
        if coef.shape[1] == 1:  # two cards: scikit-learn keeps one column for the second
            coef = np.hstack([-coef, coef])
            intercept = np.array([-regression.intercept_[0], regression.intercept_[0]])
        else:
            intercept = regression.intercept_
        size = len(blocks[0].vocabulary)
        return cls(
            [str(c) for c in regression.classes_],
            blocks,
            [coef[:size], coef[size:]],
            intercept.astype(np.float32),
        )

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": FORMAT,
            "cards": self.card_ids,
            "kinds": [b.kind for b in self.blocks],
            "vocabularies": [b.vocabulary for b in self.blocks],
        }
        arrays: dict[str, Any] = {"meta": np.array(json.dumps(meta)), "intercept": self.intercept}
        for i, (block, coef) in enumerate(zip(self.blocks, self.coef, strict=True)):
            arrays |= {f"idf{i}": block.idf, f"coef{i}": coef}
        tmp = folder / f".{FILE}.tmp.npz"
        np.savez_compressed(tmp, **arrays)
        tmp.replace(folder / FILE)

    @classmethod
    def load(cls, folder: Path) -> CardClassifier:
        with np.load(folder / FILE, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("format") != FORMAT or meta.get("kinds") != list(KINDS):
                raise ValueError("card classifier in an older format")
            blocks = [
                Vectoriser(vocab, data[f"idf{i}"], kind, "text")
                for i, (vocab, kind) in enumerate(zip(meta["vocabularies"], KINDS, strict=True))
            ]
            coef = [data[f"coef{i}"] for i in range(len(blocks))]
            return cls(list(meta["cards"]), blocks, coef, data["intercept"])
