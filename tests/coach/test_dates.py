"""Due dates in commitments read the way a UK leader means them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from bot.coach.dates import parse_due
from bot.coach.engine import Coach
from bot.config import Settings

SUNDAY = date(2026, 12, 6)
MONDAY = date(2026, 12, 7)
TUESDAY = date(2026, 12, 8)
WEDNESDAY = date(2026, 12, 9)
SATURDAY = date(2026, 12, 12)


@pytest.mark.parametrize(
    ("today", "said", "due"),
    [
        (SUNDAY, "next Tuesday", date(2026, 12, 8)),  # the trial's case: not the 15th
        (SUNDAY, "Tuesday", date(2026, 12, 8)),
        (SUNDAY, "by Tuesday", date(2026, 12, 8)),
        (SUNDAY, "this Tuesday", date(2026, 12, 8)),
        (MONDAY, "next Tuesday", date(2026, 12, 8)),  # the next day
        (MONDAY, "on Tuesday", date(2026, 12, 8)),
        (TUESDAY, "next Tuesday", date(2026, 12, 15)),  # a week on, never today
        (TUESDAY, "by Tuesday", date(2026, 12, 15)),
        (TUESDAY, "this Tuesday", date(2026, 12, 8)),  # today
        (WEDNESDAY, "next Tuesday", date(2026, 12, 15)),
        (WEDNESDAY, "Tuesday", date(2026, 12, 15)),
        (SATURDAY, "next Monday", date(2026, 12, 14)),
        (SATURDAY, "by next Friday", date(2026, 12, 18)),
        (WEDNESDAY, "next Friday", date(2026, 12, 11)),
    ],
)
def test_a_weekday_is_the_coming_one(today: date, said: str, due: date) -> None:
    assert parse_due(f"I'll call the council director {said}", today) == due


def test_next_week_is_still_the_monday_after() -> None:
    assert parse_due("send the paper next week", SUNDAY) == MONDAY
    assert parse_due("send the paper next week", MONDAY) == date(2026, 12, 14)


@time_machine.travel(datetime(2026, 12, 6, 10, 0, tzinfo=UTC), tick=False)
def test_next_tuesday_said_on_a_sunday_is_saved_for_two_days_later(
    settings: Settings, user: str
) -> None:
    coach = Coach.from_settings(settings)
    for message in (
        "coach me on getting GPs involved in the urgent care redesign",
        "I want GP leaders designing the pathway with us, not hearing late",
        "the acute trust drafts it and GPs see it at the end",
        "I raised it once",
        "the federation chair",
        "invite the federation chair to co-chair",
        "fund sessional time for two GPs",
        "move the deadline by a month",
        "1",
        "email the federation chair with a proposal",
        "next Tuesday",
        "8",
        "nothing else",
    ):
        coach.respond(user, message)
    goals = coach.respond(user, "my goals").reply
    assert "by Tuesday 08 December" in goals, goals


@pytest.mark.parametrize(
    ("said", "due"),
    [
        ("today", SUNDAY),
        ("this afternoon", SUNDAY),
        ("right away", SUNDAY),
        ("at 3pm", SUNDAY),
        ("at 15:30", SUNDAY),
        ("after the board on the 12th", SATURDAY),
        ("by the 3rd", date(2027, 1, 3)),  # the 3rd has passed this month: January's
        ("the 31st", date(2026, 12, 31)),
        ("in a fortnight", date(2026, 12, 20)),
        ("15 Jan", date(2027, 1, 15)),
    ],
)
def test_times_and_days_of_the_month_are_dates(said: str, due: date) -> None:
    assert parse_due(said, SUNDAY) == due


@pytest.mark.parametrize("said", ["whenever", "soon", "when I can", "yes", "7", "not sure", "now"])
def test_words_that_name_no_time_are_not_dates(said: str) -> None:
    assert parse_due(said, SUNDAY) is None
