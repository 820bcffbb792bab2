"""A workshop answer modal, submitted: check and record the answer with the service, then
update the step's tally in the channel. An answer that doesn't fit keeps the modal open with
the reason next to the field; a step that has closed (or paused, or ended) closes the modal
and says so to the person alone. A repeated submission replaces, never adds."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.conversation import dm_channel, person, say
from bot.slack.services import SlackServices
from bot.slack.workshops import blocks, posting
from bot.slack.workshops.posting import tell
from bot.workshops import AnswerResult, InvalidAnswer, WorkshopError

log = logging.getLogger(__name__)
Handler = Callable[..., Awaitable[None]]


def record(
    services: SlackServices, who: str, run_id: int, step_id: str, view: dict[str, Any]
) -> AnswerResult:
    """Read the form for the step's answer type and save the answer (blocking)."""
    step = services.workshops.step(run_id, step_id)
    value = blocks.submitted(view, step.answer)
    return services.workshops.answer(who, run_id, step_id, value)


def handler(services: SlackServices) -> Handler:
    async def on_submit(
        body: dict[str, Any], view: dict[str, Any], ack: AsyncAck, client: AsyncWebClient
    ) -> None:
        user_id = str(body["user"]["id"])
        ref = blocks.parse_ref(str(view.get("private_metadata") or ""))
        async with services.work.tracked():
            try:
                run_id, step_id = int(ref["r"]), str(ref["s"])
                result = await services.work.run(
                    record, services, person(user_id), run_id, step_id, view
                )
            except InvalidAnswer as exc:
                await ack(response_action="errors", errors={blocks.ANSWER_BLOCK: exc.message})
                return
            except WorkshopError as exc:
                await ack()
                await _refused(services, client, user_id, ref, exc.message)
                return
            except Exception as exc:
                services.metrics.inc("errors")
                log.error("workshop answer failed (%s)", type(exc).__name__, exc_info=True)
                error = services.texts.conversation.error
                await ack(response_action="errors", errors={blocks.ANSWER_BLOCK: error})
                return
            thanks = blocks.thanks_view(
                posting.words(services), replaced=result.replaced, anonymous=result.step.anonymous
            )
            await ack(response_action="update", view=thanks)
            try:
                await posting.refresh_step(services, client, result.run_id, step_id)
            except Exception as exc:  # the answer is saved; the count catches up next time
                services.metrics.inc("errors")
                log.error("workshop tally update failed (%s)", type(exc).__name__, exc_info=True)

    return on_submit


async def _refused(
    services: SlackServices, client: AsyncWebClient, user_id: str, ref: dict[str, Any], text: str
) -> None:
    """Tell the person, alone, why the answer was not saved: in the workshop's channel, or in
    a DM if the run is gone."""
    try:
        run = await services.work.run(services.workshops.view, int(ref["r"]))
        await tell(services, run.channel, user_id, text)
    except Exception:
        try:
            channel = await dm_channel(client, user_id)
            await say(services, channel, text, owner=person(user_id))
        except Exception as exc:
            log.warning("could not tell the person (%s)", type(exc).__name__)
