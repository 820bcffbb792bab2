"""Issue 13, at rest: no person's Slack id in plain text anywhere in the database, not only in
`users`: the owners of delivery claims and rate-limit windows, a workshop's facilitator, its
registered participants and named answers and reminders hold the id encrypted (AES-SIV, as
`users`), and so do the person a Slack call in the outbox is owed to and the author of an audit
entry; the outbox's keys and streams hold a keyed hash of each id in them. The services still
find, remind, export, list and forget by the plain id. Rows left in
plain text by an older release are encrypted when the stores open; `anchor doctor` names any
that remain."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from bot.config import PROJECT_ROOT, Settings
from bot.content.workshops import load_workshop_plans
from bot.doctor import check_identities
from bot.store.crypto import USER_KEY_PREFIX
from bot.store.identity import OWNER_COLUMNS, plain_owner_ids, pseudonymise_owners
from bot.store.open import Stores, open_stores
from bot.store.outbox import OutboxStore
from bot.store.tables import OutboxRow
from bot.store.workshop_runs import WorkshopStore
from bot.workshops import Workshops

PLANS = load_workshop_plans(PROJECT_ROOT / "prompts")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning
FACILITATOR = "slack:U0FACIL77"
BURSTY = "slack:U0BURST77"
PEOPLE = [f"slack:U0PERSON{n}" for n in range(1, 5)]
PLANTED = [FACILITATOR, BURSTY, *PEOPLE]
SKIPPED = "Attending: listening fully, without half an eye on the next thing"


def workshops(stores: Stores) -> Workshops:
    return Workshops(
        WorkshopStore(stores.engine, stores.cipher), PLANS, is_facilitator=lambda a: True
    )


def busy_day(stores: Stores) -> Workshops:
    """A rate-limited burst, its delivery claims, a live workshop with named and anonymous
    answers, and an async one with registrations and reminders."""
    for n in range(stores.rates.limit + 3):
        stores.rates.hit(BURSTY, now=T0.timestamp() + n)
        stores.claims.claim(f"Ev{n:04d}", owner=BURSTY, now=T0.timestamp())
    stores.conversations.user_id(BURSTY)
    service = workshops(stores)
    service.start(FACILITATOR, "C0LIVE", "compassionate-leadership-in-practice", now=T0)
    for person in PEOPLE:
        service.answer(person, "C0LIVE", "first-two-minutes", "I listened first", now=T0)
    service.next(FACILITATOR, "C0LIVE", now=T0 + timedelta(minutes=10))
    for person in PEOPLE:
        service.answer(person, "C0LIVE", "behaviour-skipped", SKIPPED, now=T0)
    service.end(FACILITATOR, "C0LIVE", now=T0 + timedelta(hours=1))
    service.start(FACILITATOR, "C0WEEK", "week-of-system-reflection", now=T0)
    for person in PEOPLE:
        service.join(person, "C0WEEK")
    service.answer(PEOPLE[0], "C0WEEK", "monday-relationship", "we met", now=T0)
    reminded = service.due_reminders(T0 + timedelta(hours=12))
    assert sorted(r.participant for r in reminded) == PEOPLE[1:]  # read back with the key
    owe_messages(stores)
    stores.audit.write(FACILITATOR, "themes.view", {"since": "30d"}, "shown")
    return service


def owe_messages(stores: Stores) -> OutboxStore:
    """Outbox rows of every shape the Slack layer writes that names a person."""
    outbox = OutboxStore(stores.engine, stores.cipher)
    for external in PEOPLE:
        user = external.removeprefix("slack:")
        outbox.add(
            "chat.postMessage",
            {"text": "hi"},
            stream="D0DM",
            owner=external,
            key=f"notice:{user}",
            now=T0.timestamp(),
        )
        outbox.add(
            "chat.postMessage",
            {"text": "yours"},
            stream="D0DM",
            owner=external,
            key=f"copy:7:{user}",
            now=T0.timestamp(),
        )
        outbox.add(
            "chat.postMessage",
            {"text": "due"},
            stream="D0DM",
            owner=external,
            key=f"remind:7:monday:{user}",
            now=T0.timestamp(),
        )
        outbox.add(
            "views.publish",
            {"user_id": user},
            stream=f"home:{user}",
            owner=external,
            latest=f"home:{user}",
            now=T0.timestamp(),
        )
        outbox.add(
            "chat.postEphemeral",
            {"user": user},
            stream=f"C0LIVE:to:{user}",
            owner=external,
            now=T0.timestamp(),
        )
    return outbox


def every_value(path: Path) -> list[tuple[str, str, str | bytes]]:
    """(table, column, value) for every text or binary value in every table, read with plain
    sqlite3 as anyone holding a copy of the file could."""
    found: list[tuple[str, str, str | bytes]] = []
    with sqlite3.connect(path) as connection:
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        for table in tables:
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info('{table}')")]
            for row in connection.execute(f"SELECT * FROM '{table}'"):
                found += [
                    (table, column, value)
                    for column, value in zip(columns, row, strict=True)
                    if isinstance(value, str | bytes)
                ]
    return found


def test_no_slack_id_in_plain_text_anywhere_after_a_workshop_and_a_burst(
    settings: Settings,
) -> None:
    stores = open_stores(settings)
    service = busy_day(stores)
    stores.engine.dispose()

    values = every_value(settings.data_dir / "anchor.db")
    assert len(values) > 50
    ids = [planted.removeprefix("slack:") for planted in PLANTED]
    leaks = [
        (table, column)
        for table, column, value in values
        for text in [value if isinstance(value, str) else value.decode("latin-1")]
        if "slack:" in text or any(id_ in text for id_ in ids)
    ]
    assert leaks == []
    assert check_identities(stores.engine, None).ok

    # and everything still works by the plain id
    assert service.participants("C0WEEK") == sorted(PEOPLE)
    copy = service.own_answers(PEOPLE[0], "C0LIVE")
    assert {a.step_id for a in copy.answers} == {"first-two-minutes", "behaviour-skipped"}
    exported = stores.rights.export_user_data(BURSTY)
    assert len(exported["delivery_records"]) == stores.rates.limit + 3
    assert exported["rate_limit_windows"] != []
    forgotten = stores.rights.forget_user(PEOPLE[1])
    assert forgotten["workshop_answers"] >= 3  # named, anonymous, registration, reminder
    assert service.participants("C0WEEK") == sorted(set(PEOPLE) - {PEOPLE[1]})
    gone = stores.rights.forget_user(BURSTY)
    assert gone["delivery_records"] == stores.rates.limit + 3 and gone["rate_limit_windows"] >= 1

    # the outbox: owed once per key, listed to an operator by the plain id, forgotten by it
    outbox = OutboxStore(stores.engine, stores.cipher)
    user = PEOPLE[2].removeprefix("slack:")
    again = outbox.add("chat.postMessage", {}, stream="D0DM", owner=PEOPLE[2], key=f"notice:{user}")
    assert again is None
    assert {e.owner for e in outbox.entries()} == {PEOPLE[0], PEOPLE[2], PEOPLE[3]}
    assert outbox.forget(PEOPLE[2]) == 5
    assert stores.rights.forget_user(PEOPLE[3])["messages_queued"] == 5
    # the audit log: who did what, read with the key
    assert [e.actor for e in stores.audit.entries()] == [FACILITATOR]


def test_plain_ids_left_by_an_older_release_are_encrypted_when_the_stores_open(
    cfg: Settings,
) -> None:
    stores = open_stores(cfg)
    service = busy_day(stores)
    # as an older release wrote them: every id column in plain text
    with stores.engine.begin() as connection:
        for owned in OWNER_COLUMNS:
            stored = owned.column.like(f"{USER_KEY_PREFIX}%")
            for value in {
                v
                for (v,) in connection.execute(
                    owned.table.__table__.select().with_only_columns(owned.column).where(stored)
                )
            }:
                connection.execute(
                    update(owned.table)
                    .where(owned.column == value)
                    .values({owned.column.key: stores.cipher.user_id(value)})
                )
    plain = plain_owner_ids(stores.engine)
    assert set(plain) == {owned.name for owned in OWNER_COLUMNS}
    found = check_identities(stores.engine, None)
    assert not found.ok and "workshop_runs.facilitator" in found.detail

    reopened = open_stores(cfg)  # the next start converts them, once
    assert plain_owner_ids(stores.engine) == {} and check_identities(stores.engine, None).ok
    assert pseudonymise_owners(reopened.engine, reopened.cipher) == 0
    assert service.participants("C0WEEK") == sorted(PEOPLE)
    assert stores.rates.hit(BURSTY, now=T0.timestamp() + 5).count == stores.rates.limit + 4
    assert stores.rights.forget_user(PEOPLE[0])["workshop_answers"] >= 3
    assert [e.actor for e in reopened.audit.entries()] == [FACILITATOR]


def test_outbox_keys_and_streams_an_older_release_wrote_are_sealed_when_the_stores_open(
    cfg: Settings,
) -> None:
    stores = open_stores(cfg)
    with stores.engine.begin() as connection:  # as an older release wrote them
        for user in ("U0OLDER1", "W0GRID22"):
            connection.execute(
                OutboxRow.__table__.insert().values(
                    key=f"notice:{user}",
                    owner=f"slack:{user}",
                    stream=f"C0X:to:{user}",
                    method="chat.postMessage",
                    payload_enc=b"",
                    status="pending",
                    attempts=0,
                    failures=0,
                    created_at=0,
                    due_at=0,
                )
            )
    assert plain_owner_ids(stores.engine) == {"outbox.owner": 2, "outbox.key/stream": 2}
    assert not check_identities(stores.engine, None).ok

    reopened = open_stores(cfg)
    assert plain_owner_ids(reopened.engine) == {} and check_identities(reopened.engine, None).ok
    outbox = OutboxStore(reopened.engine, reopened.cipher)
    # found again by the plain key: the same message is not owed twice
    assert outbox.add("chat.postMessage", {}, stream="C0X", key="notice:U0OLDER1") is None
    assert reopened.rights.forget_user("slack:W0GRID22")["messages_queued"] == 1
