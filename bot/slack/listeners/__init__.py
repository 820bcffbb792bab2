"""Bolt listeners, registered per kind; one handler per file."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.listeners import actions, commands, events, views
from bot.slack.services import SlackServices


def register_listeners(app: AsyncApp, services: SlackServices) -> None:
    events.register(app, services)
    commands.register(app, services)
    actions.register(app, services)
    views.register(app, services)
