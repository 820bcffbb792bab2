"""Malformed and hostile requests to /slack/events, over real HTTP: never a 500, never a
traceback in the log, nothing parsed before the signature is checked, and the server still
answers a real DM afterwards."""

from __future__ import annotations

import json
import logging
import socket
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from bot.slack.loopback import TEAM, Answer, dm_event, post, signature, signed_headers
from tests.slack.conftest import SECRET, Rig, dm, settle, threaded

pytestmark = pytest.mark.server

MARK = "hostile-marker-7Q2"  # in bodies where text could be, so the log check can look for it
QUESTION = "How do I keep primary care leaders engaged in the ICS when they feel outvoted?"
FORM = "application/x-www-form-urlencoded"


def deep(depth: int) -> bytes:
    return b'{"type": "event_callback", "x": ' + b"[" * depth + b"]" * depth + b"}"


def envelope(event: object, **extra: object) -> bytes:
    body = {
        "token": "legacy",
        "team_id": TEAM,
        "api_app_id": "A0ANCHOR",
        "type": "event_callback",
        "event_id": f"Ev{time.monotonic_ns()}",
        "event_time": int(time.time()),
        "event": event,
        **extra,
    }
    return json.dumps(body).encode()


def message(**changes: object) -> dict[str, object]:
    event: dict[str, object] = dm_event("U9", f"{MARK} a question", "1700009000.000100")
    event.update(changes)
    return {k: v for k, v in event.items() if v is not None}


def interaction(payload: dict[str, object]) -> bytes:
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


def actions(**changes: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": "U9", "team_id": TEAM},
        "trigger_id": "trigger.1",
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "D9"},
        "channel": {"id": "D9"},
        "message": {"ts": "1.1", "text": MARK, "blocks": []},
        "actions": [{"action_id": "home:ask", "block_id": "b", "type": "button"}],
    }
    payload.update(changes)
    return {k: v for k, v in payload.items() if v is not None}


def submission(values: object, callback_id: str = "ask_modal") -> dict[str, object]:
    return {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": "U9"},
        "view": {"id": "V1", "type": "modal", "callback_id": callback_id, "state": values},
    }


def command(**changes: str | None) -> bytes:
    fields: dict[str, str | None] = {
        "token": "legacy",
        "team_id": TEAM,
        "channel_id": "C0GENERAL",
        "user_id": "U9",
        "command": "/anchor",
        "text": f"ask {MARK}",
        "response_url": "http://127.0.0.1:9/response",
        "trigger_id": "trigger.2",
    }
    fields.update(changes)
    return urllib.parse.urlencode({k: v for k, v in fields.items() if v is not None}).encode()


@dataclass
class Case:
    name: str
    expect: int
    send: Callable[[str], Answer]


def signed(body: bytes, content_type: str = "application/json") -> Callable[[str], Answer]:
    return lambda url: post(url, body, signed_headers(SECRET, body, content_type=content_type))


def unsigned(body: bytes, **headers: str) -> Callable[[str], Answer]:
    return lambda url: post(url, body, {"Content-Type": "application/json", **headers})


def stamped(stamp: str, body: bytes | None = None) -> Callable[[str], Answer]:
    """Signed correctly over `stamp`, whatever it is: only the timestamp is wrong."""
    body = body or envelope(message())
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nX-Slack-Request-Timestamp: {stamp}\r\n"
        f"X-Slack-Signature: {signature(SECRET, stamp, body)}\r\n\r\n"
    ).encode()  # UTF-8, as a client may send it (urllib would refuse)
    return lambda url: raw_request(url, head + body)


def headers_with(body: bytes, **changes: str) -> Callable[[str], Answer]:
    headers = signed_headers(SECRET, body)
    headers.update(changes)
    return lambda url: post(url, body, headers)


