"""Delivering the outbox (``bot.store.outbox``) to Slack: the one way Anchor posts what it owes
people. Handlers queue a call (`Outbox.queue`, or `Outbox.add` on a worker thread together with
the turn that produced it) and go on; a worker in every replica takes due rows, calls Slack and
records what Slack said.

Retries, in two layers, both with slack_sdk's retry machinery:

- *in the call*: slack_sdk's connection-error and server-error (500, 503) retry handlers try
  once more after a short backoff, for a blip;
- *in the outbox*: anything still failing is put back with a due time: Slack's Retry-After for a
  429 (and this replica holds every call of that method until then: Slack rate-limits per
  method), otherwise slack_sdk's exponential backoff (`outbox_backoff` doubling to
  `outbox_backoff_max`, with jitter). The row survives restarts; it is given up only after
  `outbox_give_up_failures` failures over at least `outbox_give_up_minutes`, or at once for an
  error no retry can fix (``channel_not_found``, ``invalid_blocks``...).

Exactly once: a row is marked sent only when Slack answers ok, and records the message's `ts`.
Slack's chat.postMessage has no idempotency key, so a process that dies after Slack posted and
before the row was marked would post it again after a restart. To close that window a posted
message carries the row's key in its message metadata, and a row whose earlier try never
recorded an outcome is first looked for in its channel or thread (conversations.history /
replies with include_all_metadata): found, it is marked sent, not posted again. What remains:
the look-up itself failing (then the row is posted again), or calls that cannot carry metadata
(chat.update and file uploads; repeating an update is harmless; a reply to a response_url
posted just before a crash is posted again).

Replies to a response_url (method `RESPOND`, queued by ``bot.slack.respond``) go with slack_sdk's
webhook client and the same in-call retry handlers; Slack honours a response_url for 30 minutes
and 5 uses, so a row older than that, or a 6th use, is given up with that reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.jitter import Jitter
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.config import Settings
from bot.slack.metrics import Metrics
from bot.store.outbox import FAILED, SENT, Claimed, GiveUp, OutboxStore
from bot.store.tables import OutboxRow

log = logging.getLogger(__name__)

METADATA_TYPE = "anchor_outbox"
# rows that carry the coach's answer to someone (counted as replies once delivered)
REPLY_KEYS = ("reply:", "update:", "answer:")
BATCH = 20
IDLE_POLL = 1.0  # seconds between looks for rows other replicas queued
CALL_TIMEOUT = 15  # seconds per HTTP call; the lease (outbox_lease_seconds) must outlast a try
# Slack's answers with HTTP 200 and ok: false that a later try can cure
TRANSIENT_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}
)
# a stream that is already stopped (or never started) needs no stopping
NOTHING_TO_STOP = frozenset({"message_not_in_streaming_state", "message_not_found"})
RESPOND = "response_url"  # the outbox method of a reply posted to an interaction's response_url
RESPONSE_URL_MINUTES = 30  # Slack accepts posts to a response_url for this long...
RESPONSE_URL_USES = 5  # ...and this many times


class WebhookFailed(Exception):
    """A response_url answered with something other than 200 (Slack's webhooks answer with a
    status and a plain-text error such as `expired_url`, `used_url` or `invalid_blocks`)."""

    def __init__(self, status: int, body: str, headers: Any) -> None:
        super().__init__(f"HTTP {status} {body}")
        self.status = status
        self.body = body
        self.headers = headers


class Refused(Exception):
    """A call that must not be made (e.g. a response_url Slack no longer honours)."""


class Undelivered(Exception):
    """A queued message was given up (or not delivered in the time allowed); `error` is
    Slack's reason when it was given up."""

    def __init__(self, message: str, error: str | None = None) -> None:
        super().__init__(message)
        self.error = error


# what to do once a row is delivered: (key, channel, ts)
Delivered = Callable[[str, str | None, str | None], Awaitable[None]]


class EqualJitter(Jitter):
    """Half the interval, plus a random part of the other half ("equal jitter"), so that many
    rows failing together do not come back together."""

    def recalculate(self, duration: float) -> float:
        return duration / 2 + random.uniform(0, duration / 2)


class _Counted:
    """Counts each in-call retry slack_sdk makes as a delivery retry."""

    metrics: Metrics

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        self.metrics.inc("delivery_retries")
        await super().prepare_for_next_attempt_async(  # type: ignore[misc]
            state=state, request=request, response=response, error=error
        )


