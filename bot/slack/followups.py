"""Goal follow-ups: one DM nudge per leader when commitments come due, at a sensible local
time (weekdays, working hours, in their own Slack time zone), sent once even with several
replicas (each goal is claimed in the database before the nudge goes)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.coach.leaders import sensible_time
from bot.slack import blocks
from bot.slack.conversation import dm_channel, say, slack_user
from bot.slack.services import SlackServices

log = logging.getLogger(__name__)


async def local_time(client: AsyncWebClient, user_id: str, now: datetime) -> datetime:
    """`now` on the person's own clock (their Slack profile's time zone; London if unknown)."""
    zone = "Europe/London"
    try:
        info = await client.users_info(user=user_id)
        zone = str((info.get("user") or {}).get("tz") or zone)
    except SlackApiError as exc:
        log.warning("users.info failed (%s); using London time", exc.response.get("error"))
    try:
        return now.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return now.astimezone(ZoneInfo("Europe/London"))


async def send_due_followups(
    services: SlackServices, client: AsyncWebClient, now: datetime | None = None
) -> int:
    """Nudge every leader with goals due by their local today, if it's a sensible time for
    them; the number of nudges sent. The server calls this periodically."""
    now = now or datetime.now(UTC)
    horizon = (now + timedelta(days=1)).date()  # the furthest-ahead time zone's today
    due = await services.work.run(services.leaders.due_goals, horizon)
    sent = 0
    for external_id, goals in due.items():
        user_id = slack_user(external_id)
        if user_id is None:
            continue  # a terminal user: the coach raises it at their next conversation
        try:
            local = await local_time(client, user_id, now)
            if not sensible_time(local, services.settings.slack_nudge_hour):
                continue
            ready = [g for g in goals if g.due is not None and g.due <= local.date()]
            if not ready:
                continue
            mine = await services.work.run(services.leaders.claim_followups, ready)
            if not mine:
                continue
            channel = await dm_channel(client, user_id)
            text = blocks.followup_text(mine, services.texts)
            await say(services, channel, text, owner=external_id, blocks=[blocks.section(text)])
            services.metrics.inc("followups")
            sent += 1
        except Exception as exc:  # one person's failure never stops the others' nudges
            services.metrics.inc("errors")
            log.error("follow-up failed (%s)", type(exc).__name__, exc_info=True)
    return sent
