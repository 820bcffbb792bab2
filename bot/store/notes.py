"""Scrubbed copies of opted-in leaders' messages: the only text themes are ever built from.

Each note belongs to a leader (so forget-me and a change of consent remove it) but is handed
out under a keyed pseudonym, never the leader's identity. Only leaders whose current choice is
`themes` are read, whatever was stored before.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Engine, delete, func, select
from sqlalchemy.orm import sessionmaker

from bot.store.crypto import Cipher
from bot.store.schema import ensure_schema
from bot.store.tables import ConsentRow, ThemeNoteRow, UserRow


class Note(BaseModel):
    leader: str  # a keyed pseudonym, stable within this deployment
    at: datetime
    text: str


class NoteStore:
    def __init__(self, engine: Engine, cipher: Cipher) -> None:
        self.cipher = cipher
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        ensure_schema(engine)

    def add(self, user_id: int, scrubbed: str, at: datetime | None = None) -> None:
        with self.sessions() as session:
            row = ThemeNoteRow(user_id=user_id, text_enc=self.cipher.encrypt(scrubbed))
            if at is not None:
                row.created_at = at
            session.add(row)
            session.commit()

    def _where(
        self, start: datetime, end: datetime, members: Collection[str] | None
    ) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [
            ThemeNoteRow.created_at >= start,
            ThemeNoteRow.created_at < end,
            ConsentRow.choice == "themes",
        ]
        if members is not None:
            conditions.append(UserRow.external_id.in_([self.cipher.user_key(m) for m in members]))
        return conditions

    def window(
        self, start: datetime, end: datetime, members: Collection[str] | None = None
    ) -> list[Note]:
        """Notes written in [start, end) by leaders who (still) contribute to themes;
        `members`: only these leaders' (external ids), e.g. a cohort."""
        query = (
            select(ThemeNoteRow.user_id, ThemeNoteRow.created_at, ThemeNoteRow.text_enc)
            .join(ConsentRow, ConsentRow.user_id == ThemeNoteRow.user_id)
            .join(UserRow, UserRow.id == ThemeNoteRow.user_id)
            .where(*self._where(start, end, members))
            .order_by(ThemeNoteRow.id)
        )
        with self.sessions() as session:
            rows = session.execute(query).all()
        return [
            Note(
                leader=self.cipher.pseudonym(f"leader:{user_id}"),
                at=at if at.tzinfo is not None else at.replace(tzinfo=UTC),
                text=self.cipher.decrypt(text_enc),
            )
            for user_id, at, text_enc in rows
        ]

    def people(
        self, start: datetime, end: datetime, members: Collection[str] | None = None
    ) -> set[str]:
        """Pseudonyms of the distinct leaders with notes in the window (no text decrypted)."""
        query = (
            select(ThemeNoteRow.user_id)
            .distinct()
            .join(ConsentRow, ConsentRow.user_id == ThemeNoteRow.user_id)
            .join(UserRow, UserRow.id == ThemeNoteRow.user_id)
            .where(*self._where(start, end, members))
        )
        with self.sessions() as session:
            ids = session.scalars(query).all()
        return {self.cipher.pseudonym(f"leader:{user_id}") for user_id in ids}

    def delete_for(self, user_id: int) -> int:
        """Remove every note of one leader (consent withdrawn); how many went."""
        with self.sessions() as session:
            count = session.scalar(
                select(func.count())
                .select_from(ThemeNoteRow)
                .where(ThemeNoteRow.user_id == user_id)
            )
            session.execute(delete(ThemeNoteRow).where(ThemeNoteRow.user_id == user_id))
            session.commit()
        return int(count or 0)

    def purge(self, before: datetime) -> int:
        """Delete notes written before `before`; how many went."""
        with self.sessions() as session:
            result = session.execute(delete(ThemeNoteRow).where(ThemeNoteRow.created_at < before))
            session.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
