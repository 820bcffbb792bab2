"""The path every coaching message takes in Slack, shared by the listeners: deduplicate, rate
limit, show the privacy notice at first contact, ask the coach off the event loop, and queue the
reply in the outbox (``bot.slack.outbox``), which delivers it in the thread. The reply is owed in
the same transaction as the turn that produced it: the coach's store writes the outbox row with
the exchange (``bot.store.together``), held for a moment with the reply's plain text; right after
the coach returns, the row gets its full Block Kit form and is released (`owed_with_turn`,
`release_reply`). A crash before the turn's commit leaves neither; a crash after it, the row,
which goes out as plain text once its hold runs out. A failure in one conversation is logged and
apologised for; it never stops any other."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import uuid
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.orm import Session

from bot.coach.engine import with_note
from bot.models import Reply
from bot.slack import blocks
from bot.slack.outbox import Undelivered
from bot.slack.services import SlackServices
from bot.slack.streaming import Relay, Where, streamed
from bot.store.outbox import OutboxStore
from bot.store.together import Exchange, TurnWrite, with_turn

log = logging.getLogger(__name__)
# seconds a reply owed with its turn waits for its full form (given microseconds after the
# turn's commit) before a worker may send it as it was written, in plain text
REPLY_HOLD = 30.0


def without_mention(text: str, bot_user_id: str | None) -> str:
    """The message without `@Anchor` itself (other people's mentions are left as they are)."""
    if not bot_user_id:
        return text.strip()
    return re.sub(rf"\s*<@{re.escape(bot_user_id)}(?:\|[^>]*)?>\s*", " ", text).strip()


def person(user_id: str) -> str:
    """The coach's external id for a Slack user."""
    return f"slack:{user_id}"


def slack_user(external_id: str) -> str | None:
    return external_id.removeprefix("slack:") if external_id.startswith("slack:") else None


def dm_key(channel: str, thread_ts: str) -> str:
    """Memory is kept per DM thread."""
    return f"dm:{channel}:{thread_ts}"


@dataclass(frozen=True)
class Incoming:
    """A message for Anchor, from a DM (`private`) or an @mention in a channel."""

    user: str
    channel: str
    ts: str
    thread_ts: str | None
    text: str
    event_id: str | None
    private: bool
    files: bool = False
    team: str | None = None

    @classmethod
    def from_event(cls, event: dict[str, Any], body: dict[str, Any], *, private: bool) -> Incoming:
        """A person's message event (already checked with `ignorable`) as Slack sends it."""
        return cls(
            user=str(event["user"]),
            channel=str(event["channel"]),
            ts=str(event["ts"]),
            thread_ts=event.get("thread_ts"),
            text=str(event.get("text") or ""),
            event_id=body.get("event_id"),
            private=private,
            files=has_files(event),
            team=body.get("team_id"),
        )

    @property
    def thread(self) -> str:
        return self.thread_ts or self.ts


# A person's own post, with something extra: a file attached, or a thread reply also sent to
# the channel. Every other subtype (edits, deletions, joins, bot posts) is not a new message.
PERSON_SUBTYPES = frozenset({"file_share", "thread_broadcast"})


def ignorable(event: dict[str, Any]) -> bool:
    """Bot messages (ours included), edits, deletions and other non-person messages."""
    return bool(
        event.get("bot_id")
        or event.get("bot_profile")
        or (event.get("subtype") and event.get("subtype") not in PERSON_SUBTYPES)
        or not event.get("user")
        or "ts" not in event
    )


def has_files(event: dict[str, Any]) -> bool:
    return bool(event.get("files")) or event.get("subtype") == "file_share"


async def dm_channel(client: AsyncWebClient, user_id: str) -> str:
    opened = await client.conversations_open(users=user_id)
    channel = opened.get("channel") or {}
    return str(channel["id"])


def sources_heading(services: SlackServices) -> str:
    return services.coach.templates.sources_heading


def once() -> str:
    """An outbox key for a message nothing else could owe twice."""
    return uuid.uuid4().hex


def queue_reply(
    services: SlackServices,
    reply: Reply,
    *,
    channel: str,
    thread_ts: str | None,
    owner: str,
    key: str,
    offer_dm: bool = False,
) -> int | None:
    """Queue the coach's reply in the outbox (blocking: called on the turn's worker thread)."""
    heading = sources_heading(services)
    return services.outbox.add(
        "chat.postMessage",
        channel=channel,
        thread_ts=thread_ts,
        owner=owner,
        key=key,
        text=blocks.fallback_text(reply, heading),
        blocks=blocks.reply_blocks(
            reply, services.texts, sources_heading=heading, offer_dm=offer_dm
        ),
    )


async def post_reply(
    services: SlackServices,
    reply: Reply,
    *,
    channel: str,
    thread_ts: str | None,
    owner: str,
    key: str,
    offer_dm: bool = False,
) -> None:
    await services.work.run(
        queue_reply,
        services,
        reply,
        channel=channel,
        thread_ts=thread_ts,
        owner=owner,
        key=key,
        offer_dm=offer_dm,
    )
    services.outbox.poke()


async def say(
    services: SlackServices,
    channel: str,
    text: str,
    *,
    owner: str,
    thread_ts: str | None = None,
    key: str | None = None,
    **extra: object,
) -> None:
    """Queue a short message from Anchor (a notice, a refusal, an apology) in the outbox."""
    await services.outbox.queue(
        "chat.postMessage",
        channel=channel,
        thread_ts=thread_ts,
        owner=owner,
        key=key or once(),
        text=text,
        **extra,
    )


async def notice_if_first(
    services: SlackServices, client: AsyncWebClient, user_id: str, channel: str | None = None
) -> None:
    """At first contact, the privacy notice and consent buttons, as their own DM message."""
    if not await services.work.run(services.leaders.first_contact, person(user_id)):
        return
    where = channel or await dm_channel(client, user_id)
    await say(
        services,
        where,
        services.texts.privacy.choose,
        owner=person(user_id),
        key=f"notice:{user_id}",
        blocks=blocks.notice_blocks(services.texts),
    )


async def allowed(
    services: SlackServices, client: AsyncWebClient, user_id: str, channel: str, thread: str | None
) -> bool:
    """Count the message against the person's limit; explain once when they go over it."""
    verdict = await services.work.run(services.leaders.rate, person(user_id))
    if verdict.allowed:
        return True
    services.metrics.inc("rate_limited")
    if verdict.first_refusal:
        text = services.texts.conversation.rate_limited.format(limit=verdict.limit)
        await say(services, channel, text, owner=person(user_id), thread_ts=thread)
    return False


def _claim_all(services: SlackServices, keys: list[str], owner: str) -> bool:
    return all(services.leaders.claim(key, owner) for key in keys)


async def first_delivery(services: SlackServices, msg: Incoming) -> bool:
    """Whether this is the first delivery of the message, by event id and by (channel, ts)."""
    keys = [f"msg:{msg.channel}:{msg.ts}"]
    if msg.event_id:
        keys.insert(0, msg.event_id)
    fresh = await services.work.run(_claim_all, services, keys, person(msg.user))
    if not fresh:
        services.metrics.inc("duplicates")
    return fresh


async def apologise(services: SlackServices, channel: str, thread: str | None, owner: str) -> None:
    services.metrics.inc("errors")
    try:
        await say(
            services, channel, services.texts.conversation.error, owner=owner, thread_ts=thread
        )
    except Exception as exc:  # the database is failing too: nothing more we can say
        log.warning("could not queue the apology either (%s)", type(exc).__name__)


async def thinking(client: AsyncWebClient, services: SlackServices, msg: Incoming) -> None:
    """Slack's "thinking" status in an assistant thread (a threaded DM); harmless elsewhere."""
    if not (msg.private and msg.thread_ts):
        return
    try:
        await client.assistant_threads_setStatus(
            channel_id=msg.channel,
            thread_ts=msg.thread_ts,
            status=services.texts.conversation.thinking,
        )
    except Exception as exc:  # cosmetic: a failure here never holds up the reply
        log.debug("no assistant status here (%s)", type(exc).__name__)


def owed_with_turn(
    services: SlackServices,
    method: str,
    *,
    channel: str,
    thread_ts: str | None,
    owner: str,
    key: str,
    **extra: Any,
) -> TurnWrite:
    """The write that owes a turn's reply in the turn's own transaction: an outbox row with the
    reply's text, held `REPLY_HOLD` seconds for `release_reply` to give it its full form."""

    def write(session: Session, exchange: Exchange) -> None:
        row = services.outbox.row(
            method,
            channel=channel,
            thread_ts=thread_ts,
            owner=owner,
            key=key,
            hold=REPLY_HOLD,
            text=exchange.reply,
            **extra,
        )
        OutboxStore.add_in(session, row)

    return write


def release_reply(
    services: SlackServices,
    reply: Reply,
    method: str,
    *,
    channel: str,
    thread_ts: str | None,
    key: str,
    offer_dm: bool = False,
    **extra: Any,
) -> bool:
    """Give a reply owed with its turn its Block Kit form and make it due now (blocking). A
    failure here is logged, not raised: the reply is owed already and goes out in plain text
    when its hold ends (an apology as well would contradict it)."""
    try:
        return _fill(
            services,
            reply,
            method,
            channel=channel,
            thread_ts=thread_ts,
            key=key,
            offer_dm=offer_dm,
            **extra,
        )
    except Exception as exc:
        log.error("reply owed in plain text only (%s)", type(exc).__name__, exc_info=True)
        return False


def _fill(
    services: SlackServices,
    reply: Reply,
    method: str,
    *,
    channel: str,
    thread_ts: str | None,
    key: str,
    offer_dm: bool,
    **extra: Any,
) -> bool:
    heading = sources_heading(services)
    return services.outbox.fill(
        method,
        channel=channel,
        thread_ts=thread_ts,
        key=key,
        text=blocks.fallback_text(reply, heading),
        blocks=blocks.reply_blocks(
            reply, services.texts, sources_heading=heading, offer_dm=offer_dm
        ),
        **extra,
    )


def turn_and_queue(
    services: SlackServices,
    msg: Incoming,
    who: str,
    text: str,
    key: str,
    title: str | None = None,
) -> Reply:
    """The coach's turn with its reply owed in the same transaction, then released with its
    full form (a mention is answered with guidance, a DM with coaching). `title` is the
    person's Slack profile title, for their seat."""
    where: dict[str, Any] = {"channel": msg.channel, "thread_ts": msg.thread, "key": reply_key(msg)}
    owed = owed_with_turn(services, "chat.postMessage", owner=who, **where)
    with with_turn(owed):
        if msg.private:
            reply = services.coach.respond(who, text, key, title=title)
        else:
            reply = services.coach.guidance(who, text, key, title=title)
    if msg.files:
        reply.reply = with_note(reply, f"_{services.texts.conversation.files_unread}_")
    release_reply(services, reply, "chat.postMessage", offer_dm=not msg.private, **where)
    return reply


def reply_key(msg: Incoming) -> str:
    """The outbox key of the reply to a message: one reply per message, however often the
    message arrives."""
    return f"reply:{msg.channel}:{msg.ts}"


async def handle_incoming(
    services: SlackServices, client: AsyncWebClient, msg: Incoming, bot_user_id: str | None
) -> None:
    """A DM or a mention: deduplicate, rate limit, notice, coach, reply in the thread."""
    async with services.work.tracked(), services.conversations.hold(msg.channel + msg.thread):
        who = person(msg.user)
        try:
            if not await first_delivery(services, msg):
                return
            if not await allowed(services, client, msg.user, msg.channel, msg.thread):
                return
            text = without_mention(msg.text, bot_user_id)
            title = await services.titles.of(client, msg.user)
            if msg.files and not text:
                await say(
                    services,
                    msg.channel,
                    services.texts.conversation.files,
                    owner=who,
                    thread_ts=msg.thread,
                    key=reply_key(msg),
                )
                return
            if msg.private:
                await notice_if_first(services, client, msg.user, msg.channel)
                await thinking(client, services, msg)
                key = dm_key(msg.channel, msg.thread)
                if services.coach.streams and not msg.files:
                    relay = Relay(asyncio.get_running_loop())
                    where = Where(msg.channel, msg.thread, msg.user, msg.team)
                    respond = functools.partial(services.coach.respond, title=title)
                    turn = services.work.run(respond, who, text, key, relay.push)
                    unsent = await streamed(services, client, where, relay, turn, reply_key(msg))
                    if unsent is not None:
                        await post_reply(
                            services,
                            unsent,
                            channel=msg.channel,
                            thread_ts=msg.thread,
                            owner=who,
                            key=reply_key(msg),
                        )
                    return
            else:
                await notice_if_first(services, client, msg.user)
                key = f"mention:{msg.channel}:{msg.thread}"
            reply = await services.work.run(turn_and_queue, services, msg, who, text, key, title)
            services.outbox.poke()
            log.info(
                "reply in %s conversation (%d chars) queued",
                "dm" if msg.private else "channel",
                len(reply.reply),
            )
        except Exception as exc:
            log.error("turn failed (%s)", type(exc).__name__, exc_info=True)
            await apologise(services, msg.channel, msg.thread, who)


async def start_private(
    services: SlackServices, client: AsyncWebClient, user_id: str, text: str
) -> None:
    """Begin a private conversation from a command, App Home or a modal: a new DM message
    (shown as thinking, then replaced by the reply) whose thread keeps the memory. The
    placeholder goes through the outbox and is waited for (its `ts` names the thread)."""
    async with services.work.tracked():
        channel: str | None = None
        who = person(user_id)
        try:
            channel = await dm_channel(client, user_id)
            if not await allowed(services, client, user_id, channel, None):
                return
            await notice_if_first(services, client, user_id, channel)
            _, ts = await services.outbox.send(
                "chat.postMessage",
                channel=channel,
                owner=who,
                key=f"start:{once()}",
                text=services.texts.conversation.thinking,
            )
            await services.work.run(_start_turn, services, who, text, channel, ts)
            services.outbox.poke()
        except Undelivered as exc:
            log.warning("private start: the first message was not delivered (%s)", exc)
            services.metrics.inc("errors")
        except Exception as exc:
            log.error("private start failed (%s)", type(exc).__name__, exc_info=True)
            if channel is not None:
                await apologise(services, channel, None, who)
            else:
                services.metrics.inc("errors")


def _start_turn(services: SlackServices, who: str, text: str, channel: str, ts: str) -> None:
    """The opening turn, with the placeholder's replacement owed in the same transaction."""
    where: dict[str, Any] = {"channel": channel, "thread_ts": None, "key": f"update:{channel}:{ts}"}
    with with_turn(owed_with_turn(services, "chat.update", owner=who, ts=ts, **where)):
        reply = services.coach.respond(who, text, dm_key(channel, ts))
    release_reply(services, reply, "chat.update", ts=ts, **where)


def _answer_turn(services: SlackServices, who: str, text: str, channel: str, thread: str) -> None:
    where: dict[str, Any] = {"channel": channel, "thread_ts": thread, "key": f"answer:{once()}"}
    with with_turn(owed_with_turn(services, "chat.postMessage", owner=who, **where)):
        reply = services.coach.respond(who, text, dm_key(channel, thread))
    release_reply(services, reply, "chat.postMessage", **where)


async def answer_in_thread(
    services: SlackServices,
    client: AsyncWebClient,
    user_id: str,
    channel: str,
    thread: str,
    text: str,
) -> None:
    """A choice clicked in a DM thread goes to the coach as that thread's next message."""
    async with services.work.tracked(), services.conversations.hold(channel + thread):
        who = person(user_id)
        try:
            if not await allowed(services, client, user_id, channel, thread):
                return
            await services.work.run(_answer_turn, services, who, text, channel, thread)
            services.outbox.poke()
        except Exception as exc:
            log.error("choice failed (%s)", type(exc).__name__, exc_info=True)
            await apologise(services, channel, thread, who)
