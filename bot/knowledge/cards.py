"""Load knowledge cards (Markdown with YAML front matter) into validated models."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot.models import Card, CardMeta, Section

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.DOTALL)
HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class CardProblem:
    """One thing wrong with one card, pointing at the file and the field."""

    path: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"


class CardError(Exception):
    """Raised when cards cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[CardProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def split_sections(body: str) -> list[Section]:
    """Split a card body on `## ` headings; text before the first heading is 'Overview'."""
    sections: list[Section] = []
    matches = list(HEADING.finditer(body))
    lead = body[: matches[0].start()] if matches else body
    if lead.strip():
        sections.append(Section(heading="Overview", text=_clean(lead)))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        text = _clean(body[match.end() : end])
        if text:
            sections.append(Section(heading=match.group(1).strip(), text=text))
    return sections


def _clean(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text.strip())


def parse_card(path: Path) -> Card:
    """Parse one card file; raise CardError naming the file and field on any problem."""
    shown = str(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CardError([CardProblem(shown, "file", f"cannot read: {exc}")]) from exc
    match = FRONT_MATTER.match(raw.replace("\r\n", "\n"))
    if not match:
        raise CardError([CardProblem(shown, "front matter", "must start with a --- YAML block")])
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise CardError([CardProblem(shown, "front matter", f"invalid YAML: {exc}")]) from exc
    if not isinstance(data, dict):
        raise CardError([CardProblem(shown, "front matter", "must be a mapping of fields")])
    try:
        meta = CardMeta.model_validate(data)
    except ValidationError as exc:
        raise CardError(
            [
                CardProblem(
                    shown, ".".join(str(p) for p in err["loc"]) or "front matter", err["msg"]
                )
                for err in exc.errors()
            ]
        ) from exc
    sections = split_sections(match.group(2))
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    return Card(meta=meta, sections=sections, path=shown, digest=digest)


def card_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.md") if p.name.lower() != "readme.md")


def load_cards(directory: Path) -> list[Card]:
    """Load every card in `directory`; raise CardError listing all problems found."""
    if not directory.is_dir():
        raise CardError([CardProblem(str(directory), "folder", "knowledge folder not found")])
    cards: list[Card] = []
    problems: list[CardProblem] = []
    for path in card_files(directory):
        try:
            cards.append(parse_card(path))
        except CardError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CardError(problems)
    return cards


def cards_by_id(cards: Iterable[Card]) -> dict[str, Card]:
    return {card.id: card for card in cards}
