"""Retention: delete what has been kept long enough. Run on a schedule while serving and by
`anchor maintenance purge`.

Every table that holds a person's data has a period:

- ``ANCHOR_RETENTION_DAYS`` (``conversation_days``): conversations idle that long (with their
  turns), flow activity, feedback verdicts, goals neither made, followed up nor due in that
  time, workshop runs that ended (or, never ended, started) that long ago with every answer,
  registration and reminder of theirs, and finally the person's own row and privacy choice once
  nothing else of theirs is left and they have not been seen for as long.
- ``ANCHOR_THEME_RETENTION_DAYS`` (``theme_days``): scrubbed copies kept for themes; and the
  privacy ledger's releases (and each month's budget row), kept for their calendar month plus
  this period. Replays of an identical request work while they are kept; after it, the copies
  a release was made from are gone, so no request could be identical to it any more.
- ``ANCHOR_AUDIT_RETENTION_DAYS`` (``audit_days``): the audit log of programme reports.
- ``ANCHOR_OUTBOX_RETENTION_DAYS`` (``outbox_days``): Slack messages in the outbox, from when
  they were queued, whether sent, given up or still waiting.
- Delivery records and rate-limit windows: a day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import Engine, delete, exists, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.store.claims import ClaimStore
from bot.store.releases import BudgetRow, ReleaseRow, period_of
from bot.store.schema import ensure_schema
from bot.store.tables import (
    AuditRow,
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
from bot.store.workshop_runs import (
    WorkshopAnswerRow,
    WorkshopParticipantRow,
    WorkshopReminderRow,
    WorkshopRunRow,
    WorkshopStepRow,
)


class Purged(BaseModel):
    conversations: int = 0
    turns: int = 0
    theme_notes: int = 0
    flow_events: int = 0
    feedback: int = 0
    goals: int = 0
    workshop_runs: int = 0
    workshop_answers: int = 0
    people: int = 0
    delivery_records: int = 0
    rate_limit_windows: int = 0
    audit_entries: int = 0
    outbox_messages: int = 0
    privacy_releases: int = 0


class Retention:
    def __init__(self, engine: Engine, claims: ClaimStore) -> None:
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.claims = claims
        ensure_schema(engine)

    def purge(
        self,
        now: datetime,
        *,
        conversation_days: int,
        theme_days: int,
        audit_days: int = 730,
        outbox_days: int = 7,
    ) -> Purged:
        """Delete what has been kept longer than its period (see the module notes)."""
        before = now - timedelta(days=conversation_days)
        notes_before = now - timedelta(days=theme_days)
        with self.sessions() as session:
            stale = select(ConversationRow.id).where(ConversationRow.updated_at < before)
            turns = session.execute(delete(TurnRow).where(TurnRow.conversation_id.in_(stale)))
            conversations = session.execute(
                delete(ConversationRow).where(ConversationRow.updated_at < before)
            )
            flows = session.execute(delete(FlowEventRow).where(FlowEventRow.at < before))
            notes = session.execute(
                delete(ThemeNoteRow).where(ThemeNoteRow.created_at < notes_before)
            )
            feedback = session.execute(delete(FeedbackRow).where(FeedbackRow.created_at < before))
            goals = session.execute(
                delete(GoalRow).where(
                    GoalRow.created_at < before,
                    or_(GoalRow.followed_up_at.is_(None), GoalRow.followed_up_at < before),
                    or_(GoalRow.due.is_(None), GoalRow.due < before.date()),
                )
            )
            runs, answers = _purge_workshops(session, before)
            people = _purge_people(session, before)
            window_now = int(now.timestamp() // 60)
            rates = session.execute(delete(RateRow).where(RateRow.window < window_now - 60 * 24))
            audit = session.execute(
                delete(AuditRow).where(AuditRow.at < now - timedelta(days=audit_days))
            )
            outbox = session.execute(
                delete(OutboxRow).where(
                    OutboxRow.created_at  # milliseconds since the epoch
                    < int((now - timedelta(days=outbox_days)).timestamp() * 1000)
                )
            )
            # a month's releases are kept for the month plus the theme period
            month = period_of(now - timedelta(days=theme_days))
            releases = session.execute(delete(ReleaseRow).where(ReleaseRow.period < month))
            session.execute(delete(BudgetRow).where(BudgetRow.period < month))
            session.commit()
        records = self.claims.prune(now=now.timestamp())
        return Purged(
            conversations=_count(conversations),
            turns=_count(turns),
            theme_notes=_count(notes),
            flow_events=_count(flows),
            feedback=_count(feedback),
            goals=_count(goals),
            workshop_runs=runs,
            workshop_answers=answers,
            people=people,
            delivery_records=records,
            rate_limit_windows=_count(rates),
            audit_entries=_count(audit),
            outbox_messages=_count(outbox),
            privacy_releases=_count(releases),
        )


def _purge_workshops(session: Session, before: datetime) -> tuple[int, int]:
    """Runs that ended before `before` (or never ended and started before it), with their
    steps, answers, registrations and reminders; (runs, answers) deleted."""
    old = select(WorkshopRunRow.id).where(
        func.coalesce(WorkshopRunRow.ended_at, WorkshopRunRow.started_at) < before
    )
    answers = session.execute(delete(WorkshopAnswerRow).where(WorkshopAnswerRow.run_id.in_(old)))
    for table in (WorkshopReminderRow, WorkshopParticipantRow, WorkshopStepRow):
        session.execute(delete(table).where(table.run_id.in_(old)))
    runs = session.execute(
        delete(WorkshopRunRow).where(
            func.coalesce(WorkshopRunRow.ended_at, WorkshopRunRow.started_at) < before
        )
    )
    return _count(runs), _count(answers)


def _purge_people(session: Session, before: datetime) -> int:
    """People first seen before `before` with nothing else of theirs left and no privacy
    choice made or changed since: their row and their choice go too."""
    session.flush()
    owned = [
        exists().where(table.user_id == UserRow.id)
        for table in (ConversationRow, GoalRow, FeedbackRow, FlowEventRow, ThemeNoteRow)
    ]
    recent_choice = exists().where(
        ConsentRow.user_id == UserRow.id,
        or_(
            ConsentRow.notified_at >= before,
            ConsentRow.updated_at >= before,
        ),
    )
    idle = select(UserRow.id).where(
        UserRow.created_at < before, *[~found for found in owned], ~recent_choice
    )
    ids = list(session.scalars(idle))
    if not ids:
        return 0
    session.execute(delete(ConsentRow).where(ConsentRow.user_id.in_(ids)))
    return _count(session.execute(delete(UserRow).where(UserRow.id.in_(ids))))


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
