"""Requests to /slack/events, checked before Bolt sees them.

In order: headers over 16 KiB are refused (431); the body is read with a size cap (413 above
it, before anything is parsed); the signature is checked on the raw bytes (401 when it is
missing, repeated, malformed, stale or wrong, or the timestamp is not a number); the body is
parsed once, strictly (400 for anything Slack would never send: invalid UTF-8 or JSON, duplicate
keys, deep nesting, form garbage; 415 for a content type that is neither JSON nor a form); and
its shape is checked against what Bolt and the listeners read (400 for, say, a `block_actions`
with no `user` or a view whose `state.values` is not an object). Each refusal is one log line
naming the reason, never the body.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import urllib.parse
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from starlette.datastructures import Headers
from starlette.requests import ClientDisconnect, Request

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MAX_DEPTH = 64  # Slack's deepest payloads (rich text inside blocks inside a view) nest ~15
MAX_HEADER_BYTES = 16 * 1024
MAX_FIELDS = 200  # a slash command has about a dozen form fields
STAMP = re.compile(r"[0-9]{1,12}")
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


class Rejected(Exception):
    """The request is refused with `status`; `reason` is safe to log (it never quotes the body)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


# --- reading and verifying ----------------------------------------------------------------


def check_headers(headers: Headers) -> None:
    """Slack's headers come to a kilobyte or two; uvicorn's default parser sets no limit."""
    size = sum(len(name) + len(value) + 4 for name, value in headers.raw)
    if size > MAX_HEADER_BYTES:
        raise Rejected(431, f"headers of {size} bytes are over the {MAX_HEADER_BYTES}-byte limit")


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes `limit` bytes (whatever Content-Length
    claims: the count is of the bytes that arrive)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Rejected(413, f"body of {declared} bytes is over the {limit}-byte limit")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise Rejected(413, f"body is over the {limit}-byte limit")
            chunks.append(chunk)
    except ClientDisconnect:
        raise Rejected(400, "the client went away mid-body") from None
    return b"".join(chunks)


class Verifier:
    """Slack's v0 signature (HMAC-SHA256 of `v0:<timestamp>:<body>`), checked on the raw bytes
    once the headers are known to be well formed: one of each, a timestamp of ASCII digits.
    (slack_sdk's SignatureVerifier, which Bolt runs again afterwards, decodes the body first and
    so fails, rather than refuses, on a body that is not UTF-8.)"""

    def __init__(self, signing_secret: str, skew: float = 5 * 60) -> None:
        self._secret = signing_secret.encode()
        self._skew = skew

    def _valid(self, body: bytes, stamp: str, signature: str) -> bool:
        if abs(time.time() - int(stamp)) > self._skew:
            return False
        base = b"v0:" + stamp.encode() + b":" + body
        expected = "v0=" + hmac.new(self._secret, base, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature)

    def check(self, headers: Headers, body: bytes) -> None:
        stamps = headers.getlist("x-slack-request-timestamp")
        signatures = headers.getlist("x-slack-signature")
        if not stamps or not signatures:
            raise Rejected(401, "no signature")
        if len(stamps) > 1 or len(signatures) > 1:
            raise Rejected(401, "repeated signature headers")
        stamp, signature = stamps[0].strip(), signatures[0].strip()
        if not STAMP.fullmatch(stamp):
            raise Rejected(401, "timestamp is not a number")
        if not SIGNATURE.fullmatch(signature):
            raise Rejected(401, "signature is not a v0 signature")
        if not self._valid(body, stamp, signature):
            raise Rejected(401, "signature does not match, or the timestamp is stale")


