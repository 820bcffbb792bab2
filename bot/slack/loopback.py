"""A Slack Web API double on loopback, and signed requests to send an app, for
`anchor bench slack` and the tests. Nothing here talks to the real Slack.

`FakeSlack` answers the Web API methods Anchor uses (auth.test, chat.postMessage, chat.update,
conversations.open, users.info, users.list (paged), usergroups.users.list, views.publish,
views.open, the files upload steps, the streaming methods, the assistant methods, and
response_url posts), records every call, and can be scripted per method
to answer 429 with Retry-After, 500, an `ok: false` error, slowly, or by resetting the
connection. It keeps the messages posted per channel (with their message metadata) and answers
conversations.history and conversations.replies from them.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import random
import socket
import struct
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BOT_USER = "UANCHOR"
BOT_ID = "BANCHOR"
TEAM = "T0TEAM"


@dataclass
class Call:
    """One request the fake received."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float
    status: int = 200
    body: bytes = b""
    ok: bool = False
    path: str = ""  # for a response_url post: which URL


@dataclass
class Behaviour:
    kind: str  # "status", "error", "slow", "reset" (the connection is dropped unanswered)
    value: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def _decode(value: Any) -> Any:
    """Form-encoded Web API arguments arrive as strings; JSON-looking ones are decoded."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeSlack:
    def __init__(self, timezones: dict[str, str] | None = None, port: int = 0) -> None:
        self.calls: list[Call] = []
        self.scripts: dict[str, deque[Behaviour]] = defaultdict(deque)
        self.timezones = timezones or {}
        self.titles: dict[str, str] = {}  # users.info profile.title
        self.socket_url = ""  # what apps.connections.open hands out (a Socket Mode test server)
        self.uploads: dict[str, bytes] = {}
        self.directory: list[dict[str, Any]] = []  # users.list members, two to a page
        self.groups: dict[str, list[str]] = {}  # usergroups.users.list
        self.members: dict[str, list[str]] = {}  # conversations.members, two to a page
        self.messages: dict[str, list[dict[str, Any]]] = defaultdict(list)  # posted, by channel
        self.failing: dict[str, float] = {}  # method -> share of its calls answered with a failure
        self.response_url_uses: int | None = None  # posts one response_url takes (Slack: 5)
        self._chance = random.Random(7)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._ts = itertools.count(1)
        self._file = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- control ------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str = "r") -> str:
        return f"{self.url}/response/{name}"

    def script(self, method: str, *behaviours: Behaviour) -> None:
        """The next calls of `method` get these behaviours, in order, then normal answers."""
        with self._lock:
            self.scripts[method].extend(behaviours)

    def fail(self, method: str, share: float) -> None:
        """From now on, answer this share of `method`'s calls (at random, the same sequence each
        run) with a 500, a 503 or a 429 with Retry-After: 1, in turn; 0 stops it."""
        with self._lock:
            if share > 0:
                self.failing[method] = share
            else:
                self.failing.pop(method, None)

    def _random_failure(self, method: str) -> Behaviour | None:
        share = self.failing.get(method, 0.0)
        if not share or self._chance.random() >= share:
            return None
        kind = self._chance.choice([500, 503, 429])
        return Behaviour("status", kind, {"Retry-After": "1"} if kind == 429 else {})

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def replies(self) -> list[Call]:
        """Messages posted successfully (chat.postMessage answered ok)."""
        return [
            c
            for c in self.of("chat.postMessage")
            if c.status == 200 and c.body.startswith(b'{"ok": true')
        ]

    def wait_for(self, check: Any, timeout: float = 10.0) -> bool:
        """Wait until `check()` is true (re-checked whenever a call arrives)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not check():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(min(left, 0.1))
        return True

    def dump(self) -> bytes:
        """Every call so far as JSON (for a fake running in another process: GET /_calls)."""
        with self._lock:
            return json.dumps(
                [
                    {"method": c.method, "args": c.args, "at": c.at, "status": c.status, "ok": c.ok}
                    for c in self.calls
                ]
            ).encode()

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.scripts.clear()
            self.uploads.clear()
            self.messages.clear()

    def __enter__(self) -> FakeSlack:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- answers ------------------------------------------------------------------------------

    def _next_ts(self) -> str:
        n = next(self._ts)
        return f"{1_700_000_000 + n // 1_000_000}.{n % 1_000_000:06d}"

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or args.get("channel_id") or "")
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://fake.slack.test/",
                "team": "Fake team",
                "user": "anchor",
                "team_id": TEAM,
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
            }
        if method in {"chat.postMessage", "chat.update", "chat.postEphemeral"}:
            ts = str(args.get("ts") or self._next_ts())
            if method == "chat.postMessage":
                self.messages[channel].append(
                    {
                        "type": "message",
                        "ts": ts,
                        "thread_ts": args.get("thread_ts"),
                        "text": args.get("text"),
                        "bot_id": BOT_ID,
                        "metadata": _decode(args.get("metadata")),
                    }
                )
            return {
                "ok": True,
                "channel": channel,
                "ts": ts,
                "message": {"text": args.get("text"), "ts": ts},
            }
        if method == "chat.startStream":
            return {"ok": True, "channel": channel, "ts": self._next_ts()}
        if method in {"chat.appendStream", "chat.stopStream"}:
            return {"ok": True, "channel": channel, "ts": str(args.get("ts") or "")}
        if method == "conversations.open":
            users = str(args.get("users", "U0"))
            return {"ok": True, "channel": {"id": "D" + users.split(",")[0].lstrip("UW")}}
        if method == "users.list":
            start = int(str(args.get("cursor") or "0"))
            page = self.directory[start : start + 2]
            more = start + 2 < len(self.directory)
            return {
                "ok": True,
                "members": page,
                "response_metadata": {"next_cursor": str(start + 2) if more else ""},
            }
        if method == "usergroups.users.list":
            group = str(args.get("usergroup", ""))
            if group not in self.groups:
                return {"ok": False, "error": "no_such_subteam"}
            return {"ok": True, "users": self.groups[group]}
        if method == "conversations.members":
            if channel not in self.members:
                return {"ok": False, "error": "channel_not_found"}
            start = int(str(args.get("cursor") or "0"))
            people = self.members[channel]
            more = start + 2 < len(people)
            return {
                "ok": True,
                "members": people[start : start + 2],
                "response_metadata": {"next_cursor": str(start + 2) if more else ""},
            }
        if method in {"conversations.history", "conversations.replies"}:
            thread = args.get("ts")
            found = [
                m
                for m in self.messages.get(channel, [])
                if (thread is None or m.get("thread_ts") == thread or m["ts"] == thread)
            ]
            return {"ok": True, "messages": found, "has_more": False}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url}
        if method == "users.info":
            user = str(args.get("user", ""))
            tz = self.timezones.get(user, "Europe/London")
            profile = {"title": self.titles.get(user, "")}
            return {"ok": True, "user": {"id": user, "tz": tz, "is_bot": False, "profile": profile}}
        if method in {"views.publish", "views.open", "views.update"}:
            return {"ok": True, "view": {"id": "V1", **(_decode(args.get("view")) or {})}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._file)}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.url}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = _decode(args.get("files")) or []
            return {
                "ok": True,
                "files": [{"id": f.get("id"), "title": f.get("title")} for f in files],
            }
        return {"ok": True}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                path = urllib.parse.urlparse(self.path).path
                headers = {k.lower(): v for k, v in self.headers.items()}
                if path.startswith("/upload/"):
                    fake.uploads[path.rsplit("/", 1)[1]] = raw
                    self._record(
                        Call("upload", {"file": path.rsplit("/", 1)[1]}, headers, time.time())
                    )
                    self._send(200, b"OK - 0", "text/plain")
                    return
                if path == "/_fail":
                    order = json.loads(raw or b"{}")
                    fake.fail(str(order["method"]), float(order["share"]))
                    self._send(200, b"ok", "text/plain")
                    return
                if path.startswith("/response/"):
                    self._response_url(path, json.loads(raw or b"{}"), headers)
                    return
                method = path.removeprefix("/api/")
                query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
                args = {k: _decode(v[-1]) for k, v in query.items()}
                if "json" in headers.get("content-type", ""):
                    args.update(json.loads(raw or b"{}"))
                else:
                    form = urllib.parse.parse_qs(raw.decode())
                    args.update({k: _decode(v[-1]) for k, v in form.items()})
                call = Call(method, args, headers, time.time())
                with fake._lock:
                    script = fake.scripts.get(method)
                    behaviour = script.popleft() if script else fake._random_failure(method)
                if behaviour is not None and behaviour.kind == "reset":
                    self._reset(call)
                    return
                if behaviour is not None and behaviour.kind == "slow":
                    time.sleep(float(behaviour.value))
                    behaviour = None
                if behaviour is not None and behaviour.kind == "status":
                    call.status = int(behaviour.value)
                    body = json.dumps(
                        {
                            "ok": False,
                            "error": "ratelimited" if call.status == 429 else "fatal_error",
                        }
                    ).encode()
                    call.body = body
                    self._record(call)
                    self._send(call.status, body, "application/json", behaviour.headers)
                    return
                if behaviour is not None and behaviour.kind == "error":
                    payload: dict[str, Any] = {"ok": False, "error": str(behaviour.value)}
                else:
                    payload = fake.answer(method, args)
                call.body = json.dumps(payload).encode()
                call.ok = bool(payload.get("ok"))
                self._record(call)
                self._send(200, call.body, "application/json")

            def _reset(self, call: Call) -> None:
                """Drop the connection without an answer (an RST, as a failing proxy does)."""
                call.status = 0
                self._record(call)
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.close_connection = True
                self.connection.close()

            def _response_url(self, path: str, args: dict[str, Any], headers: Any) -> None:
                """A post to a response_url: scripted like a method (`response_url`); once
                `response_url_uses` posts to one URL were taken, Slack's 404 `used_url`."""
                call = Call("response_url", args, headers, time.time(), path=path)
                with fake._lock:
                    script = fake.scripts.get("response_url")
                    behaviour = script.popleft() if script else None
                    taken = sum(1 for c in fake.calls if c.ok and c.path == path)
                if behaviour is not None and behaviour.kind == "reset":
                    self._reset(call)
                    return
                limit = fake.response_url_uses
                if behaviour is None and limit is not None and taken >= limit:
                    behaviour = Behaviour("status", 404)
                if behaviour is not None and behaviour.kind == "status":
                    call.status = int(behaviour.value)
                    call.body = {429: b"rate_limited", 404: b"used_url"}.get(
                        call.status, b"service_unavailable"
                    )
                    self._record(call)
                    self._send(call.status, call.body, "text/plain", behaviour.headers)
                    return
                call.ok, call.body = True, b"ok"
                self._record(call)
                self._send(200, b"ok", "text/plain")

            def do_GET(self) -> None:
                if urllib.parse.urlparse(self.path).path == "/_calls":
                    self._send(200, fake.dump(), "application/json")
                else:
                    self.do_POST()

            def _record(self, call: Call) -> None:
                with fake._changed:
                    fake.calls.append(call)
                    fake._changed.notify_all()

            def _send(
                self,
                status: int,
                data: bytes,
                content_type: str,
                headers: dict[str, str] | None = None,
            ) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


