"""The path every coaching message takes in Slack, shared by the listeners: deduplicate, rate
limit, show the privacy notice at first contact, ask the coach off the event loop, post the
reply in the thread. A failure in one conversation is logged and apologised for; it never
stops any other."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.coach.engine import with_note
from bot.models import Reply
from bot.slack import blocks
from bot.slack.services import SlackServices
from bot.slack.streaming import Relay, Where, streamed

log = logging.getLogger(__name__)


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


async def post_reply(
    services: SlackServices,
    client: AsyncWebClient,
    reply: Reply,
    *,
    channel: str,
    thread_ts: str | None,
    offer_dm: bool = False,
) -> None:
    heading = sources_heading(services)
    await client.chat_postMessage(
        channel=channel,
        thread_ts=thread_ts,
        text=blocks.fallback_text(reply, heading),
        blocks=blocks.reply_blocks(
            reply, services.texts, sources_heading=heading, offer_dm=offer_dm
        ),
    )
    services.metrics.inc("replies")


async def notice_if_first(
    services: SlackServices, client: AsyncWebClient, user_id: str, channel: str | None = None
) -> None:
    """At first contact, the privacy notice and consent buttons, as their own DM message."""
    if not await services.work.run(services.leaders.first_contact, person(user_id)):
        return
    where = channel or await dm_channel(client, user_id)
    await client.chat_postMessage(
        channel=where,
        text=services.texts.privacy.choose,
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
        await client.chat_postMessage(channel=channel, thread_ts=thread, text=text)
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


async def apologise(
    services: SlackServices, client: AsyncWebClient, channel: str, thread: str | None
) -> None:
    services.metrics.inc("errors")
    try:
        await client.chat_postMessage(
            channel=channel, thread_ts=thread, text=services.texts.conversation.error
        )
    except Exception as exc:  # Slack itself is failing: nothing more we can say
        log.warning("could not send the apology either (%s)", type(exc).__name__)


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
    except SlackApiError as exc:
        log.debug("no assistant status here (%s)", exc.response.get("error"))


async def handle_incoming(
    services: SlackServices, client: AsyncWebClient, msg: Incoming, bot_user_id: str | None
) -> None:
    """A DM or a mention: deduplicate, rate limit, notice, coach, reply in the thread."""
    async with services.work.tracked(), services.conversations.hold(msg.channel + msg.thread):
        try:
            if not await first_delivery(services, msg):
                return
            if not await allowed(services, client, msg.user, msg.channel, msg.thread):
                return
            who = person(msg.user)
            text = without_mention(msg.text, bot_user_id)
            if msg.files and not text:
                await client.chat_postMessage(
                    channel=msg.channel,
                    thread_ts=msg.thread,
                    text=services.texts.conversation.files,
                )
                return
            if msg.private:
                await notice_if_first(services, client, msg.user, msg.channel)
                await thinking(client, services, msg)
                key = dm_key(msg.channel, msg.thread)
                if services.coach.streams and not msg.files:
                    relay = Relay(asyncio.get_running_loop())
                    where = Where(msg.channel, msg.thread, msg.user, msg.team)
                    turn = services.work.run(services.coach.respond, who, text, key, relay.push)
                    unsent = await streamed(services, client, where, relay, turn)
                    if unsent is not None:
                        await post_reply(
                            services, client, unsent, channel=msg.channel, thread_ts=msg.thread
                        )
                    return
                reply = await services.work.run(services.coach.respond, who, text, key)
            else:
                await notice_if_first(services, client, msg.user)
                key = f"mention:{msg.channel}:{msg.thread}"
                reply = await services.work.run(services.coach.guidance, who, text, key)
            if msg.files:
                note = services.texts.conversation.files_unread
                reply.reply = with_note(reply, f"_{note}_")
            log.info(
                "reply in %s conversation (%d chars)",
                "dm" if msg.private else "channel",
                len(reply.reply),
            )
            await post_reply(
                services,
                client,
                reply,
                channel=msg.channel,
                thread_ts=msg.thread,
                offer_dm=not msg.private,
            )
        except Exception as exc:
            log.error("turn failed (%s)", type(exc).__name__, exc_info=True)
            await apologise(services, client, msg.channel, msg.thread)


async def start_private(
    services: SlackServices, client: AsyncWebClient, user_id: str, text: str
) -> None:
    """Begin a private conversation from a command, App Home or a modal: a new DM message
    (shown as thinking, then replaced by the reply) whose thread keeps the memory."""
    async with services.work.tracked():
        channel: str | None = None
        try:
            channel = await dm_channel(client, user_id)
            if not await allowed(services, client, user_id, channel, None):
                return
            await notice_if_first(services, client, user_id, channel)
            placeholder = await client.chat_postMessage(
                channel=channel, text=services.texts.conversation.thinking
            )
            ts = str(placeholder["ts"])
            reply = await services.work.run(
                services.coach.respond, person(user_id), text, dm_key(channel, ts)
            )
            heading = sources_heading(services)
            await client.chat_update(
                channel=channel,
                ts=ts,
                text=blocks.fallback_text(reply, heading),
                blocks=blocks.reply_blocks(reply, services.texts, sources_heading=heading),
            )
            services.metrics.inc("replies")
        except Exception as exc:
            log.error("private start failed (%s)", type(exc).__name__, exc_info=True)
            if channel is not None:
                await apologise(services, client, channel, None)
            else:
                services.metrics.inc("errors")


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
        try:
            if not await allowed(services, client, user_id, channel, thread):
                return
            reply = await services.work.run(
                services.coach.respond, person(user_id), text, dm_key(channel, thread)
            )
            await post_reply(services, client, reply, channel=channel, thread_ts=thread)
        except Exception as exc:
            log.error("choice failed (%s)", type(exc).__name__, exc_info=True)
            await apologise(services, client, channel, thread)
