"""`forget-me`, confirmed: delete everything about the leader and say what went."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.slack import blocks
from bot.slack.conversation import person
from bot.slack.respond import owed_respond
from bot.slack.services import SlackServices

log = logging.getLogger(__name__)
Handler = Callable[..., Awaitable[None]]


def handler(services: SlackServices) -> Handler:
    async def on_forget(body: dict[str, Any], ack: AsyncAck, respond: AsyncRespond) -> None:
        await ack()
        user_id = str(body["user"]["id"])
        reply = owed_respond(services, respond, person(user_id))  # through the outbox
        async with services.work.tracked():
            try:
                deleted = await services.work.run(services.leaders.forget_user, person(user_id))
                log.info("forgot a leader: %s", deleted)
                text = blocks.forget_done_text(deleted, services.texts)
                await reply(text=text, replace_original=True)
            except Exception as exc:
                services.metrics.inc("errors")
                log.error("forget failed (%s)", type(exc).__name__, exc_info=True)
                await reply(text=services.texts.conversation.error, replace_original=False)

    return on_forget
