"""Workshop runs: a facilitator's run of a plan in a channel, its steps, answers and reminders.

Everything a replica needs lives here, so a run survives restarts and works across replicas:

- ``workshop_runs``: one row per run. ``active_channel`` holds the channel while the run is
  running or paused and is NULL once it has ended; its unique constraint allows at most one
  active run per channel. ``step_index`` is the step the run is on (-1 before the first opens).
  Moving uses a conditional ``UPDATE ... WHERE step_index = expected``: of two replicas (or two
  facilitators' clicks) moving at once, exactly one succeeds.
- ``workshop_run_steps``: one row per step once it has opened (unique per run and step), with
  when it opened, closes and was closed, when to remind, and the Slack message ts (opaque).
- ``workshop_answers``: one row per (run, step, participant key), so a retried or double-clicked
  answer replaces rather than adds. Free text is encrypted with the Cipher. On an anonymous step
  the participant key is an HMAC of the person's id, keyed with a random per-run secret that is
  itself stored encrypted, and salted with the step id: the database alone cannot tell whose
  answer it is, nor link one person's anonymous answers across steps, yet the same person's
  second answer lands on the same row. Answers carry no timestamps and random ids.
- ``workshop_participants``: people registered for reminders (explicit joins and people who
  answered a *named* step; never from an anonymous answer, which would link person and answer).
- ``workshop_reminders``: one reminder per (run, step, participant key), claimed once.

People's ids are never stored in plain text: the facilitator, the registered participants and
the participant key of a *named* answer or reminder are the id encrypted deterministically
(``Cipher.user_key``, as in ``users``), so look-ups by id still work and the ids are read back
with the key (to send reminders). The store takes and gives plain ids.

Times are stored in UTC; SQLite hands them back naive, so every read goes through ``aware``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import (
    DateTime,
    Engine,
    ForeignKey,
    LargeBinary,
    String,
    UniqueConstraint,
    delete,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from bot.store.crypto import Cipher
from bot.store.schema import ensure_schema
from bot.store.tables import Base, insert_once

RunStatus = Literal["running", "paused", "ended"]
Refusal = Literal["no_run", "ended", "paused", "not_open", "closed"]
StoredValue = str | int | list[str]

ACTIVE: tuple[RunStatus, ...] = ("running", "paused")
ANONYMOUS_PREFIX = "anon:"
UTC_TIME = DateTime(timezone=True)


def aware(value: datetime) -> datetime:
    """A UTC-aware datetime (SQLite returns naive UTC; callers may pass any zone)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _maybe(value: datetime | None) -> datetime | None:
    return None if value is None else aware(value)


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


class WorkshopRunRow(Base):
    __tablename__ = "workshop_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(120))
    mode: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(200), index=True)
    active_channel: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    facilitator: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="running")
    step_index: Mapped[int] = mapped_column(default=-1)
    secret_enc: Mapped[bytes] = mapped_column(LargeBinary)
    started_at: Mapped[datetime] = mapped_column(UTC_TIME)
    paused_at: Mapped[datetime | None] = mapped_column(UTC_TIME, nullable=True)
    paused_seconds: Mapped[int] = mapped_column(default=0)
    ended_at: Mapped[datetime | None] = mapped_column(UTC_TIME, nullable=True)


