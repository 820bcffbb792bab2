"""The HTTP server and the `anchor serve` / `anchor slack` commands, for real."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine

from bot.config import Settings
from bot.slack.app import SlackConfigError, make_client
from bot.slack.loopback import Behaviour, FakeSlack
from bot.slack.server import check_token
from tests.helpers import key_file
from tests.slack.conftest import (
    TOKEN,
    Rig,
    dm,
    make_rig,
    settle,
    slack_config,
    threaded,
)

pytestmark = pytest.mark.server  # these tests start the app over HTTP or as `anchor serve`

QUESTION = "How do I keep primary care leaders engaged in the ICS when they feel outvoted?"


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_health_readiness_and_metrics(rig: Rig) -> None:
    assert get(f"{rig.served.url}/healthz") == (200, "ok")
    status, body = get(f"{rig.served.url}/readyz")
    assert status == 200
    assert json.loads(body) == {
        "ready": True,
        "checks": {"database": "ok", "index": "ok"},
        "outbox": {"pending": 0, "given_up": 0},
    }
    ts = "1700003000.000100"
    dm(rig, "U1", QUESTION, ts)
    dm(rig, "U1", QUESTION, ts, retry=1)
    assert rig.fake.wait_for(lambda: threaded(rig.fake, ts), 20)
    settle(rig)
    with urllib.request.urlopen(f"{rig.served.url}/metrics", timeout=10) as answer:
        assert answer.status == 200
        assert answer.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
        text = answer.read().decode()
    kinds = {f.name: f.type for f in text_string_to_metric_families(text)}
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert samples[("anchor_slack_events_total", (("kind", "message"),))] == 2
    assert samples[("anchor_slack_replies_total", ())] == 1
    assert samples[("anchor_slack_duplicates_total", ())] == 1
    assert samples[("anchor_slack_rate_limited_total", ())] == 0
    assert samples[("anchor_slack_errors_total", ())] == 0
    assert samples[("anchor_slack_followups_total", ())] == 0
    assert kinds["anchor_slack_ack_seconds"] == "histogram"
    assert samples[("anchor_slack_ack_seconds_bucket", (("le", "+Inf"),))] == 2
    assert samples[("anchor_slack_ack_seconds_count", ())] == 2
    # the outbox delivered everything at the first try
    assert kinds["anchor_slack_outbox_backlog"] == "gauge"
    assert samples[("anchor_slack_outbox_backlog", ())] == 0
    assert samples[("anchor_slack_outbox_given_up", ())] == 0
    assert samples[("anchor_slack_delivery_retries_total", ())] == 0
    assert not any(name.endswith("_created") for name, _ in samples)


def test_metrics_speak_openmetrics_when_asked(rig: Rig) -> None:
    request = urllib.request.Request(
        f"{rig.served.url}/metrics", headers={"Accept": "application/openmetrics-text"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.headers["Content-Type"].startswith("application/openmetrics-text")
        text = answer.read().decode()
    assert text.rstrip().endswith("# EOF")
    assert "anchor_slack_replies_total 0.0" in text.splitlines()


def test_readiness_fails_when_the_database_or_index_is_unavailable(rig: Rig) -> None:
    services = rig.services
    real = services.stores
    services.stores = dataclasses.replace(
        real, engine=create_engine("sqlite:////nonexistent-folder/anchor.db")
    )
    try:
        status, body = get(f"{rig.served.url}/readyz")
        assert status == 503
        checks = json.loads(body)["checks"]
        assert checks["database"].startswith("unavailable") and checks["index"] == "ok"
    finally:
        services.stores = real
    cards = services.coach.retriever.cards
    services.coach.retriever.cards = {}
    try:
        status, body = get(f"{rig.served.url}/readyz")
        assert status == 503 and json.loads(body)["checks"]["index"] == "empty"
    finally:
        services.coach.retriever.cards = cards


def test_shutdown_finishes_the_work_in_hand(
    slack_settings: Settings, fake_slack: FakeSlack
) -> None:
    rig = make_rig(slack_settings, fake_slack)
    rig.services.leaders.first_contact("slack:U2")
    fake_slack.script("chat.postMessage", Behaviour("slow", 2.0))
    ts = "1700003100.000100"
    with rig.served:
        dm(rig, "U2", QUESTION, ts)
        stopper = threading.Thread(target=rig.served.stop)
        stopper.start()  # stop at once: the reply is still being worked on
        stopper.join(timeout=60)
        assert not rig.served.thread.is_alive()
    assert len(threaded(fake_slack, ts)) == 1
    assert rig.services.work.in_hand == 0
    rig.services.close()


def test_two_instances_sharing_postgresql_answer_a_retried_event_once(
    settings: Settings, fake_slack: FakeSlack, pg_url: str
) -> None:
    config = slack_config(settings, fake_slack, database_url=pg_url)
    first, second = make_rig(config, fake_slack), make_rig(config, fake_slack)
    with first.served, second.served:
        ts = "1700003200.000100"
        barrier = threading.Barrier(4)

        def deliver(rig: Rig, retry: int) -> None:
            barrier.wait()
            dm(rig, "U3", QUESTION, ts, event_id="Ev0SHARED", retry=retry)

        threads = [
            threading.Thread(target=deliver, args=(rig, n))
            for n, rig in enumerate([first, second, first, second])
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert fake_slack.wait_for(lambda: threaded(fake_slack, ts), 30)
        settle(first)
        settle(second)
        assert len(threaded(fake_slack, ts)) == 1
        duplicates = first.services.metrics.value("duplicates") + second.services.metrics.value(
            "duplicates"
        )
        assert duplicates == 3
    first.services.close()
    second.services.close()


def test_a_rejected_token_is_a_clear_message(
    slack_settings: Settings, fake_slack: FakeSlack
) -> None:
    assert asyncio.run(check_token(make_client(slack_settings))) == "anchor in Fake team"
    fake_slack.script("auth.test", Behaviour("error", "invalid_auth"))
    with pytest.raises(SlackConfigError, match=r"Slack rejected SLACK_BOT_TOKEN \(invalid_auth\)"):
        asyncio.run(check_token(make_client(slack_settings)))
    unreachable = slack_config(slack_settings, fake_slack, slack_api_url="http://127.0.0.1:9/api/")
    with pytest.raises(
        SlackConfigError, match=r"Could not reach Slack at http://127\.0\.0\.1:9/api/"
    ):
        asyncio.run(check_token(make_client(unreachable)))


def anchor(
    args: list[str], env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


@pytest.fixture
def env(tmp_path: Path, index_dir: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ANCHOR_", "SLACK_"))}
    return {
        **clean,
        "ANCHOR_DATA_DIR": str(tmp_path / "data"),
        "ANCHOR_INDEX_DIR": str(index_dir),
        "ANCHOR_ENCRYPTION_KEY_FILE": str(key_file(tmp_path / "secrets")),  # apart from the data
    }


def test_serve_explains_missing_variables_and_rejected_tokens(
    env: dict[str, str], fake_slack: FakeSlack
) -> None:
    missing = anchor(["serve", "--http"], env)
    assert missing.returncode == 1
    assert (
        "SLACK_BOT_TOKEN is not set" in missing.stderr and "OAuth & Permissions" in missing.stderr
    )
    assert "Traceback" not in missing.stderr
    with_token = {**env, "SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": fake_slack.api_url}
    no_secret = anchor(["serve", "--http"], with_token)
    assert no_secret.returncode == 1 and "SLACK_SIGNING_SECRET is not set" in no_secret.stderr
    no_app_token = anchor(["serve", "--socket"], with_token)
    assert no_app_token.returncode == 1 and "SLACK_APP_TOKEN is not set" in no_app_token.stderr
    wrong_kind = anchor(["serve", "--http"], {**with_token, "SLACK_BOT_TOKEN": "xoxp-user"})
    assert wrong_kind.returncode == 1 and "starting with xoxb-" in wrong_kind.stderr
    fake_slack.script("auth.test", Behaviour("error", "invalid_auth"))
    rejected = anchor(["serve", "--http"], {**with_token, "SLACK_SIGNING_SECRET": "s"})
    assert rejected.returncode == 1
    assert "Slack rejected SLACK_BOT_TOKEN (invalid_auth)" in rejected.stderr
    assert "Traceback" not in rejected.stderr


def test_serve_http_runs_answers_health_checks_and_stops_cleanly(
    env: dict[str, str], fake_slack: FakeSlack
) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--http", "--port", str(port)],
        env={
            **env,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": fake_slack.api_url,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(f"http://127.0.0.1:{port}/readyz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.2)
        assert get(f"http://127.0.0.1:{port}/healthz") == (200, "ok")
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=60)
    # uvicorn shuts down gracefully, then re-raises SIGTERM so process managers see it
    assert process.returncode in {0, -signal.SIGTERM}
    assert "connected to Slack as anchor in Fake team" in stderr
    assert "Traceback" not in stderr


def test_slack_manifest_is_printed_and_complete(env: dict[str, str]) -> None:
    import yaml

    result = anchor(["slack", "manifest"], env)
    assert result.returncode == 0
    manifest = yaml.safe_load(result.stdout)
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == ["/anchor"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "app_mention",
        "assistant_thread_started",
        "message.im",
    }
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"chat:write", "im:history", "app_mentions:read", "commands", "files:write"} <= scopes
    assert {"users:read", "im:write", "assistant:write"} <= scopes
    # the directory's user groups (roles) and channel members (workshop participants)
    assert {"usergroups:read", "channels:read", "groups:read"} <= scopes
    assert all(c["url"].endswith("/slack/events") for c in commands)
    assert 174 <= len(manifest["display_information"]["long_description"]) <= 4000


def test_feedback_export_prints_verdicts_without_identity(env: dict[str, str]) -> None:
    from bot.coach.leaders import Leaders
    from bot.store.open import open_stores

    stores = open_stores(
        Settings(
            data_dir=Path(env["ANCHOR_DATA_DIR"]),
            encryption_key_file=Path(env["ANCHOR_ENCRYPTION_KEY_FILE"]),
        )
    )
    Leaders(stores).record_feedback("slack:U9", helpful=False, card_ids=["a", "b"], reply_ref="r")
    stores.engine.dispose()
    result = anchor(["feedback", "export"], env)
    assert result.returncode == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["helpful"], r["card_ids"]) for r in rows] == [(False, ["a", "b"])]
    assert "U9" not in result.stdout
