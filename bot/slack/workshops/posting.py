"""What a workshop shows in Slack: steps posted to the channel and kept up to date, channel
members registered as participants, and the deliveries at the end (the facilitator's summary
and files, everyone's own answers). Every blocking call goes through the bounded pool, and
everything posted goes through the outbox (``bot.slack.outbox``), so a Slack failure delays a
post but never loses it.

Participants: when a run starts, whenever an async step opens, and when the run ends, the
channel's members (conversations.members, at most MAX_MEMBERS, without Anchor itself) are
registered with the service's ``join``, all at once and never at the moment someone answers,
so registration says nothing about who gave which anonymous answer. Registered people get the
async reminders and, if they answered anything, a private copy of their own answers at the end.
Someone who answered only anonymously and was not a member of the channel at any of those
moments (or whose membership Slack would not show) gets no copy: the service keeps no link
from an anonymous answer back to a person, by design.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.conversation import dm_channel, once, person, slack_user
from bot.slack.outbox import Undelivered
from bot.slack.services import SlackServices
from bot.slack.workshops import blocks
from bot.slack.workshops.texts import WorkshopTexts, load_workshop_texts
from bot.workshops import RunView, StepView, Transition
from bot.workshops.texts import ReportTexts

log = logging.getLogger(__name__)
MAX_MEMBERS = 1000
MEMBERS_PAGE = 200
HTML_FILE = "{plan}-summary.html"
CSV_FILE = "{plan}-summary.csv"
STEP_KEY = "step:"  # outbox keys of step messages, whose ts is noted once delivered
POST_WAIT = 10.0  # seconds a facilitator's move waits to learn a step's post went out

# tally updates in flight, per (services, run, step): answers that arrive while a message is
# being updated are folded into one more update with the latest count (all on the event loop)
_busy: set[str] = set()
_dirty: set[str] = set()
# the bot's own user id per token (auth.test, once), so it is never registered as a participant
_bots: dict[str, str] = {}


def words(services: SlackServices) -> WorkshopTexts:
    return load_workshop_texts(services.settings.prompts_dir)


def report(services: SlackServices) -> ReportTexts:
    return services.workshops.texts.report


def display(run: RunView, step: StepView) -> blocks.Display:
    if step.state != "open" or run.status == "ended":
        return "closed"
    return "paused" if run.status == "paused" else "open"


def render(services: SlackServices, run: RunView, step: StepView) -> dict[str, Any]:
    """The step message's text and blocks, with the latest tally (blocking: call on the pool)."""
    tally = services.workshops.tally(run.run_id, step.id) if step.state != "waiting" else None
    return {
        "text": blocks.step_fallback(run, step),
        "blocks": blocks.step_blocks(
            run,
            step,
            tally,
            words(services),
            report(services),
            services.workshops.min_people,
            display(run, step),
        ),
    }


def step_key(run_id: int, step_id: str, previous_ts: str | None) -> str:
    """The outbox key of one posting of a step: a step opened again (Back) is a new posting
    (its earlier message's ts differs), the same opening queued twice is one."""
    return f"{STEP_KEY}{run_id}:{previous_ts or 'new'}:{step_id}"


async def remember_step(
    services: SlackServices, key: str, channel: str | None, ts: str | None
) -> None:
    """Once a step's message is delivered (by any replica, before or after a restart), note its
    ts so tallies update it in place."""
    run_id, _, step_id = key.removeprefix(STEP_KEY).split(":", 2)
    if ts:
        await services.work.run(services.workshops.set_message, int(run_id), step_id, ts)


def follow_deliveries(services: SlackServices) -> None:
    """Have the outbox note each step message's ts as it is delivered."""
    services.outbox.on_delivered(STEP_KEY, functools.partial(remember_step, services))


