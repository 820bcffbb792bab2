"""Report windows are whole completed weeks: requests a day apart describe the same people."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.programme.windows import WindowError, parse_since

NOW = datetime(2026, 12, 3, 15, 30, tzinfo=UTC)  # a Thursday
MONDAY = datetime(2026, 11, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("since", "weeks"), [("1d", 1), ("7d", 1), ("8d", 2), ("30d", 5), ("57d", 9), ("4w", 4)]
)
def test_periods_round_up_to_whole_weeks_ending_where_this_week_began(
    since: str, weeks: int
) -> None:
    window = parse_since(since, NOW)
    assert window.end == MONDAY and window.weeks == weeks
    assert window.start.weekday() == 0 and (window.end - window.start).days == 7 * weeks


def test_a_day_apart_is_the_same_window_and_so_is_later_the_same_week() -> None:
    assert parse_since("57d", NOW) == parse_since("58d", NOW)
    assert parse_since("30d", NOW) == parse_since("30d", datetime(2026, 12, 6, 23, tzinfo=UTC))
    assert parse_since("30d", NOW) != parse_since("30d", datetime(2026, 12, 7, tzinfo=UTC))


def test_an_unreadable_period_says_how_to_write_one() -> None:
    with pytest.raises(WindowError, match=r"e\.g\. 30d or 4w"):
        parse_since("a month", NOW)
    with pytest.raises(WindowError, match="between 1 and"):
        parse_since("0d", NOW)
