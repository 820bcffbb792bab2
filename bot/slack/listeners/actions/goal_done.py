"""App Home "Done" on a goal: mark it completed and refresh the Home tab."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.conversation import person
from bot.slack.home import publish_home
from bot.slack.services import SlackServices

log = logging.getLogger(__name__)
Handler = Callable[..., Awaitable[None]]


def handler(services: SlackServices) -> Handler:
    async def on_done(body: dict[str, Any], ack: AsyncAck, client: AsyncWebClient) -> None:
        await ack()
        user_id = str(body["user"]["id"])
        value = str(body["actions"][0].get("value") or "")
        if not value.isdigit():
            return
        async with services.work.tracked():
            try:
                await services.work.run(
                    services.leaders.set_goal_status, person(user_id), int(value), "done"
                )
                await publish_home(services, client, user_id)
            except Exception as exc:
                services.metrics.inc("errors")
                log.error("goal update failed (%s)", type(exc).__name__, exc_info=True)

    return on_done
