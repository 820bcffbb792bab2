"""`anchor kb check`: rules a card must follow beyond its schema."""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date
from pathlib import Path

from bot.knowledge.asked import lint_asked, load_asked
from bot.knowledge.cards import CardError, CardProblem, card_files, parse_card
from bot.knowledge.units import compile_card, lint_units
from bot.models import Card

MIN_WORDS = 150
MAX_WORDS = 500
OPENERS = ("yes/no openers", ("is ", "are ", "do ", "does ", "did ", "can ", "could ", "will "))


def lint_card(card: Card) -> list[CardProblem]:
    """Problems within one card (file name, body length, sections, questions)."""
    problems: list[CardProblem] = []

    def add(field: str, message: str) -> None:
        problems.append(CardProblem(card.path, field, message))

    stem = Path(card.path).stem
    if card.id != stem:
        add("id", f"{card.id!r} must match the file name {stem!r}")
    words = card.word_count
    if words < MIN_WORDS:
        add("body", f"{words} words; a card needs at least {MIN_WORDS}")
    if words > MAX_WORDS:
        add("body", f"{words} words; over-long (at most {MAX_WORDS})")
    if not any(s.heading != "Overview" for s in card.sections):
        add("body", "needs at least one '## ' section heading")
    for i, question in enumerate(card.meta.reflection_questions):
        if question.strip().lower().startswith(OPENERS[1]):
            add(f"reflection_questions.{i}", "should be open, not a yes/no question")
    if card.meta.reviewed is None:
        add("reviewed", "needs the date its facts were last checked, e.g. `reviewed: 2026-12-06`")
    if card.id in card.meta.related:
        add("related", "a card cannot be related to itself")
    for i, source in enumerate(card.meta.sources):
        if not source.title.strip() or not source.author.strip():
            add(f"sources.{i}", "needs an author and a title")
    return problems


def lint_cards(cards: list[Card]) -> list[CardProblem]:
    """Problems across cards (duplicate ids, broken `related` links) and within each card's
    compiled sentence units (`bot/knowledge/units.py`)."""
    problems: list[CardProblem] = []
    counts = Counter(card.id for card in cards)
    known = set(counts)
    for card in cards:
        problems.extend(lint_card(card))
        problems.extend(lint_units(card, compile_card(card)))
        if counts[card.id] > 1:
            problems.append(CardProblem(card.path, "id", f"duplicate id {card.id!r}"))
        for i, target in enumerate(card.meta.related):
            if target not in known:
                problems.append(
                    CardProblem(card.path, f"related.{i}", f"no card with id {target!r}")
                )
    return problems


def check_directory(directory: Path) -> tuple[list[Card], list[CardProblem]]:
    """Parse and lint every card (and `asked/`, how leaders ask for them); return the good
    cards and every problem found."""
    cards: list[Card] = []
    problems: list[CardProblem] = []
    if not directory.is_dir():
        return [], [CardProblem(str(directory), "folder", "knowledge folder not found")]
    for path in card_files(directory):
        try:
            cards.append(parse_card(path))
        except CardError as exc:
            problems.extend(exc.problems)
    if not cards and not problems:
        problems.append(CardProblem(str(directory), "folder", "no cards (*.md) found"))
    problems.extend(lint_cards(cards))
    asked, unreadable = load_asked(directory)
    problems += unreadable + lint_asked(asked, {card.id for card in cards}, directory)
    return cards, problems


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day if it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def overdue_reviews(cards: list[Card], months: int, today: date | None = None) -> list[CardProblem]:
    """Warnings, not failures: cards whose `reviewed:` date is older than `months` months, or
    later than today. `today` defaults to the clock (so tests can freeze it)."""
    today = today or date.today()
    cutoff = months_before(today, months)
    warnings: list[CardProblem] = []
    for card in cards:
        reviewed = card.meta.reviewed
        if reviewed is None:
            continue  # a problem for lint_card, not a warning
        if reviewed < cutoff:
            warnings.append(
                CardProblem(
                    card.path,
                    "reviewed",
                    f"last checked {reviewed.isoformat()}, over {months} months ago: check its "
                    "facts against its sources, then update `reviewed`",
                )
            )
        elif reviewed > today:
            warnings.append(
                CardProblem(card.path, "reviewed", f"{reviewed.isoformat()} is in the future")
            )
    return warnings
