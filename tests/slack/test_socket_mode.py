"""`anchor serve --socket`: Socket Mode against a loopback WebSocket standing in for Slack."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import WSMsgType, web

from bot.config import Settings
from bot.slack.loopback import FakeSlack, Sender, dm_event
from bot.slack.server import run_socket_mode
from tests.slack.conftest import slack_config, threaded

pytestmark = pytest.mark.server  # a loopback Socket Mode server


class SocketSlack:
    """Slack's side of a Socket Mode connection: says hello, sends envelopes, records acks."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.loop = asyncio.new_event_loop()
        self.socket: web.WebSocketResponse | None = None
        self.connected = threading.Event()
        self.port = 0
        started = threading.Event()

        async def link(request: web.Request) -> web.WebSocketResponse:
            ws = web.WebSocketResponse()
            await ws.prepare(request)
            self.socket = ws
            await ws.send_json({"type": "hello", "num_connections": 1})
            self.connected.set()
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self.received.append(json.loads(message.data))
            return ws

        async def start() -> None:
            app = web.Application()
            app.router.add_get("/link", link)
            runner = web.AppRunner(app)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            started.set()

        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        asyncio.run_coroutine_threadsafe(start(), self.loop)
        started.wait(10)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link"

    def send(self, envelope: dict[str, Any]) -> None:
        assert self.socket is not None
        asyncio.run_coroutine_threadsafe(self.socket.send_json(envelope), self.loop).result(10)

    def acks(self, envelope_id: str) -> list[dict[str, Any]]:
        return [m for m in self.received if m.get("envelope_id") == envelope_id]

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture
def socket_slack() -> Iterator[SocketSlack]:
    fake = SocketSlack()
    yield fake
    fake.close()


def wait(check: Any, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_socket_mode_acks_envelopes_replies_once_and_answers_commands(
    settings: Settings, fake_slack: FakeSlack, socket_slack: SocketSlack
) -> None:
    fake_slack.socket_url = socket_slack.url
    config = slack_config(settings, fake_slack, slack_app_token="xapp-1-test")
    loop = asyncio.new_event_loop()
    task = loop.create_task(run_socket_mode(config))
    runner = threading.Thread(target=lambda: loop.run_until_complete(asyncio.wait([task])))
    runner.start()
    try:
        assert socket_slack.connected.wait(30)
        assert fake_slack.of("apps.connections.open")[0].headers["authorization"] == (
            "Bearer xapp-1-test"
        )
        ts = "1700004000.000100"
        body = json.loads(Sender("", "").event_body(dm_event("U1", "How do I build trust?", ts)))
        for attempt in range(2):  # Slack redelivers an envelope it thinks was missed
            socket_slack.send(
                {
                    "envelope_id": f"env-{attempt}",
                    "type": "events_api",
                    "payload": body,
                    "accepts_response_payload": False,
                    "retry_attempt": attempt,
                    "retry_reason": "timeout" if attempt else "",
                }
            )
        assert wait(lambda: socket_slack.acks("env-0") and socket_slack.acks("env-1"))
        assert fake_slack.wait_for(lambda: threaded(fake_slack, ts), 20)
        socket_slack.send(
            {
                "envelope_id": "env-cmd",
                "type": "slash_commands",
                "payload": {"command": "/anchor", "text": "help", "user_id": "U1", "team_id": "T"},
                "accepts_response_payload": True,
            }
        )
        assert wait(lambda: socket_slack.acks("env-cmd"))
        usage = json.dumps(socket_slack.acks("env-cmd")[0]["payload"])
        assert "/anchor exercise [name]" in usage
        time.sleep(1.0)
        assert len(threaded(fake_slack, ts)) == 1
    finally:
        loop.call_soon_threadsafe(task.cancel)
        runner.join(timeout=60)
    assert task.cancelled() or task.done()
