"""Streamed replies (Slack's chat.startStream / appendStream / stopStream) when an LLM writes
them: sentences appear as the model produces them; the finished message then gets its sources,
choices and feedback buttons. If the coach does not keep the streamed answer (it failed a check
at the end), the message is replaced by the reply it did keep."""

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
) -> Reply | None:
    """Stream what the relay carries while `turn` runs and finish the message with its reply
    (None); or, when nothing was streamed (no LLM answer this time), the reply to post."""
    task = asyncio.ensure_future(turn)
    streamer: AsyncChatStream | None = None
    shown = ""
    while True:
        getter = asyncio.ensure_future(relay.queue.get())
        done, _ = await asyncio.wait({task, getter}, return_when=asyncio.FIRST_COMPLETED)
        if getter not in done:
            getter.cancel()
            break
        piece = getter.result()
        streamer = streamer or await _open(client, where)
        await streamer.append(markdown_text=piece)
        shown += piece
    relay.closed = True
    await asyncio.sleep(0)  # let text handed over just before the end arrive
    while not relay.queue.empty():
        piece = relay.queue.get_nowait()
        streamer = streamer or await _open(client, where)
        await streamer.append(markdown_text=piece)
        shown += piece
    reply = task.result()
    if streamer is None:
        return reply
    await _finish(services, client, where, streamer, shown, reply)
    services.metrics.inc("replies")
    return None


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
    streamer: AsyncChatStream,
    shown: str,
    reply: Reply,
) -> None:
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
