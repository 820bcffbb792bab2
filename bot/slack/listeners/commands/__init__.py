"""Slash command listeners."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.listeners.commands import anchor
from bot.slack.services import SlackServices


def register(app: AsyncApp, services: SlackServices) -> None:
    app.command(anchor.COMMAND)(anchor.handler(services))
