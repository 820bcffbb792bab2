"""No person's Slack id in plain text in the outbox or anywhere else in the database after a
day's Slack traffic (issue 13): DM replies, a live workshop (steps, an answer, a late answer's
private note, the end with the summary and everyone's copy), a my-data upload, App Home and
`/anchor` answers by response_url, read with plain sqlite3 as anyone with a copy of the file
could; then `anchor doctor`'s check agrees, and forget-me still finds a person's rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.doctor import check_identities
from bot.slack.loopback import FakeSlack
from bot.slack.workshops import blocks as wb
from bot.store.tables import OutboxRow
from tests.slack.conftest import Rig, dm, make_rig, settle
from tests.slack.test_workshops import (
    CHANNEL,
    FAC,
    LIVE,
    PEOPLE,
    answer,
    last_step,
    press,
    text,
    workshop,
    workshop_config,
)

LEADER = "U0LEADER7"


@pytest.fixture
def rig(settings: Settings, fake_slack: FakeSlack) -> Iterator[Rig]:
    rig = make_rig(workshop_config(settings, fake_slack), fake_slack)
    with rig.served:
        yield rig
    rig.services.close()


def stored_text(path: Path) -> str:
    """Every text and binary value in every table, as one string."""
    found: list[str] = []
    with sqlite3.connect(path) as connection:
        tables = [
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        for table in tables:
            for row in connection.execute(f"SELECT * FROM '{table}'"):
                found += [
                    v if isinstance(v, str) else v.decode("latin-1")
                    for v in row
                    if isinstance(v, str | bytes)
                ]
    return "\n".join(found)


def test_no_slack_id_in_the_outbox_after_replies_a_workshop_and_a_my_data_upload(
    rig: Rig,
) -> None:
    fake = rig.fake
    dm(rig, LEADER, "Our council partner walked out of the ICP. What now?", "1700000001.000100")
    started = workshop(rig, FAC, f"start {LIVE}")
    answer(rig, PEOPLE[0], last_step(rig), text("I listened first"))
    press(rig, FAC, started, wb.END)
    assert fake.wait_for(lambda: any(c.ok for c in fake.of("files.completeUploadExternal")), 30)
    rig.sender.command(PEOPLE[0], "my-data")
    rig.sender.command(LEADER, "goals")
    assert fake.wait_for(
        lambda: sum(1 for c in fake.of("files.completeUploadExternal") if c.ok) >= 2, 30
    )
    settle(rig)
    with rig.services.stores.engine.connect() as conn:
        queued = int(conn.scalar(select(func.count()).select_from(OutboxRow)) or 0)
    assert queued >= 8  # the reply, steps, the end, summary, files, a copy, my-data, answers

    everything = stored_text(rig.settings.data_dir / "anchor.db")
    for user in [LEADER, FAC, *PEOPLE]:
        assert user not in everything, user
    assert CHANNEL in everything  # channels are not people: the scan does see plain text
    assert check_identities(rig.services.stores.engine, None).ok

    gone = rig.services.stores.rights.forget_user(f"slack:{PEOPLE[0]}")
    assert gone["messages_queued"] >= 2  # their copy and their my-data upload
