"""App Home menus: start the chosen exercise or scenario in a DM."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.conversation import start_private
from bot.slack.services import SlackServices

Handler = Callable[..., Awaitable[None]]


def handler(services: SlackServices) -> Handler:
    async def on_pick(body: dict[str, Any], ack: AsyncAck, client: AsyncWebClient) -> None:
        await ack()
        action = body["actions"][0]
        kind = "exercise" if action["action_id"].endswith("exercise") else "scenario"
        item = str((action.get("selected_option") or {}).get("value") or "")
        if item not in services.coach.flows.titles(kind):
            return  # not one of ours: ignore rather than guess
        await start_private(services, client, str(body["user"]["id"]), f"{kind} {item}")

    return on_pick
