"""App Home buttons that start a GROW conversation, or the exercise or scenario menu, in a DM."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.conversation import start_private
from bot.slack.services import SlackServices

Handler = Callable[..., Awaitable[None]]
OPENERS = {"home:grow": "coach me", "home:exercise": "exercise", "home:scenario": "scenario"}


def handler(services: SlackServices) -> Handler:
    async def on_start(body: dict[str, Any], ack: AsyncAck, client: AsyncWebClient) -> None:
        await ack()
        opener = OPENERS[str(body["actions"][0]["action_id"])]
        await start_private(services, client, str(body["user"]["id"]), opener)

    return on_start
