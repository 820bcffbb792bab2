"""View submission listeners (modals)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack import blocks
from bot.slack.listeners.views import ask_modal
from bot.slack.services import SlackServices


def register(app: AsyncApp, services: SlackServices) -> None:
    app.view(blocks.ASK_MODAL)(ask_modal.handler(services))
