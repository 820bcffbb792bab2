"""App Home "Ask a question": open the question modal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks
from bot.slack.services import SlackServices

Handler = Callable[..., Awaitable[None]]


def handler(services: SlackServices) -> Handler:
    async def on_ask(body: dict[str, Any], ack: AsyncAck, client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(
            trigger_id=str(body["trigger_id"]), view=blocks.ask_modal(services.texts)
        )

    return on_ask
