"""Sentence-level scoring of retrieved passages, so replies quote the best-matching lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from bot.knowledge.chunks import Chunk
from bot.knowledge.embed import Embedder, Vectors
from bot.knowledge.lexical import tokenize

SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[A-Z0-9\"“‘(])")
CONTEXT_OPENERS = (
    "this ",
    "that ",
    "these ",
    "those ",
    "it ",
    "they ",
    "he ",
    "she ",
    "but ",
    "and ",
    "so ",
    "also ",
)
MIN_WORDS, MAX_WORDS = 7, 48
CARD_RANK_BONUS = 0.15
LONG_WORDS, LONG_PENALTY = 28, 0.005


@dataclass(frozen=True)
class Candidate:
    key: str
    chunk_id: str
    card_id: str
    text: str
    score: float
    similarity: float
    vector: Vectors


def split_sentences(text: str) -> list[str]:
    flat = re.sub(r"\s+", " ", re.sub(r"^\s*[-*]\s+", "", text, flags=re.MULTILINE)).strip()
    return [s.strip() for s in SPLIT.split(flat) if s.strip()]


def usable(sentence: str) -> bool:
    """Long enough to say something, short enough to read, and whole on its own."""
    words = len(sentence.split())
    balanced = sentence.count('"') % 2 == 0 and sentence.count("“") == sentence.count("”")
    return (
        MIN_WORDS <= words <= MAX_WORDS
        and balanced
        and not sentence.endswith(("?", ":"))
        and not sentence.startswith(("For example", "A familiar story"))
    )


class SentenceBank:
    """Sentences and their vectors for each chunk, computed once and kept in memory."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._cache: dict[str, tuple[list[str], Vectors, list[set[str]]]] = {}
        self._fixed: dict[tuple[str, ...], Vectors] = {}

    def vectors(self, texts: tuple[str, ...]) -> Vectors:
        """Vectors for a fixed set of texts (a card's questions), computed once."""
        cached = self._fixed.get(texts)
        if cached is None:
            cached = self._fixed[texts] = self.embedder.embed(list(texts))
        return cached

    def warm(self, chunks: list[Chunk]) -> None:
        """Split and embed every chunk's sentences in one batch, so no turn pays for it."""
        todo = [c for c in chunks if c.id not in self._cache]
        split = [[s for s in split_sentences(c.text) if usable(s)] for c in todo]
        flat = [s for texts in split for s in texts]
        vectors = self.embedder.embed(flat)
        stems = [set(tokens) for tokens in tokenize(flat)] if flat else []
        start = 0
        for chunk, texts in zip(todo, split, strict=True):
            end = start + len(texts)
            self._cache[chunk.id] = (texts, vectors[start:end], stems[start:end])
            start = end

    def sentences(self, chunk: Chunk) -> tuple[list[str], Vectors, list[set[str]]]:
        cached = self._cache.get(chunk.id)
        if cached is None:
            texts = [s for s in split_sentences(chunk.text) if usable(s)]
            vectors = self.embedder.embed(texts)
            stems = [set(tokens) for tokens in tokenize(texts)] if texts else []
            cached = (texts, vectors, stems)
            self._cache[chunk.id] = cached
        return cached

    def candidates(
        self, query: str, cards: list[list[Chunk]], exclude: set[str]
    ) -> list[Candidate]:
        """Every usable sentence of each card's chunks (cards best first), scored for `query`."""
        if not cards:
            return []
        qvec = self.embedder.embed([query])[0]
        qstems = set(tokenize([query])[0])
        found: list[Candidate] = []
        for rank, chunks in enumerate(cards):
            for chunk in chunks:
                found.extend(self._scored(chunk, rank, qvec, qstems, exclude))
        found.sort(key=lambda c: -c.score)
        return found

    def _scored(
        self, chunk: Chunk, rank: int, qvec: Vectors, qstems: set[str], exclude: set[str]
    ) -> list[Candidate]:
        found: list[Candidate] = []
        texts, vectors, stems = self.sentences(chunk)
        if not texts:
            return found
        sims = vectors @ qvec
        for i, text in enumerate(texts):
            key = f"{chunk.id}:{i}"
            if key in exclude:
                continue
            overlap = len(qstems & stems[i]) / (len(qstems) or 1)
            score = float(sims[i]) + 0.35 * overlap + CARD_RANK_BONUS / (1 + rank)
            if text.lower().startswith(CONTEXT_OPENERS):
                score -= 0.08
            score -= LONG_PENALTY * max(0, len(text.split()) - LONG_WORDS)  # plain English
            found.append(
                Candidate(key, chunk.id, chunk.card_id, text, score, float(sims[i]), vectors[i])
            )
        return found


SAME_CARD, OTHER_CARD, REDUNDANT = 0.7, 0.85, 0.8


def pick(candidates: list[Candidate], most: int = 3, max_cards: int = 2) -> list[Candidate]:
    """Up to `most` strong, non-repetitive sentences; a second card must earn its place."""
    chosen: list[Candidate] = []
    cards: list[str] = []
    for cand in candidates:
        if len(chosen) == most:
            break
        if chosen:
            bar = SAME_CARD if cand.card_id in cards else OTHER_CARD
            if cand.score < bar * chosen[0].score:
                continue
        if cand.card_id not in cards and len(cards) == max_cards:
            continue
        if any(float(np.dot(cand.vector, c.vector)) > REDUNDANT for c in chosen):
            continue
        chosen.append(cand)
        if cand.card_id not in cards:
            cards.append(cand.card_id)
    return chosen
