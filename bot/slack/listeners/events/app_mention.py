"""`app_mention`: @Anchor in a channel gets general, cited guidance in the thread and an offer
to continue privately; a mention in a DM is treated as a DM."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.conversation import Incoming, handle_incoming, has_files, ignorable
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
        msg = Incoming(
            user=str(event["user"]),
            channel=channel,
            ts=str(event["ts"]),
            thread_ts=event.get("thread_ts"),
            text=str(event.get("text") or ""),
            event_id=body.get("event_id"),
            private=channel.startswith("D") or event.get("channel_type") == "im",
            files=has_files(event),
            team=body.get("team_id"),
        )
        await handle_incoming(services, client, msg, context.bot_user_id)

    return on_mention
