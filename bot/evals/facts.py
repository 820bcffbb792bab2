"""`anchor eval facts`: dated fact checks over the knowledge cards.

Each check in evals/data/facts.yaml names a card, the question it answers, what a checked
source says, patterns the card must contain and patterns it must never contain again (a
corrected error), and when and against what it was checked. The eval fails if any check
fails, so a later edit cannot quietly bring an old error back.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.config import PROJECT_ROOT
from bot.datafiles import check_regexes, load_yaml_model
from bot.knowledge.cards import load_cards
from bot.knowledge.lint import months_before
from bot.models import CARD_ID, Card

DEFAULT_SET = PROJECT_ROOT / "evals" / "data" / "facts.yaml"


class FactCheck(BaseModel):
    """One dated check: a question, the answer a source gives, and what the card must say."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="kebab-case name, shown when the check fails")
    card: str = Field(description="the id of the card the check reads")
    question: str = Field(min_length=5, description="what a leader might ask")
    answer: str = Field(min_length=5, description="what the checked source says, in brief")
    must: list[str] = Field(
        default_factory=list, description="regexes (case-insensitive) the card must match"
    )
    must_not: list[str] = Field(
        default_factory=list, description="regexes of a corrected error that must not come back"
    )
    needs_as_of: bool = Field(
        default=False, description="the card states changing policy, so it must carry `as_of`"
    )
    checked: date = Field(description="when the claim was checked against the source")
    source: str = Field(min_length=5, description="what it was checked against")

    _regexes = field_validator("must", "must_not")(check_regexes)

    @field_validator("id", "card")
    @classmethod
    def _kebab(cls, value: str) -> str:
        if not CARD_ID.match(value):
            raise ValueError(f"{value!r} is not lowercase-kebab-case")
        return value

    @model_validator(mode="after")
    def _checks_something(self) -> FactCheck:
        if not (self.must or self.must_not or self.needs_as_of):
            raise ValueError("a check needs `must`, `must_not` or `needs_as_of`")
        return self

    @cached_property
    def must_compiled(self) -> list[re.Pattern[str]]:
        return [re.compile(p, re.IGNORECASE) for p in self.must]

    @cached_property
    def must_not_compiled(self) -> list[re.Pattern[str]]:
        return [re.compile(p, re.IGNORECASE) for p in self.must_not]


class FactSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    checks: list[FactCheck] = Field(min_length=1)

    @field_validator("checks")
    @classmethod
    def _unique(cls, checks: list[FactCheck]) -> list[FactCheck]:
        seen: set[str] = set()
        for check in checks:
            if check.id in seen:
                raise ValueError(f"duplicate check id {check.id!r}")
            seen.add(check.id)
        return checks


class CheckOutcome(BaseModel):
    id: str
    card: str
    checked: date
    problems: list[str] = Field(default_factory=list)


class FactsResult(BaseModel):
    checks: int
    passed: int
    failures: list[CheckOutcome] = Field(default_factory=list)
    stale: list[str] = Field(
        default_factory=list, description="checks last verified longer ago than the review period"
    )

    @property
    def ok(self) -> bool:
        return not self.failures

    def table(self) -> str:
        lines = [f"Fact checks: {self.checks}, {self.passed} passed"]
        for failure in self.failures:
            lines.append(f"FAIL {failure.id} ({failure.card}, checked {failure.checked}):")
            lines.extend(f"  - {problem}" for problem in failure.problems)
        if self.stale:
            lines.append(f"Due for re-checking: {', '.join(self.stale)}")
        return "\n".join(lines)


def card_text(card: Card) -> str:
    """Everything a reply can show from a card (title, summary, body, sources with their
    addresses), on one line."""
    sources = " ".join(
        f"{s.author} ({s.year}) {s.title}. {s.publisher}. {s.url or ''}" for s in card.meta.sources
    )
    text = " ".join([card.meta.title, card.meta.summary, card.body, sources])
    return " ".join(text.split())


def run_check(check: FactCheck, cards: dict[str, Card]) -> CheckOutcome:
    outcome = CheckOutcome(id=check.id, card=check.card, checked=check.checked)
    card = cards.get(check.card)
    if card is None:
        outcome.problems.append(f"no card with id {check.card!r}")
        return outcome
    text = card_text(card)
    for pattern, compiled in zip(check.must, check.must_compiled, strict=True):
        if not compiled.search(text):
            outcome.problems.append(f"missing: /{pattern}/ ({check.answer})")
    for pattern, compiled in zip(check.must_not, check.must_not_compiled, strict=True):
        found = compiled.search(text)
        if found:
            outcome.problems.append(f"corrected error is back: {found.group(0)!r} /{pattern}/")
    if check.needs_as_of and card.meta.as_of is None:
        outcome.problems.append("states policy that changes but has no `as_of` date")
    return outcome


def evaluate(
    cards: list[Card],
    checks: list[FactCheck],
    *,
    review_months: int = 12,
    today: date | None = None,
) -> FactsResult:
    by_id = {card.id: card for card in cards}
    outcomes = [run_check(check, by_id) for check in checks]
    failures = [o for o in outcomes if o.problems]
    cutoff = months_before(today or date.today(), review_months)
    return FactsResult(
        checks=len(outcomes),
        passed=len(outcomes) - len(failures),
        failures=failures,
        stale=[check.id for check in checks if check.checked < cutoff],
    )


def load_checks(path: Path = DEFAULT_SET) -> list[FactCheck]:
    return load_yaml_model(path, FactSet).checks


def run_facts_eval(
    knowledge_dir: Path, data: Path = DEFAULT_SET, *, review_months: int = 12
) -> FactsResult:
    return evaluate(load_cards(knowledge_dir), load_checks(data), review_months=review_months)
