"""`assistant_thread_started`: Slack's AI-app side panel opened; offer suggested prompts."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.conversation import notice_if_first
from bot.slack.services import SlackServices

log = logging.getLogger(__name__)
Handler = Callable[..., Awaitable[None]]


def handler(services: SlackServices) -> Handler:
    async def on_thread_started(event: dict[str, Any], client: AsyncWebClient) -> None:
        thread = event.get("assistant_thread") or {}
        channel, ts, user = thread.get("channel_id"), thread.get("thread_ts"), thread.get("user_id")
        if not (channel and ts):
            return
        words = services.texts.assistant
        async with services.work.tracked():
            try:
                if user:
                    await notice_if_first(services, client, str(user), str(channel))
                await client.assistant_threads_setSuggestedPrompts(
                    channel_id=str(channel),
                    thread_ts=str(ts),
                    title=words.title,
                    prompts=[{"title": p.title, "message": p.message} for p in words.prompts],
                )
            except Exception as exc:
                services.metrics.inc("errors")
                log.error("suggested prompts failed (%s)", type(exc).__name__, exc_info=True)

    return on_thread_started
