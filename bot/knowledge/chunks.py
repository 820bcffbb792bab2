"""Split cards into retrievable chunks: one for the card's summary, one per body section."""

from __future__ import annotations

import hashlib

from pydantic import BaseModel, ConfigDict

from bot.models import Card


class Chunk(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    card_id: str
    title: str
    section: str
    text: str
    tags: tuple[str, ...]
    digest: str

    @property
    def search_text(self) -> str:
        """What is indexed: the card title and section heading give each chunk its context."""
        return f"{self.title}. {self.section}. {self.text}"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def chunk_card(card: Card) -> list[Chunk]:
    meta = card.meta
    tags = tuple(meta.tags)
    overview = f"{meta.summary} Tags: {', '.join(t.replace('-', ' ') for t in tags)}."
    pieces = [("Summary", overview)] + [(s.heading, s.text) for s in card.sections]
    return [
        Chunk(
            id=f"{meta.id}#{i}",
            card_id=meta.id,
            title=meta.title,
            section=heading,
            text=text,
            tags=tags,
            digest=_digest(meta.title, heading, text),
        )
        for i, (heading, text) in enumerate(pieces)
    ]


def chunk_cards(cards: list[Card]) -> list[Chunk]:
    return [chunk for card in cards for chunk in chunk_card(card)]
