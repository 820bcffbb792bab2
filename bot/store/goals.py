"""Goals: commitments a leader made, with optional due dates and a single follow-up."""

from __future__ import annotations

import builtins
from datetime import UTC, date, datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import sessionmaker

from bot.store.crypto import Cipher
from bot.store.schema import ensure_schema
from bot.store.tables import GoalRow, UserRow

Status = Literal["open", "done", "dropped"]


class Goal(BaseModel):
    id: int
    text: str
    due: date | None
    status: Status
    source: str
    created_at: datetime
    followed_up: bool

    @property
    def due_phrase(self) -> str:
        """` by Friday 04 December`, or nothing when there is no due date."""
        return f" by {self.due:%A %d %B}" if self.due else ""


class GoalStore:
    def __init__(self, engine: Engine, cipher: Cipher) -> None:
        self.cipher = cipher
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        ensure_schema(engine)

    def _model(self, row: GoalRow) -> Goal:
        return Goal(
            id=row.id,
            text=self.cipher.decrypt(row.text_enc),
            due=row.due,
            status=row.status,  # type: ignore[arg-type]
            source=row.source,
            created_at=row.created_at,
            followed_up=row.followed_up_at is not None,
        )

    def add(self, user_id: int, text: str, *, due: date | None, source: str) -> Goal:
        with self.sessions() as session:
            row = GoalRow(
                user_id=user_id, text_enc=self.cipher.encrypt(text), due=due, source=source
            )
            session.add(row)
            session.commit()
            return self._model(row)

    def list(self, user_id: int, *, include_closed: bool = False) -> list[Goal]:
        with self.sessions() as session:
            query = select(GoalRow).where(GoalRow.user_id == user_id)
            if not include_closed:
                query = query.where(GoalRow.status == "open")
            rows = session.scalars(
                query.order_by(GoalRow.due.is_(None), GoalRow.due, GoalRow.id)
            ).all()
            return [self._model(r) for r in rows]

    def open_by_number(self, user_id: int, number: int) -> Goal | None:
        """The person's open goal shown to them as `number`: 1 is the first in their own list
        (`list`'s order), whatever its id in the database. None if there is no such goal."""
        goals = self.list(user_id)
        return goals[number - 1] if 1 <= number <= len(goals) else None

    def set_status(self, user_id: int, goal_id: int, status: Status) -> Goal | None:
        """Change a goal's status; only its owner can. None if there is no such goal of theirs."""
        with self.sessions() as session:
            row = session.get(GoalRow, goal_id)
            if row is None or row.user_id != user_id:
                return None
            row.status = status
            session.commit()
            return self._model(row)

    def take_due_followup(self, user_id: int, today: date) -> Goal | None:
        """The oldest open goal due by `today` not yet followed up, marked as followed up."""
        with self.sessions() as session:
            row = session.scalar(
                select(GoalRow)
                .where(
                    GoalRow.user_id == user_id,
                    GoalRow.status == "open",
                    GoalRow.due.is_not(None),
                    GoalRow.due <= today,
                    GoalRow.followed_up_at.is_(None),
                )
                .order_by(GoalRow.due, GoalRow.id)
                .limit(1)
                .with_for_update()
            )
            if row is None:
                return None
            row.followed_up_at = datetime.now(UTC)
            session.commit()
            return self._model(row)

    def due_for_followup(self, on_or_before: date) -> builtins.list[tuple[str, Goal]]:
        """Open goals due by `on_or_before` and not yet followed up, with their owner's external
        id, oldest due date first (callers check each owner's own local date)."""
        with self.sessions() as session:
            rows = session.execute(
                select(UserRow.external_id, GoalRow)
                .join(UserRow, UserRow.id == GoalRow.user_id)
                .where(
                    GoalRow.status == "open",
                    GoalRow.due.is_not(None),
                    GoalRow.due <= on_or_before,
                    GoalRow.followed_up_at.is_(None),
                )
                .order_by(GoalRow.due, GoalRow.id)
            ).all()
            return [(self.cipher.user_id(stored), self._model(row)) for stored, row in rows]

    def mark_followed_up(self, goal_id: int) -> bool:
        """Mark one goal followed up. True only for the caller that changed it, so a nudge is
        sent once even when several processes try at the same moment."""
        with self.sessions() as session:
            result = session.execute(
                update(GoalRow)
                .where(GoalRow.id == goal_id, GoalRow.followed_up_at.is_(None))
                .values(followed_up_at=datetime.now(UTC))
            )
            session.commit()
            return int(result.rowcount) == 1  # type: ignore[attr-defined]
