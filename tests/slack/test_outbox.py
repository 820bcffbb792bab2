"""Replies go through the outbox: with Slack answering 500, 503, a reset connection and 429 with
Retry-After in bursts, every reply arrives exactly once and in order per thread (in process, and
with a real `anchor serve --http` killed with SIGKILL mid-burst and restarted on the same data);
two workers never send one row twice; a broken stream is finished from the outbox; a message
given up shows in /readyz, /metrics and `anchor outbox`, and goes out when retried."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.config import Settings
from bot.slack.app import make_client
from bot.slack.loopback import Behaviour, Call, FakeSlack, Sender
from bot.slack.metrics import Metrics
from bot.slack.outbox import Outbox
from bot.slack.services import SlackServices
from bot.store.conversations import make_engine
from bot.store.crypto import Cipher, load_or_create_key
from bot.store.outbox import OutboxStore
from bot.store.tables import OutboxRow
from tests.coach.test_llm import BED_PLAN, answer, with_model
from tests.helpers import key_file
from tests.slack.conftest import (
    SECRET,
    TOKEN,
    Rig,
    block_ids,
    dm,
    make_rig,
    settle,
    slack_config,
    threaded,
)

QUESTION = "Our council partner walked out of the ICP over the funding paper. What now?"
FAST = {"outbox_backoff": 0.05, "outbox_backoff_max": 0.5}
# a burst of each kind Slack fails with, up to five in a row
BURSTS = [
    *[Behaviour("status", 500)] * 3,
    Behaviour("status", 429, {"Retry-After": "1"}),
    *[Behaviour("status", 503)] * 5,
    Behaviour("reset"),
    Behaviour("reset"),
    *[Behaviour("status", 500), Behaviour("status", 503)] * 2,
    Behaviour("status", 429, {"Retry-After": "1"}),
    Behaviour("reset"),
]


def reply_keys(fake: FakeSlack) -> list[str]:
    """The outbox key of every reply Slack took, in the order it took them."""
    return [
        str(c.args["metadata"]["event_payload"]["key"])
        for c in fake.replies()
        if str((c.args.get("metadata") or {}).get("event_payload", {}).get("key", "")).startswith(
            "reply:"
        )
    ]


def send_threads(
    send: Any, threads: dict[str, list[str]], pause: float = 0.0
) -> list[tuple[str, str]]:
    """DM each user's messages in turn (all in one thread per user); the (channel, ts) sent."""
    sent = []
    for n in range(max(len(m) for m in threads.values())):
        for user, stamps in threads.items():
            if n < len(stamps):
                send(user, stamps[n], stamps[0])
                sent.append(("D" + user.lstrip("U"), stamps[n]))
                time.sleep(pause)
    return sent


def assert_once_in_order(fake: FakeSlack, sent: list[tuple[str, str]]) -> None:
    keys = reply_keys(fake)
    counts = Counter(keys)
    assert {k: n for k, n in counts.items() if n > 1} == {}  # nothing twice
    assert set(keys) == {f"reply:{channel}:{ts}" for channel, ts in sent}  # nothing lost
    for channel in {c for c, _ in sent}:  # each thread in the order its messages came
        mine = [k for k in keys if k.startswith(f"reply:{channel}:")]
        assert mine == [f"reply:{c}:{ts}" for c, ts in sent if c == channel]


THREADS = {
    "U21": ["1700005000.000100", "1700005000.000200", "1700005000.000300"],
    "U22": ["1700005100.000100", "1700005100.000200", "1700005100.000300"],
}


def test_every_reply_arrives_once_and_in_order_through_bursts_of_failures(
    slack_settings: Settings, fake_slack: FakeSlack
) -> None:
    rig = make_rig(slack_config(slack_settings, fake_slack, **FAST), fake_slack)
    for user in THREADS:
        rig.services.leaders.first_contact(f"slack:{user}")
    fake_slack.script("chat.postMessage", *BURSTS)
    with rig.served:

        def send(user: str, ts: str, thread: str) -> None:
            dm(rig, user, QUESTION, ts, thread_ts=None if ts == thread else thread)

        sent = send_threads(send, THREADS)
        assert fake_slack.wait_for(lambda: len(reply_keys(fake_slack)) >= len(sent), 60)
        settle(rig)
    rig.services.close()
    assert_once_in_order(fake_slack, sent)
    failures = [c for c in fake_slack.of("chat.postMessage") if c.status != 200]
    assert len(failures) == len(BURSTS)  # every scripted failure was met, and then retried
    metrics = rig.services.metrics
    assert metrics.value("replies") == len(sent) and metrics.value("errors") == 0
    assert metrics.value("delivery_retries") >= len(BURSTS) - 1
    # Retry-After was honoured: nothing was posted within a second of a 429
    for n, call in enumerate(fake_slack.of("chat.postMessage")):
        if call.status == 429:
            after = fake_slack.of("chat.postMessage")[n + 1]
            assert after.at - call.at >= 1.0


# ---- a real server, killed and restarted ----------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--http", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return process
        except OSError:
            assert time.monotonic() < deadline and process.poll() is None, "no server"
            time.sleep(0.2)


