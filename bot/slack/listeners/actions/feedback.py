"""Helpful / not helpful on a reply: stored with the cards the reply cited."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks
from bot.slack.conversation import person
from bot.slack.respond import owed_respond
from bot.slack.services import SlackServices

log = logging.getLogger(__name__)
Handler = Callable[..., Awaitable[None]]


def card_ids(value: str) -> list[str]:
    try:
        found = json.loads(value or "{}").get("c", [])
    except (ValueError, AttributeError):
        return []
    return [str(c) for c in found if isinstance(c, str)][:20]


def handler(services: SlackServices) -> Handler:
    async def on_feedback(
        body: dict[str, Any], ack: AsyncAck, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        action = body["actions"][0]
        helpful = action["action_id"] == blocks.FEEDBACK_HELPFUL
        message = body.get("message") or {}
        channel = str((body.get("channel") or {}).get("id") or "")
        user_id = str(body["user"]["id"])
        async with services.work.tracked():
            try:
                await services.work.run(
                    services.leaders.record_feedback,
                    person(user_id),
                    helpful=helpful,
                    card_ids=card_ids(str(action.get("value") or "")),
                    reply_ref=f"{channel}:{message.get('ts', '')}",
                )
                words = services.texts.feedback
                thanks = words.thanks_helpful if helpful else words.thanks_not_helpful
                if channel.startswith("D") and message.get("ts"):
                    await client.chat_update(
                        channel=channel,
                        ts=str(message["ts"]),
                        text=str(message.get("text") or thanks),
                        blocks=blocks.feedback_given(
                            list(message.get("blocks") or []), helpful, services.texts
                        ),
                    )
                else:  # a shared channel: thank only the person who clicked
                    reply = owed_respond(services, respond, person(user_id))
                    await reply(text=thanks, response_type="ephemeral", replace_original=False)
            except Exception as exc:
                services.metrics.inc("errors")
                log.error("feedback failed (%s)", type(exc).__name__, exc_info=True)

    return on_feedback
