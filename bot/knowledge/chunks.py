"""Split cards into retrievable chunks: one for the card's summary, one per body section."""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.models import Card

ChunkKind = Literal["summary", "section", "phrases"]


class Chunk(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    kind: ChunkKind = "section"
    card_id: str
    title: str
    section: str
    text: str
    tags: tuple[str, ...]
    digest: str

    @property
    def search_text(self) -> str:
        """What is indexed: the card title and section heading give each chunk its context, and
        the summary chunk carries the card's tags. Only `text` is ever quoted, so a tag line or
        heading can be searched but never reach a reply."""
        tags = (
            f" {', '.join(t.replace('-', ' ') for t in self.tags)}."
            if self.kind == "summary"
            else ""
        )
        return f"{self.title}. {self.section}. {self.text}{tags}"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


PHRASES = "Questions leaders ask"


def chunk_card(card: Card) -> list[Chunk]:
    """A summary chunk, one chunk per section, and one for the card's search phrases."""
    meta = card.meta
    tags = tuple(meta.tags)
    pieces: list[tuple[ChunkKind, str, str]] = [("summary", "Summary", meta.summary)]
    pieces += [("section", s.heading, s.text) for s in card.sections]
    if meta.search_phrases:
        pieces.append(
            ("phrases", PHRASES, " ".join(p.rstrip(".?!") + "?" for p in meta.search_phrases))
        )
    return [
        Chunk(
            id=f"{meta.id}#{i}",
            kind=kind,
            card_id=meta.id,
            title=meta.title,
            section=heading,
            text=text,
            tags=tags,
            digest=_digest(kind, meta.title, heading, text, ",".join(tags)),
        )
        for i, (kind, heading, text) in enumerate(pieces)
    ]


def chunk_cards(cards: list[Card]) -> list[Chunk]:
    return [chunk for card in cards for chunk in chunk_card(card)]
