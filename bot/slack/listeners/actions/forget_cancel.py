"""`forget-me`, cancelled: nothing is deleted."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.slack.services import SlackServices

Handler = Callable[..., Awaitable[None]]


def handler(services: SlackServices) -> Handler:
    async def on_cancel(ack: AsyncAck, respond: AsyncRespond) -> None:
        await ack()
        await respond(text=services.texts.forget.cancelled, replace_original=True)

    return on_cancel
