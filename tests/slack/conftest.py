"""Slack tests run for real over HTTP: the ASGI app under uvicorn on a loopback port, a fake
Slack Web API on another, and requests signed with the signing secret."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn

from bot.config import Settings
from bot.slack.loopback import BOT_ID, TEAM, Answer, Call, FakeSlack, Sender, dm_event
from bot.slack.server import create_http_app
from bot.slack.services import SlackServices

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


def slack_config(base: Settings, fake: FakeSlack, **changes: Any) -> Settings:
    """`base` with Slack pointed at the fake (validated, as from the environment)."""
    values = {
        **base.model_dump(),
        "slack_bot_token": TOKEN,
        "slack_signing_secret": SECRET,
        "slack_api_url": fake.api_url,
        "slack_followup_interval": 0,
        **changes,
    }
    return Settings.model_validate(values)


@pytest.fixture
def slack_settings(settings: Settings, fake_slack: FakeSlack) -> Settings:
    return slack_config(settings, fake_slack)


class Served:
    """uvicorn serving an ASGI app on a loopback port, in a background thread."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(
            app, log_level="warning", lifespan="on", timeout_graceful_shutdown=30
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=60)

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class Rig:
    settings: Settings
    services: SlackServices
    served: Served
    fake: FakeSlack
    sender: Sender


def make_rig(settings: Settings, fake: FakeSlack, services: SlackServices | None = None) -> Rig:
    services = services or SlackServices.open(settings)
    served = Served(create_http_app(settings, services))
    sender = Sender(f"{served.url}/slack/events", SECRET, fake.response_url())
    return Rig(settings, services, served, fake, sender)


@pytest.fixture
def rig(slack_settings: Settings, fake_slack: FakeSlack) -> Iterator[Rig]:
    rig = make_rig(slack_settings, fake_slack)
    with rig.served:
        yield rig
    rig.services.close()


def dm(
    rig: Rig,
    user: str,
    text: str,
    ts: str,
    *,
    thread_ts: str | None = None,
    event_id: str | None = None,
    retry: int = 0,
    **extra: Any,
) -> Answer:
    """Deliver a direct message to the app, signed, as Slack's Events API would."""
    event = dm_event(user, text, ts, thread_ts=thread_ts, **extra)
    answer = rig.sender.send_event(event, event_id, retry=retry)
    assert answer.status == 200, answer
    return answer


def threaded(fake: FakeSlack, thread_ts: str) -> list[Call]:
    """Successful replies posted in this thread."""
    return [c for c in fake.replies() if c.args.get("thread_ts") == thread_ts]


def posted_ts(call: Call) -> str:
    return str(json.loads(call.body)["ts"])


def block_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [str(b.get("block_id", b["type"])) for b in blocks]


def texts_of(blocks: list[dict[str, Any]]) -> str:
    """All the words in a list of blocks, for asserting on what a person sees."""
    return json.dumps(blocks, ensure_ascii=False)


def click(
    rig: Rig,
    user: str,
    channel: str,
    message: dict[str, Any],
    action_id: str,
    *,
    value: str | None = None,
    container: dict[str, Any] | None = None,
    selected: str | None = None,
) -> Answer:
    """Click a button (or pick from a menu) in a message, as Slack sends it."""
    element = next(
        (
            e
            for b in message.get("blocks", [])
            for e in b.get("elements", []) + ([b["accessory"]] if "accessory" in b else [])
            if e.get("action_id") == action_id
        ),
        None,
    )
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": "b",
        "type": (element or {}).get("type", "button"),
        "action_ts": "1.0",
    }
    if element is not None and "text" in element:
        action["text"] = element["text"]
    if value is not None or (element and "value" in element):
        action["value"] = value if value is not None else element["value"]  # type: ignore[index]
    if selected is not None:
        action["selected_option"] = {
            "value": selected,
            "text": {"type": "plain_text", "text": selected},
        }
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "container": container
        or {
            "type": "message",
            "message_ts": message.get("ts"),
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "channel": {"id": channel, "name": "directmessage"},
        "message": message,
        "actions": [action],
    }
    answer = rig.sender.interaction(payload)
    assert answer.status == 200, answer
    return answer


def as_message(call: Call) -> dict[str, Any]:
    """The message a recorded chat.postMessage / chat.update created, as Slack would show it."""
    message: dict[str, Any] = {
        "type": "message",
        "ts": str(call.args.get("ts") or posted_ts(call)),
        "text": call.args.get("text", ""),
        "blocks": call.args.get("blocks") or [],
        "bot_id": BOT_ID,
    }
    if call.args.get("thread_ts"):
        message["thread_ts"] = call.args["thread_ts"]
    return message


def settle(rig: Rig, quiet: float = 0.4, timeout: float = 20.0) -> None:
    """Wait until the app has no work in hand, nothing waits in its outbox and Slack has heard
    nothing for `quiet` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        last_call = rig.fake.calls[-1].at if rig.fake.calls else 0.0
        idle = time.time() - last_call > quiet
        acked = time.monotonic() - rig.services.work.last_ack > quiet
        quiet_now = rig.services.work.in_hand == 0 and idle and acked
        if quiet_now and rig.services.outbox.store.pending_count() == 0:
            return
        time.sleep(0.05)
    raise AssertionError("the app did not settle")
