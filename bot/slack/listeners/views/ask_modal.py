"""The "Ask Anchor" modal, submitted: close it and answer in a DM."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks
from bot.slack.conversation import start_private
from bot.slack.services import SlackServices

Handler = Callable[..., Awaitable[None]]


def question(view: dict[str, Any]) -> str:
    values = (view.get("state") or {}).get("values") or {}
    field = (values.get(blocks.ASK_BLOCK) or {}).get(blocks.ASK_INPUT) or {}
    return str(field.get("value") or "").strip()


def handler(services: SlackServices) -> Handler:
    async def on_submit(
        body: dict[str, Any], view: dict[str, Any], ack: AsyncAck, client: AsyncWebClient
    ) -> None:
        text = question(view)
        if not text:
            await ack(
                response_action="errors",
                errors={blocks.ASK_BLOCK: services.texts.command.ask_needs_question},
            )
            return
        await ack()
        await start_private(services, client, str(body["user"]["id"]), text)

    return on_submit
