"""The audit log: every view or export of a programme report, and every refusal.

Who did it (`actor`, a programme-team member's Slack id or login name) is stored encrypted
like the users table's ids (``Cipher.user_key``, deterministic); entries are read back with the
key, so `anchor audit` shows who did what to whoever holds it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from bot.store.crypto import USER_KEY_PREFIX, Cipher, CryptoError
from bot.store.schema import ensure_schema
from bot.store.tables import AuditRow


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    detail: dict[str, Any]
    outcome: str


class AuditLog:
    def __init__(self, engine: Engine, cipher: Cipher) -> None:
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.cipher = cipher
        ensure_schema(engine)

    def write(self, actor: str, action: str, detail: dict[str, Any], outcome: str) -> AuditEntry:
        row = AuditRow(
            actor=self.cipher.user_key(actor),
            action=action,
            detail=json.dumps(detail, sort_keys=True, default=str)[:4000],
            outcome=outcome[:200],
        )
        with self.sessions() as session:
            session.add(row)
            session.commit()
            return _entry(row, actor)

    def entries(self, limit: int = 50, action: str | None = None) -> list[AuditEntry]:
        """The latest entries, newest first."""
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if action is not None:
            query = query.where(AuditRow.action == action)
        with self.sessions() as session:
            return [_entry(row, self._actor(row.actor)) for row in session.scalars(query)]

    def _actor(self, stored: str) -> str:
        if not stored.startswith(USER_KEY_PREFIX):
            return stored  # an older release's entry, before the stores converted it
        try:
            return self.cipher.user_id(stored)
        except CryptoError:
            return "(unreadable with this key)"


def _entry(row: AuditRow, actor: str) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=actor,
        action=row.action,
        detail=json.loads(row.detail or "{}"),
        outcome=row.outcome,
    )
