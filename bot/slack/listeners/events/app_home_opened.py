"""`app_home_opened`: publish the leader's own dashboard."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.home import publish_home
from bot.slack.services import SlackServices

log = logging.getLogger(__name__)
Handler = Callable[..., Awaitable[None]]


def handler(services: SlackServices) -> Handler:
    async def on_home_opened(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        async with services.work.tracked():
            try:
                await publish_home(services, client, str(event["user"]))
            except Exception as exc:
                services.metrics.inc("errors")
                log.error("App Home failed (%s)", type(exc).__name__, exc_info=True)

    return on_home_opened
