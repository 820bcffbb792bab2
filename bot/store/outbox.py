"""The outbox: every Slack call the app owes a person, kept in the database until Slack says ok.

A row is added (`add`) where the message is decided, then a worker (``bot.slack.outbox``) takes
it (`claim`), calls Slack and records the outcome (`delivered`, `failed`). How it holds up:

- **Claimed once.** `claim` takes a row with one conditional ``UPDATE ... WHERE lease is free``;
  the database lets exactly one of several workers (threads, processes, replicas) change it, on
  SQLite and PostgreSQL alike. The lease runs out (`lease_seconds`), so a row a crashed worker
  held is taken again after a restart.
- **In order per stream.** Only the oldest undelivered row of a stream (a channel, or a channel's
  thread) can be claimed: a later message is never sent before an earlier one is delivered or
  given up.
- **Given up, with the reason.** A failed row is tried again after a backoff (or Slack's
  Retry-After) until it has failed `give_up_failures` times *and* `give_up_minutes` have passed
  since its first failure; an error that no retry can fix gives up at once. Given-up rows stay
  (status ``failed``, `last_error`) for an operator to see and retry (``anchor outbox``).
- **Private.** The call's arguments (message text, a response_url) are encrypted; once
  delivered they are erased, and forgetting a person deletes their rows. No Slack user id is
  kept in plain text: `owner` holds the person's id encrypted as the users table does
  (``Cipher.user_key``), and each user id in a `key` or `stream` is replaced by a keyed hash
  (``bot.store.identity.seal_ids``); callers pass and look up plain values, the store seals
  them.

Times are milliseconds since the epoch (integers, compared the same way on every database).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, and_, delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.store.crypto import USER_KEY_PREFIX, Cipher, CryptoError
from bot.store.identity import seal_ids
from bot.store.schema import ensure_schema
from bot.store.tables import OutboxRow

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
STATUSES = (PENDING, SENT, FAILED)
LATEST = "latest:"  # key prefix of rows where only the newest of a group is sent
KEEP_SENT_MS = 7 * 24 * 3600 * 1000  # delivered rows (no text left) are kept a week, then pruned


def now_ms(now: float | None = None) -> int:
    return int((time.time() if now is None else now) * 1000)


@dataclass(frozen=True)
class GiveUp:
    """When a failing row stops being retried: `failures` failures and `minutes` since the
    first one (both must hold)."""

    failures: int = 10
    minutes: float = 30.0


@dataclass(frozen=True)
class Claimed:
    """A row a worker holds: what to call, with what, and what it must know to finish it."""

    id: int
    key: str
    stream: str
    method: str
    args: dict[str, Any]
    attempts: int
    failures: int
    token: str
    uncertain: bool  # an earlier claim began sending and never recorded how it went
    ts_from: int | None


class Entry(BaseModel):
    """A row as an operator sees it (no message text)."""

    id: int
    key: str
    owner: str
    stream: str
    method: str
    status: str
    attempts: int
    failures: int
    created_at: int
    due_at: int
    first_failure_at: int | None
    last_error: str | None
    sent_at: int | None
    result_ts: str | None


class Backlog(BaseModel):
    pending: int
    failed: int
    oldest_pending_ms: int | None  # when the oldest undelivered row was added


class OutboxStore:
    def __init__(
        self,
        engine: Engine,
        cipher: Cipher,
        *,
        lease_seconds: float = 120.0,
        give_up: GiveUp | None = None,
    ) -> None:
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.cipher = cipher
        self.lease_ms = int(lease_seconds * 1000)
        self.give_up = give_up or GiveUp()
        ensure_schema(engine)

    # --- adding -------------------------------------------------------------------------------

    def row(
        self,
        method: str,
        args: dict[str, Any],
        *,
        stream: str,
        owner: str = "",
        key: str | None = None,
        ts_from: int | None = None,
        hold: float = 0.0,
        now: float | None = None,
    ) -> OutboxRow:
        """A new row for one Slack call, not yet added to any session (`hold`: seconds before a
        worker may take it)."""
        at = now_ms(now)
        return OutboxRow(
            key=self.sealed(key or f"anon:{uuid.uuid4().hex}")[:200],
            owner=self.owner(owner)[:200],
            stream=self.sealed(stream)[:200],
            method=method,
            payload_enc=self.cipher.encrypt(json.dumps(args)),
            status=PENDING,
            attempts=0,
            failures=0,
            created_at=at,
            due_at=at + int(hold * 1000),
            ts_from=ts_from,
        )

    def add(
        self,
        method: str,
        args: dict[str, Any],
        *,
        stream: str,
        owner: str = "",
        key: str | None = None,
        ts_from: int | None = None,
        latest: str | None = None,
        now: float | None = None,
    ) -> int | None:
        """Queue one Slack call; its row id, or None when a row with this `key` is already
        there (the same message owed twice: kept once).

        `latest` names a group where only the newest call matters (a person's App Home): rows of
        the group still waiting, and not held by a worker, are dropped in the same transaction,
        so the worker sends the newest one only."""
        if latest is not None:
            latest = self.sealed(latest)
            key = f"{LATEST}{latest}#{uuid.uuid4().hex[:12]}"
        row = self.row(method, args, stream=stream, owner=owner, key=key, ts_from=ts_from, now=now)
        with self.sessions() as session:
            if latest is not None:
                session.execute(
                    delete(OutboxRow).where(
                        OutboxRow.key.startswith(f"{LATEST}{latest}#", autoescape=True),
                        OutboxRow.status == PENDING,
                        OutboxRow.lease_owner.is_(None),
                    )
                )
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                return None
            return row.id

    def sealed(self, text: str) -> str:
        """A key or stream as stored: each Slack user id in it replaced by a keyed hash."""
        return seal_ids(text, self.cipher)

    def owner(self, owner: str) -> str:
        """An owner as stored: the person's id encrypted (found again by it), or ""."""
        if not owner or owner.startswith(USER_KEY_PREFIX):
            return owner
        return self.cipher.user_key(owner)

    @staticmethod
    def add_in(session: Session, row: OutboxRow) -> bool:
        """Add `row` to a caller's session, to be committed with the caller's own writes (one
        transaction); False, adding nothing, when a row with its key is already there."""
        if session.scalar(select(OutboxRow.id).where(OutboxRow.key == row.key)) is not None:
            return False
        session.add(row)
        return True

    def fill(self, key: str, args: dict[str, Any], now: float | None = None) -> bool:
        """Replace the arguments of a row added on hold (`row(..., hold=...)`) and make it due
        now; False if no worker-free, untried row has that key (it was taken after its hold ran
        out: it goes as it was written)."""
        key = self.sealed(key)
        with self.sessions() as session:
            result = session.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.key == key,
                    OutboxRow.status == PENDING,
                    OutboxRow.lease_owner.is_(None),
                    OutboxRow.attempts == 0,
                )
                .values(payload_enc=self.cipher.encrypt(json.dumps(args)), due_at=now_ms(now))
            )
            session.commit()
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    # --- claiming -----------------------------------------------------------------------------

    def claim(self, worker: str, limit: int = 20, now: float | None = None) -> list[Claimed]:
        """Take up to `limit` due rows, each the oldest undelivered row of its stream."""
        at = now_ms(now)
        earlier = aliased(OutboxRow)
        blocked = exists().where(
            earlier.stream == OutboxRow.stream,
            earlier.status == PENDING,
            earlier.id < OutboxRow.id,
        )
        candidates = (
            select(OutboxRow.id)
            .where(OutboxRow.status == PENDING, OutboxRow.due_at <= at, _free(at), ~blocked)
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        taken: list[Claimed] = []
        with self.sessions() as session:
            ids = list(session.scalars(candidates))
            session.rollback()
            for row_id in ids:
                token = f"{worker}:{uuid.uuid4().hex[:12]}"[:64]
                result = session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.id == row_id, OutboxRow.status == PENDING, _free(at))
                    .values(
                        lease_owner=token,
                        lease_until=at + self.lease_ms,
                        attempts=OutboxRow.attempts + 1,
                    )
                )
                session.commit()
                if result.rowcount != 1:  # type: ignore[attr-defined]
                    continue  # another worker took it first
                row = session.get(OutboxRow, row_id, populate_existing=True)
                if row is None:  # deleted (forget-me) in between
                    continue
                taken.append(
                    Claimed(
                        id=row.id,
                        key=row.key,
                        stream=row.stream,
                        method=row.method,
                        args=json.loads(self.cipher.decrypt(row.payload_enc)),
                        attempts=row.attempts,
                        failures=row.failures,
                        token=token,
                        uncertain=row.attempts - 1 > row.failures,
                        ts_from=row.ts_from,
                    )
                )
        return taken

    def next_due(self, now: float | None = None) -> float | None:
        """Seconds until the soonest pending row is due or its lease ends (None: nothing)."""
        at = now_ms(now)
        with self.sessions() as session:
            due = session.scalar(select(func.min(OutboxRow.due_at)).where(_waiting()))
            lease = session.scalar(
                select(func.min(OutboxRow.lease_until)).where(
                    OutboxRow.status == PENDING, OutboxRow.lease_until > at
                )
            )
        found = [t for t in (due, lease) if t is not None]
        return max(0.0, (min(found) - at) / 1000) if found else None

    # --- outcomes -----------------------------------------------------------------------------

    def delivered(
        self,
        row: Claimed,
        *,
        channel: str | None,
        ts: str | None,
        now: float | None = None,
    ) -> bool:
        """Slack said ok: the row is sent (its text erased). False if the lease was lost (another
        worker has it now; it will find out the message was sent only if Slack can tell it)."""
        values: dict[str, Any] = {
            "status": SENT,
            "sent_at": now_ms(now),
            "result_channel": channel,
            "result_ts": ts,
            "payload_enc": b"",
            "lease_owner": None,
            "lease_until": None,
            "last_error": None,
        }
        return self._finish(row, values)

    def failed(
        self,
        row: Claimed,
        error: str,
        *,
        retry_in: float | None,
        now: float | None = None,
    ) -> str:
        """Record a failed try: retried after `retry_in` seconds, or given up (None, or the
        give-up rule reached). Returns the row's status afterwards."""
        at = now_ms(now)
        with self.sessions() as session:
            current = session.get(OutboxRow, row.id)
            if current is None or current.lease_owner != row.token:
                return current.status if current is not None else FAILED
            failures = current.failures + 1
            first = current.first_failure_at if current.first_failure_at is not None else at
            long_enough = at - first >= self.give_up.minutes * 60_000
            stop = retry_in is None or (failures >= self.give_up.failures and long_enough)
            current.failures = failures
            current.first_failure_at = first
            current.last_error = error[:500]
            current.lease_owner = None
            current.lease_until = None
            if stop:
                current.status = FAILED
            else:
                current.due_at = at + int(max(0.0, retry_in or 0.0) * 1000)
            session.commit()
            return current.status

    def release(self, row: Claimed, *, retry_in: float = 0.0, now: float | None = None) -> None:
        """Hand a row back untried (it is not a failure: e.g. an earlier row it needs is not
        sent yet, or the worker is stopping)."""
        with self.sessions() as session:
            session.execute(
                update(OutboxRow)
                .where(OutboxRow.id == row.id, OutboxRow.lease_owner == row.token)
                .values(
                    lease_owner=None,
                    lease_until=None,
                    attempts=OutboxRow.attempts - 1,
                    due_at=now_ms(now) + int(retry_in * 1000),
                )
            )
            session.commit()

    def _finish(self, row: Claimed, values: dict[str, Any]) -> bool:
        with self.sessions() as session:
            result = session.execute(
                update(OutboxRow)
                .where(OutboxRow.id == row.id, OutboxRow.lease_owner == row.token)
                .values(**values)
            )
            session.commit()
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    # --- reading ------------------------------------------------------------------------------

    def result(self, row_id: int) -> tuple[str, str | None, str | None] | None:
        """(status, channel, ts) of a row; None if there is no such row."""
        with self.sessions() as session:
            row = session.get(OutboxRow, row_id)
            if row is None:
                return None
            return row.status, row.result_channel, row.result_ts

    def last_error(self, row_id: int) -> str | None:
        with self.sessions() as session:
            return session.scalar(select(OutboxRow.last_error).where(OutboxRow.id == row_id))

    def backlog(self, now: float | None = None) -> Backlog:
        with self.sessions() as session:
            counts = dict(
                session.execute(
                    select(OutboxRow.status, func.count())
                    .where(OutboxRow.status.in_((PENDING, FAILED)))
                    .group_by(OutboxRow.status)
                ).all()
            )
            oldest = session.scalar(
                select(func.min(OutboxRow.created_at)).where(OutboxRow.status == PENDING)
            )
        return Backlog(
            pending=int(counts.get(PENDING, 0)),
            failed=int(counts.get(FAILED, 0)),
            oldest_pending_ms=oldest,
        )

    def sent_in_stream(self, stream: str) -> int:
        """How many rows of a stream were delivered (e.g. replies to one response_url)."""
        stream = self.sealed(stream)
        with self.sessions() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(OutboxRow)
                    .where(OutboxRow.stream == stream, OutboxRow.status == SENT)
                )
                or 0
            )

    def pending_count(self) -> int:
        with self.sessions() as session:
            return int(
                session.scalar(
                    select(func.count()).select_from(OutboxRow).where(OutboxRow.status == PENDING)
                )
                or 0
            )

    def entries(self, status: str | None = None, limit: int = 100) -> list[Entry]:
        query = select(OutboxRow).order_by(OutboxRow.id).limit(limit)
        if status is not None:
            query = query.where(OutboxRow.status == status)
        with self.sessions() as session:
            return [_entry(row, self._reader(row.owner)) for row in session.scalars(query)]

    def _reader(self, owner: str) -> str:
        """An owner as an operator holding the key reads it."""
        try:
            return self.cipher.user_id(owner) if owner.startswith(USER_KEY_PREFIX) else owner
        except CryptoError:
            return owner

    # --- operators and housekeeping -------------------------------------------------------------

    def retry(self, ids: Iterable[int] | None = None, now: float | None = None) -> int:
        """Put given-up rows back in the queue (all of them, or those in `ids`), with a fresh
        count of failures; the number requeued."""
        query = update(OutboxRow).where(OutboxRow.status == FAILED)
        if ids is not None:
            query = query.where(OutboxRow.id.in_(list(ids)))
        with self.sessions() as session:
            result = session.execute(
                query.values(
                    status=PENDING,
                    failures=0,
                    attempts=0,
                    first_failure_at=None,
                    due_at=now_ms(now),
                    lease_owner=None,
                    lease_until=None,
                )
            )
            session.commit()
            return int(result.rowcount)  # type: ignore[attr-defined]

    def forget(self, owner: str) -> int:
        """Delete every row owed to `owner` (forget-me)."""
        with self.sessions() as session:
            result = session.execute(delete(OutboxRow).where(OutboxRow.owner == self.owner(owner)))
            session.commit()
            return int(result.rowcount)  # type: ignore[attr-defined]

    def prune(self, older_than_ms: int = KEEP_SENT_MS, now: float | None = None) -> int:
        """Delete delivered rows older than `older_than_ms` (they hold no text)."""
        cutoff = now_ms(now) - older_than_ms
        with self.sessions() as session:
            result = session.execute(
                delete(OutboxRow).where(OutboxRow.status == SENT, OutboxRow.sent_at < cutoff)
            )
            session.commit()
            return int(result.rowcount)  # type: ignore[attr-defined]


def _free(at: int) -> Any:
    """The row is held by nobody, or its holder's lease has run out."""
    return or_(OutboxRow.lease_until.is_(None), OutboxRow.lease_until < at)


def _waiting() -> Any:
    return and_(OutboxRow.status == PENDING, OutboxRow.lease_until.is_(None))


def _entry(row: OutboxRow, owner: str) -> Entry:
    return Entry(
        id=row.id,
        key=row.key,
        owner=owner,
        stream=row.stream,
        method=row.method,
        status=row.status,
        attempts=row.attempts,
        failures=row.failures,
        created_at=row.created_at,
        due_at=row.due_at,
        first_failure_at=row.first_failure_at,
        last_error=row.last_error,
        sent_at=row.sent_at,
        result_ts=row.result_ts,
    )
