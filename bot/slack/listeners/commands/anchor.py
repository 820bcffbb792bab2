"""`/anchor [help|ask|coach|exercise|scenario|goals|privacy|my-data|forget-me|workshop|themes]`.

Acknowledged at once (with the answer itself when no work is needed); anything slow continues
after the acknowledgement. Conversations move to the leader's DM, where they stay private.
`workshop ...` (list, preview; the facilitator's start, next, back, pause, resume, status,
end) is acknowledged at once and carried on by bot.slack.workshops.command; `themes [period]
[cohort]` (programme team) sends the HTML report to the DM, via bot.slack.programme.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks
from bot.slack.conversation import dm_channel, once, person, start_private
from bot.slack.programme import send_report
from bot.slack.respond import Respond, owed_respond
from bot.slack.services import SlackServices
from bot.slack.workshops.command import workshop_command

log = logging.getLogger(__name__)
Handler = Callable[..., Awaitable[None]]
COMMAND = "/anchor"
EXPORT_FILE = "anchor-my-data.json"


def coach_message(word: str, rest: str) -> str | None:
    """What the leader would have typed to the coach for this subcommand."""
    if word == "ask":
        return rest or None
    if word == "coach":
        return f"coach me on {rest}" if rest else "coach me"
    if word in {"exercise", "scenario"}:
        return f"{word} {rest}".strip()
    return None


def handler(services: SlackServices) -> Handler:
    texts = services.texts

    async def on_anchor(
        command: dict[str, Any], ack: AsyncAck, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        name = str(command.get("command") or COMMAND)
        word, _, rest = str(command.get("text") or "").strip().partition(" ")
        word, rest = word.lower(), rest.strip()
        user_id = str(command["user_id"])
        reply = owed_respond(services, respond, person(user_id))  # through the outbox
        if word in {"", "help"}:
            await ack(blocks=blocks.usage_blocks(texts, name))
        elif word in {"ask", "coach", "exercise", "scenario"}:
            message = coach_message(word, rest)
            if message is None:
                await ack(text=texts.command.ask_needs_question)
                return
            await ack(text=texts.conversation.moved_to_dm)
            await start_private(services, client, user_id, message)
        elif word == "workshop":
            await ack()
            await workshop_command(services, client, reply, command, rest)
        elif word == "themes":
            await ack(text=texts.programme.preparing)
            await _themes(user_id, rest, reply, client)
        elif word == "forget-me":
            await ack(blocks=blocks.forget_confirm_blocks(texts))
        elif word in {"goals", "privacy", "my-data"}:
            await ack()
            async with services.work.tracked():
                try:
                    await _account(word, user_id, reply, client)
                except Exception as exc:
                    services.metrics.inc("errors")
                    log.error("/anchor %s failed (%s)", word, type(exc).__name__, exc_info=True)
                    await reply(text=texts.conversation.error)
        else:
            await ack(blocks=blocks.usage_blocks(texts, name, unknown=word))

    async def _themes(user_id: str, rest: str, respond: Respond, client: AsyncWebClient) -> None:
        """For the programme team: the HTML report to their DM (the service decides)."""
        since, _, cohort = rest.partition(" ")
        async with services.work.tracked():
            try:
                _, said = await send_report(
                    services, client, user_id, since or "30d", cohort.strip() or None
                )
            except Exception as exc:
                services.metrics.inc("errors")
                log.error("/anchor themes failed (%s)", type(exc).__name__, exc_info=True)
                said = texts.conversation.error
            await respond(text=said)

    async def _account(word: str, user_id: str, respond: Respond, client: AsyncWebClient) -> None:
        who = person(user_id)
        if word == "goals":
            goals = await services.work.run(services.leaders.open_goals, who)
            await respond(
                blocks=blocks.goals_blocks(goals, texts), text=texts.command.goals_heading
            )
        elif word == "privacy":
            consent = await services.work.run(services.leaders.consent, who)
            await respond(blocks=blocks.privacy_blocks(consent, texts), text=texts.privacy.choose)
        else:
            data = await services.work.run(services.leaders.export_user_data, who)
            channel = await dm_channel(client, user_id)
            await services.outbox.queue(  # the file is encrypted while it waits
                "files_upload_v2",
                channel=channel,
                owner=who,
                key=f"my-data:{once()}",
                content=json.dumps(data, indent=2, ensure_ascii=False),
                filename=EXPORT_FILE,
                title=EXPORT_FILE,
                initial_comment=texts.my_data.comment,
            )
            await respond(text=texts.my_data.sent)

    return on_anchor
