"""Raw engagement data for programme reports: which (pseudonymous) leaders did what, when.

Everything here is per person so the service can count people, never messages, and withhold
any figure behind fewer than k of them. Only leaders whose current choice is `themes` (they
agreed to contribute anonymously to programme reporting) are included.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Engine, select
from sqlalchemy.orm import sessionmaker

from bot.store.crypto import Cipher
from bot.store.tables import (
    ConsentRow,
    ConversationRow,
    FeedbackRow,
    FlowEventRow,
    TurnRow,
    UserRow,
)

People = frozenset[str]


class EngagementData(BaseModel):
    active_by_week: dict[str, People]  # ISO week "2026-W47" -> leaders who wrote that week
    flows_started: dict[str, People]  # kind -> leaders who started one
    flows_finished: dict[str, People]
    flow_use: dict[str, People]  # "exercise:ref" / "scenario:ref" -> leaders who started it
    card_helpful: dict[str, People]  # card id -> leaders who found a reply citing it helpful
    card_unhelpful: dict[str, People]


class EngagementStore:
    def __init__(self, engine: Engine, cipher: Cipher) -> None:
        self.cipher = cipher
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    def _who(self, user_id: int) -> str:
        return self.cipher.pseudonym(f"leader:{user_id}")

    def _members(self, members: Collection[str] | None) -> list[ColumnElement[bool]]:
        if members is None:
            return []
        return [UserRow.external_id.in_([self.cipher.user_key(m) for m in members])]

    def collect(
        self, start: datetime, end: datetime, members: Collection[str] | None = None
    ) -> EngagementData:
        opted_in = (
            select(ConsentRow.user_id)
            .join(UserRow, UserRow.id == ConsentRow.user_id)
            .where(ConsentRow.choice == "themes", *self._members(members))
        )
        weeks: dict[str, set[str]] = defaultdict(set)
        started: dict[str, set[str]] = defaultdict(set)
        finished: dict[str, set[str]] = defaultdict(set)
        use: dict[str, set[str]] = defaultdict(set)
        helpful: dict[str, set[str]] = defaultdict(set)
        unhelpful: dict[str, set[str]] = defaultdict(set)
        with self.sessions() as session:
            turns = session.execute(
                select(ConversationRow.user_id, TurnRow.created_at)
                .join(TurnRow, TurnRow.conversation_id == ConversationRow.id)
                .where(
                    TurnRow.role == "user",
                    TurnRow.created_at >= start,
                    TurnRow.created_at < end,
                    ConversationRow.user_id.in_(opted_in),
                )
            )
            for user_id, at in turns:
                year, week, _ = at.isocalendar()
                weeks[f"{year}-W{week:02d}"].add(self._who(user_id))
            flows = session.execute(
                select(
                    FlowEventRow.user_id, FlowEventRow.kind, FlowEventRow.ref, FlowEventRow.event
                ).where(
                    FlowEventRow.at >= start,
                    FlowEventRow.at < end,
                    FlowEventRow.user_id.in_(opted_in),
                )
            )
            for user_id, kind, ref, event in flows:
                who = self._who(user_id)
                if event == "started":
                    started[kind].add(who)
                    use[f"{kind}:{ref}"].add(who)
                else:
                    finished[kind].add(who)
            verdicts = session.execute(
                select(FeedbackRow.user_id, FeedbackRow.helpful, FeedbackRow.card_ids).where(
                    FeedbackRow.created_at >= start,
                    FeedbackRow.created_at < end,
                    FeedbackRow.user_id.in_(opted_in),
                )
            )
            for user_id, was_helpful, card_ids in verdicts:
                for card in (c for c in card_ids.split(",") if c):
                    (helpful if was_helpful else unhelpful)[card].add(self._who(user_id))

        def frozen(groups: dict[str, set[str]]) -> dict[str, People]:
            return {key: frozenset(value) for key, value in groups.items()}

        return EngagementData(
            active_by_week=frozen(weeks),
            flows_started=frozen(started),
            flows_finished=frozen(finished),
            flow_use=frozen(use),
            card_helpful=frozen(helpful),
            card_unhelpful=frozen(unhelpful),
        )
