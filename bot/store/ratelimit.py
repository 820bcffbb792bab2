"""A per-person rate limit kept in the database, so every replica counts the same messages.

Fixed windows: each message adds one to the person's counter for the current window (one row
per person and window, created by the first message, incremented atomically after that). The
person is stored as their id encrypted deterministically (``Cipher.user_key``, as in ``users``),
never in plain text.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.store.crypto import Cipher
from bot.store.schema import ensure_schema
from bot.store.tables import RateRow


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    limit: int

    @property
    def first_refusal(self) -> bool:
        """The first message over the limit in this window: the one to explain the limit to."""
        return self.count == self.limit + 1


class RateLimiter:
    def __init__(
        self, engine: Engine, cipher: Cipher, limit: int, window_seconds: int = 60
    ) -> None:
        if limit < 1 or window_seconds < 1:
            raise ValueError("limit and window must be at least 1")
        self.cipher = cipher
        self.limit = limit
        self.window_seconds = window_seconds
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        ensure_schema(engine)

    def hit(self, owner: str, now: float | None = None) -> Verdict:
        """Count one message from `owner` and say whether it is within the limit."""
        window = int((time.time() if now is None else now) // self.window_seconds)
        owner = self.cipher.user_key(owner)
        with self.sessions() as session:
            session.add(RateRow(owner=owner, window=window, count=1))
            try:
                session.commit()
                # a new window: drop this person's finished ones
                session.execute(
                    delete(RateRow).where(RateRow.owner == owner, RateRow.window < window)
                )
                session.commit()
                return Verdict(True, 1, self.limit)
            except IntegrityError:
                session.rollback()
            where = (RateRow.owner == owner, RateRow.window == window)
            session.execute(update(RateRow).where(*where).values(count=RateRow.count + 1))
            count = session.scalar(select(RateRow.count).where(*where)) or 1
            session.commit()
            return Verdict(count <= self.limit, count, self.limit)