def queued(database: Path) -> int:
    engine = make_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(OutboxRow)) or 0)
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_server_killed_mid_burst_and_restarted_delivers_every_reply_once_in_order(
    tmp_path: Path, index_dir: Path, fake_slack: FakeSlack
) -> None:
    data = tmp_path / "data"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ANCHOR_", "SLACK_"))}
    env = {
        **clean,
        "ANCHOR_DATA_DIR": str(data),
        "ANCHOR_INDEX_DIR": str(index_dir),
        "ANCHOR_ENCRYPTION_KEY_FILE": str(key_file(tmp_path / "secrets")),
        "ANCHOR_OUTBOX_BACKOFF": "0.2",
        "ANCHOR_OUTBOX_BACKOFF_MAX": "1",
        "ANCHOR_OUTBOX_LEASE_SECONDS": "5",
        "ANCHOR_SLACK_FOLLOWUP_INTERVAL": "0",
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake_slack.api_url,
    }
    port = free_port()
    server = serve(env, port)
    sender = Sender(f"http://127.0.0.1:{port}/slack/events", SECRET)
    # long bursts, so the kill lands while Slack is still failing
    fake_slack.script("chat.postMessage", *BURSTS, *BURSTS)

    def send(user: str, ts: str, thread: str) -> None:
        from bot.slack.loopback import dm_event

        event = dm_event(user, QUESTION, ts, thread_ts=None if ts == thread else thread)
        assert sender.send_event(event).status == 200

    try:
        sent = send_threads(send, THREADS)
        notices = len(THREADS)  # each person's first contact queues the privacy notice too
        database = data / "anchor.db"
        deadline = time.monotonic() + 60
        while queued(database) < len(sent) + notices:
            assert time.monotonic() < deadline, "the replies were not queued"
            time.sleep(0.1)
        assert fake_slack.wait_for(lambda: len(fake_slack.of("chat.postMessage")) >= 8, 60)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
        delivered_before = len(reply_keys(fake_slack))
        assert delivered_before < len(sent)  # killed mid-burst, with replies still owed
        server = serve(env, port)
        assert fake_slack.wait_for(lambda: len(reply_keys(fake_slack)) >= len(sent), 120)
        time.sleep(1.0)  # anything sent twice would arrive now
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=60)
    assert_once_in_order(fake_slack, sent)
    assert "Traceback" not in stderr


# ---- two workers on one database -------------------------------------------------------------


def test_two_workers_on_one_database_never_send_a_row_twice(
    slack_settings: Settings, fake_slack: FakeSlack
) -> None:
    config = slack_config(slack_settings, fake_slack, **FAST)
    cipher = Cipher(load_or_create_key(None, config.data_dir))
    engines = [make_engine(config.resolved_database_url) for _ in range(2)]
    outboxes = [Outbox(OutboxStore(e, cipher), config, Metrics()) for e in engines]
    expected: list[str] = []
    for n in range(40):
        channel = f"D{n % 8}"
        key = f"reply:{channel}:{n}"
        expected.append(key)
        outboxes[0].add("chat.postMessage", channel=channel, key=key, text=f"message {n}")
    fake_slack.script("chat.postMessage", *BURSTS)
    stop = threading.Event()

    def work(outbox: Outbox) -> None:
        async def go() -> None:
            outbox.start(make_client(config), asyncio.to_thread)
            while not stop.is_set():
                await asyncio.sleep(0.05)
            await outbox.stop(5)

        asyncio.run(go())

    workers = [threading.Thread(target=work, args=(o,)) for o in outboxes]
    for worker in workers:
        worker.start()
    try:
        assert fake_slack.wait_for(lambda: len(reply_keys(fake_slack)) >= 40, 60)
        time.sleep(0.5)
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=30)
    keys = reply_keys(fake_slack)
    assert sorted(keys) == sorted(expected)  # each once
    for channel in {f"D{n}" for n in range(8)}:
        assert [k for k in keys if k.startswith(f"reply:{channel}:")] == [
            k for k in expected if k.startswith(f"reply:{channel}:")
        ]
    for engine in engines:
        engine.dispose()


def test_a_row_posted_just_before_a_crash_is_found_in_slack_not_posted_again(
    slack_settings: Settings, fake_slack: FakeSlack
) -> None:
    config = slack_config(slack_settings, fake_slack, **FAST)
    cipher = Cipher(load_or_create_key(None, config.data_dir))
    store = OutboxStore(make_engine(config.resolved_database_url), cipher, lease_seconds=0.2)
    outbox = Outbox(store, config, Metrics())
    row = outbox.add(
        "chat.postMessage", channel="D7", thread_ts="1700006000.000100", key="reply:D7:1", text="hi"
    )
    [held] = store.claim("crashed")
    time.sleep(0.3)  # its lease runs out

    async def crash_after_posting_then_restart() -> None:
        client = make_client(config)
        await client.api_call("chat.postMessage", json=held.args)  # Slack took it...
        outbox.client = client  # ...and the process died before recording it
        await outbox.flush(10)

    asyncio.run(crash_after_posting_then_restart())
    posts = fake_slack.of("chat.postMessage")
    assert len(posts) == 1
    assert row is not None and store.result(row)[0:2] == ("sent", "D7")  # type: ignore[index]
    assert store.result(row)[2] == json.loads(posts[0].body)["ts"]  # type: ignore[index]
    assert fake_slack.of("conversations.replies")  # it looked before posting