# --- parsing --------------------------------------------------------------------------------


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate keys")
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text, object_pairs_hook=_unique, parse_constant=_no_constant)
    except RecursionError:
        raise Rejected(400, f"{what} is nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, duplicate keys, NaN, huge integers
        reason = "has duplicate keys" if str(exc) == "duplicate keys" else "is not valid JSON"
        raise Rejected(400, f"{what} {reason}") from None
    if not isinstance(value, dict):
        raise Rejected(400, f"{what} is not a JSON object")
    _check_depth(value, what)
    return value


def _check_depth(value: object, what: str) -> None:
    level: list[object] = [value]
    for _ in range(MAX_DEPTH):
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, dict | list)
        ]
        if not level:
            return
    raise Rejected(400, f"{what} is nested more than {MAX_DEPTH} deep")


def _form(text: str) -> dict[str, Any]:
    try:
        pairs = urllib.parse.parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=True,
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except ValueError:  # bad pairs, bad percent-encoded UTF-8, too many fields
        raise Rejected(400, "form body is not a valid form") from None
    try:
        fields = _unique(pairs)
    except ValueError:
        raise Rejected(400, "form body has duplicate keys") from None
    if "payload" not in fields:
        return fields
    if len(fields) > 1:
        raise Rejected(400, "form body has fields beside its payload")
    return _json(fields["payload"], "form payload")


