"""Find a due date in a commitment, the way people write them ("by Friday", "next week")."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "couple": 2,
    "few": 3,
}

ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b")
DAY_MONTH = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
)
MONTH_DAY = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+(\d{1,2})(?:st|nd|rd|th)?\b"
)
IN_N = re.compile(
    r"\bin\s+(\d+|a|an|one|two|three|four|five|six|couple|few)\s+(?:of\s+)?(day|week|month)s?\b"
)
ORDINAL_DAY = re.compile(r"\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b")
CLOCK = re.compile(
    r"\b(?:at\s+)?(\d{1,2})(?::[0-5]\d)?\s*(am|pm)\b|\b(?:at\s+)?([01]?\d|2[0-3]):[0-5]\d\b"
)
NOW = re.compile(
    r"\b(today|tonight|right now|right away|straight away|immediately"
    r"|this (morning|afternoon|evening))\b"
)
WEEKDAY = re.compile(
    r"\b(?:(next|this)\s+|by\s+|on\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)


def today() -> date:
    """Today's date (UTC), the day relative dates are counted from."""
    return datetime.now(UTC).date()


def _next_day_of_month(day: int, today: date) -> date | None:
    """The next date that is the `day`th of a month ("the 12th"), today included."""
    year, month = today.year, today.month
    for _ in range(13):
        try:
            found = date(year, month, day)
        except ValueError:
            found = None
        if found is not None and found >= today:
            return found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _future(day: int, month: int, year: int, today: date) -> date | None:
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if found >= today else date(year + 1, month, day)


def coming(weekday: int, today: date, *, today_counts: bool = False) -> date:
    """The first `weekday` (0 is Monday) after `today`, or `today` itself when it counts.

    UK usage: "Tuesday", "by Tuesday" and "next Tuesday" all mean the coming Tuesday (said on
    a Sunday, the one two days later; said on a Monday, tomorrow; said on a Tuesday, a week
    on). "This Tuesday" said on a Tuesday means today."""
    ahead = (weekday - today.weekday()) % 7
    return today + timedelta(days=ahead if ahead or today_counts else 7)


def parse_due(text: str, today: date) -> date | None:
    """The date `text` commits to, if it names one; None when it doesn't."""
    t = text.lower()
    if m := ISO.search(t):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    if m := DAY_MONTH.search(t):
        return _future(int(m.group(1)), MONTHS.index(m.group(2)) + 1, today.year, today)
    if m := MONTH_DAY.search(t):
        return _future(int(m.group(2)), MONTHS.index(m.group(1)) + 1, today.year, today)
    if m := DMY.search(t):
        year = int(m.group(3)) if m.group(3) else today.year
        year = year + 2000 if year < 100 else year
        return _future(int(m.group(1)), int(m.group(2)), year, today)
    if m := ORDINAL_DAY.search(t):
        return _next_day_of_month(int(m.group(1)), today)
    if "tomorrow" in t:
        return today + timedelta(days=1)
    if NOW.search(t):
        return today
    if re.search(r"\bin a fortnight\b", t):
        return today + timedelta(days=14)
    if m := IN_N.search(t):
        n = int(m.group(1)) if m.group(1).isdigit() else NUMBERS[m.group(1)]
        return today + timedelta(days=n * {"day": 1, "week": 7, "month": 30}[m.group(2)])
    if m := WEEKDAY.search(t):
        return coming(WEEKDAYS.index(m.group(2)), today, today_counts=m.group(1) == "this")
    if re.search(r"\bnext week\b", t):
        return today + timedelta(days=7 - today.weekday())  # the Monday
    if re.search(r"\b(end of|by the end of|this) (the )?week\b", t):
        return today + timedelta(days=(4 - today.weekday()) % 7)
    if re.search(r"\bnext month\b", t):
        return (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    if re.search(r"\bend of (the |this )?month\b", t):
        return (today.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if CLOCK.search(t):
        return today  # a time of day with no day named: today
    return None
