"""Consent: has the leader seen the privacy notice, and what did they choose?

No row means the notice has not been shown yet. A row with no choice means it was shown and the
leader has not chosen: they get coaching only. `themes` means they also agreed to contribute,
anonymously, to programme themes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.store.schema import ensure_schema
from bot.store.tables import ConsentRow, insert_once

Choice = Literal["coaching", "themes"]
CHOICES: tuple[Choice, ...] = ("coaching", "themes")


class Consent(BaseModel):
    choice: Choice | None
    notified_at: datetime
    updated_at: datetime | None

    @property
    def themes(self) -> bool:
        """Whether this leader's scrubbed text may count towards anonymous themes."""
        return self.choice == "themes"


class ConsentStore:
    def __init__(self, engine: Engine) -> None:
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        ensure_schema(engine)

    @staticmethod
    def _model(row: ConsentRow) -> Consent:
        return Consent(
            choice=row.choice,  # type: ignore[arg-type]
            notified_at=row.notified_at,
            updated_at=row.updated_at,
        )

    def get(self, user_id: int) -> Consent | None:
        with self.sessions() as session:
            row = session.scalar(select(ConsentRow).where(ConsentRow.user_id == user_id))
            return None if row is None else self._model(row)

    def first_contact(self, user_id: int) -> bool:
        """Record that the notice is being shown. True only for the one caller that should show
        it, however many processes ask at once."""
        with self.sessions() as session:
            if session.scalar(select(ConsentRow.id).where(ConsentRow.user_id == user_id)):
                return False
            return insert_once(session, ConsentRow(user_id=user_id))

    def set(self, user_id: int, choice: Choice) -> Consent:
        if choice not in CHOICES:
            raise ValueError(f"unknown consent choice {choice!r}")
        now = datetime.now(UTC)
        with self.sessions() as session:
            row = session.scalar(select(ConsentRow).where(ConsentRow.user_id == user_id))
            if row is None:
                row = ConsentRow(user_id=user_id, notified_at=now)
                session.add(row)
            row.choice = choice
            row.updated_at = now
            try:
                session.commit()
            except IntegrityError:  # created by another process a moment ago: update that one
                session.rollback()
                row = session.scalars(select(ConsentRow).where(ConsentRow.user_id == user_id)).one()
                row.choice, row.updated_at = choice, now
                session.commit()
            return self._model(row)
