"""The facilitator's buttons (Next, Back, Pause, Resume, End, Refresh) on their private
control panel. Each carries the step it was pressed on, so a double click, a second
facilitator or another replica never moves the run twice (the service's StepMoved is
ignored quietly)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.conversation import person
from bot.slack.respond import owed_respond
from bot.slack.services import SlackServices
from bot.slack.workshops import blocks
from bot.slack.workshops.command import Move, control

log = logging.getLogger(__name__)
Handler = Callable[..., Awaitable[None]]
MOVES: dict[str, Move] = {
    blocks.NEXT: "next",
    blocks.BACK: "back",
    blocks.PAUSE: "pause",
    blocks.RESUME: "resume",
    blocks.END: "end",
    blocks.STATUS: "status",
}


def handler(services: SlackServices) -> Handler:
    async def on_control(
        body: dict[str, Any], ack: AsyncAck, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        action = body["actions"][0]
        ref = blocks.parse_ref(str(action.get("value") or ""))
        channel = str(ref.get("c") or (body.get("channel") or {}).get("id") or "")
        from_step = str(ref.get("s") or "") or None
        move = MOVES[str(action["action_id"])]
        user_id = str(body["user"]["id"])
        reply = owed_respond(services, respond, person(user_id))  # through the outbox
        async with services.work.tracked():
            try:
                await control(
                    services,
                    client,
                    reply,
                    user_id,
                    channel,
                    move,
                    from_step=from_step if move in {"next", "back"} else None,
                    replace=True,
                )
            except Exception as exc:
                services.metrics.inc("errors")
                log.error("workshop %s failed (%s)", move, type(exc).__name__, exc_info=True)
                await reply(
                    text=services.texts.conversation.error,
                    response_type="ephemeral",
                    replace_original=False,
                )

    return on_control