def raw_request(url: str, head: bytes, body_chunks: Iterator[bytes] | None = None) -> Answer:
    """Send bytes as they are (for what urllib refuses to send), and read the status line; a
    server that closes the connection without an answer reads as status 0."""
    parsed = urllib.parse.urlsplit(url)
    started = time.perf_counter()
    with socket.create_connection((parsed.hostname, parsed.port), timeout=10) as conn:
        try:
            conn.sendall(head)
            for chunk in body_chunks or ():
                conn.sendall(chunk)
                conn.setblocking(False)
                try:
                    if conn.recv(1, socket.MSG_PEEK):
                        break  # the server has answered: stop sending
                except BlockingIOError:
                    pass
                finally:
                    conn.setblocking(True)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = b""
        try:
            while b"\r\n" not in data:
                more = conn.recv(4096)
                if not more:
                    break
                data += more
        except (ConnectionResetError, TimeoutError):
            pass
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0
    return Answer(status, data, time.perf_counter() - started)


def over_the_cap_declared(url: str) -> Answer:
    size = 4 * 1024 * 1024
    head = (
        f"POST {urllib.parse.urlsplit(url).path} HTTP/1.1\r\nHost: x\r\n"
        f"Content-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
    ).encode()
    return raw_request(url, head)  # the answer comes before the body is sent


