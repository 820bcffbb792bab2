"""Sentence-level fit: how well each quotable unit of a card suits this leader's message.

Only compiled units (`bot/knowledge/units.py`) are ever scored, so a heading, tag line, list
number, card self-reference or dangling connective cannot be chosen. A unit's `fit` is its
cosine similarity to the message plus a share of the message's content stems it contains;
`score` adds a small bonus for the card's retrieval rank. Units aimed at another seat are left
out (`bot/knowledge/seats.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.knowledge.embed import Embedder, Vectors
from bot.knowledge.lexical import tokenize
from bot.knowledge.seats import Seat, fits_seat
from bot.knowledge.units import Unit

OVERLAP_WEIGHT = 0.35
CARD_RANK_BONUS = 0.12
LONG_WORDS, LONG_PENALTY = 28, 0.005


@dataclass(frozen=True)
class Candidate:
    key: str
    card_id: str
    text: str
    order: int
    score: float
    fit: float
    vector: Vectors
    section: str
    place: int  # the unit's position among its card's quotable units, in reading order


class SentenceBank:
    """Every quotable unit with its vector and stems, computed once and kept in memory."""

    def __init__(self, embedder: Embedder, units: dict[str, list[Unit]]) -> None:
        self.embedder = embedder
        self.units = {cid: [u for u in found if u.quotable] for cid, found in units.items()}
        flat = [u for found in self.units.values() for u in found]
        vectors = embedder.embed([u.text for u in flat]) if flat else np.zeros((0, 1))
        stems = tokenize([u.text for u in flat]) if flat else []
        self._vectors: dict[str, Vectors] = {}
        self._stems: dict[str, frozenset[str]] = {}
        for i, unit in enumerate(flat):
            self._vectors[unit.key] = vectors[i]
            self._stems[unit.key] = frozenset(stems[i])
        self._fixed: dict[tuple[str, ...], Vectors] = {}

    def vectors(self, texts: tuple[str, ...]) -> Vectors:
        """Vectors for a fixed set of texts (a card's questions), computed once."""
        cached = self._fixed.get(texts)
        if cached is None:
            cached = self._fixed[texts] = self.embedder.embed(list(texts))
        return cached

    def candidates(
        self,
        qvec: Vectors,
        query: str,
        card_ids: list[str],
        *,
        exclude: set[str],
        seat: Seat,
    ) -> list[Candidate]:
        """The quotable, unused units of these cards (best card first) that suit the seat,
        best first."""
        qstems = set(tokenize([query])[0]) if query.strip() else set()
        found: list[Candidate] = []
        for rank, card_id in enumerate(card_ids):
            for place, unit in enumerate(self.units.get(card_id, [])):
                if unit.key in exclude or not fits_seat(unit.suits, unit.not_for, seat):
                    continue
                vector = self._vectors[unit.key]
                overlap = len(qstems & self._stems[unit.key]) / (len(qstems) or 1)
                fit = float(vector @ qvec) + OVERLAP_WEIGHT * overlap
                fit -= LONG_PENALTY * max(0, len(unit.text.split()) - LONG_WORDS)
                score = fit + CARD_RANK_BONUS / (1 + rank)
                found.append(
                    Candidate(
                        unit.key,
                        card_id,
                        unit.text,
                        unit.order,
                        score,
                        fit,
                        vector,
                        unit.section,
                        place,
                    )
                )
        found.sort(key=lambda c: -c.score)
        return found

    def place(self, key: str) -> int | None:
        """The position of `key` among its card's quotable units, in reading order."""
        card_id = key.split("#", 1)[0]
        keys = [u.key for u in self.units.get(card_id, [])]
        return keys.index(key) if key in keys else None


# The card to quote is retrieval's first card that has a quotable unit left for this seat:
# retrieval judges which card a situation is about far better than one sentence's fit does
# (on the retrieval sets, its first card is an expected one for 75% and 87% of questions; the
# card of the best-fitting sentence, 53% and 59%; any mix of the two scored between them). Fit
# chooses the sentence within that card, and says whether anything fits at all (the floors in
# bot/coach/composer.py).


def best_card(candidates: list[Candidate], ranked: list[str]) -> list[Candidate]:
    """The candidates of the one card to quote from, best fit first (empty when none is
    quotable): the first of `ranked` (retrieval's order) with a candidate."""
    for card_id in ranked:
        chosen = [c for c in candidates if c.card_id == card_id]
        if chosen:
            return sorted(chosen, key=lambda c: -c.fit)
    return []


def next_card(
    candidates: list[Candidate], ranked: list[str], first: str, floor: float
) -> str | None:
    """The next card of `ranked` after the one quoted that has a unit fitting at `floor` or
    better: its reflection questions may also suit the leader."""
    fitting = {c.card_id for c in candidates if c.fit >= floor}
    return next((card for card in ranked if card != first and card in fitting), None)


REDUNDANT = 0.8
SECOND = 0.85


def pick(candidates: list[Candidate], most: int = 2) -> list[Candidate]:
    """One idea: the best unit and, when it fits nearly as well and says something new, one
    more from the same card."""
    if not candidates:
        return []
    best = candidates[0]
    chosen = [best]
    for cand in candidates[1:]:
        if len(chosen) == most:
            break
        if cand.card_id != best.card_id or cand.score < SECOND * best.score:
            continue
        if float(np.dot(cand.vector, best.vector)) > REDUNDANT:
            continue
        chosen.append(cand)
    chosen.sort(key=lambda c: c.order)
    return chosen
