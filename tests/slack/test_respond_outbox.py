"""Replies by response_url go through the outbox (issue 14): a slash command's or a button's
answer outlasts a burst of 500, 503, reset connections and 429 at the response_url and arrives
once; the URL waits encrypted and is erased once used; a reply Slack would no longer take (a
response_url older than 30 minutes, or used 5 times) is given up with that reason and shown to
an operator, not tried again and again."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.slack.loopback import Behaviour, FakeSlack
from bot.slack.outbox import RESPOND
from bot.store.outbox import FAILED, SENT
from bot.store.tables import OutboxRow
from tests.slack.conftest import Rig, make_rig, settle, slack_config

FAST = {"outbox_backoff": 0.05, "outbox_backoff_max": 0.5}
BURST = [
    Behaviour("status", 500),
    Behaviour("status", 503),
    Behaviour("reset"),
    Behaviour("status", 429, {"Retry-After": "1"}),
    Behaviour("status", 503),
]


@pytest.fixture
def fast_rig(slack_settings: Settings, fake_slack: FakeSlack) -> Iterator[Rig]:
    rig = make_rig(slack_config(slack_settings, fake_slack, **FAST), fake_slack)
    with rig.served:
        yield rig
    rig.services.close()


def responses(rig: Rig) -> list[OutboxRow]:
    with rig.services.stores.engine.connect() as conn:
        query = select(OutboxRow).where(OutboxRow.method == RESPOND).order_by(OutboxRow.id)
        return list(conn.execute(query).all())


def delivered(fake: FakeSlack) -> list[str]:
    return [str(c.args.get("text")) for c in fake.of("response_url") if c.ok]


def test_a_command_answer_outlasts_a_burst_at_the_response_url_and_arrives_once(
    fast_rig: Rig,
) -> None:
    rig, fake = fast_rig, fast_rig.fake
    fake.script("response_url", *BURST)
    rig.sender.command("U0GOALS1", "goals")
    assert fake.wait_for(lambda: delivered(fake), 30)
    settle(rig)
    assert delivered(fake) == [rig.services.texts.command.goals_heading]
    assert len(fake.of("response_url")) == len(BURST) + 1  # every failure tried again
    [row] = responses(rig)
    assert row.status == SENT and row.failures >= 2 and row.payload_enc == b""
    assert "U0GOALS1" not in row.owner


def test_the_response_url_waits_encrypted_and_a_button_answer_goes_through_the_outbox(
    fast_rig: Rig,
) -> None:
    rig, fake = fast_rig, fast_rig.fake
    fake.script("response_url", *[Behaviour("status", 503)] * 400)  # Slack is down a while
    rig.sender.command("U0PRIV01", "privacy")
    assert fake.wait_for(lambda: len(fake.of("response_url")) >= 2, 20)
    db = sqlite3.connect(rig.settings.data_dir / "anchor.db")
    stored = b"".join(
        bytes(str(value), "utf-8") if not isinstance(value, bytes) else value
        for row in db.execute("SELECT * FROM outbox")
        for value in row
    )
    db.close()
    assert b"/response/" not in stored and b"U0PRIV01" not in stored
    fake.scripts.clear()  # Slack is back
    assert fake.wait_for(lambda: delivered(fake), 30)
    assert delivered(fake) == [rig.services.texts.privacy.choose]


def test_a_reply_to_a_response_url_older_than_30_minutes_is_given_up_and_listed(
    fast_rig: Rig,
) -> None:
    rig, fake = fast_rig, fast_rig.fake
    outbox = rig.services.outbox
    row_id = outbox.add(
        RESPOND,
        channel=None,
        owner="slack:U0LATE01",
        stream="response_url:late",
        url=fake.response_url("late"),
        issued_at=time.time() - 31 * 60,
        body={"text": "too late"},
    )
    outbox.poke()
    assert fake.wait_for(lambda: outbox.store.result(row_id or 0) == (FAILED, None, None), 10)
    assert fake.of("response_url") == []  # never tried: Slack would refuse it
    assert "response_url expired (older than 30 minutes)" in (
        outbox.store.last_error(row_id or 0) or ""
    )
    [entry] = outbox.store.entries(FAILED)
    assert entry.owner == "slack:U0LATE01" and entry.method == RESPOND
    assert outbox.store.backlog().failed == 1


def test_a_sixth_reply_to_one_response_url_is_given_up_not_retried(fast_rig: Rig) -> None:
    rig, fake = fast_rig, fast_rig.fake
    fake.response_url_uses = 5  # as Slack: the 6th post gets 404 used_url
    outbox = rig.services.outbox
    for n in range(6):
        outbox.add(
            RESPOND,
            channel=None,
            owner="slack:U0MANY01",
            stream="response_url:many",
            url=fake.response_url("many"),
            issued_at=time.time(),
            body={"text": f"answer {n}"},
        )
    outbox.poke()
    assert fake.wait_for(lambda: len(delivered(fake)) == 5, 20)
    settle(rig)
    assert delivered(fake) == [f"answer {n}" for n in range(5)]  # in order
    statuses = [row.status for row in responses(rig)]
    assert statuses == [SENT] * 5 + [FAILED]
    assert responses(rig)[-1].last_error == "response_url used up (5 replies sent to it)"
    assert len(fake.of("response_url")) == 5  # the 6th was never posted


def test_slack_refusing_a_used_response_url_gives_up_at_once(fast_rig: Rig) -> None:
    rig, fake = fast_rig, fast_rig.fake
    fake.script("response_url", Behaviour("status", 404))
    rig.sender.command("U0USED01", "goals")
    assert fake.wait_for(lambda: fake.of("response_url"), 20)
    settle(rig)
    [row] = responses(rig)
    assert row.status == FAILED and row.last_error == "HTTP 404 used_url"
    assert len(fake.of("response_url")) == 1
