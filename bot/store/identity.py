"""People's ids at rest: the users table holds each id encrypted deterministically
(``Cipher.user_key``: AES-SIV under a key derived from the main key), never in plain text
beside the turns' safety levels, their times and the consent choices. So do the other columns
that name a person (``OWNER_COLUMNS``): the owners of delivery claims and rate-limit windows,
a workshop run's facilitator, its registered participants, and the participant of a named
workshop answer or reminder (anonymous ones hold a keyed hash, ``anon:...``), the person a
Slack call in the outbox is owed to, and the author of an audit log entry (a programme-team
member, read back with the key by ``anchor audit``).

The outbox's `key` and `stream` name people too (``notice:<user>``, ``home:<user>``,
``<channel>:to:<user>``...): there each Slack user id is replaced by a keyed hash of it
(`seal_ids`: only equality is needed, so the same id gives the same key and a message is
still owed once).

Rows written before this change hold plain ids. Converting them needs the key, which an Alembic
migration never sees, so it is a data step run when the stores open with the key
(``open_stores``): each plain id is replaced by its encrypted form, once, in one transaction.
No schema changes (the column keeps its type and unique constraint). ``anchor doctor`` reports
any row still in plain text."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, and_, delete, func, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, sessionmaker

from bot.store.crypto import USER_KEY_PREFIX, Cipher
from bot.store.tables import AuditRow, Base, ClaimRow, OutboxRow, RateRow, UserRow
from bot.store.workshop_runs import (
    ANONYMOUS_PREFIX,
    WorkshopAnswerRow,
    WorkshopParticipantRow,
    WorkshopReminderRow,
    WorkshopRunRow,
)

log = logging.getLogger("anchor.store.identity")


@dataclass(frozen=True)
class OwnerColumn:
    """A column that holds a person's id, and the values in it that are not one."""

    table: type[Base]
    column: InstrumentedAttribute[str]
    not_ids: tuple[str, ...] = ()  # prefixes of values that are not a person's id

    @property
    def name(self) -> str:
        return f"{self.table.__tablename__}.{self.column.key}"

    def plain(self) -> ColumnElement[bool]:
        """Rows whose value is a person's id in plain text."""
        conditions = [self.column != "", self.column.not_like(f"{USER_KEY_PREFIX}%")]
        conditions += [self.column.not_like(f"{prefix}%") for prefix in self.not_ids]
        return and_(*conditions)


OWNER_COLUMNS = (
    OwnerColumn(ClaimRow, ClaimRow.owner),
    OwnerColumn(RateRow, RateRow.owner),
    OwnerColumn(WorkshopRunRow, WorkshopRunRow.facilitator),
    OwnerColumn(WorkshopParticipantRow, WorkshopParticipantRow.participant),
    OwnerColumn(WorkshopAnswerRow, WorkshopAnswerRow.participant, (ANONYMOUS_PREFIX,)),
    OwnerColumn(WorkshopReminderRow, WorkshopReminderRow.participant, (ANONYMOUS_PREFIX,)),
    OwnerColumn(OutboxRow, OutboxRow.owner),
    OwnerColumn(AuditRow, AuditRow.actor),
)

# A Slack user id (U... or, in Enterprise Grid, W...) standing alone in an outbox key or stream
SLACK_USER_ID = re.compile(r"(?<![A-Za-z0-9_~-])[UW][A-Z0-9]+(?![A-Za-z0-9_-])")
SEALED_MARK = "~"  # what a sealed id starts with in a key or stream (a keyed hash follows)


def seal_ids(text: str, cipher: Cipher) -> str:
    """`text` (an outbox key or stream) with every Slack user id in it replaced by a keyed hash
    of the id: the same id, the same stand-in (so keys stay unique per message and streams keep
    their order), and nobody without the key can tell whose it is. Sealing twice changes
    nothing."""
    return SLACK_USER_ID.sub(lambda m: SEALED_MARK + cipher.pseudonym(m.group(0), 20), text)


def has_plain_ids(text: str) -> bool:
    return SLACK_USER_ID.search(text) is not None


def _present(engine: Engine) -> set[str]:
    """The tables this database has (one an older schema lacks holds nothing to convert)."""
    return set(inspect(engine).get_table_names())