async def post_step(
    services: SlackServices, client: AsyncWebClient, run: RunView, step: StepView
) -> str | None:
    """Post a step that just opened to the channel, through the outbox, and wait (a while)
    until it is delivered: its ts, or None if Slack has not taken it yet (it stays queued and
    its ts is noted when it goes out) or it was already queued. A step opened again (Back) is
    posted afresh below; its old message says so. `Undelivered` with Slack's error if the post
    is given up (e.g. not_in_channel)."""
    fresh = await services.work.run(services.workshops.view, run.run_id)
    current = next((s for s in fresh.steps if s.id == step.id), step)
    message = await services.work.run(render, services, fresh, current)
    owner = fresh.facilitator
    row_id = await services.outbox.queue(
        "chat.postMessage",
        channel=run.channel,
        owner=owner,
        key=step_key(run.run_id, step.id, step.message_ts),
        **message,
    )
    if step.message_ts:
        await services.outbox.queue(
            "chat.update",
            channel=run.channel,
            owner=owner,
            key=f"reopened:{run.run_id}:{step.message_ts}",
            ts=step.message_ts,
            text=words(services).step.reopened,
            blocks=blocks.reopened_blocks(words(services)),
        )
    if row_id is None:
        return None
    try:
        _, ts = await services.outbox.delivered(row_id, POST_WAIT)
    except Undelivered as exc:
        if exc.error is None:  # still queued: it goes out when Slack takes it
            log.warning("a workshop step is still waiting for Slack")
            return None
        raise
    return ts


async def _update(services: SlackServices, run_id: int, step_id: str) -> None:
    run = await services.work.run(services.workshops.view, run_id)
    step = next((s for s in run.steps if s.id == step_id), None)
    if step is None or step.message_ts is None:
        return
    message = await services.work.run(render, services, run, step)
    await services.outbox.queue(
        "chat.update",
        channel=run.channel,
        owner=run.facilitator,
        latest=f"tally:{run_id}:{step.message_ts}",
        ts=step.message_ts,
        **message,
    )


async def refresh_step(
    services: SlackServices, client: AsyncWebClient, run_id: int, step_id: str
) -> None:
    """Bring a step's channel message up to date (tally, open, paused or closed) through the
    outbox, where only the newest update of a message still waiting is sent. Calls that arrive
    while one is being prepared are folded into one more."""
    key = f"{id(services)}:{run_id}:{step_id}"
    _dirty.add(key)
    if key in _busy:
        return
    _busy.add(key)
    try:
        while key in _dirty:
            _dirty.discard(key)
            await _update(services, run_id, step_id)
    finally:
        _busy.discard(key)
        _dirty.discard(key)


async def apply(services: SlackServices, client: AsyncWebClient, moved: Transition) -> None:
    """Show a facilitator's move: closed steps marked closed, opened steps posted."""
    for step in moved.closed:
        await refresh_step(services, client, moved.run.run_id, step.id)
    for step in moved.opened:
        await post_step(services, client, moved.run, step)


async def show_state(services: SlackServices, client: AsyncWebClient, run: RunView) -> None:
    """After a pause or resume, or on `status`: every open step's message shows the run's
    state, and an open step that never got a message (a crash between moving and posting)
    is posted now (once: a posting still queued is not queued again)."""
    for step in run.open_steps:
        if step.message_ts is None:
            await post_step(services, client, run, step)
        else:
            await refresh_step(services, client, run.run_id, step.id)


async def tell(services: SlackServices, channel: str, user_id: str, text: str) -> None:
    """A word for one person only, in the channel where they are, through the outbox (in an
    order of its own per person, not behind the channel's posts; failures are logged)."""
    try:
        await services.outbox.queue(
            "chat.postEphemeral",
            channel=channel,
            owner=person(user_id),
            key=once(),
            stream=f"{channel}:to:{user_id}",
            user=user_id,
            text=text,
        )
    except Exception as exc:
        log.warning("could not tell the person (%s)", type(exc).__name__)


# --- participants -----------------------------------------------------------------------------


async def bot_user(client: AsyncWebClient) -> str:
    token = str(client.token or "")
    if token not in _bots:
        answer = await client.auth_test()
        _bots[token] = str(answer.get("user_id") or "")
    return _bots[token]


