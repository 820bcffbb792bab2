"""Streamed replies (Slack's chat.startStream / appendStream / stopStream) when an LLM writes
them: sentences appear as the model produces them; the finished message then gets its sources,
choices and feedback buttons. If the coach does not keep the streamed answer (it failed a check
at the end), the message is replaced by the reply it did keep. If Slack fails mid-stream, the
outbox finishes the message."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass

from slack_sdk.web.async_chat_stream import AsyncChatStream
from slack_sdk.web.async_client import AsyncWebClient

from bot.models import Reply
from bot.slack import blocks
from bot.slack.services import SlackServices

log = logging.getLogger(__name__)


class Relay:
    """Carries streamed text from the coach's worker thread to the event loop, until closed."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[str] = asyncio.Queue()
        self.closed = False

    def push(self, text: str) -> None:  # called on a worker thread
        if not self.closed:
            self.loop.call_soon_threadsafe(self.queue.put_nowait, text)


@dataclass(frozen=True)
class Where:
    """The DM thread a streamed reply goes to, and who reads it."""

    channel: str
    thread: str
    user: str
    team: str | None


async def streamed(
    services: SlackServices,
    client: AsyncWebClient,
    where: Where,
    relay: Relay,
    turn: Awaitable[Reply],
    key: str,
) -> Reply | None:
    """Stream what the relay carries while `turn` runs and finish the message with its reply
    (None); or, when nothing was streamed (no LLM answer this time), the reply to post.

    If Slack fails mid-stream, streaming stops there (the turn goes on) and the message is
    finished from the outbox: the stream is stopped and the message replaced by the whole reply
    (or, if the stream never opened, the reply is posted), retried until Slack takes it."""
    task = asyncio.ensure_future(turn)
    stream = Stream(client, where)
    while True:
        getter = asyncio.ensure_future(relay.queue.get())
        done, _ = await asyncio.wait({task, getter}, return_when=asyncio.FIRST_COMPLETED)
        if getter not in done:
            getter.cancel()
            break
        await stream.append(getter.result())
    relay.closed = True
    await asyncio.sleep(0)  # let text handed over just before the end arrive
    while not relay.queue.empty():
        await stream.append(relay.queue.get_nowait())
    reply = task.result()
    if stream.streamer is None and not stream.broken:
        return reply
    if not stream.broken:
        try:
            await _finish(services, client, where, stream.streamer, stream.shown, reply)
            services.metrics.inc("replies")
            return None
        except Exception as exc:
            log.warning("streamed reply failed at the end (%s)", type(exc).__name__)
    await _finish_from_outbox(services, where, stream.ts, reply, key)
    return None


class Stream:
    """The streamed message so far; after a failure it takes no more text (`broken`)."""

    def __init__(self, client: AsyncWebClient, where: Where) -> None:
        self.client = client
        self.where = where
        self.streamer: AsyncChatStream | None = None
        self.shown = ""
        self.broken = False

    @property
    def ts(self) -> str | None:
        return None if self.streamer is None or not self.streamer.ts else str(self.streamer.ts)

    async def append(self, piece: str) -> None:
        if self.broken:
            return
        try:
            self.streamer = self.streamer or await _open(self.client, self.where)
            await self.streamer.append(markdown_text=piece)
            self.shown += piece
        except Exception as exc:
            log.warning(
                "streaming stopped mid-reply (%s); the outbox finishes it", type(exc).__name__
            )
            self.broken = True


async def _finish_from_outbox(
    services: SlackServices, where: Where, ts: str | None, reply: Reply, key: str
) -> None:
    """Queue what finishes a broken stream: stop it and replace it with the whole reply, or,
    when it never opened, post the reply in the thread."""
    heading = services.coach.templates.sources_heading
    message = {
        "text": blocks.fallback_text(reply, heading),
        "blocks": blocks.reply_blocks(reply, services.texts, sources_heading=heading),
    }
    owner = f"slack:{where.user}"
    if ts is None:
        await services.outbox.queue(
            "chat.postMessage",
            channel=where.channel,
            thread_ts=where.thread,
            owner=owner,
            key=key,
            **message,
        )
        return
    await services.outbox.queue(
        "chat.stopStream", channel=where.channel, owner=owner, key=f"{key}:stop", ts=ts
    )
    await services.outbox.queue(
        "chat.update", channel=where.channel, owner=owner, key=f"{key}:update", ts=ts, **message
    )


async def _open(client: AsyncWebClient, where: Where) -> AsyncChatStream:
    return await client.chat_stream(
        channel=where.channel,
        thread_ts=where.thread,
        recipient_user_id=where.user,
        recipient_team_id=where.team,
        buffer_size=1,  # each piece is a whole sentence: send it as it comes
    )


async def _finish(
    services: SlackServices,
    client: AsyncWebClient,
    where: Where,
    streamer: AsyncChatStream | None,
    shown: str,
    reply: Reply,
) -> None:
    assert streamer is not None
    heading = services.coach.templates.sources_heading
    body, had_sources = blocks.strip_sources(reply.reply, heading)
    if reply.mode == "llm" and body.startswith(shown):
        rest = body[len(shown) :]
        tail = blocks.tail_blocks(reply, services.texts, had_sources=had_sources)
        await streamer.stop(markdown_text=rest or None, blocks=tail)
        return
    log.info("streamed answer not kept; replacing it with the reply that was")
    await streamer.stop()
    await client.chat_update(
        channel=where.channel,
        ts=str(streamer.ts),
        text=blocks.fallback_text(reply, heading),
        blocks=blocks.reply_blocks(reply, services.texts, sources_heading=heading),
    )
