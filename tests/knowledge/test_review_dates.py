"""Currency as data: every card carries `reviewed:`, policy cards carry `as_of:`, and
`anchor kb check` warns once a review is older than ANCHOR_KB_REVIEW_MONTHS (by the clock,
which these tests freeze)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from time_machine import TimeMachineFixture

from bot.knowledge.cards import CardError, load_cards, parse_card
from bot.knowledge.lint import check_directory, months_before, overdue_reviews
from tests.helpers import REVIEWED, write_card

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
# Cards about policy that changes: each must say when its picture dates from.
POLICY_CARDS = {
    "health-and-care-act-2022",
    "ics-architecture",
    "place-and-neighbourhood",
    "four-ics-purposes",
    "reconfiguration-tests",
    "freedom-to-speak-up",
    "messenger-review",
    "people-promise-staff-survey",
    "engaging-communities",
    "decisions-into-delivery",
    "winter-and-flow-pressure",
    "financial-recovery-together",
    "data-sharing-and-ig",
    "working-with-elected-members",
    "primary-care-in-the-system",
}


def frozen(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def test_every_real_card_is_reviewed_and_every_policy_card_is_dated() -> None:
    cards = {card.id: card for card in load_cards(KNOWLEDGE)}
    assert len(cards) == 63
    assert all(card.meta.reviewed for card in cards.values())
    dated = {cid for cid, card in cards.items() if card.meta.as_of}
    assert dated >= POLICY_CARDS
    for cid in dated:
        card = cards[cid].meta
        assert card.as_of and card.reviewed and card.as_of <= card.reviewed, cid


def test_a_card_without_a_review_date_fails_the_check(tmp_path: Path) -> None:
    write_card(tmp_path, "good-card")
    write_card(tmp_path, "undated-card", reviewed=None)
    cards, problems = check_directory(tmp_path)
    assert len(cards) == 2
    assert [(Path(p.path).name, p.field) for p in problems] == [("undated-card.md", "reviewed")]
    assert "needs the date" in problems[0].message


def test_a_month_is_enough_for_as_of_and_it_cannot_postdate_the_review(tmp_path: Path) -> None:
    card = parse_card(write_card(tmp_path, "policy-card", as_of="2026-11"))
    assert card.meta.as_of == date(2026, 11, 1)
    assert card.meta.as_of_month == "November 2026"
    with pytest.raises(CardError) as err:
        parse_card(write_card(tmp_path, "too-new", as_of="2027-01"))
    assert "as_of cannot be later than reviewed" in str(err.value)
    with pytest.raises(CardError) as err:
        parse_card(write_card(tmp_path, "not-a-date", reviewed="last spring"))
    assert "not-a-date.md: reviewed" in str(err.value)


def test_months_before_keeps_the_day_or_the_end_of_a_shorter_month() -> None:
    assert months_before(date(2026, 12, 6), 12) == date(2025, 12, 6)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_a_review_warns_only_once_it_is_older_than_the_setting(
    tmp_path: Path, time_machine: TimeMachineFixture
) -> None:
    write_card(tmp_path, "sample-card")
    cards = load_cards(tmp_path)
    time_machine.move_to(frozen(date(REVIEWED.year + 1, REVIEWED.month, REVIEWED.day)), tick=False)
    assert overdue_reviews(cards, 12) == []  # exactly twelve months: not yet overdue
    time_machine.move_to(
        frozen(date(REVIEWED.year + 1, REVIEWED.month, REVIEWED.day + 1)), tick=False
    )
    (warning,) = overdue_reviews(cards, 12)
    assert warning.field == "reviewed" and "over 12 months ago" in warning.message
    assert overdue_reviews(cards, 24) == []  # a longer setting, no warning


def test_a_review_date_in_the_future_is_flagged(
    tmp_path: Path, time_machine: TimeMachineFixture
) -> None:
    write_card(tmp_path, "sample-card")
    time_machine.move_to(frozen(date(REVIEWED.year, REVIEWED.month, 1)), tick=False)
    (warning,) = overdue_reviews(load_cards(tmp_path), 12)
    assert "in the future" in warning.message