# --- signed requests ------------------------------------------------------------------------


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 request signature (what slack_sdk's SignatureVerifier checks)."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str,
    body: bytes,
    *,
    timestamp: float | None = None,
    content_type: str = "application/json",
) -> dict[str, str]:
    stamp = str(int(time.time() if timestamp is None else timestamp))
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature(secret, stamp, body),
    }


@dataclass
class Answer:
    status: int
    body: bytes
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float = 10.0) -> Answer:
    """POST and return the status, body and elapsed time, whatever the status."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, response.read(), time.perf_counter() - started)
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read(), time.perf_counter() - started)


class Sender:
    """Builds and signs the requests Slack would send an app."""

    def __init__(self, url: str, secret: str, response_url: str = "") -> None:
        self.url = url
        self.secret = secret
        self.response_url = response_url
        self._ids = itertools.count(1)
        self._responses = itertools.count(1)

    def _response_url(self) -> str:
        """A response_url of its own for each command or interaction, as Slack gives (each
        lives 30 minutes and takes 5 posts)."""
        return f"{self.response_url}-{next(self._responses)}" if self.response_url else ""

    def event_body(self, event: dict[str, Any], event_id: str | None = None) -> bytes:
        envelope = {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "A0ANCHOR",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        }
        return json.dumps(envelope).encode()

    def send_event(
        self,
        event: dict[str, Any],
        event_id: str | None = None,
        *,
        retry: int = 0,
        timestamp: float | None = None,
        secret: str | None = None,
    ) -> Answer:
        body = self.event_body(event, event_id)
        headers = signed_headers(secret or self.secret, body, timestamp=timestamp)
        if retry:
            headers["X-Slack-Retry-Num"] = str(retry)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return post(self.url, body, headers)

    def send_form(self, fields: dict[str, str], *, secret: str | None = None) -> Answer:
        body = urllib.parse.urlencode(fields).encode()
        headers = signed_headers(
            secret or self.secret, body, content_type="application/x-www-form-urlencoded"
        )
        return post(self.url, body, headers)

    def command(self, user: str, text: str, channel: str = "C0GENERAL") -> Answer:
        return self.send_form(
            {
                "token": "legacy",
                "team_id": TEAM,
                "channel_id": channel,
                "channel_name": "general",
                "user_id": user,
                "user_name": user.lower(),
                "command": "/anchor",
                "text": text,
                "api_app_id": "A0ANCHOR",
                "response_url": self._response_url(),
                "trigger_id": f"trigger.{next(self._ids)}",
            }
        )

    def interaction(self, payload: dict[str, Any]) -> Answer:
        payload = {
            "team": {"id": TEAM},
            "api_app_id": "A0ANCHOR",
            "token": "legacy",
            "response_url": self._response_url(),
            "trigger_id": f"trigger.{next(self._ids)}",
            **payload,
        }
        return self.send_form({"payload": json.dumps(payload)})


def dm_event(
    user: str, text: str, ts: str, *, thread_ts: str | None = None, **extra: Any
) -> dict[str, Any]:
    """A `message.im` event as Slack sends it."""
    event: dict[str, Any] = {
        "type": "message",
        "channel": "D" + user.lstrip("UW"),
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    event.update(extra)
    return event


class RemoteFakeSlack:
    """A FakeSlack in its own process (so the load it answers doesn't slow the measurer)."""

    def __init__(self) -> None:
        import subprocess
        import sys

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        command = [sys.executable, "-m", "bot.slack.loopback", str(self.port)]
        self.process = subprocess.Popen(command)
        deadline = time.monotonic() + 30
        while True:
            try:
                self.calls()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the fake Slack did not start") from None
                time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def calls(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.url}/_calls", timeout=30) as answer:
            return list(json.loads(answer.read()))

    def replies(self) -> list[dict[str, Any]]:
        return [c for c in self.calls() if c["method"] == "chat.postMessage" and c["ok"]]

    def fail(self, method: str, share: float) -> None:
        """`FakeSlack.fail` in the other process."""
        order = json.dumps({"method": method, "share": share}).encode()
        request = urllib.request.Request(f"{self.url}/_fail", data=order, method="POST")
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()

    def wait_for(self, check: Any, timeout: float = 10.0, every: float = 0.5) -> bool:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                return False
            time.sleep(every)
        return True

    def __enter__(self) -> RemoteFakeSlack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


if __name__ == "__main__":  # python -m bot.slack.loopback PORT: a fake Slack on loopback
    import sys

    FakeSlack(port=int(sys.argv[1])).server.serve_forever()
