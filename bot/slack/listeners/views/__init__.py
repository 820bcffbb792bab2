"""View submission listeners (modals)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack import blocks
from bot.slack.listeners.views import ask_modal, workshop_answer
from bot.slack.services import SlackServices
from bot.slack.workshops import blocks as workshop_blocks


def register(app: AsyncApp, services: SlackServices) -> None:
    app.view(blocks.ASK_MODAL)(ask_modal.handler(services))
    app.view(workshop_blocks.MODAL)(workshop_answer.handler(services))
