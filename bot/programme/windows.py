"""Report windows: whole weeks (Monday 00:00 UTC to Monday 00:00 UTC), ending at the start of
the current week, so every request describes completed weeks only. A period in days is rounded
up to whole weeks (57 and 58 days are both 9 weeks), so two requests a day apart describe
exactly the same people and cannot be subtracted to expose one day's activity."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel

SPAN = re.compile(r"^\s*(\d{1,4})\s*([dw])\s*$", re.IGNORECASE)
MAX_DAYS = 3660
WEEK = timedelta(days=7)


class WindowError(ValueError):
    """A window that cannot be read."""


class Window(BaseModel):
    start: datetime
    end: datetime
    days: int

    @property
    def weeks(self) -> int:
        return self.days // 7

    @property
    def previous(self) -> Window:
        """The window of the same length just before this one (for trends)."""
        return Window(start=self.start - (self.end - self.start), end=self.start, days=self.days)

    @property
    def label(self) -> str:
        last = self.end - timedelta(days=1)
        return f"{self.start:%d %b %Y} to {last:%d %b %Y}"


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 UTC of the ISO week holding `moment`."""
    day = moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def parse_since(since: str, now: datetime | None = None) -> Window:
    """'30d' or '4w': that many days, rounded up to whole weeks, ending where this week began."""
    match = SPAN.match(since)
    if not match:
        raise WindowError(f"'{since}' is not a period: use days or weeks, e.g. 30d or 4w")
    days = int(match.group(1)) * (7 if match.group(2).lower() == "w" else 1)
    if not 1 <= days <= MAX_DAYS:
        raise WindowError(f"the period must be between 1 and {MAX_DAYS} days")
    weeks = math.ceil(days / 7)
    end = week_start(now or datetime.now(UTC))
    return Window(start=end - weeks * WEEK, end=end, days=weeks * 7)