class CountedConnectionRetry(_Counted, AsyncConnectionErrorRetryHandler):
    pass


class CountedServerErrorRetry(_Counted, AsyncServerErrorRetryHandler):
    pass


def stream_of(channel: str, thread_ts: str | None = None) -> str:
    """The order a message keeps: a whole DM (one person, read top to bottom), or one thread of a
    channel (threads of a busy channel do not wait for each other)."""
    if channel.startswith("D") or not thread_ts:
        return channel
    return f"{channel}:{thread_ts}"


def retry_handlers(settings: Settings, metrics: Metrics) -> list[AsyncRetryHandler]:
    """One in-call retry for a connection error or a 500/503 (slack_sdk's handlers), never a
    wait for Retry-After (the outbox schedules that)."""
    interval = BackoffRetryIntervalCalculator(settings.outbox_backoff / 4, EqualJitter())
    handlers: list[AsyncRetryHandler] = []
    for kind in (CountedConnectionRetry, CountedServerErrorRetry):
        handler = kind(max_retry_count=1, interval_calculator=interval)
        handler.metrics = metrics
        handlers.append(handler)
    return handlers


def delivery_client(settings: Settings, metrics: Metrics, token: str) -> AsyncWebClient:
    """The worker's Web API client, with `retry_handlers`."""
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=CALL_TIMEOUT,
        retry_handlers=retry_handlers(settings, metrics),
    )


