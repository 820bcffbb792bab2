"""Cards compiled into self-contained sentence units: the only card text a reply may quote.

A card's sections are Markdown prose, with headings, bold lead-ins ("**Commitment.** ..."),
numbered and bulleted lists. Compiling strips the structure (headings, list numbers, bullets,
bold lead-ins), splits the prose into sentences and keeps each with its card, section and the
seats it suits (`bot/knowledge/seats.py`). Every sentence is then judged on its own:

- `heading`: a label rather than a sentence ("Commitment.", "Responding productively.");
- `tag line`: "Tags: ..." or any line of labels;
- `list number`: a bare number, or a list item that is not a sentence ("2. frequent contact;");
- `self-reference`: the card talking about cards ("The companion card on ... covers ...");
- `dangling connective`: a sentence that leans on the one before it ("Then ...", "This
  means ...", "But ...", "They ...");
- `incomplete`: no capital at the start or no full stop at the end, a lead-in ending in ":",
  unbalanced quotes, or Markdown left in the text;
- `definition`: the first sentence after a bold term that is only a noun phrase naming what the
  term is ("**Integrated care partnership.** A joint committee of ..."), which says nothing
  once the term is stripped.

Only a unit with none of these (and of a readable length) is quotable. `anchor kb check`
fails on units whose structure leaked through (a heading, tag line, list number or Markdown in
a unit) and on a card whose prose refers to cards, because those are for the card's writer to
fix; a dangling sentence or a definition is ordinary prose and is simply never quoted alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge.cards import CardProblem
from bot.knowledge.seats import SeatRules, default_seat_rules
from bot.models import Card

SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[A-Z0-9\"“‘(])")
BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
BOLD_LEAD = re.compile(r"^\*\*[^*]{1,80}?\*\*[:.]?\s*")
DEFINITION = re.compile(r"^(?:A|An)\s")
NUMBER_ONLY = re.compile(r"^\(?\d+[.)]?$")
TAGS = re.compile(r"^\s*(?:tags|keywords|see also|related)\s*:", re.IGNORECASE)
SELF_REFERENCE = re.compile(
    r"\bcards?\b|\bthis (?:section|note|guide|page)\b|\b(?:see|listed|set out) (?:below|above)\b",
    re.IGNORECASE,
)
MARKDOWN = re.compile(r"\*\*|__|`|^#|\]\(|\|")
CONNECTIVES = (
    "then",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "it's",
    "they",
    "their",
    "them",
    "he",
    "she",
    "his",
    "her",
    "but",
    "and",
    "or",
    "so",
    "also",
    "however",
    "instead",
    "yet",
    "still",
    "hence",
    "thus",
    "therefore",
    "otherwise",
    "likewise",
    "similarly",
    "meanwhile",
    "again",
    "finally",
    "next",
    "both",
    "such",
    "here",
    "another",
    "each of these",
    "even so",
    "as a result",
    "for example",
    "for instance",
    "in turn",
    "in short",
    "in other words",
    "on the other hand",
    "the same",
    "the other",
    "the latter",
    "the former",
    "the second",
    "the third",
    "the last",
    "the rest",
    "a familiar story",
)
MIN_WORDS, MAX_WORDS = 7, 48


@dataclass(frozen=True)
class Unit:
    """One sentence of a card that may be quoted on its own (or, with `fragment`, may not)."""

    key: str
    card_id: str
    section: str
    order: int
    text: str
    suits: frozenset[str] = frozenset()
    not_for: frozenset[str] = frozenset()
    fragment: str | None = None

    @property
    def quotable(self) -> bool:
        return self.fragment is None and MIN_WORDS <= len(self.text.split()) <= MAX_WORDS


def fragment_kind(sentence: str) -> str | None:
    """What is wrong with `sentence` as something said on its own, or None when it stands."""
    text = sentence.strip()
    words = text.split()
    if not words:
        return "incomplete"
    if TAGS.match(text):
        return "tag line"
    if NUMBER_ONLY.match(text) or BULLET.match(text):
        return "list number"
    if MARKDOWN.search(text):
        return "incomplete"
    if len(words) <= 4 and not text.endswith("?"):
        return "heading"
    if SELF_REFERENCE.search(text):
        return "self-reference"
    lowered = text.lower().lstrip('"“‘(')
    if any(re.match(rf"{re.escape(c)}\b", lowered) for c in CONNECTIVES):
        return "dangling connective"
    first = text.lstrip('"“‘(')[:1]
    balanced = text.count('"') % 2 == 0 and text.count("“") == text.count("”")
    if not first.isupper() and not first.isdigit():
        return "incomplete"
    if not text.endswith((".", "!", '."', ".”", ".)", "’")) or text.endswith(":") or not balanced:
        return "incomplete"
    return None


def _prose(section_text: str) -> list[tuple[str, bool, bool]]:
    """The section's paragraphs and list items with the Markdown structure removed, each with
    whether it was a list item and whether a bold lead-in was taken from its start."""
    pieces: list[tuple[str, bool, bool]] = []
    paragraph: list[str] = []
    led = False

    def flush() -> None:
        if paragraph:
            pieces.append((" ".join(paragraph), False, led))
            paragraph.clear()

    for raw in section_text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            flush()
            continue
        item = BULLET.match(line)
        if item:
            flush()
            text, stripped = _without_lead(line[item.end() :])
            pieces.append((text.strip(), True, stripped))
            continue
        if not paragraph:
            line, led = _without_lead(line)
        paragraph.append(line)
    flush()
    return pieces


def _without_lead(line: str) -> tuple[str, bool]:
    """The line without its bold lead-in ("**Commitment.** "), and whether it had one."""
    text = BOLD_LEAD.sub("", line)
    return text, text != line


def split_sentences(text: str) -> list[str]:
    flat = re.sub(r"\s+", " ", text).strip()
    return [s.strip() for s in SPLIT.split(flat) if s.strip()]


def compile_card(card: Card, rules: SeatRules | None = None) -> list[Unit]:
    """Every sentence of the card's sections as a unit, in reading order."""
    rules = rules or default_seat_rules()
    units: list[Unit] = []
    for s_index, section in enumerate(card.sections):
        order = 0
        for text, listed, led in _prose(section.text):
            sentences = split_sentences(text)
            for n, sentence in enumerate(sentences):
                kind = fragment_kind(sentence)
                if led and n == 0 and kind is None and DEFINITION.match(sentence):
                    kind = "definition"
                if listed and kind is None and (sentence.endswith((";", ",")) or not sentences):
                    kind = "list number"
                if listed and sentence[:1].islower():
                    kind = "list number"
                suits, not_for = rules.aimed(sentence)
                units.append(
                    Unit(
                        key=f"{card.id}#{s_index}:{order}",
                        card_id=card.id,
                        section=section.heading,
                        order=order,
                        text=sentence,
                        suits=suits,
                        not_for=not_for,
                        fragment=kind,
                    )
                )
                order += 1
    return units


