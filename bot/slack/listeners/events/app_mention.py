"""`app_mention`: @Anchor in a channel gets general, cited guidance in the thread and an offer
to continue privately; a mention in a DM is treated as a DM."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.conversation import Incoming, handle_incoming, ignorable
from bot.slack.services import SlackServices

Handler = Callable[..., Awaitable[None]]


def handler(services: SlackServices) -> Handler:
    async def on_mention(
        event: dict[str, Any],
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        if ignorable(event):
            return
        channel = str(event["channel"])
        private = channel.startswith("D") or event.get("channel_type") == "im"
        msg = Incoming.from_event(event, body, private=private)
        await handle_incoming(services, client, msg, context.bot_user_id)

    return on_mention