async def channel_members(client: AsyncWebClient, channel: str) -> list[str]:
    members: list[str] = []
    cursor: str | None = None
    while len(members) < MAX_MEMBERS:
        page = await client.conversations_members(
            channel=channel, limit=MEMBERS_PAGE, cursor=cursor
        )
        members += [str(m) for m in page.get("members") or []]
        cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
        if not cursor:
            break
    return members[:MAX_MEMBERS]


def _join_all(services: SlackServices, run_id: int, people: Iterable[str]) -> int:
    return sum(services.workshops.join(who, run_id) for who in people)


async def register_members(
    services: SlackServices, client: AsyncWebClient, run_id: int, channel: str
) -> int:
    """Register the channel's members as the run's participants; how many were new. Slack
    refusing (no access to the channel's members) is logged, not fatal."""
    try:
        members = await channel_members(client, channel)
        bot = await bot_user(client)
    except SlackApiError as exc:
        log.warning("could not read the channel's members (%s)", exc.response.get("error"))
        return 0
    people = [person(member) for member in members if member != bot]
    return await services.work.run(_join_all, services, run_id, people)


# --- at the end -------------------------------------------------------------------------------


async def send_summary(
    services: SlackServices, client: AsyncWebClient, actor: str, run: RunView
) -> None:
    """The summary as a DM to the facilitator who ended the run, then its HTML and CSV files,
    uploaded to that DM only: both queued in the outbox, in that order (the files' content is
    encrypted while it waits and erased once uploaded)."""
    w = words(services)
    who = person(actor)
    summary = await services.work.run(services.workshops.summary, who, run.run_id)
    html = await services.work.run(services.workshops.export, who, run.run_id, "html")
    csv = await services.work.run(services.workshops.export, who, run.run_id, "csv")
    channel = await dm_channel(client, actor)
    await services.outbox.queue(
        "chat.postMessage",
        channel=channel,
        owner=who,
        key=f"summary:{run.run_id}",
        text=blocks.summary_fallback(summary, w),
        blocks=blocks.summary_blocks(summary, w, report(services)),
    )
    await services.outbox.queue(
        "files_upload_v2",
        channel=channel,
        owner=who,
        key=f"summary-files:{run.run_id}",
        initial_comment=w.summary.files,
        file_uploads=[
            {
                "content": html,
                "filename": HTML_FILE.format(plan=run.plan_id),
                "title": HTML_FILE.format(plan=run.plan_id),
            },
            {
                "content": csv,
                "filename": CSV_FILE.format(plan=run.plan_id),
                "title": CSV_FILE.format(plan=run.plan_id),
            },
        ],
    )


async def send_copies(services: SlackServices, client: AsyncWebClient, run: RunView) -> int:
    """Each registered participant who answered anything gets their own answers in a DM,
    queued in the outbox (one failure does not stop the others); how many were queued."""
    w = words(services)
    plan = services.workshops.plans.get(run.plan_id)
    people = await services.work.run(services.workshops.participants, run.run_id)
    sent = 0
    for who in people:
        user = slack_user(who)
        if user is None:
            continue
        try:
            copy = await services.work.run(services.workshops.own_answers, who, run.run_id)
            if not copy.answers:
                continue
            channel = await dm_channel(client, user)
            await services.outbox.queue(
                "chat.postMessage",
                channel=channel,
                owner=who,
                key=f"copy:{run.run_id}:{user}",
                text=w.copy_.heading.format(plan=run.plan_title).replace("*", ""),
                blocks=blocks.copy_blocks(copy, plan, w),
            )
            sent += 1
        except Exception as exc:
            services.metrics.inc("errors")
            log.warning("a participant's copy failed (%s)", type(exc).__name__)
    return sent


async def announce_end(services: SlackServices, client: AsyncWebClient, run: RunView) -> None:
    text = blocks.ended_text(run, words(services))
    await services.outbox.queue(
        "chat.postMessage",
        channel=run.channel,
        owner=run.facilitator,
        key=f"end:{run.run_id}",
        text=text,
    )
