""" "Continue privately" under a channel answer: open a DM with the leader."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.conversation import dm_channel, notice_if_first, person, say
from bot.slack.services import SlackServices

log = logging.getLogger(__name__)
Handler = Callable[..., Awaitable[None]]


def handler(services: SlackServices) -> Handler:
    async def on_continue(body: dict[str, Any], ack: AsyncAck, client: AsyncWebClient) -> None:
        await ack()
        user_id = str(body["user"]["id"])
        async with services.work.tracked():
            try:
                channel = await dm_channel(client, user_id)
                await notice_if_first(services, client, user_id, channel)
                await say(
                    services, channel, services.texts.conversation.dm_opening, owner=person(user_id)
                )
            except Exception as exc:
                services.metrics.inc("errors")
                log.error("opening a DM failed (%s)", type(exc).__name__, exc_info=True)

    return on_continue
