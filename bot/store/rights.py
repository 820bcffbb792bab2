"""Data rights: export everything stored about a person, and forget them completely."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.store.crypto import Cipher
from bot.store.schema import ensure_schema
from bot.store.tables import (
    Base,
    ClaimRow,
    ConsentRow,
    ConversationRow,
    FeedbackRow,
    FlowEventRow,
    GoalRow,
    OutboxRow,
    RateRow,
    ThemeNoteRow,
    TurnRow,
    UserRow,
)
from bot.store.workshop_runs import WorkshopStore


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


class DataRights:
    def __init__(self, engine: Engine, cipher: Cipher) -> None:
        self.cipher = cipher
        self.workshops = WorkshopStore(engine, cipher)
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        ensure_schema(engine)

    def export_user_data(self, external_id: str) -> dict[str, Any]:
        """Everything stored about this person, decrypted, as plain JSON-ready data."""
        with self.sessions() as session:
            user = session.scalar(
                select(UserRow).where(UserRow.external_id == self.cipher.user_key(external_id))
            )
            data: dict[str, Any] = {
                "exported_at": datetime.now(UTC).isoformat(),
                "user": None,
                "consent": None,
                "conversations": [],
                "goals": [],
                "feedback": [],
                "flow_activity": [],
                "theme_notes": [],
                "workshop_answers": [],
                "delivery_records": self._claims(session, external_id),
                "rate_limit_windows": self._rates(session, external_id),
            }
            data["workshop_answers"] = [
                {"workshop": plan, "step": answer.step_id, "answer": answer.value}
                for plan, answer in self.workshops.answers_of(external_id)
            ]
            if user is None:
                return data
            data["user"] = {"id": external_id, "created_at": _iso(user.created_at)}
            consent = session.scalar(select(ConsentRow).where(ConsentRow.user_id == user.id))
            if consent is not None:
                data["consent"] = {
                    "choice": consent.choice,
                    "notice_shown_at": _iso(consent.notified_at),
                    "updated_at": _iso(consent.updated_at),
                }
            data["conversations"] = [
                self._conversation(session, row)
                for row in session.scalars(
                    select(ConversationRow)
                    .where(ConversationRow.user_id == user.id)
                    .order_by(ConversationRow.id)
                )
            ]
            data["goals"] = [
                {
                    "id": goal.id,
                    "text": self.cipher.decrypt(goal.text_enc),
                    "due": goal.due.isoformat() if goal.due else None,
                    "status": goal.status,
                    "source": goal.source,
                    "created_at": _iso(goal.created_at),
                    "followed_up_at": _iso(goal.followed_up_at),
                }
                for goal in session.scalars(
                    select(GoalRow).where(GoalRow.user_id == user.id).order_by(GoalRow.id)
                )
            ]
            data["feedback"] = [
                {
                    "helpful": row.helpful,
                    "card_ids": [c for c in row.card_ids.split(",") if c],
                    "reply_ref": row.reply_ref,
                    "created_at": _iso(row.created_at),
                }
                for row in session.scalars(
                    select(FeedbackRow)
                    .where(FeedbackRow.user_id == user.id)
                    .order_by(FeedbackRow.id)
                )
            ]
            data["flow_activity"] = [
                {"kind": row.kind, "ref": row.ref, "event": row.event, "at": _iso(row.at)}
                for row in session.scalars(
                    select(FlowEventRow)
                    .where(FlowEventRow.user_id == user.id)
                    .order_by(FlowEventRow.id)
                )
            ]
            data["theme_notes"] = [
                {"scrubbed_text": self.cipher.decrypt(row.text_enc), "at": _iso(row.created_at)}
                for row in session.scalars(
                    select(ThemeNoteRow)
                    .where(ThemeNoteRow.user_id == user.id)
                    .order_by(ThemeNoteRow.id)
                )
            ]
            return data

    def _conversation(self, session: Session, row: ConversationRow) -> dict[str, Any]:
        turns = session.scalars(
            select(TurnRow).where(TurnRow.conversation_id == row.id).order_by(TurnRow.id)
        )
        return {
            "key": row.key,
            "created_at": _iso(row.created_at),
            "updated_at": _iso(row.updated_at),
            "state": json.loads(self.cipher.decrypt(row.state_enc)) if row.state_enc else {},
            "turns": [
                {
                    "role": turn.role,
                    "text": self.cipher.decrypt(turn.text_enc),
                    "card_ids": [c for c in turn.card_ids.split(",") if c],
                    "safety_level": turn.safety_level,
                    "created_at": _iso(turn.created_at),
                }
                for turn in turns
            ],
        }

    def _claims(self, session: Session, external_id: str) -> list[dict[str, Any]]:
        owner = self.cipher.user_key(external_id)
        rows = session.scalars(select(ClaimRow).where(ClaimRow.owner == owner))
        return [{"key": row.key, "at": row.at} for row in rows]

    def _rates(self, session: Session, external_id: str) -> list[dict[str, int]]:
        owner = self.cipher.user_key(external_id)
        rows = session.scalars(select(RateRow).where(RateRow.owner == owner))
        return [{"window": row.window, "count": row.count} for row in rows]

    def forget_user(self, external_id: str) -> dict[str, int]:
        """Delete every row about this person (one transaction for their own rows, one for
        their workshop answers); how many of each went."""
        with self.sessions() as session:
            user_id = session.scalar(
                select(UserRow.id).where(UserRow.external_id == self.cipher.user_key(external_id))
            )
            deleted: dict[str, int] = {}
            if user_id is not None:
                conversations = select(ConversationRow.id).where(ConversationRow.user_id == user_id)
                deleted["turns"] = _count(
                    session, TurnRow, TurnRow.conversation_id.in_(conversations)
                )
                session.execute(delete(TurnRow).where(TurnRow.conversation_id.in_(conversations)))
                for name, table, column in (
                    ("conversations", ConversationRow, ConversationRow.user_id),
                    ("goals", GoalRow, GoalRow.user_id),
                    ("feedback", FeedbackRow, FeedbackRow.user_id),
                    ("flow_activity", FlowEventRow, FlowEventRow.user_id),
                    ("theme_notes", ThemeNoteRow, ThemeNoteRow.user_id),
                    ("consent", ConsentRow, ConsentRow.user_id),
                ):
                    deleted[name] = _count(session, table, column == user_id)
                    session.execute(delete(table).where(column == user_id))
            stored = self.cipher.user_key(external_id)
            for label, owned, owner, value in (
                ("delivery_records", ClaimRow, ClaimRow.owner, stored),
                ("rate_limit_windows", RateRow, RateRow.owner, stored),
                ("messages_queued", OutboxRow, OutboxRow.owner, stored),
            ):
                deleted[label] = _count(session, owned, owner == value)
                session.execute(delete(owned).where(owner == value))
            if user_id is not None:
                session.execute(delete(UserRow).where(UserRow.id == user_id))
            deleted["user"] = 0 if user_id is None else 1
            session.commit()
        deleted["workshop_answers"] = self.workshops.forget(external_id)
        return deleted


def _count(session: Session, table: type[Base], condition: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(table).where(condition)) or 0)
