"""A choice button in an exercise, scenario or menu: the coach gets it as the thread's next
message, and the buttons give way to a note of what was chosen (clicked once only)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks
from bot.slack.conversation import answer_in_thread, person
from bot.slack.services import SlackServices

Handler = Callable[..., Awaitable[None]]


def handler(services: SlackServices) -> Handler:
    async def on_option(body: dict[str, Any], ack: AsyncAck, client: AsyncWebClient) -> None:
        await ack()
        action = body["actions"][0]
        message = body.get("message") or {}
        channel = str((body.get("channel") or {}).get("id") or "")
        user_id = str(body["user"]["id"])
        if not (channel and message.get("ts")):
            return
        ts = str(message["ts"])
        first = await services.work.run(
            services.leaders.claim, f"choice:{channel}:{ts}", person(user_id)
        )
        if not first:  # a double click, or a retry: the choice was already made
            services.metrics.inc("duplicates")
            return
        label = str((action.get("text") or {}).get("text") or action.get("value") or "")
        await client.chat_update(
            channel=channel,
            ts=ts,
            text=str(message.get("text") or label),
            blocks=blocks.chosen(list(message.get("blocks") or []), label, services.texts),
        )
        thread = str(message.get("thread_ts") or ts)
        await answer_in_thread(
            services, client, user_id, channel, thread, str(action.get("value") or label)
        )

    return on_option
