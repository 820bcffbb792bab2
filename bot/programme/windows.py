"""Report windows: whole UTC days, ending at the end of today, so two requests on one day
describe exactly the same people (no sliding-by-the-minute windows to subtract)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel

SPAN = re.compile(r"^\s*(\d{1,4})\s*([dw])\s*$", re.IGNORECASE)
MAX_DAYS = 3660


class WindowError(ValueError):
    """A window that cannot be read."""


class Window(BaseModel):
    start: datetime
    end: datetime
    days: int

    @property
    def previous(self) -> Window:
        """The window of the same length just before this one (for trends)."""
        return Window(start=self.start - (self.end - self.start), end=self.start, days=self.days)

    @property
    def label(self) -> str:
        last = self.end - timedelta(days=1)
        return f"{self.start:%d %b %Y} to {last:%d %b %Y}"


def parse_since(since: str, now: datetime | None = None) -> Window:
    """'30d' or '4w': that many whole days up to and including today (UTC)."""
    match = SPAN.match(since)
    if not match:
        raise WindowError(f"'{since}' is not a period: use days or weeks, e.g. 30d or 4w")
    days = int(match.group(1)) * (7 if match.group(2).lower() == "w" else 1)
    if not 1 <= days <= MAX_DAYS:
        raise WindowError(f"the period must be between 1 and {MAX_DAYS} days")
    today = (
        (now or datetime.now(UTC))
        .astimezone(UTC)
        .replace(hour=0, minute=0, second=0, microsecond=0)
    )
    end = today + timedelta(days=1)
    return Window(start=end - timedelta(days=days), end=end, days=days)
