"""Which flows each leader started and finished: the leader's "recent" list on App Home, and
(counted over people, never shown per person) the programme's engagement figures."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from bot.store.schema import ensure_schema
from bot.store.tables import FlowEventRow

FlowEvent = Literal["started", "finished"]


class RecentFlow(BaseModel):
    kind: str
    ref: str
    last_at: datetime
    finished: bool


class ActivityStore:
    def __init__(self, engine: Engine) -> None:
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        ensure_schema(engine)

    def record(self, user_id: int, kind: str, ref: str, event: FlowEvent) -> None:
        with self.sessions() as session:
            session.add(FlowEventRow(user_id=user_id, kind=kind, ref=ref, event=event))
            session.commit()

    def recent(self, user_id: int, kinds: tuple[str, ...], limit: int = 5) -> list[RecentFlow]:
        """The person's latest distinct flows of these kinds, newest first; `finished` when
        the latest event for that flow is its completion."""
        with self.sessions() as session:
            rows = session.scalars(
                select(FlowEventRow)
                .where(FlowEventRow.user_id == user_id, FlowEventRow.kind.in_(kinds))
                .order_by(FlowEventRow.id.desc())
                .limit(200)
            ).all()
        seen: dict[tuple[str, str], RecentFlow] = {}
        for row in rows:
            key = (row.kind, row.ref)
            if key not in seen:
                seen[key] = RecentFlow(
                    kind=row.kind, ref=row.ref, last_at=row.at, finished=row.event == "finished"
                )
        return list(seen.values())[:limit]
