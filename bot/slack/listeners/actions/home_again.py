"""App Home "Start again" on a recent exercise or scenario: run it afresh in a DM."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.conversation import start_private
from bot.slack.services import SlackServices

Handler = Callable[..., Awaitable[None]]


def handler(services: SlackServices) -> Handler:
    async def on_again(body: dict[str, Any], ack: AsyncAck, client: AsyncWebClient) -> None:
        await ack()
        kind, _, item = str(body["actions"][0].get("value") or "").partition(" ")
        if kind not in ("exercise", "scenario") or item not in services.coach.flows.titles(kind):
            return  # not one of ours: ignore rather than guess
        await start_private(services, client, str(body["user"]["id"]), f"{kind} {item}")

    return on_again
