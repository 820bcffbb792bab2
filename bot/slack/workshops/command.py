"""`/anchor workshop ...`: anyone may `list` and `preview` plans; facilitators `start`, `next`,
`back`, `pause`, `resume`, `status` and `end` a run in the channel they type it in. The same
moves come from the buttons of the facilitator's own (ephemeral) control panel.

The /anchor listener has already acknowledged the command; everything here runs after the
acknowledgement, blocking calls on the pool, and answers the facilitator privately (the
command's response_url) while the steps themselves go to the channel. The service checks
roles and states; its refusals are shown as they are. Anything unexpected is logged and
apologised for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.blocks import Block
from bot.slack.conversation import person
from bot.slack.outbox import Undelivered
from bot.slack.respond import Respond
from bot.slack.services import SlackServices
from bot.slack.workshops import blocks, posting
from bot.workshops import RunView, StepMoved, Transition, WorkshopError

log = logging.getLogger(__name__)
Move = Literal["start", "next", "back", "pause", "resume", "status", "end"]
MOVES: tuple[Move, ...] = ("start", "next", "back", "pause", "resume", "status", "end")
NOT_POSTABLE = frozenset(
    {"not_in_channel", "channel_not_found", "is_archived", "restricted_action"}
)


async def workshop_command(
    services: SlackServices,
    client: AsyncWebClient,
    respond: Respond,
    command: dict[str, Any],
    text: str,
) -> None:
    """`/anchor workshop <word> [plan]`, after the acknowledgement."""
    name = str(command.get("command") or "/anchor")
    user_id = str(command["user_id"])
    channel = str(command.get("channel_id") or "")
    word, _, rest = text.strip().partition(" ")
    word, rest = word.lower(), rest.strip()
    async with services.work.tracked():
        try:
            if word in {"", "help"}:
                await _private(respond, blocks.usage_blocks(posting.words(services), name))
            elif word in {"list", "plans"}:
                await _list(services, respond, name)
            elif word == "preview":
                await _preview(services, respond, name, user_id, rest)
            elif word in MOVES:
                move: Move = word  # type: ignore[assignment]
                await control(
                    services, client, respond, user_id, channel, move, plan=rest, name=name
                )
            else:
                usage = blocks.usage_blocks(posting.words(services), name, unknown=word)
                await _private(respond, usage)
        except Exception as exc:
            services.metrics.inc("errors")
            log.error("/anchor workshop %s failed (%s)", word, type(exc).__name__, exc_info=True)
            await respond(text=services.texts.conversation.error, response_type="ephemeral")


async def _private(respond: Respond, found: list[Block], text: str = "Anchor workshops") -> None:
    await respond(text=text, blocks=found, response_type="ephemeral")


async def _list(services: SlackServices, respond: Respond, name: str) -> None:
    plans = list(services.workshops.plans.values())
    await _private(respond, blocks.plans_blocks(plans, posting.words(services), name))


async def _preview(
    services: SlackServices, respond: Respond, name: str, user_id: str, plan_id: str
) -> None:
    w = posting.words(services)
    if not plan_id:
        await respond(text=w.command.needs_plan.format(command=name), response_type="ephemeral")
        return
    plan = services.workshops.plans.get(plan_id.casefold())
    if plan is None:
        known = ", ".join(f"`{p}`" for p in sorted(services.workshops.plans))
        text = services.workshops.errors.unknown_plan.format(plan=plan_id, plans=known)
        await respond(text=text, response_type="ephemeral")
        return
    notes = services.roles.is_facilitator(person(user_id))
    found = blocks.preview_blocks(plan, w, posting.report(services), name, notes=notes)
    await _private(respond, found, plan.title)


def _counts(services: SlackServices, run: RunView) -> dict[str, int]:
    """How many answered each step that has opened (blocking)."""
    return {
        step.id: services.workshops.tally(run.run_id, step.id).respondents
        for step in run.steps
        if step.state != "waiting"
    }


async def control(
    services: SlackServices,
    client: AsyncWebClient,
    respond: Respond,
    user_id: str,
    channel: str,
    move: Move,
    *,
    plan: str = "",
    from_step: str | None = None,
    replace: bool = False,
    name: str = "/anchor",
) -> None:
    """A facilitator's move, by command or button; the answer goes to them alone. With
    `from_step` (a button), a move someone else already made is ignored quietly."""
    w = posting.words(services)

    async def say(text: str) -> None:
        await respond(text=text, response_type="ephemeral", replace_original=False)

    if move == "start" and not plan:
        await say(w.command.start_needs_plan.format(command=name))
        return
    if move == "start" and channel.startswith("D"):
        await say(w.command.not_in_a_channel)
        return
    actor = person(user_id)
    lock = services.conversations.hold(f"workshop:{channel}")
    try:
        async with lock:
            note, run = await _move(
                services, client, actor, user_id, channel, move, plan, from_step
            )
    except StepMoved:
        if from_step is None:
            raise
        log.info("a workshop button was pressed on a step that had moved on; ignored")
        return
    except WorkshopError as exc:
        await say(exc.message)
        return
    except _CannotPost:
        await say(w.command.cannot_post)
        return
    counts = await services.work.run(_counts, services, run)
    panel = blocks.control_blocks(run, w, counts, note=note, details=move == "status")
    fallback = note or run.plan_title
    if replace:
        await respond(text=fallback, blocks=panel, replace_original=True)
    else:
        await respond(text=fallback, blocks=panel, response_type="ephemeral")
    if move == "end" and not await _deliver(services, client, user_id, run):
        await say(services.texts.conversation.error)


class _CannotPost(Exception):
    """Slack would not let Anchor post in the channel (the run was ended again)."""


async def _move(
    services: SlackServices,
    client: AsyncWebClient,
    actor: str,
    user_id: str,
    channel: str,
    move: Move,
    plan: str,
    from_step: str | None,
) -> tuple[str | None, RunView]:
    """Make the move in the service, show it in the channel; the note for the facilitator."""
    w = posting.words(services).command
    shops = services.workshops
    if move == "status":
        run = await services.work.run(shops.status, actor, channel)
        await posting.show_state(services, client, run)
        return None, run
    if move == "start":
        started = await services.work.run(shops.start, actor, channel, plan)
        await posting.register_members(services, client, started.run.run_id, channel)
        try:
            await posting.apply(services, client, started)
        except Undelivered as exc:
            if exc.error not in NOT_POSTABLE:
                raise
            log.warning("cannot post in the channel (%s)", exc.error)
            await services.work.run(shops.end, actor, channel)
            raise _CannotPost from exc
        run = started.run
        first = started.opened[0] if started.opened else None
        if run.mode == "async" or first is None:
            return w.started_async.format(plan=run.plan_title), run
        note = w.started.format(
            plan=run.plan_title, number=first.number, total=run.step_count, title=first.title
        )
        return note, run
    steps: dict[Move, Callable[..., Transition]] = {
        "next": shops.next,
        "back": shops.back,
        "pause": shops.pause,
        "resume": shops.resume,
        "end": shops.end,
    }
    kwargs: dict[str, Any] = {"from_step": from_step} if move in {"next", "back"} else {}
    moved = await services.work.run(steps[move], actor, channel, **kwargs)
    run = moved.run
    await posting.apply(services, client, moved)
    if move in {"pause", "resume"}:
        await posting.show_state(services, client, run)
    if move == "pause":
        return w.paused, run
    if move == "resume":
        return w.resumed, run
    if move == "end":
        return w.ended.format(plan=run.plan_title), run
    current = run.current
    if current is None:
        return None, run
    return w.moved.format(number=current.number, total=run.step_count, title=current.title), run


async def _deliver(
    services: SlackServices, client: AsyncWebClient, user_id: str, run: RunView
) -> bool:
    """After `end`: the channel is told, the facilitator gets the summary and its files, and
    every registered participant who answered gets their own answers. False if the summary
    could not be sent (the copies are sent all the same)."""
    await posting.announce_end(services, client, run)
    await posting.register_members(services, client, run.run_id, run.channel)
    summarised = True
    try:
        await posting.send_summary(services, client, user_id, run)
    except Exception as exc:
        summarised = False
        services.metrics.inc("errors")
        log.error("the workshop summary failed (%s)", type(exc).__name__, exc_info=True)
    sent = await posting.send_copies(services, client, run)
    log.info("workshop %d ended: %d participant copies sent", run.run_id, sent)
    return summarised