def pseudonymise_users(engine: Engine, cipher: Cipher) -> int:
    """Encrypt every plain id in the users table; how many rows changed (0 once done, and
    cheap: one indexed query at each start)."""
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions() as session:
        rows = session.execute(
            select(UserRow.id, UserRow.external_id).where(
                UserRow.external_id.not_like(f"{USER_KEY_PREFIX}%")
            )
        ).all()
        changed = 0
        for user_id, external_id in rows:
            try:
                with session.begin_nested():
                    result = session.execute(
                        update(UserRow)
                        .where(UserRow.id == user_id, UserRow.external_id == external_id)
                        .values(external_id=cipher.user_key(external_id))
                    )
                    changed += int(getattr(result, "rowcount", 0) or 0)
            except IntegrityError:  # an older release running beside this one made a twin
                log.warning("a person has rows under both a plain and an encrypted id")
        session.commit()
    if changed:
        log.info("encrypted %d people's ids stored in plain text", changed)
    return changed


def plain_user_ids(engine: Engine) -> int:
    """How many users rows still hold an id in plain text."""
    with sessionmaker(engine)() as session:
        count = session.scalar(
            select(func.count())
            .select_from(UserRow)
            .where(UserRow.external_id.not_like(f"{USER_KEY_PREFIX}%"))
        )
    return int(count or 0)


def pseudonymise_owners(engine: Engine, cipher: Cipher) -> int:
    """Encrypt every plain id in the other columns that name a person (``OWNER_COLUMNS``),
    row by row in one transaction; how many rows changed (0 once done: one indexed query per
    column at each start). A row whose encrypted twin already exists (an older release running
    beside this one wrote both) is a duplicate and is deleted."""
    sessions = sessionmaker(engine, expire_on_commit=False)
    changed = 0
    present = _present(engine)
    with sessions() as session:
        for owned in OWNER_COLUMNS:
            if owned.table.__tablename__ not in present:
                continue
            keys = list(inspect(owned.table).primary_key)
            rows = session.execute(select(*keys, owned.column).where(owned.plain())).all()
            for row in rows:
                *key, plain = row
                where = [column == value for column, value in zip(keys, key, strict=True)]
                try:
                    with session.begin_nested():
                        session.execute(
                            update(owned.table)
                            .where(*where)
                            .values({owned.column.key: cipher.user_key(plain)})
                        )
                except IntegrityError:
                    log.warning("a duplicate row under a plain id in %s removed", owned.name)
                    session.execute(delete(owned.table).where(*where))
                changed += 1
        session.commit()
    if changed:
        log.info("encrypted %d plain people's ids in claims, rate limits and workshops", changed)
    return changed


def seal_outbox(engine: Engine, cipher: Cipher) -> int:
    """Seal the Slack user ids in outbox keys and streams written by older releases (after
    `pseudonymise_owners`, so owners are done); how many rows changed. Every outbox row is read
    (the outbox keeps a week of rows at most), in one transaction."""
    if OutboxRow.__tablename__ not in _present(engine):
        return 0
    sessions = sessionmaker(engine, expire_on_commit=False)
    changed = 0
    with sessions() as session:
        rows = session.execute(select(OutboxRow.id, OutboxRow.key, OutboxRow.stream)).all()
        for row_id, key, stream in rows:
            if not (has_plain_ids(key) or has_plain_ids(stream)):
                continue
            sealed = seal_ids(key, cipher)
            try:
                with session.begin_nested():
                    session.execute(
                        update(OutboxRow)
                        .where(OutboxRow.id == row_id)
                        .values(key=sealed, stream=seal_ids(stream, cipher))
                    )
            except IntegrityError:  # the same message owed again under its sealed key
                log.warning("a duplicate outbox row under a plain id removed")
                session.execute(delete(OutboxRow).where(OutboxRow.id == row_id))
            changed += 1
        session.commit()
    if changed:
        log.info("sealed people's ids in %d outbox rows", changed)
    return changed


def plain_outbox_ids(engine: Engine) -> int:
    """How many outbox rows name a person by a plain Slack id in their key or stream."""
    if OutboxRow.__tablename__ not in _present(engine):
        return 0
    with sessionmaker(engine)() as session:
        rows = session.execute(select(OutboxRow.key, OutboxRow.stream)).all()
    return sum(1 for key, stream in rows if has_plain_ids(key) or has_plain_ids(stream))


def plain_owner_ids(engine: Engine) -> dict[str, int]:
    """How many rows of each column that names a person still hold an id in plain text (only
    the columns with any)."""
    found: dict[str, int] = {}
    present = _present(engine)
    with sessionmaker(engine)() as session:
        for owned in OWNER_COLUMNS:
            if owned.table.__tablename__ not in present:
                continue
            count = session.scalar(
                select(func.count()).select_from(owned.table).where(owned.plain())
            )
            if count:
                found[owned.name] = int(count)
    outbox = plain_outbox_ids(engine)
    if outbox:
        found["outbox.key/stream"] = outbox
    return found
