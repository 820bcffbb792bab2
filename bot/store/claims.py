"""Handle each delivery once, however many processes receive it: a unique key per delivery.

`claim(key)` inserts the key; the database's unique constraint decides the single winner, so
replicas sharing one database agree without talking to each other. Keys are opaque delivery
ids (a Slack event id, a channel and a message timestamp); `owner` names whose delivery it was
so that forgetting a person removes their keys too: their id encrypted deterministically
(``Cipher.user_key``, as in ``users``), never in plain text.
"""

from __future__ import annotations

import time

from sqlalchemy import Engine, delete
from sqlalchemy.orm import sessionmaker

from bot.store.crypto import Cipher
from bot.store.schema import ensure_schema
from bot.store.tables import ClaimRow, insert_once

KEEP_SECONDS = 24 * 3600  # Slack stops retrying an event within the hour


class ClaimStore:
    def __init__(self, engine: Engine, cipher: Cipher) -> None:
        self.cipher = cipher
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        ensure_schema(engine)

    def claim(self, key: str, owner: str = "", now: float | None = None) -> bool:
        """True for the first caller with this key, False for every later one."""
        at = int(time.time() if now is None else now)
        stored = self.cipher.user_key(owner) if owner else ""
        with self.sessions() as session:
            return insert_once(session, ClaimRow(key=key[:200], owner=stored, at=at))

    def prune(self, older_than: float = KEEP_SECONDS, now: float | None = None) -> int:
        """Delete keys older than `older_than` seconds; the number deleted."""
        cutoff = int((time.time() if now is None else now) - older_than)
        with self.sessions() as session:
            result = session.execute(delete(ClaimRow).where(ClaimRow.at < cutoff))
            session.commit()
            return int(result.rowcount)  # type: ignore[attr-defined]
