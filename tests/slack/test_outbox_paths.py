"""Every path newly routed through the outbox, against the fake Slack on loopback with bursts of
500, 503, reset connections and 429: file uploads arrive once and leave no content behind; App
Home views are coalesced; a reply owed with its turn is written with it or not at all (an
exception injected between the writes); a workshop step queued before a restart is posted once
after it, and its ts is noted for the tallies."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.slack import conversation
from bot.slack.loopback import Behaviour, FakeSlack
from bot.slack.workshops import posting
from bot.store.outbox import SENT, OutboxStore
from bot.store.tables import OutboxRow, TurnRow
from tests.slack.conftest import Rig, dm, make_rig, settle, slack_config, threaded
from tests.slack.test_workshops import (
    CHANNEL,
    FAC,
    LIVE,
    run_of,
    step_posts,
    workshop,
    workshop_config,
)

FAST = {"outbox_backoff": 0.05, "outbox_backoff_max": 0.5}
BURST = [
    Behaviour("status", 500),
    Behaviour("status", 503),
    Behaviour("reset"),
    Behaviour("status", 429, {"Retry-After": "1"}),
    Behaviour("status", 503),
]
QUESTION = "Our council partner walked out of the ICP over the funding paper. What now?"


@pytest.fixture
def fast_rig(slack_settings: Settings, fake_slack: FakeSlack) -> Iterator[Rig]:
    rig = make_rig(slack_config(slack_settings, fake_slack, **FAST), fake_slack)
    with rig.served:
        yield rig
    rig.services.close()


def rows(rig: Rig, method: str) -> list[OutboxRow]:
    with rig.services.stores.engine.connect() as conn:
        return list(conn.execute(select(OutboxRow).where(OutboxRow.method == method)).all())


def turns(rig: Rig) -> int:
    with rig.services.stores.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(TurnRow)) or 0)


def test_my_data_arrives_once_through_a_burst_and_leaves_no_copy_in_the_outbox(
    fast_rig: Rig,
) -> None:
    rig, fake = fast_rig, fast_rig.fake
    fake.script("files.getUploadURLExternal", *BURST)
    fake.script("files.completeUploadExternal", Behaviour("status", 503), Behaviour("reset"))
    rig.sender.command("U6", "my-data")
    assert fake.wait_for(lambda: any(c.ok for c in fake.of("files.completeUploadExternal")), 60)
    settle(rig)
    assert [c.ok for c in fake.of("files.completeUploadExternal")].count(True) == 1
    [upload] = [c for c in fake.of("files.completeUploadExternal") if c.ok]
    file_id = upload.args["files"][0]["id"]
    assert "conversations" in json.loads(fake.uploads[file_id])  # the export, whole
    [row] = rows(rig, "files_upload_v2")
    assert row.status == SENT and row.payload_enc == b""  # the export is not kept
    assert fake.of("response_url")[-1].args["text"].startswith("I've sent a copy")


def test_app_home_goes_out_through_failures_and_only_the_newest_waiting_view(
    fast_rig: Rig,
) -> None:
    rig, fake = fast_rig, fast_rig.fake
    fake.script("views.publish", *BURST)
    event = {"type": "app_home_opened", "user": "U11", "channel": "D11", "tab": "home"}
    for _ in range(4):
        rig.sender.send_event(event)
    assert fake.wait_for(lambda: any(c.ok for c in fake.of("views.publish")), 60)
    settle(rig)
    published = [c for c in fake.of("views.publish") if c.ok]
    assert 1 <= len(published) < 4  # views waiting behind one in flight were replaced
    assert published[-1].args["user_id"] == "U11"
    assert published[-1].args["view"]["type"] == "home"


def test_a_reply_whose_release_fails_still_arrives_once_in_plain_text(
    fast_rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig, fake = fast_rig, fast_rig.fake
    rig.services.leaders.first_contact("slack:U31")
    monkeypatch.setattr(conversation, "REPLY_HOLD", 1.0)

    def crash(*args: object, **kwargs: object) -> bool:
        raise RuntimeError("the worker dies after the turn's commit")

    monkeypatch.setattr(conversation, "_fill", crash)
    fake.script("chat.postMessage", Behaviour("status", 503), Behaviour("status", 500))
    dm(rig, "U31", QUESTION, "1700007000.000100")
    assert fake.wait_for(lambda: len(threaded(fake, "1700007000.000100")) >= 1, 30)
    settle(rig)
    [reply] = threaded(fake, "1700007000.000100")
    assert reply.args["text"] and "blocks" not in reply.args  # as written with the turn
    assert rig.services.metrics.value("errors") == 0  # no apology beside the answer
    assert turns(rig) == 2


def test_a_turn_whose_outbox_write_fails_leaves_no_turn_and_no_reply(
    fast_rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig, fake = fast_rig, fast_rig.fake
    rig.services.leaders.first_contact("slack:U32")

    def crash(*args: object, **kwargs: object) -> bool:
        raise RuntimeError("the database goes away mid-transaction")

    monkeypatch.setattr(OutboxStore, "add_in", staticmethod(crash))
    dm(rig, "U32", QUESTION, "1700007100.000100")
    assert fake.wait_for(lambda: len(threaded(fake, "1700007100.000100")) >= 1, 30)
    settle(rig)
    [said] = threaded(fake, "1700007100.000100")
    assert said.args["text"] == rig.services.texts.conversation.error  # the apology only
    assert turns(rig) == 0  # the turn went with its reply


def test_a_step_queued_before_a_restart_is_posted_once_after_it_and_tallied(
    settings: Settings, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(posting, "POST_WAIT", 0.5)
    config = workshop_config(settings, fake_slack, **FAST)
    first = make_rig(config, fake_slack)
    with first.served:
        workshop(first, FAC, f"start {LIVE}")
        fake_slack.script("chat.postMessage", *[Behaviour("status", 503)] * 200)
        before = len(fake_slack.of("response_url"))
        first.sender.command(FAC, "workshop next", CHANNEL)  # Slack is down: step 2 waits
        assert fake_slack.wait_for(lambda: len(fake_slack.of("response_url")) > before, 20)
        assert "Now on step 2" in fake_slack.of("response_url")[-1].args["text"]
        assert len(step_posts(first)) == 1
    first.services.close()
    fake_slack.scripts.clear()  # Slack is back
    again = make_rig(config, fake_slack)
    with again.served:
        assert fake_slack.wait_for(lambda: len(step_posts(again)) == 2, 30)
        workshop(again, FAC, "status")  # finds step 2 queued or posted: not again
        settle(again)
        assert len(step_posts(again)) == 2
        step = run_of(again).steps[1]
        assert step.message_ts == json.loads(step_posts(again)[-1].body)["ts"]
        assert step_posts(again)[-1].args["channel"] == CHANNEL
    again.services.close()
