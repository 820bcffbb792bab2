"""Card neighbours: the cards whose examples mean what a leader's message means, by word vectors.

The card classifier (`bot.knowledge.classify`) reads words and character n-grams, so a message
that tells a situation in other words than any example can miss its card. This ranking compares
meanings instead: every text the classifier learns from (a card's own text and how leaders ask
for it, `knowledge/asked/`) and the message become one vector each, the mean of their WordLlama
token vectors weighted by how rare each token is in those texts (smooth inverse frequency: a
common token such as "the" or "we" weighs little), less the direction all the texts share (their
first principal component). A card scores the mean cosine of its best few examples.

Plain WordLlama sentence vectors (an unweighted mean) ranked too poorly to help: recall@1 0.49
alone on the blind development set and lower when fused. These rank 0.536 alone (recall@3
0.827), and fused with search and the classifier (`Retriever.cards_for`) raise recall@1 from
0.764 to 0.782 on the blind development set (evals/data/coaching_dev_blind.yaml) and from 0.880
to 0.894 in-house (evals/data/retrieval.yaml); the held-out set stays at 0.967.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.knowledge.classify import training_texts
from bot.knowledge.embed import TokenEmbedder, Vectors, normalise
from bot.models import Card

FILE = "neighbours.npz"
FORMAT = 1
# Smooth inverse frequency: a token of frequency p in the texts weighs SMOOTHING / (SMOOTHING + p)
# (1e-3 is the usual value; 3e-4 to 3e-3 rank the same on the development sets, 1e-2 worse).
SMOOTHING = 1e-3
# A card scores the mean similarity of its best NEIGHBOURS examples (2 to 5 rank about the same).
NEIGHBOURS = 3
# Rows per matrix-vector product. OpenBLAS splits a larger product across threads, and when the
# other core is busy the split waits for it: one product of all 5,463 rows took 0.04 ms at the
# median but 20 ms at p95 with both cores loaded; in blocks of 512 rows, 0.10 ms and 0.45 ms.
BLOCK = 512


class CardNeighbours:
    """Every example's vector, grouped by card; scores every card for a message with numpy."""

    def __init__(
        self,
        embedder: TokenEmbedder,
        card_ids: list[str],
        counts: npt.NDArray[np.int64],
        weights: npt.NDArray[np.float32],
        component: npt.NDArray[np.float32],
        matrix: Vectors,
    ) -> None:
        if matrix.shape != (int(counts.sum()), embedder.dim) or len(counts) != len(card_ids):
            raise ValueError("card neighbours do not match their cards or the embedding model")
        self.embedder = embedder
        self.card_ids = card_ids
        self.counts = counts  # examples per card, in the order of card_ids and matrix rows
        self.weights = weights  # per token id
        self.component = component  # the shared direction taken out of every vector
        self.matrix = matrix
        self._blocks = [matrix[i : i + BLOCK] for i in range(0, max(len(matrix), 1), BLOCK)]
        # (cards, most examples of a card): each card's rows in matrix, -1 past its last one
        self._rows = np.full((len(counts), int(counts.max(initial=1))), -1, dtype=np.int64)
        start = 0
        for i, count in enumerate(counts):
            self._rows[i, :count] = np.arange(start, start + count)
            start += count

    def vector(self, text: str) -> Vectors:
        """`text` as one unit vector (zero when it has no tokens)."""
        tokens = self.embedder.token_ids(text.lower())
        if not tokens:
            return np.zeros(self.embedder.dim, dtype=np.float32)
        mean = self.weights[tokens] @ self.embedder.token_vectors[tokens] / len(tokens)
        mean = mean - (mean @ self.component) * self.component
        unit: Vectors = normalise(mean)[0]
        return unit

    def scores(self, text: str) -> npt.NDArray[np.float64]:
        """Each card's mean cosine over its best NEIGHBOURS examples (order of `card_ids`)."""
        vector = self.vector(text)
        sims = np.concatenate([block @ vector for block in self._blocks])
        grouped = np.where(self._rows >= 0, sims[self._rows], -np.inf)
        best = -np.sort(-grouped, axis=1)[:, :NEIGHBOURS]
        taken = np.isfinite(best)
        return np.asarray(np.where(taken, best, 0.0).sum(axis=1) / taken.sum(axis=1), np.float64)

    def rank(self, text: str) -> list[str]:
        """Card ids, best first (ties by id)."""
        z = self.scores(text)
        return [
            self.card_ids[i] for i in sorted(range(len(z)), key=lambda i: (-z[i], self.card_ids[i]))
        ]

    # --- building and files ------------------------------------------------------------------

    @classmethod
    def build(
        cls, cards: Sequence[Card], asked: dict[str, list[str]], embedder: TokenEmbedder
    ) -> CardNeighbours:
        texts, labels = training_texts(cards, asked)
        card_ids = list(dict.fromkeys(labels))  # training_texts groups each card's texts
        counts = np.array([labels.count(card) for card in card_ids], dtype=np.int64)
        tokens = [embedder.token_ids(text.lower()) for text in texts]
        frequency = Counter(token for ids in tokens for token in ids)
        total = max(sum(frequency.values()), 1)
        weights = np.ones(len(embedder.token_vectors), dtype=np.float32)
        for token, n in frequency.items():
            weights[token] = SMOOTHING / (SMOOTHING + n / total)
        means = np.zeros((len(texts), embedder.dim), dtype=np.float32)
        for row, ids in enumerate(tokens):
            if ids:
                means[row] = weights[ids] @ embedder.token_vectors[ids] / len(ids)
        # the first principal component (uncentred), from the small Gram matrix: a full SVD of
        # the texts took seconds on a busy machine
        gram = means.T.astype(np.float64) @ means.astype(np.float64)
        component = np.linalg.eigh(gram)[1][:, -1].astype(np.float32)
        matrix = normalise(means - np.outer(means @ component, component))
        return cls(embedder, card_ids, counts, weights, component, matrix)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        meta = {"format": FORMAT, "cards": self.card_ids, "embedder": self.embedder.name}
        tmp = folder / f".{FILE}.tmp.npz"
        np.savez_compressed(
            tmp,
            meta=np.array(json.dumps(meta)),
            counts=self.counts,
            weights=self.weights,
            component=self.component,
            matrix=self.matrix,
        )
        tmp.replace(folder / FILE)

    @classmethod
    def load(cls, folder: Path, embedder: TokenEmbedder) -> CardNeighbours:
        with np.load(folder / FILE, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("format") != FORMAT or meta.get("embedder") != embedder.name:
                raise ValueError("card neighbours in an older format or of another model")
            return cls(
                embedder,
                list(meta["cards"]),
                data["counts"],
                data["weights"],
                data["component"],
                np.asarray(data["matrix"], dtype=np.float32),
            )
