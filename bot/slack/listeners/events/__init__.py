"""Events API listeners."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.listeners.events import (
    app_home_opened,
    app_mention,
    assistant_thread_started,
    message,
)
from bot.slack.services import SlackServices


def register(app: AsyncApp, services: SlackServices) -> None:
    app.event("message")(message.handler(services))
    app.event("app_mention")(app_mention.handler(services))
    app.event("app_home_opened")(app_home_opened.handler(services))
    app.event("assistant_thread_started")(assistant_thread_started.handler(services))
