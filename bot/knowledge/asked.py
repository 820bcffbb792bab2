"""How leaders ask for each card, in their own words: `knowledge/asked/*.yaml`.

Each file maps card ids to messages a leader might type for which that card helps most, written
by independent writers who read the card and then wrote as busy leaders do, mostly without the
card's own terms. They train the card classifier (`bot.knowledge.classify`) and are never shown
to anyone. `anchor kb check` reports unknown card ids and files that do not parse.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import RootModel, StringConstraints

from bot.datafiles import ContentError, load_yaml_model
from bot.knowledge.cards import CardProblem

FOLDER = "asked"
Message = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=600)]


class AskedFile(RootModel[dict[str, list[Message]]]):
    """card id -> messages a leader might type for that card."""


def asked_files(knowledge_dir: Path) -> list[Path]:
    return sorted((knowledge_dir / FOLDER).glob("*.yaml"))


def load_asked(knowledge_dir: Path) -> tuple[dict[str, list[str]], list[CardProblem]]:
    """Every file's messages merged by card id, and the problems found (unreadable files)."""
    merged: dict[str, list[str]] = {}
    problems: list[CardProblem] = []
    for path in asked_files(knowledge_dir):
        try:
            found = load_yaml_model(path, AskedFile).root
        except ContentError as exc:
            problems.append(CardProblem(str(path), exc.field, exc.message))
            continue
        for card_id, messages in found.items():
            merged.setdefault(card_id, []).extend(messages)
    return merged, problems


def lint_asked(asked: dict[str, list[str]], card_ids: set[str], where: Path) -> list[CardProblem]:
    return [
        CardProblem(str(where / FOLDER), card_id, "no card has this id")
        for card_id in sorted(set(asked) - card_ids)
    ]
