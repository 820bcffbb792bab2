"""Decide what a message asks for: a flow control, a new flow, a flow answer, or a question."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from bot.content.coaching import RouterRules

RouteKind = Literal["control", "start", "flow", "ask"]
LEAD_IN = re.compile(r"^\s*(on|about|with|through|around|for|re|regarding)\b\s*", re.IGNORECASE)


class Route(BaseModel):
    kind: RouteKind
    name: str = ""
    rest: str = ""


def route(text: str, rules: RouterRules, *, in_flow: bool) -> Route:
    lowered = " ".join(text.lower().split())
    for name, patterns in rules.compiled_controls.items():
        if any(p.search(lowered) for p in patterns):
            return Route(kind="control", name=name)
    for name, patterns in rules.compiled_starts.items():
        for pattern in patterns:
            match = pattern.search(lowered)
            if match:
                rest = LEAD_IN.sub("", text.strip()[match.end() :].strip(" :,-.")).strip()
                return Route(kind="start", name=name, rest=rest)
    return Route(kind="flow" if in_flow else "ask")


STOP_WORDS = {
    "a",
    "an",
    "the",
    "me",
    "my",
    "i",
    "to",
    "of",
    "on",
    "in",
    "and",
    "or",
    "for",
    "with",
    "some",
    "exercise",
    "exercises",
    "scenario",
    "scenarios",
    "give",
    "do",
    "try",
    "start",
    "run",
    "want",
    "please",
    "one",
    "about",
    "conversation",
    "difficult",
    "practise",
    "practice",
    "rehearse",
}


def find_named(text: str, titles: dict[str, str]) -> str | None:
    """The id whose title or id shares most meaningful words with `text`, if one clearly wins."""
    words = set(re.findall(r"[a-z0-9]+", text.lower())) - STOP_WORDS
    if not words:
        return None
    scores = {
        item_id: len(
            words & (set(re.findall(r"[a-z0-9]+", f"{title} {item_id}".lower())) - STOP_WORDS)
        )
        for item_id, title in titles.items()
    }
    best = max(scores.values(), default=0)
    winners = [i for i, s in scores.items() if s == best]
    return winners[0] if best > 0 and len(winners) == 1 else None