def parse(body: bytes, content_type: str) -> tuple[str, dict[str, Any]]:
    """The body as text (what Bolt keeps as the raw body) and as the payload it carries."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in (JSON, FORM):
        raise Rejected(415, "content type is neither JSON nor a form")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected(400, "body is not UTF-8") from None
    if not text.strip():
        raise Rejected(400, "body is empty")
    payload = _json(text, "JSON body") if media == JSON else _form(text)
    return text, payload


# --- shape ----------------------------------------------------------------------------------


class _Shape(BaseModel):
    """Only the fields that Bolt or the listeners read are checked, strictly (no coercion);
    everything else is allowed as it is and passed on untouched."""

    model_config = ConfigDict(extra="allow", strict=True)


class Ref(_Shape):  # {"id": ...}: a team, user, channel or enterprise
    id: str | None = None


class Text(_Shape):
    text: str | None = None


class Option(_Shape):
    value: str | None = None
    text: Text | None = None


class InputValue(_Shape):
    value: str | None = None
    selected_option: Option | None = None
    selected_options: list[Option] | None = None


class State(_Shape):
    values: dict[str, dict[str, InputValue]] = {}


class View(_Shape):
    id: str | None = None
    type: str | None = None
    callback_id: str | None = None
    private_metadata: str | None = None
    team_id: str | None = None
    app_installed_team_id: str | None = None
    state: State | None = None
    blocks: list[dict[str, Any]] | None = None


class Action(_Shape):
    action_id: str
    block_id: str | None = None
    type: str | None = None
    value: str | None = None
    text: Text | None = None
    selected_option: Option | None = None
    selected_options: list[Option] | None = None


class Message(_Shape):
    ts: str | None = None
    thread_ts: str | None = None
    text: str | None = None
    subtype: str | None = None
    user: str | Ref | None = None
    blocks: list[dict[str, Any]] | None = None


class Container(_Shape):
    type: str | None = None
    message_ts: str | None = None
    channel_id: str | None = None
    is_ephemeral: bool | None = None


class Item(_Shape):
    channel: str | Ref | None = None


class AssistantThread(_Shape):
    channel_id: str | None = None
    thread_ts: str | None = None
    user_id: str | None = None


class Event(_Shape):
    type: str
    subtype: str | None = None
    user: str | Ref | None = None
    channel: str | Ref | None = None
    channel_type: str | None = None
    team: str | Ref | None = None
    user_team: str | None = None
    bot_id: str | None = None
    text: str | None = None
    ts: str | None = None
    thread_ts: str | None = None
    event_ts: str | None = None
    tab: str | None = None
    files: list[Any] | None = None
    item: Item | None = None
    message: Message | None = None
    previous_message: Message | None = None
    assistant_thread: AssistantThread | None = None


class Authorization(_Shape):
    team_id: str | None = None
    user_id: str | None = None
    enterprise_id: str | None = None


class Payload(_Shape):
    """Any payload Slack sends an app: events, commands, interactions, url_verification."""

    type: str | None = None
    command: str | None = None
    ssl_check: str | None = None
    token: str | None = None
    challenge: str | None = None
    team: str | Ref | None = None
    enterprise: str | Ref | None = None
    user: str | Ref | None = None
    channel: str | Ref | None = None
    team_id: str | None = None
    enterprise_id: str | None = None
    user_id: str | None = None
    channel_id: str | None = None
    api_app_id: str | None = None
    event_id: str | None = None
    trigger_id: str | None = None
    response_url: str | None = None
    callback_id: str | None = None
    action_id: str | None = None
    text: str | None = None
    authorizations: list[Authorization] | None = None
    event: Event | None = None
    view: View | None = None
    message: Message | None = None
    container: Container | None = None
    actions: list[Action] | None = None
    response_urls: list[dict[str, Any]] | None = None


# events whose listeners need these fields (Slack always sends them)
EVENT_NEEDS = {
    "message": ("channel", "ts"),
    "app_mention": ("channel", "ts"),
    "app_home_opened": ("user",),
}


def kind_of(payload: dict[str, Any]) -> str:
    """What a payload is, for logs and metrics: never anything a person wrote."""
    kind = payload.get("type")
    if kind == "event_callback":
        event = payload.get("event")
        return f"event {event.get('type')}" if isinstance(event, dict) else "event"
    if "command" in payload:
        return "slash command"
    if "ssl_check" in payload:
        return "ssl_check"
    return str(kind) if isinstance(kind, str) else "unknown"


def check(payload: dict[str, Any]) -> None:
    """Refuse (400) a payload that Bolt or a listener could not read."""
    kind = kind_of(payload)
    try:
        shape = Payload.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"][:4])
        raise Rejected(400, f"{kind}: {where} ({first['type']})") from None
    if shape.command is not None:
        missing = [name for name in ("user_id", "channel_id") if not payload.get(name)]
    elif shape.type is None:
        if shape.ssl_check is not None:
            return
        raise Rejected(400, "not a Slack payload (no type and no command)")
    elif shape.type == "url_verification":
        missing = [] if shape.challenge else ["challenge"]
    elif shape.type == "event_callback":
        if shape.event is None:
            raise Rejected(400, f"{kind}: no event")
        needs = EVENT_NEEDS.get(shape.event.type, ())
        event = payload["event"]
        missing = [f"event.{name}" for name in needs if not isinstance(event.get(name), str)]
    elif shape.type == "block_actions":
        missing = [] if isinstance(shape.user, Ref) and shape.user.id else ["user.id"]
        missing += [] if shape.actions else ["actions"]
    elif shape.type in ("view_submission", "view_closed"):
        missing = [] if isinstance(shape.user, Ref) and shape.user.id else ["user.id"]
        missing += [] if shape.view is not None and shape.view.callback_id is not None else ["view"]
    else:
        return  # a kind Anchor does not handle: Bolt acknowledges it as unhandled
    if missing:
        raise Rejected(400, f"{kind}: no {', '.join(missing)}")


def bolt_request(request: Request, text: str, payload: dict[str, Any]) -> AsyncBoltRequest:
    """A Bolt request carrying the payload parsed and checked here (Bolt's own parser is more
    lenient, and reads a slash command whose text says "payload" as an empty body)."""
    bolt = AsyncBoltRequest(body="", query=request.url.query, headers=dict(request.headers))
    bolt.raw_body = text  # Bolt verifies the signature again on this
    bolt.body = payload
    try:
        bolt.context = build_async_context(AsyncBoltContext({}), payload)
    except Exception as exc:  # a shape the checks above let through and Bolt cannot read
        raise Rejected(400, f"{kind_of(payload)}: unreadable ({type(exc).__name__})") from None
    return bolt