def compile_cards(cards: list[Card], rules: SeatRules | None = None) -> dict[str, list[Unit]]:
    return {card.id: compile_card(card, rules) for card in cards}


MIN_QUOTABLE = 3


def lint_units(card: Card, units: list[Unit]) -> list[CardProblem]:
    """Problems a card's writer must fix: structure leaking into a unit, prose that refers to
    cards, or too few sentences that stand on their own."""
    problems: list[CardProblem] = []
    for unit in units:
        kind = unit.fragment
        if (kind in ("tag line", "list number") and NUMBER_ONLY.match(unit.text)) or (
            kind == "tag line"
        ):
            problems.append(
                CardProblem(card.path, f"units.{unit.section}", f"{kind}: {unit.text!r}")
            )
        elif kind == "self-reference":
            problems.append(
                CardProblem(
                    card.path,
                    f"units.{unit.section}",
                    f"refers to a card, which reads oddly when quoted: {unit.text[:80]!r}",
                )
            )
        elif kind == "incomplete" and MARKDOWN.search(unit.text):
            problems.append(
                CardProblem(
                    card.path, f"units.{unit.section}", f"Markdown in a sentence: {unit.text!r}"
                )
            )
    quotable = sum(u.quotable for u in units)
    if quotable < MIN_QUOTABLE:
        problems.append(
            CardProblem(
                card.path,
                "units",
                f"only {quotable} sentence(s) stand on their own; a card needs {MIN_QUOTABLE}+",
            )
        )
    return problems
