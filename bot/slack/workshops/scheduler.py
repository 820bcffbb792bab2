"""The schedule of async workshop plans, ticked every 30 seconds by housekeeping: steps whose
time has come are posted, steps whose time is up are shown closed, and each registered
participant who has not answered an open step gets one reminder in a DM (with an Answer
button). The service claims every opening, closing and reminder in the database, so however
many replicas tick, each happens once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.conversation import dm_channel, slack_user
from bot.slack.services import SlackServices
from bot.slack.workshops import blocks, posting
from bot.workshops import Reminder

log = logging.getLogger(__name__)
EVERY = 30.0


class WorkshopScheduler:
    def __init__(self, services: SlackServices, client: AsyncWebClient) -> None:
        self.services = services
        self.client = client

    async def tick(self, now: datetime | None = None) -> int:
        """One pass (`now` for tests); how many things it posted, closed or sent. A failure
        with one event is logged and the rest carry on."""
        services, client = self.services, self.client
        shops = services.workshops
        done = 0
        async with services.work.tracked():
            for event in await services.work.run(shops.due_openings, now):
                try:
                    await posting.register_members(
                        services, client, event.run.run_id, event.run.channel
                    )
                    await posting.post_step(services, client, event.run, event.step)
                    done += 1
                except Exception as exc:
                    self._failed("posting a scheduled step", exc)
            for event in await services.work.run(shops.due_closings, now):
                try:
                    await posting.refresh_step(services, client, event.run.run_id, event.step.id)
                    done += 1
                except Exception as exc:
                    self._failed("closing a scheduled step", exc)
            for reminder in await services.work.run(shops.due_reminders, now):
                try:
                    done += await self.remind(reminder)
                except Exception as exc:
                    self._failed("a reminder", exc)
        return done

    async def remind(self, reminder: Reminder) -> int:
        user = slack_user(reminder.participant)
        if user is None:
            return 0
        words = posting.words(self.services)
        run = await self.services.work.run(self.services.workshops.view, reminder.run_id)
        channel = await dm_channel(self.client, user)
        await self.services.outbox.queue(
            "chat.postMessage",
            channel=channel,
            owner=reminder.participant,
            key=f"remind:{reminder.run_id}:{reminder.step.id}:{user}",
            text=reminder.step.title[: blocks.FALLBACK_CHARS],
            blocks=blocks.reminder_blocks(reminder, run.plan_title, words),
        )
        return 1

    def _failed(self, what: str, exc: Exception) -> None:
        self.services.metrics.inc("errors")
        log.error("workshops: %s failed (%s)", what, type(exc).__name__, exc_info=True)
