"""Retention: delete what has been kept long enough. Run on a schedule while serving and by
`anchor maintenance purge`."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import sessionmaker

from bot.store.claims import ClaimStore
from bot.store.schema import ensure_schema
from bot.store.tables import ConversationRow, FlowEventRow, RateRow, ThemeNoteRow, TurnRow


class Purged(BaseModel):
    conversations: int = 0
    turns: int = 0
    theme_notes: int = 0
    flow_events: int = 0
    delivery_records: int = 0
    rate_limit_windows: int = 0


class Retention:
    def __init__(self, engine: Engine, claims: ClaimStore) -> None:
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.claims = claims
        ensure_schema(engine)

    def purge(self, now: datetime, *, conversation_days: int, theme_days: int) -> Purged:
        """Delete conversations idle for `conversation_days` (with their turns) and their flow
        activity, scrubbed theme copies older than `theme_days`, and spent delivery records."""
        conversations_before = now - timedelta(days=conversation_days)
        notes_before = now - timedelta(days=theme_days)
        with self.sessions() as session:
            stale = select(ConversationRow.id).where(
                ConversationRow.updated_at < conversations_before
            )
            turns = session.execute(delete(TurnRow).where(TurnRow.conversation_id.in_(stale)))
            conversations = session.execute(
                delete(ConversationRow).where(ConversationRow.updated_at < conversations_before)
            )
            flows = session.execute(
                delete(FlowEventRow).where(FlowEventRow.at < conversations_before)
            )
            notes = session.execute(
                delete(ThemeNoteRow).where(ThemeNoteRow.created_at < notes_before)
            )
            window_now = int(now.timestamp() // 60)
            rates = session.execute(delete(RateRow).where(RateRow.window < window_now - 60 * 24))
            session.commit()
        records = self.claims.prune(now=now.timestamp())
        return Purged(
            conversations=_count(conversations),
            turns=_count(turns),
            theme_notes=_count(notes),
            flow_events=_count(flows),
            delivery_records=records,
            rate_limit_windows=_count(rates),
        )


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