# ---- streaming -------------------------------------------------------------------------------

# a model's reply that keeps the turn plan (it opens with the leader's own words, asks one
# question), long enough to stream in several pieces
LONG = (
    "So the trust chief executive keeps blocking your shared bed plan for his own targets. "
    "Interests sit under positions. Ask what each side fears losing. What matters most to them?"
)


@pytest.fixture
def llm_rig(slack_settings: Settings, fake_slack: FakeSlack) -> Iterator[Rig]:
    config = slack_config(slack_settings, fake_slack, **FAST)
    services = SlackServices.open(config)
    rig = make_rig(config, fake_slack, services)
    with rig.served:
        yield rig
    services.close()


def test_a_stream_that_fails_mid_reply_is_finished_from_the_outbox(llm_rig: Rig) -> None:
    services = llm_rig.services
    cards = [c.card_id for c in services.coach.respond("slack:U0", BED_PLAN).citations]
    with_model(services.coach, FakeListChatModel(responses=[answer(LONG, cards[:1])]))
    services.leaders.first_contact("slack:U9")
    fake = llm_rig.fake
    # the second piece fails (the call's own retry too), and so does the first stop
    fake.script("chat.appendStream", Behaviour("status", 500), Behaviour("status", 503))
    fake.script("chat.stopStream", Behaviour("status", 503), Behaviour("status", 503))
    ts = "1700007000.000100"
    dm(llm_rig, "U9", BED_PLAN, ts)
    assert fake.wait_for(lambda: any(c.ok for c in fake.of("chat.update")), 30)
    settle(llm_rig)
    started = fake.of("chat.startStream")[0]
    stream_ts = json.loads(started.body)["ts"]
    [update] = [c for c in fake.of("chat.update") if c.ok]
    assert update.args["ts"] == stream_ts
    assert "What matters most to them?" in update.args["text"]  # the whole reply, at last
    assert "sources" in block_ids(update.args["blocks"])
    assert any(c.ok for c in fake.of("chat.stopStream"))  # the stream was closed
    assert threaded(fake, ts) == []  # no second copy in the thread
    assert services.metrics.value("replies") == 1


# ---- given up, seen and retried --------------------------------------------------------------


def read(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer_:
            return answer_.status, answer_.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_message_given_up_shows_in_readyz_metrics_and_the_cli_and_goes_out_when_retried(
    slack_settings: Settings, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = slack_config(slack_settings, fake_slack, **FAST)
    rig = make_rig(config, fake_slack)
    rig.services.leaders.first_contact("slack:U31")
    fake_slack.script("chat.postMessage", Behaviour("error", "not_in_channel"))
    ts = "1700008000.000100"
    with rig.served:
        dm(rig, "U31", QUESTION, ts)
        assert fake_slack.wait_for(lambda: fake_slack.of("chat.postMessage"), 20)
        settle(rig)
        status, body = read(f"{rig.served.url}/readyz")
        assert status == 200  # a message given up is reported, it does not make the app unready
        assert json.loads(body)["outbox"] == {"pending": 0, "given_up": 1}
        _, metrics = read(f"{rig.served.url}/metrics")
        assert "anchor_slack_outbox_given_up 1.0" in metrics.splitlines()
        assert threaded(fake_slack, ts) == []

        monkeypatch.setenv("ANCHOR_DATA_DIR", str(config.data_dir))
        runner = CliRunner()
        listed = runner.invoke(cli, ["outbox", "list"])
        assert listed.exit_code == 0, listed.output
        assert "0 waiting, 1 given up" in listed.output
        assert "not_in_channel" in listed.output and "D31" in listed.output
        assert QUESTION[:20] not in listed.output  # never what a message says
        refused = runner.invoke(cli, ["outbox", "retry"])
        assert refused.exit_code == 2 and "--all" in refused.output
        retried = runner.invoke(cli, ["outbox", "retry", "--all"])
        assert retried.exit_code == 0 and "1 message(s) back in the queue" in retried.output
        assert fake_slack.wait_for(lambda: threaded(fake_slack, ts), 20)
        settle(rig)
        assert json.loads(read(f"{rig.served.url}/readyz")[1])["outbox"]["given_up"] == 0
    rig.services.close()
    assert len(threaded(fake_slack, ts)) == 1


def test_calls_in_the_call_log_are_those_slack_saw(fake_slack: FakeSlack) -> None:
    """The fake's reset drops the connection without an answer (a client sees an error)."""
    fake_slack.script("chat.postMessage", Behaviour("reset"))
    request = urllib.request.Request(
        fake_slack.api_url + "chat.postMessage", data=b"channel=D1&text=x", method="POST"
    )
    with pytest.raises(OSError):
        urllib.request.urlopen(request, timeout=10)
    assert [c.status for c in fake_slack.calls] == [0]
    assert isinstance(fake_slack.calls[0], Call)
