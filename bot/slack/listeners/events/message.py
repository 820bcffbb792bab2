"""`message.im`: a direct message is a private coaching turn, answered in its thread."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.conversation import Incoming, handle_incoming, ignorable
from bot.slack.services import SlackServices

Handler = Callable[..., Awaitable[None]]


def handler(services: SlackServices) -> Handler:
    async def on_message(
        event: dict[str, Any],
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        if ignorable(event) or event.get("channel_type") != "im":
            return  # bots, ourselves, edits, deletions; channels reach us as app_mention
        msg = Incoming.from_event(event, body, private=True)
        await handle_incoming(services, client, msg, context.bot_user_id)

    return on_message