class WorkshopStepRow(Base):
    __tablename__ = "workshop_run_steps"
    __table_args__ = (UniqueConstraint("run_id", "step_id", name="uq_workshop_run_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("workshop_runs.id", ondelete="CASCADE"))
    step_id: Mapped[str] = mapped_column(String(120))
    position: Mapped[int]
    opened_at: Mapped[datetime] = mapped_column(UTC_TIME)
    closes_at: Mapped[datetime | None] = mapped_column(UTC_TIME, nullable=True)
    remind_at: Mapped[datetime | None] = mapped_column(UTC_TIME, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTC_TIME, nullable=True)
    message_ts: Mapped[str | None] = mapped_column(String(64), nullable=True)


class WorkshopAnswerRow(Base):
    __tablename__ = "workshop_answers"
    __table_args__ = (
        UniqueConstraint("run_id", "step_id", "participant", name="uq_workshop_answer"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("workshop_runs.id", ondelete="CASCADE"))
    step_id: Mapped[str] = mapped_column(String(120))
    participant: Mapped[str] = mapped_column(String(200))
    choice: Mapped[str | None] = mapped_column(String(4000), nullable=True)
    text_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class WorkshopParticipantRow(Base):
    __tablename__ = "workshop_participants"
    __table_args__ = ({"sqlite_with_rowid": False},)

    run_id: Mapped[int] = mapped_column(
        ForeignKey("workshop_runs.id", ondelete="CASCADE"), primary_key=True
    )
    participant: Mapped[str] = mapped_column(String(200), primary_key=True)


class WorkshopReminderRow(Base):
    __tablename__ = "workshop_reminders"
    __table_args__ = ({"sqlite_with_rowid": False},)

    run_id: Mapped[int] = mapped_column(
        ForeignKey("workshop_runs.id", ondelete="CASCADE"), primary_key=True
    )
    step_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    participant: Mapped[str] = mapped_column(String(200), primary_key=True)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class RunRecord(Frozen):
    id: int
    plan_id: str
    mode: str
    channel: str
    facilitator: str
    status: RunStatus
    step_index: int
    started_at: datetime
    paused_at: datetime | None
    paused_seconds: int
    ended_at: datetime | None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def elapsed(self, now: datetime) -> timedelta:
        """Time the run has been running (paused time does not count)."""
        stopped = self.paused_at if self.paused_at is not None else now
        return stopped - self.started_at - timedelta(seconds=self.paused_seconds)


class StepRecord(Frozen):
    step_id: str
    position: int
    opened_at: datetime
    closes_at: datetime | None
    remind_at: datetime | None
    closed_at: datetime | None
    message_ts: str | None

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and (self.closes_at is None or now < self.closes_at)


class AnswerRecord(Frozen):
    step_id: str
    participant_key: str
    value: StoredValue


@dataclass(frozen=True)
class StepOpening:
    """A step to open (or reopen) as part of a move."""

    step_id: str
    position: int
    closes_at: datetime | None = None
    remind_at: datetime | None = None


class ActiveRunExists(Exception):
    """The channel already has a running or paused run."""


class AnswerRefused(Exception):
    """The step does not take answers now; `reason` says why."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason)
        self.reason: Refusal = reason


def _run(row: WorkshopRunRow, cipher: Cipher) -> RunRecord:
    return RunRecord(
        id=row.id,
        plan_id=row.plan_id,
        mode=row.mode,
        channel=row.channel,
        facilitator=cipher.user_id(row.facilitator),
        status=row.status,  # type: ignore[arg-type]
        step_index=row.step_index,
        started_at=aware(row.started_at),
        paused_at=_maybe(row.paused_at),
        paused_seconds=row.paused_seconds,
        ended_at=_maybe(row.ended_at),
    )


def _step(row: WorkshopStepRow) -> StepRecord:
    return StepRecord(
        step_id=row.step_id,
        position=row.position,
        opened_at=aware(row.opened_at),
        closes_at=_maybe(row.closes_at),
        remind_at=_maybe(row.remind_at),
        closed_at=_maybe(row.closed_at),
        message_ts=row.message_ts,
    )


def refusal(run: RunRecord | None, step: StepRecord | None, now: datetime) -> Refusal | None:
    """Why an answer to this step would be refused now, or None if it is welcome."""
    if run is None:
        return "no_run"
    if run.status == "ended":
        return "ended"
    if run.status == "paused":
        return "paused"
    if step is None:
        return "not_open"
    return None if step.is_open(now) else "closed"


class WorkshopStore:
    """Persistence for workshop runs; one transaction per method."""

    def __init__(self, engine: Engine, cipher: Cipher) -> None:
        self.engine = engine
        self.cipher = cipher
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._secrets: dict[int, bytes] = {}
        ensure_schema(engine)

    # ---- runs ----------------------------------------------------------------------------------

    def create_run(
        self, plan_id: str, mode: str, channel: str, facilitator: str, now: datetime
    ) -> RunRecord:
        """A new running run; ActiveRunExists if the channel already has an active one."""
        row = WorkshopRunRow(
            plan_id=plan_id,
            mode=mode,
            channel=channel,
            active_channel=channel,
            facilitator=self.cipher.user_key(facilitator),
            status="running",
            step_index=-1,
            secret_enc=self.cipher.encrypt(secrets.token_hex(32)),
            started_at=aware(now),
            paused_seconds=0,
        )
        with self.sessions() as session:
            session.add(row)
            try:
                session.commit()
            except IntegrityError as exc:
                session.rollback()
                raise ActiveRunExists(channel) from exc
            return _run(row, self.cipher)

    def get_run(self, run_id: int) -> RunRecord | None:
        with self.sessions() as session:
            row = session.get(WorkshopRunRow, run_id)
            return None if row is None else _run(row, self.cipher)

    def active_run(self, channel: str) -> RunRecord | None:
        with self.sessions() as session:
            row = session.scalar(
                select(WorkshopRunRow).where(WorkshopRunRow.active_channel == channel)
            )
            return None if row is None else _run(row, self.cipher)

    def latest_run(self, channel: str) -> RunRecord | None:
        """The channel's most recent run, active or ended."""
        with self.sessions() as session:
            row = session.scalar(
                select(WorkshopRunRow)
                .where(WorkshopRunRow.channel == channel)
                .order_by(WorkshopRunRow.id.desc())
                .limit(1)
            )
            return None if row is None else _run(row, self.cipher)

    def runs(
        self, statuses: Collection[RunStatus] = ACTIVE, mode: str | None = None
    ) -> list[RunRecord]:
        query = select(WorkshopRunRow).where(WorkshopRunRow.status.in_(list(statuses)))
        if mode is not None:
            query = query.where(WorkshopRunRow.mode == mode)
        with self.sessions() as session:
            return [
                _run(row, self.cipher) for row in session.scalars(query.order_by(WorkshopRunRow.id))
            ]

    def move(
        self,
        run_id: int,
        *,
        expected: int,
        to: int,
        opening: StepOpening | None,
        close: str | None,
        now: datetime,
    ) -> bool:
        """Move a running run from step `expected` to step `to`, closing one step and opening
        (or reopening) another, all at once. False if the run was not running on `expected`
        (another replica or click moved it first): nothing changes then."""
        now = aware(now)
        with self.sessions() as session:
            moved = session.execute(
                update(WorkshopRunRow)
                .where(
                    WorkshopRunRow.id == run_id,
                    WorkshopRunRow.step_index == expected,
                    WorkshopRunRow.status == "running",
                )
                .values(step_index=to)
            )
            if _rowcount(moved) != 1:
                session.rollback()
                return False
            if close is not None:
                session.execute(
                    update(WorkshopStepRow)
                    .where(
                        WorkshopStepRow.run_id == run_id,
                        WorkshopStepRow.step_id == close,
                        WorkshopStepRow.closed_at.is_(None),
                    )
                    .values(closed_at=now)
                )
            try:
                if opening is not None:
                    self._open(session, run_id, opening, now)
                session.commit()
            except IntegrityError:
                session.rollback()
                return False
            return True

    @staticmethod
    def _open(session: Session, run_id: int, opening: StepOpening, now: datetime) -> None:
        row = session.scalar(
            select(WorkshopStepRow).where(
                WorkshopStepRow.run_id == run_id, WorkshopStepRow.step_id == opening.step_id
            )
        )
        if row is None:
            session.add(
                WorkshopStepRow(
                    run_id=run_id,
                    step_id=opening.step_id,
                    position=opening.position,
                    opened_at=now,
                    closes_at=opening.closes_at,
                    remind_at=opening.remind_at,
                )
            )
        else:
            row.closed_at = None
            row.closes_at = opening.closes_at
        session.flush()

    def pause(self, run_id: int, now: datetime) -> bool:
        with self.sessions() as session:
            result = session.execute(
                update(WorkshopRunRow)
                .where(WorkshopRunRow.id == run_id, WorkshopRunRow.status == "running")
                .values(status="paused", paused_at=aware(now))
            )
            session.commit()
            return _rowcount(result) == 1

    def resume(self, run_id: int, now: datetime) -> bool:
        """Carry on; the pause moves open steps' deadlines and the schedule later by as long."""
        now = aware(now)
        with self.sessions() as session:
            row = session.get(WorkshopRunRow, run_id)
            if row is None or row.status != "paused" or row.paused_at is None:
                return False
            paused_at = aware(row.paused_at)
            gap = max(now - paused_at, timedelta(0))
            result = session.execute(
                update(WorkshopRunRow)
                .where(
                    WorkshopRunRow.id == run_id,
                    WorkshopRunRow.status == "paused",
                    WorkshopRunRow.paused_at == row.paused_at,
                )
                .values(
                    status="running",
                    paused_at=None,
                    paused_seconds=row.paused_seconds + int(gap.total_seconds()),
                )
            )
            if _rowcount(result) != 1:
                session.rollback()
                return False
            steps = session.scalars(
                select(WorkshopStepRow).where(
                    WorkshopStepRow.run_id == run_id, WorkshopStepRow.closed_at.is_(None)
                )
            )
            for step in steps:
                if step.closes_at is not None:
                    step.closes_at = aware(step.closes_at) + gap
                if step.remind_at is not None:
                    step.remind_at = aware(step.remind_at) + gap
            session.commit()
            return True

    def end(self, run_id: int, now: datetime) -> bool:
        """End an active run and close its open steps; False if it had already ended."""
        now = aware(now)
        with self.sessions() as session:
            result = session.execute(
                update(WorkshopRunRow)
                .where(WorkshopRunRow.id == run_id, WorkshopRunRow.status.in_(list(ACTIVE)))
                .values(status="ended", ended_at=now, active_channel=None, paused_at=None)
            )
            if _rowcount(result) != 1:
                session.rollback()
                return False
            session.execute(
                update(WorkshopStepRow)
                .where(WorkshopStepRow.run_id == run_id, WorkshopStepRow.closed_at.is_(None))
                .values(closed_at=now)
            )
            session.commit()
            return True

    # ---- steps ---------------------------------------------------------------------------------

    def steps(self, run_id: int) -> list[StepRecord]:
        with self.sessions() as session:
            rows = session.scalars(
                select(WorkshopStepRow)
                .where(WorkshopStepRow.run_id == run_id)
                .order_by(WorkshopStepRow.position)
            )
            return [_step(row) for row in rows]

    def close_step(self, run_id: int, step_id: str, now: datetime) -> bool:
        """Mark a step closed; True only for the one caller that closed it."""
        with self.sessions() as session:
            result = session.execute(
                update(WorkshopStepRow)
                .where(
                    WorkshopStepRow.run_id == run_id,
                    WorkshopStepRow.step_id == step_id,
                    WorkshopStepRow.closed_at.is_(None),
                )
                .values(closed_at=aware(now))
            )
            session.commit()
            return _rowcount(result) == 1

    def set_message(self, run_id: int, step_id: str, ts: str) -> bool:
        """Remember the Slack message that shows this step (an opaque string)."""
        with self.sessions() as session:
            result = session.execute(
                update(WorkshopStepRow)
                .where(WorkshopStepRow.run_id == run_id, WorkshopStepRow.step_id == step_id)
                .values(message_ts=ts[:64])
            )
            session.commit()
            return _rowcount(result) == 1

    # ---- answers -------------------------------------------------------------------------------

    def _secret(self, run_id: int) -> bytes:
        if run_id not in self._secrets:
            with self.sessions() as session:
                token = session.scalar(
                    select(WorkshopRunRow.secret_enc).where(WorkshopRunRow.id == run_id)
                )
            if token is None:
                raise KeyError(run_id)
            self._secrets[run_id] = self.cipher.decrypt(token).encode("ascii")
        return self._secrets[run_id]

    def participant_key(self, run_id: int, step_id: str, participant: str, anonymous: bool) -> str:
        """What the answers table holds for this person on this step: their id encrypted on a
        named step, a keyed hash of run secret, step and id on an anonymous one."""
        if not anonymous:
            return self.cipher.user_key(participant)
        message = f"{step_id}\n{participant}".encode()
        digest = hmac.new(self._secret(run_id), message, hashlib.sha256).hexdigest()
        return ANONYMOUS_PREFIX + digest

    def save_answer(
        self,
        run_id: int,
        step_id: str,
        participant: str,
        *,
        anonymous: bool,
        value: StoredValue,
        free_text: bool,
        now: datetime,
    ) -> bool:
        """Record or replace this person's answer; True if it replaced an earlier one.
        AnswerRefused if the step is not open (checked after the write, in one transaction,
        so an answer never lands after the step closed)."""
        key = self.participant_key(run_id, step_id, participant, anonymous)
        try:
            return self._save(run_id, step_id, key, value, free_text, aware(now))
        except IntegrityError:  # the same answer arrived twice at once: replace it
            return self._save(run_id, step_id, key, value, free_text, aware(now))

    def _save(
        self,
        run_id: int,
        step_id: str,
        key: str,
        value: StoredValue,
        free_text: bool,
        now: datetime,
    ) -> bool:
        choice = None if free_text else json.dumps(value)
        text = self.cipher.encrypt(str(value)) if free_text else None
        with self.sessions() as session:
            row = session.scalar(
                select(WorkshopAnswerRow).where(
                    WorkshopAnswerRow.run_id == run_id,
                    WorkshopAnswerRow.step_id == step_id,
                    WorkshopAnswerRow.participant == key,
                )
            )
            replaced = row is not None
            if row is None:
                row = WorkshopAnswerRow(
                    id=uuid.uuid4().hex, run_id=run_id, step_id=step_id, participant=key
                )
                session.add(row)
            row.choice, row.text_enc = choice, text
            session.flush()
            reason = self._refusal(session, run_id, step_id, now)
            if reason is not None:
                session.rollback()
                raise AnswerRefused(reason)
            session.commit()
            return replaced

    def _refusal(
        self, session: Session, run_id: int, step_id: str, now: datetime
    ) -> Refusal | None:
        run = session.scalar(
            select(WorkshopRunRow).where(WorkshopRunRow.id == run_id).with_for_update(read=True)
        )
        step = session.scalar(
            select(WorkshopStepRow)
            .where(WorkshopStepRow.run_id == run_id, WorkshopStepRow.step_id == step_id)
            .with_for_update(read=True)
        )
        return refusal(
            None if run is None else _run(run, self.cipher),
            None if step is None else _step(step),
            now,
        )

    def _record(self, row: WorkshopAnswerRow) -> AnswerRecord:
        value: StoredValue
        if row.text_enc is not None:
            value = self.cipher.decrypt(row.text_enc)
        else:
            value = json.loads(row.choice or "null")
        return AnswerRecord(step_id=row.step_id, participant_key=row.participant, value=value)

    def answers(self, run_id: int, step_id: str | None = None) -> list[AnswerRecord]:
        """Answers of a run (or one step), free text decrypted, in no meaningful order."""
        query = select(WorkshopAnswerRow).where(WorkshopAnswerRow.run_id == run_id)
        if step_id is not None:
            query = query.where(WorkshopAnswerRow.step_id == step_id)
        with self.sessions() as session:
            rows = session.scalars(query.order_by(WorkshopAnswerRow.id))
            return [self._record(row) for row in rows]

    def answers_by(self, run_id: int, keys: Sequence[tuple[str, str]]) -> list[AnswerRecord]:
        """The answers under these (step id, participant key) pairs."""
        wanted = set(keys)
        query = select(WorkshopAnswerRow).where(
            WorkshopAnswerRow.run_id == run_id,
            WorkshopAnswerRow.participant.in_(sorted({key for _, key in wanted})),
        )
        with self.sessions() as session:
            rows = session.scalars(query)
            return [self._record(row) for row in rows if (row.step_id, row.participant) in wanted]

    def answered_keys(self, run_id: int, step_id: str) -> set[str]:
        with self.sessions() as session:
            return set(
                session.scalars(
                    select(WorkshopAnswerRow.participant).where(
                        WorkshopAnswerRow.run_id == run_id, WorkshopAnswerRow.step_id == step_id
                    )
                )
            )

    # ---- participants and reminders ------------------------------------------------------------

    def join(self, run_id: int, participant: str) -> bool:
        """Register a participant for reminders; True if they were new."""
        participant = self.cipher.user_key(participant)
        with self.sessions() as session:
            if session.get(WorkshopParticipantRow, (run_id, participant)) is not None:
                return False
            return insert_once(
                session, WorkshopParticipantRow(run_id=run_id, participant=participant)
            )

    def participants(self, run_id: int) -> list[str]:
        with self.sessions() as session:
            return sorted(
                self.cipher.user_id(stored)
                for stored in session.scalars(
                    select(WorkshopParticipantRow.participant).where(
                        WorkshopParticipantRow.run_id == run_id
                    )
                )
            )

    def _keys_by_run(self, session: Session, participant: str) -> dict[int, set[str]]:
        """Every key one person's rows could be under, run by run (named, and each step's
        anonymous key recomputed)."""
        steps_by_run: dict[int, set[str]] = {}
        for table in (WorkshopAnswerRow, WorkshopReminderRow):
            for run_id, step_id in session.execute(select(table.run_id, table.step_id).distinct()):
                steps_by_run.setdefault(run_id, set()).add(step_id)
        return {
            run_id: {self.cipher.user_key(participant)}
            | {self.participant_key(run_id, step_id, participant, True) for step_id in steps}
            for run_id, steps in steps_by_run.items()
        }

    def answers_of(self, participant: str) -> list[tuple[str, AnswerRecord]]:
        """(plan id, answer) for every answer this person gave, anonymous ones included (for
        their own data export)."""
        found: list[tuple[str, AnswerRecord]] = []
        with self.sessions() as session:
            for run_id, keys in sorted(self._keys_by_run(session, participant).items()):
                plan = session.scalar(
                    select(WorkshopRunRow.plan_id).where(WorkshopRunRow.id == run_id)
                )
                rows = session.scalars(
                    select(WorkshopAnswerRow).where(
                        WorkshopAnswerRow.run_id == run_id,
                        WorkshopAnswerRow.participant.in_(sorted(keys)),
                    )
                )
                found += [(str(plan), self._record(row)) for row in rows]
        return found

    def forget(self, participant: str) -> int:
        """Delete everything of one person's in every run (named and anonymous answers, found
        by recomputing their keys; registrations; reminder claims); the number of rows."""
        deleted = 0
        with self.sessions() as session:
            keys_by_run = self._keys_by_run(session, participant)
            for run_id, keys in keys_by_run.items():
                for table in (WorkshopAnswerRow, WorkshopReminderRow):
                    result = session.execute(
                        delete(table).where(table.run_id == run_id, table.participant.in_(keys))
                    )
                    deleted += _rowcount(result)
            result = session.execute(
                delete(WorkshopParticipantRow).where(
                    WorkshopParticipantRow.participant == self.cipher.user_key(participant)
                )
            )
            deleted += _rowcount(result)
            session.commit()
        return deleted

    def claim_reminder(self, run_id: int, step_id: str, participant_key: str) -> bool:
        """True for the one caller that should send this reminder, however many ask."""
        with self.sessions() as session:
            reminder = WorkshopReminderRow(
                run_id=run_id, step_id=step_id, participant=participant_key
            )
            return insert_once(session, reminder)
