"""Feedback on replies: helpful or not, with the cards the reply cited (for evals)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from bot.store.schema import ensure_schema
from bot.store.tables import FeedbackRow


class Feedback(BaseModel):
    helpful: bool
    card_ids: list[str]
    reply_ref: str
    created_at: datetime


class FeedbackStore:
    def __init__(self, engine: Engine) -> None:
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        ensure_schema(engine)

    @staticmethod
    def _model(row: FeedbackRow) -> Feedback:
        return Feedback(
            helpful=row.helpful,
            card_ids=[c for c in row.card_ids.split(",") if c],
            reply_ref=row.reply_ref,
            created_at=row.created_at,
        )

    def record(
        self, user_id: int, *, helpful: bool, card_ids: list[str], reply_ref: str = ""
    ) -> Feedback:
        """Store one verdict. A second verdict on the same reply replaces the first."""
        with self.sessions() as session:
            row = None
            if reply_ref:
                row = session.scalar(
                    select(FeedbackRow).where(
                        FeedbackRow.user_id == user_id, FeedbackRow.reply_ref == reply_ref
                    )
                )
            if row is None:
                row = FeedbackRow(user_id=user_id, reply_ref=reply_ref)
                session.add(row)
            row.helpful = helpful
            row.card_ids = ",".join(card_ids)
            session.commit()
            return self._model(row)

    def for_user(self, user_id: int) -> list[Feedback]:
        with self.sessions() as session:
            rows = session.scalars(
                select(FeedbackRow).where(FeedbackRow.user_id == user_id).order_by(FeedbackRow.id)
            ).all()
            return [self._model(r) for r in rows]

    def export(self) -> list[Feedback]:
        """Every verdict, without who gave it (`reply_ref` is dropped too): the evals' view."""
        with self.sessions() as session:
            rows = session.scalars(select(FeedbackRow).order_by(FeedbackRow.id)).all()
            return [self._model(r).model_copy(update={"reply_ref": ""}) for r in rows]
