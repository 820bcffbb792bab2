"""A consent button (privacy notice, `/anchor privacy` or App Home): store the choice."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks
from bot.slack.conversation import person
from bot.slack.home import publish_home
from bot.slack.respond import owed_respond
from bot.slack.services import SlackServices
from bot.store.consent import Choice

log = logging.getLogger(__name__)
Handler = Callable[..., Awaitable[None]]


def handler(services: SlackServices) -> Handler:
    async def on_consent(
        body: dict[str, Any], ack: AsyncAck, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        action = body["actions"][0]
        choice: Choice = "themes" if action["action_id"].endswith("themes") else "coaching"
        user_id = str(body["user"]["id"])
        container = body.get("container") or {}
        async with services.work.tracked():
            try:
                await services.work.run(services.leaders.set_consent, person(user_id), choice)
                if container.get("type") == "view":
                    await publish_home(services, client, user_id)
                    return
                message = body.get("message") or {}
                updated = blocks.consent_chosen(
                    list(message.get("blocks") or []), choice, services.texts
                )
                if container.get("is_ephemeral") or not message.get("ts"):
                    reply = owed_respond(services, respond, person(user_id))
                    await reply(blocks=updated, replace_original=True)
                else:
                    await client.chat_update(
                        channel=str(body["channel"]["id"]),
                        ts=str(message["ts"]),
                        text=services.texts.privacy.choose,
                        blocks=updated,
                    )
            except Exception as exc:
                services.metrics.inc("errors")
                log.error("consent failed (%s)", type(exc).__name__, exc_info=True)

    return on_consent
