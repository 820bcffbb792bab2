"""App Home "Full report (HTML)" for programme members: the report, privately, in a DM."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.conversation import dm_channel, person, say
from bot.slack.programme import send_report
from bot.slack.services import SlackServices

Handler = Callable[..., Awaitable[None]]


def handler(services: SlackServices) -> Handler:
    async def on_themes(body: dict[str, Any], ack: AsyncAck, client: AsyncWebClient) -> None:
        await ack()
        user_id = str(body["user"]["id"])
        async with services.work.tracked():
            sent, said = await send_report(services, client, user_id, "30d", None)
            if not sent:  # refused: say why, privately
                channel = await dm_channel(client, user_id)
                await say(services, channel, said, owner=person(user_id))

    return on_themes
