"""Attach the closest knowledge cards to a theme.

A :class:`CardMatcher` gets what is known about a theme (its label words, a few representative
scrubbed texts and its centroid) and returns card ids, best first. Only the ids reach the
report; the texts stay inside the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from bot.knowledge.embed import Vectors
from bot.knowledge.retrieve import Retriever, rrf

MAX_CARDS = 3
DEPTH = 40
CARD_CHUNKS = 2
# The label words say best what a theme is about; the representative texts add context; the
# centroid (average-pooled, so close to every generic card) only breaks ties.
KEYWORDS_WEIGHT = 1.0
TEXTS_WEIGHT = 0.5
CENTROID_WEIGHT = 0.25


class CardMatcher(Protocol):
    def match(
        self, keywords: Sequence[str], texts: Sequence[str], centroid: Vectors
    ) -> list[str]: ...


class RetrieverCardMatcher:
    """Cards by weighted RRF of three rankings: hybrid search for the label words, hybrid search
    for the representative texts, and the theme's centroid against the card chunks' vectors
    (when both come from the same embedder)."""

    def __init__(self, retriever: Retriever, *, same_space: bool = True) -> None:
        self.retriever = retriever
        self.same_space = same_space

    def _by_centroid(self, centroid: Vectors) -> list[str]:
        snapshot = self.retriever.dense
        if not self.same_space or snapshot.matrix.shape[1] != centroid.shape[-1]:
            return []
        scores = snapshot.matrix @ centroid.reshape(-1)
        best: dict[str, list[float]] = {}
        for i in np.argsort(-scores)[:DEPTH]:
            chunk = self.retriever.chunks.get(snapshot.chunk_ids[int(i)])
            if chunk is None:
                continue
            kept = best.setdefault(chunk.card_id, [])
            if len(kept) < CARD_CHUNKS:
                kept.append(float(scores[i]))
        return sorted(best, key=lambda card: (-sum(best[card]), card))

    def match(self, keywords: Sequence[str], texts: Sequence[str], centroid: Vectors) -> list[str]:
        rankings: list[list[str]] = []
        weights: list[float] = []
        for query, weight in (
            (" ".join(keywords), KEYWORDS_WEIGHT),
            (" ".join(texts), TEXTS_WEIGHT),
        ):
            if query.strip():
                rankings.append(self.retriever.rank_cards(query, "hybrid", k=10))
                weights.append(weight)
        dense = self._by_centroid(centroid)
        if dense:
            rankings.append(dense[:10])
            weights.append(CENTROID_WEIGHT)
        return [card for card, _ in rrf(rankings, weights=weights)][:MAX_CARDS]
