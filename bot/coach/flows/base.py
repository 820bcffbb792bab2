"""What every flow shares: its persisted state, one turn's output, and answer parsing."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field

from bot.models import ReplyOption

FlowKind = Literal["exercise", "scenario", "grow", "menu"]


class FlowState(BaseModel):
    """A flow in progress, saved with the conversation so it survives restarts."""

    kind: FlowKind
    ref: str = ""
    title: str = ""
    position: int = 0
    point: str | None = None
    answers: dict[str, str] = Field(default_factory=dict)
    items: list[str] = Field(default_factory=list)
    path: list[list[str]] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)


class FlowTurn(BaseModel):
    """What a flow says this turn, and its state afterwards (None once it has finished)."""

    text: str
    state: FlowState | None
    options: list[ReplyOption] = Field(default_factory=list)
    card_ids: list[str] = Field(default_factory=list)
    commitment: str | None = None
    step: int | None = None
    total: int | None = None
    answer: str | None = None


NUMBER = re.compile(r"^\s*(?:option\s*)?(\d{1,2})\s*[.)]?\s*$", re.IGNORECASE)
SCALE = re.compile(r"\b(10|[0-9])(?:\s*(?:/|out of)\s*10)?\b")
WORD = re.compile(r"[a-z0-9']+")


def parse_scale(text: str, low: int, high: int) -> int | None:
    match = SCALE.search(text)
    if not match:
        return None
    value = int(match.group(1))
    return value if low <= value <= high else None


def pick_option(text: str, labels: list[str]) -> int | None:
    """The index of the option the person meant: a number, the label, or most shared words."""
    cleaned = text.strip().lower()
    number = NUMBER.match(cleaned)
    if number:
        index = int(number.group(1)) - 1
        return index if 0 <= index < len(labels) else None
    for i, label in enumerate(labels):
        if cleaned == label.lower() or cleaned == label.lower().rstrip("."):
            return i
    words = set(WORD.findall(cleaned)) - {"a", "an", "the", "to", "and", "of", "i", "it", "them"}
    if not words:
        return None
    overlaps = [len(words & set(WORD.findall(label.lower()))) for label in labels]
    best = max(overlaps)
    if best == 0 or overlaps.count(best) > 1:
        return None
    return overlaps.index(best)


def numbered(labels: list[str]) -> str:
    return "\n".join(f"{n}. {label}" for n, label in enumerate(labels, start=1))


def options_for(labels: list[str]) -> list[ReplyOption]:
    """Buttons whose value is the number a person could also type."""
    return [ReplyOption(value=str(n), label=label) for n, label in enumerate(labels, start=1)]


def shorten(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"
