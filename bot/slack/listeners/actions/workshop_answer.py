"""A workshop step's "Answer" button (in the channel, or in a reminder DM): open the answer
modal for that step, or say kindly why it does not take answers now."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.conversation import person
from bot.slack.services import SlackServices
from bot.slack.workshops import blocks, posting
from bot.slack.workshops.posting import tell
from bot.workshops import RunView, StepView, WorkshopError
from bot.workshops.models import AnswerValue

log = logging.getLogger(__name__)
Handler = Callable[..., Awaitable[None]]


def refusal(services: SlackServices, run: RunView, step: StepView) -> str | None:
    """Why the step would not take an answer now (the service's own words), or None."""
    errors = services.workshops.errors
    if run.status == "ended":
        return errors.run_ended
    if run.status == "paused":
        return errors.run_paused
    if step.state == "waiting":
        return errors.not_open_yet
    if step.state == "closed":
        return errors.step_closed
    return None


def earlier(services: SlackServices, who: str, run: RunView, step: StepView) -> AnswerValue | None:
    """The person's own earlier answer to a named step, to fill the form in (blocking)."""
    if step.anonymous:
        return None
    copy = services.workshops.own_answers(who, run.run_id)
    return next((a.value for a in copy.answers if a.step_id == step.id), None)


def handler(services: SlackServices) -> Handler:
    async def on_answer(body: dict[str, Any], ack: AsyncAck, client: AsyncWebClient) -> None:
        await ack()
        user_id = str(body["user"]["id"])
        channel = str((body.get("channel") or {}).get("id") or "")
        ref = blocks.parse_ref(str(body["actions"][0].get("value") or ""))
        async with services.work.tracked():
            try:
                run_id, step_id = int(ref["r"]), str(ref["s"])
                run = await services.work.run(services.workshops.view, run_id)
                step = next((s for s in run.steps if s.id == step_id), None)
                if step is None:
                    unknown = services.workshops.errors.unknown_step
                    await tell(services, channel or run.channel, user_id, unknown)
                    return
                why = refusal(services, run, step)
                if why is not None:
                    await tell(services, channel or run.channel, user_id, why)
                    return
                initial = await services.work.run(earlier, services, person(user_id), run, step)
                view = blocks.answer_modal(
                    step, run.step_count, posting.words(services), initial=initial
                )
                await client.views_open(trigger_id=str(body["trigger_id"]), view=view)
            except WorkshopError as exc:
                await tell(services, channel, user_id, exc.message)
            except Exception as exc:
                services.metrics.inc("errors")
                log.error("workshop answer button failed (%s)", type(exc).__name__, exc_info=True)
                if channel:
                    await tell(services, channel, user_id, services.texts.conversation.error)

    return on_answer