class Outbox:
    """Queue Slack calls durably and deliver them; one per process (start it with `start`)."""

    def __init__(
        self,
        store: OutboxStore,
        settings: Settings,
        metrics: Metrics,
        *,
        worker: str | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.metrics = metrics
        self.worker = worker or f"{socket.gethostname()}:{id(self):x}"
        self.backoff = BackoffRetryIntervalCalculator(settings.outbox_backoff, EqualJitter())
        self.client: AsyncWebClient | None = None
        self._wake: asyncio.Event | None = None
        self._waiters: dict[int, list[asyncio.Future[tuple[str | None, str | None]]]] = {}
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._paused: dict[str, float] = {}  # method -> time.monotonic() it may be called again
        self._run_in_thread: Callable[..., Awaitable[Any]] | None = None
        self._after: list[tuple[str, Delivered]] = []
        metrics.track_outbox_backlog(
            lambda: float(store.pending_count()), lambda: float(store.backlog().failed)
        )

    # --- queueing -----------------------------------------------------------------------------

    def add(
        self,
        method: str,
        *,
        channel: str | None,
        thread_ts: str | None = None,
        owner: str = "",
        key: str | None = None,
        ts_from: int | None = None,
        stream: str | None = None,
        latest: str | None = None,
        **args: Any,
    ) -> int | None:
        """Queue a call (blocking: on a worker thread, next to the write that produced it).
        `channel` None is for calls that name none (views.publish: give a `stream`); `stream`
        overrides the order it keeps (by default its channel or thread); `latest`
        makes it replace the calls of that group still waiting (see `OutboxStore.add`)."""
        call, where = self.arguments(method, channel, thread_ts, key, args)
        return self.store.add(
            method,
            call,
            stream=stream or where or method,
            owner=owner,
            key=key,
            ts_from=ts_from,
            latest=latest,
        )

    def row(
        self,
        method: str,
        *,
        channel: str,
        thread_ts: str | None = None,
        owner: str = "",
        key: str,
        hold: float = 0.0,
        **args: Any,
    ) -> OutboxRow:
        """A row for a call, to be written in someone else's transaction (`OutboxStore.add_in`)."""
        call, stream = self.arguments(method, channel, thread_ts, key, args)
        return self.store.row(
            method, call, stream=stream or method, owner=owner, key=key, hold=hold
        )

    def fill(
        self,
        method: str,
        *,
        channel: str,
        thread_ts: str | None = None,
        key: str,
        **args: Any,
    ) -> bool:
        """Give a held row (`row(..., hold=...)`) its final arguments and make it due now
        (blocking); False if it is not waiting any more (see `OutboxStore.fill`)."""
        call, _ = self.arguments(method, channel, thread_ts, key, args)
        return self.store.fill(key, call)

    def arguments(
        self,
        method: str,
        channel: str | None,
        thread_ts: str | None,
        key: str | None,
        args: dict[str, Any],
    ) -> tuple[dict[str, Any], str | None]:
        """The call's arguments as stored, and the stream it belongs to (None: no channel)."""
        call = {"channel": channel, **args} if channel else dict(args)
        if thread_ts:
            call["thread_ts"] = thread_ts
        if method == "chat.postMessage" and key:  # the key as stored (people's ids sealed)
            payload = {"key": self.store.sealed(key)}
            call["metadata"] = {"event_type": METADATA_TYPE, "event_payload": payload}
        return call, stream_of(channel, thread_ts) if channel else None

    def on_delivered(self, prefix: str, then: Delivered) -> None:
        """Call `then(key, channel, ts)` whenever this replica delivers a row whose key starts
        with `prefix` (e.g. to remember the `ts` of a workshop step's message), whoever queued
        it: a row queued before a restart is followed up all the same."""
        self._after = [(p, t) for p, t in self._after if p != prefix] + [(prefix, then)]

    async def queue(self, method: str, **kwargs: Any) -> int | None:
        """Queue a call from the event loop and wake the worker."""
        row_id: int | None = await self._thread(self.add, method, **kwargs)
        self.poke()
        return row_id

    async def send(self, method: str, *, wait: float = 60.0, **kwargs: Any) -> tuple[str, str]:
        """Queue a call and wait until it is delivered: its (channel, ts). `Undelivered` if it
        is given up or not delivered within `wait` seconds (it stays queued)."""
        row_id = await self.queue(method, **kwargs)
        if row_id is None:
            raise Undelivered("already queued under this key")
        return await self.delivered(row_id, wait)

    async def delivered(self, row_id: int, wait: float = 60.0) -> tuple[str, str]:
        """Wait for a row to be delivered (by this worker or any other replica's)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[tuple[str | None, str | None]] = loop.create_future()
        self._waiters.setdefault(row_id, []).append(future)
        deadline = loop.time() + wait
        try:
            while True:
                found = await self._thread(self.store.result, row_id)
                if found is None or found[0] == FAILED:
                    error = await self._thread(self.store.last_error, row_id)
                    raise Undelivered(f"outbox row {row_id} was given up ({error})", error)
                if found[0] == SENT:
                    return str(found[1]), str(found[2])
                left = deadline - loop.time()
                if left <= 0:
                    raise Undelivered(f"outbox row {row_id} not delivered in {wait:.0f} s")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(future), min(left, IDLE_POLL))
        finally:
            listeners = self._waiters.get(row_id, [])
            if future in listeners:
                listeners.remove(future)
            if not listeners:
                self._waiters.pop(row_id, None)

    def poke(self) -> None:
        if self._wake is not None:
            self._wake.set()

    # --- the worker ---------------------------------------------------------------------------

    def start(
        self, client: AsyncWebClient, run_in_thread: Callable[..., Awaitable[Any]]
    ) -> asyncio.Task[None]:
        """Deliver in the background with `client`, doing database work via `run_in_thread`."""
        self.client = client
        self._run_in_thread = run_in_thread
        self._wake = asyncio.Event()
        self._stopping = False
        self._task = asyncio.create_task(self.run())
        return self._task

    async def stop(self, timeout: float = 0.0) -> None:
        """Stop the worker: let the calls in flight finish and deliver what is due now, for up to
        `timeout` seconds; what is left waits for the next start (its lease runs out)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        self._stopping = True
        self.poke()
        if self._task is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._task), max(0.0, timeout))
            if not self._task.done():
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None
        await self.flush(max(0.0, deadline - loop.time()))

    async def run(self) -> None:
        assert self._wake is not None
        while not self._stopping:
            try:
                if await self.deliver_due():
                    continue
                pause = await self._thread(self.store.next_due)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database is away: try again shortly
                log.warning("outbox: could not take rows (%s)", type(exc).__name__)
                pause = None
            pause = IDLE_POLL if pause is None else min(max(pause, 0.005), IDLE_POLL)
            if self._stopping:
                return
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), pause)

    async def flush(self, timeout: float) -> None:
        """At shutdown: deliver what is due now, for up to `timeout` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        with contextlib.suppress(Exception):
            while loop.time() < deadline and self.client is not None:
                if not await asyncio.wait_for(self.deliver_due(), deadline - loop.time()):
                    return

    async def deliver_due(self) -> int:
        """Take due rows and deliver them together (each is the head of its own stream); how
        many were taken."""
        rows = await self._thread(self.store.claim, self.worker, BATCH)
        if rows:
            await asyncio.gather(*(self.deliver(row) for row in rows))
        return len(rows)

    async def deliver(self, row: Claimed) -> None:
        assert self.client is not None
        try:
            prepared = await self._arguments(row)
            if prepared is None:
                return
            method, args = prepared
            wait = self._paused.get(method, 0.0) - time.monotonic()
            if wait > 0:  # Slack asked this replica to hold this method (a 429's Retry-After)
                await self._thread(self.store.release, row, retry_in=wait)
                return
            if method == RESPOND:
                await self._check_response_url(row)
            if row.uncertain and method == "chat.postMessage":
                found = await self._already_posted(row)
                if found is not None:
                    log.info("outbox row %d was posted before a restart; not posting again", row.id)
                    await self._delivered(row, row.args.get("channel"), found)
                    return
            answer = await self._call(method, args)
        except Refused as exc:
            log.warning("outbox row %d given up: %s", row.id, exc)
            await self._give_up(row, str(exc))
            return
        except (SlackApiError, WebhookFailed) as exc:
            await self._failed(row, exc)
            return
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            await self._failed(row, exc)
            return
        except Exception as exc:  # a call Slack's client refuses (bad arguments): not curable
            log.error("outbox row %d cannot be sent (%s)", row.id, type(exc).__name__)
            await self._give_up(row, f"{type(exc).__name__}")
            return
        channel = answer.get("channel") or args.get("channel")
        ts = answer.get("ts") or args.get("ts")
        await self._delivered(row, channel, ts)

    async def _arguments(self, row: Claimed) -> tuple[str, dict[str, Any]] | None:
        """The method and arguments to call, with the `ts` of the message it changes when that
        comes from an earlier row (None: nothing to call now)."""
        args = dict(row.args)
        if row.ts_from is None:
            return row.method, args
        earlier = await self._thread(self.store.result, row.ts_from)
        if earlier is not None and earlier[0] == SENT and earlier[2]:
            args["channel"] = earlier[1] or args.get("channel")
            args["ts"] = earlier[2]
            return row.method, args
        if earlier is not None and earlier[0] not in (SENT, FAILED):
            await self._thread(self.store.release, row, retry_in=0.2)
            return None
        # the message it would change was never posted: post the content as a message instead
        if row.method == "chat.stopStream":
            await self._delivered(row, None, None)
            return None
        args.pop("ts", None)
        return "chat.postMessage", args

    async def _check_response_url(self, row: Claimed) -> None:
        """Refused: a response_url Slack no longer honours (too old, or used up)."""
        issued = float(row.args.get("issued_at") or 0.0)
        if time.time() - issued > RESPONSE_URL_MINUTES * 60:
            raise Refused(f"response_url expired (older than {RESPONSE_URL_MINUTES} minutes)")
        used = await self._thread(self.store.sent_in_stream, row.stream)
        if used >= RESPONSE_URL_USES:
            raise Refused(f"response_url used up ({RESPONSE_URL_USES} replies sent to it)")

    async def _respond(self, args: dict[str, Any]) -> dict[str, Any]:
        """Post a reply to a response_url with slack_sdk's webhook client."""
        client = AsyncWebhookClient(
            url=str(args["url"]),
            timeout=CALL_TIMEOUT,
            retry_handlers=retry_handlers(self.settings, self.metrics),
        )
        answer = await client.send_dict(dict(args.get("body") or {}))
        if answer.status_code != 200:
            raise WebhookFailed(answer.status_code, str(answer.body or "")[:100], answer.headers)
        return {}

    async def _call(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        assert self.client is not None
        if method == RESPOND:
            return await self._respond(args)
        if method == "files_upload_v2":
            await self.client.files_upload_v2(**args)
            return {"channel": args.get("channel")}
        try:
            answer = await self.client.api_call(method, json=args)
        except SlackApiError as exc:
            if method == "chat.stopStream" and exc.response.get("error") in NOTHING_TO_STOP:
                return {"channel": args.get("channel"), "ts": args.get("ts")}
            raise
        return dict(answer.data) if isinstance(answer.data, dict) else {}

    async def _already_posted(self, row: Claimed) -> str | None:
        """The ts of this row's message if Slack already has it (found by its metadata)."""
        assert self.client is not None
        channel = str(row.args.get("channel"))
        thread = row.args.get("thread_ts")
        try:
            if thread:
                answer = await self.client.conversations_replies(
                    channel=channel, ts=str(thread), include_all_metadata=True, limit=200
                )
            else:
                answer = await self.client.conversations_history(
                    channel=channel, include_all_metadata=True, limit=200
                )
        except Exception as exc:
            log.warning("outbox: could not check row %d (%s)", row.id, type(exc).__name__)
            return None
        for message in answer.get("messages") or []:
            meta = message.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            if meta.get("event_type") == METADATA_TYPE and payload.get("key") == row.key:
                return str(message.get("ts"))
        return None

    # --- outcomes -----------------------------------------------------------------------------

    async def _delivered(self, row: Claimed, channel: Any, ts: Any) -> None:
        channel = None if channel is None else str(channel)
        ts = None if ts is None else str(ts)
        kept = await self._thread(self.store.delivered, row, channel=channel, ts=ts)
        if not kept:
            log.warning("outbox row %d was delivered after its lease ran out", row.id)
        if row.key.startswith(REPLY_KEYS) and row.method != "chat.stopStream":
            self.metrics.inc("replies")
        for prefix, then in self._after:
            if row.key.startswith(prefix):
                try:
                    await then(row.key, channel, ts)
                except Exception as exc:  # the message is out; only the follow-up failed
                    log.warning("outbox row %d: follow-up failed (%s)", row.id, type(exc).__name__)
        self._resolve(row.id, channel, ts)
        self.poke()  # the next row of its stream is due now

    async def _failed(self, row: Claimed, exc: Exception) -> None:
        error, retry_in = self.verdict(exc, row.failures)
        if _status(exc) == 429 and retry_in:
            # Slack's rate limits are per method: every row of this method waits, not just one
            until = time.monotonic() + retry_in
            self._paused[row.method] = max(self._paused.get(row.method, 0.0), until)
        status = await self._thread(self.store.failed, row, error, retry_in=retry_in)
        if status == FAILED:
            log.warning(
                "outbox row %d (%s) given up after %d failure(s): %s",
                row.id,
                row.method,
                row.failures + 1,
                error,
            )
            self._resolve(row.id, None, None)
        else:
            self.metrics.inc("delivery_retries")
            log.info("outbox row %d failed (%s); trying again in %.1f s", row.id, error, retry_in)

    async def _give_up(self, row: Claimed, error: str) -> None:
        await self._thread(self.store.failed, row, error, retry_in=None)
        self._resolve(row.id, None, None)

    def verdict(self, exc: Exception, failures: int) -> tuple[str, float | None]:
        """What went wrong, in a few words, and when to try again (None: never)."""
        backoff = min(
            self.backoff.calculate_sleep_duration(failures), self.settings.outbox_backoff_max
        )
        if isinstance(exc, SlackApiError):
            status = int(getattr(exc.response, "status_code", 200))
            error = str(exc.response.get("error") or "unknown_error")
            if status == 429:
                after = _retry_after(exc.response.headers)
                return f"HTTP 429 {error}", (backoff if after is None else after)
            if status >= 500:
                return f"HTTP {status} {error}", backoff
            if status == 200 and error in TRANSIENT_ERRORS:
                return error, backoff
            return (f"HTTP {status} {error}" if status != 200 else error), None
        if isinstance(exc, WebhookFailed):
            error = f"HTTP {exc.status} {exc.body}".strip()
            if exc.status == 429:
                after = _retry_after(exc.headers)
                return error, (backoff if after is None else after)
            if exc.status >= 500:
                return error, backoff
            return error, None  # expired_url, used_url, invalid_blocks...: no retry cures it
        return type(exc).__name__, backoff

    def _resolve(self, row_id: int, channel: str | None, ts: str | None) -> None:
        for future in self._waiters.get(row_id, []):
            if not future.done():
                future.set_result((channel, ts))

    async def _thread(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._run_in_thread is not None:
            return await self._run_in_thread(call, *args, **kwargs)
        return await asyncio.to_thread(call, *args, **kwargs)


def _status(exc: Exception) -> int | None:
    """The HTTP status of a failed call, if it had one."""
    if isinstance(exc, SlackApiError):
        return int(getattr(exc.response, "status_code", 200))
    if isinstance(exc, WebhookFailed):
        return exc.status
    return None


def _retry_after(headers: Any) -> float | None:
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(0.0, float(raw)) + random.uniform(0, 0.25)
            except (TypeError, ValueError):
                return None
    return None


def give_up_rule(settings: Settings) -> GiveUp:
    return GiveUp(settings.outbox_give_up_failures, settings.outbox_give_up_minutes)
