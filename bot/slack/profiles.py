"""Each person's Slack profile title ("Director of Adult Social Care"), for the coach to read
their seat from until they say it themselves (`Coach.respond(title=...)`).

Read with `users.info` (`profile.title`) the first time a person writes, then kept in memory
for `TITLE_TTL` seconds, so a turn costs no Slack call. A failed look-up gives no title and is
tried again after `RETRY_AFTER` seconds; the turn never waits on it failing twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

TITLE_TTL = 6 * 3600.0
RETRY_AFTER = 300.0
MAX_PEOPLE = 10_000


class Titles:
    """Profile titles by Slack user id, cached per user."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._kept: dict[str, tuple[float, str | None]] = {}

    async def of(self, client: AsyncWebClient, user_id: str) -> str | None:
        now = self._clock()
        with self._lock:
            kept = self._kept.get(user_id)
        if kept is not None and kept[0] > now:
            return kept[1]
        title: str | None = None
        keep_for = TITLE_TTL
        try:
            info = await client.users_info(user=user_id)
            profile = (info.get("user") or {}).get("profile") or {}
            title = str(profile.get("title") or "").strip() or None
        except Exception as exc:  # a title is a nicety: never fail a turn for it
            log.warning("could not read a profile title (%s)", type(exc).__name__)
            keep_for = RETRY_AFTER
        with self._lock:
            if len(self._kept) >= MAX_PEOPLE:
                self._kept.clear()
            self._kept[user_id] = (now + keep_for, title)
        return title
