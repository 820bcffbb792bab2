"""The offline composer: a short, warm, cited coaching reply built from the knowledge base.

Shape of a reply: acknowledge what the person said; offer one to three points drawn from the
best-matching sentences of the retrieved cards, each cited; end with one open question.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

import numpy as np

from bot.coach.sentences import Candidate, SentenceBank, pick
from bot.content.templates import OfflineTemplates
from bot.knowledge.retrieve import Retriever
from bot.models import Card, Citation, month_year

WORD = re.compile(r"[a-z']+")
QUESTION_OPENERS = (
    "what",
    "how",
    "why",
    "who",
    "when",
    "where",
    "which",
    "is ",
    "are ",
    "can ",
    "could ",
    "should ",
    "do ",
    "does ",
    "any ",
)
# below this cosine between the message and every candidate sentence, nothing in the cards fits
NO_MATCH_SIMILARITY = 0.22
CARDS_CONSIDERED = 3


@dataclass
class Composed:
    text: str
    citations: list[Citation] = field(default_factory=list)
    used: list[str] = field(default_factory=list)
    asked: str | None = None
    matched: bool = True


def choose(options: list[str], seed: str) -> str:
    """A stable choice, so the same conversation reads the same way when replayed."""
    return options[zlib.crc32(seed.encode("utf-8")) % len(options)]


def tone(message: str, templates: OfflineTemplates, followup: bool) -> str:
    if followup:
        return "followup"
    words = set(WORD.findall(message.lower()))
    for family in ("feeling", "conflict"):
        if words & set(templates.tone_words.get(family, [])):
            return family
    lowered = message.strip().lower()
    if lowered.endswith("?") or lowered.startswith(QUESTION_OPENERS):
        return "question"
    return "statement"


def cite(cards: dict[str, Card], card_ids: list[str]) -> list[Citation]:
    return [
        Citation(card_id=cid, title=cards[cid].meta.title, sources=list(cards[cid].meta.sources))
        for cid in card_ids
    ]


def policy_month(cards: dict[str, Card], card_ids: list[str]) -> str | None:
    """The month of the oldest policy picture among these cards (those with `as_of`), if any:
    a reply that draws on several dated cards is only as current as the oldest of them."""
    dated = [d for cid in card_ids if cid in cards and (d := cards[cid].meta.as_of) is not None]
    return month_year(min(dated)) if dated else None


def citation_line(citations: list[Citation], heading: str) -> str:
    parts = [
        f"[{n}] {c.title} ({'; '.join(s.short() for s in c.sources[:2])})."
        for n, c in enumerate(citations, start=1)
    ]
    return f"{heading}: " + " ".join(parts)


class OfflineComposer:
    """Builds replies from retrieved passages; holds no per-conversation state itself."""

    def __init__(self, retriever: Retriever, templates: OfflineTemplates, top_k: int = 5) -> None:
        self.retriever = retriever
        self.templates = templates
        self.top_k = top_k
        self.bank = SentenceBank(retriever.embedder)
        self.bank.warm([c for c in retriever.chunks.values() if c.kind != "phrases"])

    def question_for(self, card: Card, query_vec: np.ndarray, asked: set[str], seed: str) -> str:
        fresh = [q for q in card.meta.reflection_questions if q not in asked]
        if not fresh:
            fresh = [q for q in self.templates.fallback_questions if q not in asked]
            return choose(fresh or self.templates.fallback_questions, seed)
        vectors = self.bank.vectors(tuple(fresh))
        return fresh[int(np.argmax(vectors @ query_vec))]

    def compose(
        self,
        message: str,
        query: str,
        *,
        followup: bool = False,
        prefer_cards: list[str] | None = None,
        used: set[str] | None = None,
        asked: set[str] | None = None,
        seed: str = "",
    ) -> Composed:
        """A reply to `message`, retrieving with `query` (which may carry earlier context)."""
        used = used or set()
        asked = asked or set()
        ranked = self.retriever.rank_cards(query, k=CARDS_CONSIDERED)
        if prefer_cards:
            ranked.sort(key=lambda card: 0 if card in prefer_cards else 1)
        groups = [self.retriever.card_chunks(card) for card in ranked]
        candidates = self.bank.candidates(query, groups, exclude=used)
        chosen = pick(candidates)
        seed = seed + message
        best = max((c.similarity for c in candidates), default=0.0)
        if not chosen or best < NO_MATCH_SIMILARITY:
            exhausted = followup and bool(used)
            opening = self.templates.more_exhausted if exhausted else self.templates.no_match
            question = (
                choose(
                    [q for q in self.templates.fallback_questions if q not in asked]
                    or self.templates.fallback_questions,
                    seed,
                )
                if exhausted
                else self.templates.no_match_question
            )
            return Composed(text=f"{opening} {question}", asked=question, matched=False)
        return self._render(message, query, chosen, followup, asked, seed)

    def _render(
        self,
        message: str,
        query: str,
        chosen: list[Candidate],
        followup: bool,
        asked: set[str],
        seed: str,
    ) -> Composed:
        t = self.templates
        card_order: list[str] = []
        for cand in chosen:
            if cand.card_id not in card_order:
                card_order.append(cand.card_id)
        citations = cite(self.retriever.cards, card_order)
        points = " ".join(f"{c.text} [{card_order.index(c.card_id) + 1}]" for c in chosen)
        month = policy_month(self.retriever.cards, card_order)
        if month:
            points += " " + t.as_of.format(month=month)
        ack = choose(t.acknowledgements[tone(message, t, followup)], seed)
        bridge = choose(t.bridges, seed + "bridge")
        qvec = self.bank.embedder.embed([query])[0]
        question = self.question_for(self.retriever.cards[card_order[0]], qvec, asked, seed)
        text = "\n\n".join(
            [f"{ack} {bridge}", points, question, citation_line(citations, t.sources_heading)]
        )
        return Composed(
            text=text, citations=citations, used=[c.key for c in chosen], asked=question
        )
