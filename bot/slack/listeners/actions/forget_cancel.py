"""`forget-me`, cancelled: nothing is deleted."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.slack.conversation import person
from bot.slack.respond import owed_respond
from bot.slack.services import SlackServices

Handler = Callable[..., Awaitable[None]]


def handler(services: SlackServices) -> Handler:
    async def on_cancel(body: dict[str, Any], ack: AsyncAck, respond: AsyncRespond) -> None:
        await ack()
        reply = owed_respond(services, respond, person(str(body["user"]["id"])))
        await reply(text=services.texts.forget.cancelled, replace_original=True)

    return on_cancel
