"""Hybrid retrieval: dense and lexical rankings fused by reciprocal rank fusion (RRF)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from bot.knowledge.chunks import Chunk
from bot.knowledge.dense import DenseIndex
from bot.knowledge.embed import Embedder
from bot.knowledge.index import KnowledgeIndex, Progress
from bot.knowledge.lexical import LexicalIndex
from bot.models import Card, Passage

Method = Literal["hybrid", "dense", "lexical"]
RRF_K = 60
DEPTH = 40


def rrf(rankings: Iterable[list[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Fuse ranked id lists: each id scores the sum of 1 / (k + rank) over the rankings."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


class Retriever:
    """Searches the knowledge index; knows every card and chunk it indexed."""

    def __init__(
        self, cards: list[Card], chunks: list[Chunk], dense: DenseIndex, lexical: LexicalIndex
    ) -> None:
        self.cards = {card.id: card for card in cards}
        self.chunks = {chunk.id: chunk for chunk in chunks}
        self.dense = dense
        self.lexical = lexical

    @classmethod
    def open(cls, index: KnowledgeIndex, progress: Progress | None = None) -> Retriever:
        manifest, lexical, dense = index.open(progress)
        return cls(manifest.cards, manifest.chunks, dense, lexical)

    @property
    def embedder(self) -> Embedder:
        return self.dense.embedder

    def _allowed(self, chunk_id: str, tags: frozenset[str] | None) -> bool:
        chunk = self.chunks.get(chunk_id)
        return chunk is not None and (not tags or bool(tags.intersection(chunk.tags)))

    def ranking(
        self, query: str, method: Method, tags: frozenset[str] | None = None
    ) -> list[tuple[str, float]]:
        depth = len(self.chunks) if tags else DEPTH
        if method == "dense":
            hits = self.dense.search(query, depth)
        elif method == "lexical":
            hits = self.lexical.search(query, depth)
        else:
            dense = [cid for cid, _ in self.dense.search(query, depth) if self._allowed(cid, tags)]
            lexical = [
                cid for cid, _ in self.lexical.search(query, depth) if self._allowed(cid, tags)
            ]
            return rrf([dense, lexical])
        return [(cid, score) for cid, score in hits if self._allowed(cid, tags)]

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        tags: Iterable[str] | None = None,
        method: Method = "hybrid",
    ) -> list[Passage]:
        """The best `k` passages for `query`, optionally only from cards with one of `tags`."""
        if not query.strip():
            return []
        wanted = frozenset(tags) if tags else None
        passages: list[Passage] = []
        for chunk_id, score in self.ranking(query, method, wanted)[:k]:
            chunk = self.chunks[chunk_id]
            passages.append(
                Passage(
                    chunk_id=chunk.id,
                    card_id=chunk.card_id,
                    title=chunk.title,
                    section=chunk.section,
                    text=chunk.text,
                    score=round(score, 6),
                )
            )
        return passages

    def rank_cards(self, query: str, method: Method = "hybrid", k: int = 10) -> list[str]:
        """Card ids in order of their best chunk (used by evals and the composer)."""
        seen: list[str] = []
        for chunk_id, _ in self.ranking(query, method):
            card_id = self.chunks[chunk_id].card_id
            if card_id not in seen:
                seen.append(card_id)
                if len(seen) == k:
                    break
        return seen
