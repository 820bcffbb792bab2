"""Decide whether a message continues the previous topic, and what to search for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.content.templates import OfflineTemplates

Kind = Literal["new", "more", "shift"]
SHORT = 12


@dataclass(frozen=True)
class Query:
    kind: Kind
    text: str


def resolve(message: str, topic: str | None, templates: OfflineTemplates) -> Query:
    """`tell me more` searches the last topic again; `what about X?` adds X to it."""
    stripped = message.strip()
    if any(p.match(stripped) for p in templates.followups.more_compiled):
        return Query("more", topic or "")
    if not topic:
        return Query("new", stripped)
    short = len(stripped.split()) <= SHORT
    if short and any(p.match(stripped) for p in templates.followups.shift_compiled):
        # the new words carry the weight: they appear twice, the old topic once
        return Query("shift", f"{stripped} {stripped} {topic}")
    return Query("new", stripped)