def over_the_cap_chunked(url: str) -> Answer:
    head = (
        f"POST {urllib.parse.urlsplit(url).path} HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    piece = b"[" * 65536
    chunks = (b"%x\r\n" % len(piece) + piece + b"\r\n" for _ in range(64))  # 4 MiB in all
    return raw_request(url, head, chunks)


def huge_header(url: str) -> Answer:
    body = envelope(message())
    headers = signed_headers(SECRET, body)
    lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head = (
        f"POST {urllib.parse.urlsplit(url).path} HTTP/1.1\r\nHost: x\r\n{lines}"
        f"X-Padding: {'a' * 200_000}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    return raw_request(url, head + body)


def latin1_signature(url: str) -> Answer:
    body = envelope(message())
    stamp = str(int(time.time()))
    head = (
        (
            f"POST {urllib.parse.urlsplit(url).path} HTTP/1.1\r\nHost: x\r\n"
            f"Content-Type: application/json\r\nX-Slack-Request-Timestamp: {stamp}\r\n"
            f"Content-Length: {len(body)}\r\n"
        ).encode()
        + b"X-Slack-Signature: v0=\xff\xfe"
        + b"a" * 60
        + b"\r\n\r\n"
    )
    return raw_request(url, head + body)


def repeated_headers(url: str) -> Answer:
    body = envelope(message())
    good = signed_headers(SECRET, body)
    stale = signed_headers(SECRET, body, timestamp=time.time() - 3600)
    head = (
        f"POST {urllib.parse.urlsplit(url).path} HTTP/1.1\r\nHost: x\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"X-Slack-Request-Timestamp: {good['X-Slack-Request-Timestamp']}\r\n"
        f"X-Slack-Request-Timestamp: {stale['X-Slack-Request-Timestamp']}\r\n"
        f"X-Slack-Signature: {good['X-Slack-Signature']}\r\n\r\n"
    ).encode()
    return raw_request(url, head + body)


def bad_content_length(url: str) -> Answer:
    head = (
        f"POST {urllib.parse.urlsplit(url).path} HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/json\r\nContent-Length: lots\r\n\r\n{}"
    ).encode()
    return raw_request(url, head)


def get(url: str) -> Answer:
    head = f"GET {urllib.parse.urlsplit(url).path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    return raw_request(url, head)


def stale_replay() -> Callable[[str], Answer]:
    body = envelope(message())
    headers = signed_headers(SECRET, body, timestamp=time.time() - 10 * 60)
    return lambda url: post(url, body, headers)


# refused by uvicorn or Starlette before the app's code runs
BEFORE_APP = {"Content-Length not a number", "GET"}


def cases() -> list[Case]:
    event = envelope(message())
    now = str(int(time.time()))
    return [
        # --- unsigned or unverifiable: 401 before anything is parsed ---------------------------
        Case("malformed JSON, unsigned", 401, unsigned(b'{"type": "event_callback", ')),
        Case("100,000-deep JSON, unsigned", 401, unsigned(deep(100_000))),
        Case("no signature headers", 401, unsigned(event)),
        Case("timestamp not a number", 401, stamped("abc")),
        Case("timestamp empty", 401, stamped("")),
        Case("timestamp negative", 401, stamped("-1")),
        Case("timestamp overflows", 401, stamped("9" * 40)),
        Case("timestamp in Arabic-Indic digits", 401, stamped("١٧٠٠٠٠٠٠٠٠")),
        Case("timestamp with a fraction", 401, stamped(now + ".5")),
        Case("timestamp with underscores", 401, stamped("1_700_000_000")),
        Case("old signature replayed (10 minutes)", 401, stale_replay()),
        Case("timestamp 10 minutes ahead", 401, stamped(str(int(time.time()) + 600))),
        Case(
            "signed with the wrong secret",
            401,
            headers_with(
                event,
                **{
                    "X-Slack-Signature": signature("wrong", now, event),
                    "X-Slack-Request-Timestamp": now,
                },
            ),
        ),
        Case("signature not v0 hex", 401, headers_with(event, **{"X-Slack-Signature": "v1=zz"})),
        Case("signature with non-ASCII bytes", 401, latin1_signature),
        Case("two timestamp headers", 401, repeated_headers),
        Case(
            "body changed after signing",
            401,
            lambda url: post(url, event.replace(b"U9", b"U8"), signed_headers(SECRET, event)),
        ),
        # --- signed but malformed: 4xx, one log line ----------------------------------------
        Case("malformed JSON", 400, signed(b'{"type": "event_callback", ')),
        Case("100,000-deep JSON", 400, signed(deep(100_000))),
        Case("200-deep JSON (under the parser's limit)", 400, signed(deep(200))),
        Case("invalid UTF-8", 400, signed(b'{"type": "event_callback", "x": "\xff\xfe"}')),
        Case("form garbage payload=%7Bnot-json", 400, signed(b"payload=%7Bnot-json", FORM)),
        Case("form payload of invalid UTF-8", 400, signed(b"payload=%FF%FE", FORM)),
        Case("form of no pairs", 400, signed(b"&&&==&", FORM)),
        Case(
            "form payload beside other fields",
            400,
            signed(interaction(actions()) + b"&user_id=U1", FORM),
        ),
        Case("form with a repeated key", 400, signed(command() + b"&user_id=U1", FORM)),
        Case("empty body", 400, signed(b"")),
        Case("JSON array", 400, signed(b"[1, 2, 3]")),
        Case("JSON string", 400, signed(json.dumps(MARK).encode())),
        Case("duplicate keys", 400, signed(b'{"type": "url_verification", "type": "x"}')),
        Case("NaN in JSON", 400, signed(b'{"type": "event_callback", "x": NaN}')),
        Case("5,000-digit integer", 400, signed(b'{"type": 1' + b"0" * 5000 + b"}")),
        Case("not a Slack payload", 400, signed(json.dumps({"hello": MARK}).encode())),
        Case("type not a string", 400, signed(b'{"type": ["event_callback"]}')),
        Case("team an integer", 400, signed(envelope(message(), team=7))),
        Case("authorizations a string", 400, signed(envelope(message(), authorizations="x"))),
        Case("event a string", 400, signed(envelope(MARK))),
        Case("event_callback with no event", 400, signed(b'{"type": "event_callback"}')),
        Case("message event with no channel", 400, signed(envelope(message(channel=None)))),
        Case(
            "app_mention with no channel",
            400,
            signed(envelope({"type": "app_mention", "user": "U9", "text": MARK, "ts": "1.2"})),
        ),
        Case("message event whose channel is a number", 400, signed(envelope(message(channel=42)))),
        Case(
            "message event whose text is an object",
            400,
            signed(envelope(message(text={"t": MARK}))),
        ),
        Case("url_verification with no challenge", 400, signed(b'{"type": "url_verification"}')),
        Case("block_actions with no user", 400, signed(interaction(actions(user=None)), FORM)),
        Case(
            "block_actions whose user is a string",
            400,
            signed(interaction(actions(user="U9")), FORM),
        ),
        Case("block_actions with no actions", 400, signed(interaction(actions(actions=[])), FORM)),
        Case(
            "block_actions whose action has no id",
            400,
            signed(interaction(actions(actions=[{"value": MARK}])), FORM),
        ),
        Case(
            "view_submission whose state.values is a string",
            400,
            signed(interaction(submission({"values": MARK})), FORM),
        ),
        Case(
            "view_submission whose view is a list",
            400,
            signed(interaction({**submission({}), "view": [MARK]}), FORM),
        ),
        Case("slash command with no user", 400, signed(command(user_id=None), FORM)),
        Case("JSON sent as text/plain", 415, signed(event, "text/plain")),
        Case("JSON sent as XML", 415, signed(event, "application/xml")),
        # --- signed, well formed, and nothing of Anchor's: acknowledged ---------------------
        Case(
            "unknown event type",
            200,
            signed(
                envelope(
                    {
                        "type": "reaction_added",
                        "user": "U9",
                        "reaction": "+1",
                        "item": {"type": "message", "channel": "D9", "ts": "1.1"},
                    }
                )
            ),
        ),
        Case(
            "unknown action id",
            200,
            signed(
                interaction(actions(actions=[{"action_id": "nobody:here", "value": MARK}])), FORM
            ),
        ),
        Case(
            "unknown view callback",
            200,
            signed(interaction(submission({"values": {}}, callback_id="nobody_here")), FORM),
        ),
        Case(
            "unknown interaction type",
            200,
            signed(
                interaction(
                    {
                        "type": "shortcut",
                        "callback_id": "nobody",
                        "user": {"id": "U9"},
                        "team": {"id": TEAM},
                        "trigger_id": "t",
                    }
                ),
                FORM,
            ),
        ),
        Case("ssl_check", 200, signed(b"ssl_check=1&token=legacy", FORM)),
        # --- transport ----------------------------------------------------------------------
        Case("body over the cap (Content-Length)", 413, over_the_cap_declared),
        Case("body over the cap (chunked)", 413, over_the_cap_chunked),
        Case("a 200 KB header", 431, huge_header),
        Case("Content-Length not a number", 400, bad_content_length),
        Case("GET", 405, get),
    ]


def test_hostile_requests_get_4xx_never_500_nor_a_traceback(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    uvicorn = logging.getLogger("uvicorn")  # uvicorn's loggers do not reach the root logger
    uvicorn.addHandler(caplog.handler)
    try:
        statuses: dict[str, int] = {}
        for case in cases():
            statuses[case.name] = case.send(rig.sender.url).status
        settle(rig)
    finally:
        uvicorn.removeHandler(caplog.handler)
    wrong = {
        name: (got, case.expect)
        for case in cases()
        for name, got in statuses.items()
        if name == case.name and got != case.expect
    }
    assert not wrong, wrong
    counts = Counter(statuses.values())
    assert len(statuses) >= 30 and counts[500] == 0, counts
    records = caplog.records
    assert not [r for r in records if r.exc_info or "Traceback" in r.getMessage()]
    assert not [r for r in records if r.levelno >= logging.INFO and MARK in r.getMessage()]
    # refusals are one line each, and none counts as an error
    refused = [r for r in records if r.getMessage().startswith("refused a request")]
    ours = [n for n, s in statuses.items() if 400 <= s < 500 and n not in BEFORE_APP]
    assert len(refused) == len(ours)
    assert rig.services.metrics.value("errors") == 0
    assert rig.services.metrics.value("rejected", status="401") == counts[401]
    # nothing reached a listener or Slack
    assert rig.fake.of("chat.postMessage") == [] and rig.fake.of("views.open") == []
    # and the server still answers a real DM
    ts = "1700009100.000100"
    dm(rig, "U9", QUESTION, ts)
    assert rig.fake.wait_for(lambda: threaded(rig.fake, ts), 20)


def test_unknown_but_signed_requests_are_acknowledged_and_logged_at_debug(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = envelope({"type": "pin_added", "user": "U9", "channel_id": "D9"})
    assert signed(body)(rig.sender.url).status == 200
    unknown = [r for r in caplog.records if "no listener takes" in r.getMessage()]
    assert [r.levelno for r in unknown] == [logging.DEBUG]
    assert "pin_added" in unknown[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
