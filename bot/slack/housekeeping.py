"""Work the server does on a schedule while it runs: goal follow-ups, retention, the directory
names the scrubber removes, the members of the user groups named in roles, and delivered outbox
rows older than a week. Each job runs on its own interval; a failure is logged and counted, and
the job runs again next time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.directory import GroupMembers, directory_names
from bot.slack.followups import send_due_followups
from bot.slack.services import SlackServices
from bot.slack.workshops.scheduler import EVERY as WORKSHOPS_EVERY
from bot.slack.workshops.scheduler import WorkshopScheduler

log = logging.getLogger(__name__)
Job = Callable[[], Awaitable[object]]
DELIVERY_RECORDS_EVERY = 3600.0
GROUPS_EVERY = 300.0


async def every(name: str, seconds: float, job: Job, services: SlackServices) -> None:
    while True:
        try:
            await job()
        except Exception as exc:
            services.metrics.inc("errors")
            log.error("%s failed (%s)", name, type(exc).__name__, exc_info=True)
        await asyncio.sleep(seconds)


def jobs(services: SlackServices, client: AsyncWebClient) -> list[tuple[str, float, Job]]:
    """(name, interval, job) for every job switched on in the settings."""
    settings = services.settings
    found: list[tuple[str, float, Job]] = []

    async def followups() -> int:
        return await send_due_followups(services, client)

    async def purge() -> object:
        purged = await services.work.run(
            services.stores.retention.purge,
            datetime.now(UTC),
            conversation_days=settings.retention_days,
            theme_days=settings.theme_retention_days,
            audit_days=settings.audit_retention_days,
            outbox_days=settings.outbox_retention_days,
        )
        log.info("retention: %s", purged.model_dump())
        return purged

    async def delivery_records() -> int:
        return await services.work.run(services.stores.claims.prune)

    async def sent_messages() -> int:
        return int(await services.work.run(services.outbox.store.prune))

    async def directory() -> int:
        names = await directory_names(client)
        services.coach.add_directory_names(names)
        log.info("directory: %d names for the scrubber", len(names))
        return len(names)

    members = GroupMembers(client, ttl=0)

    async def groups() -> int:
        for group in services.roles.groups:
            services.roles.set_group(group, await members.members(group))
        return len(services.roles.groups)

    if settings.slack_followup_interval > 0:
        found.append(("follow-ups", settings.slack_followup_interval, followups))
    if settings.maintenance_interval > 0:
        found.append(("retention", settings.maintenance_interval, purge))
    else:
        found.append(("delivery records", DELIVERY_RECORDS_EVERY, delivery_records))
    found.append(("delivered outbox rows", DELIVERY_RECORDS_EVERY, sent_messages))
    if settings.directory_refresh > 0:
        found.append(("directory", settings.directory_refresh, directory))
    if services.roles.groups:
        found.append(("role groups", GROUPS_EVERY, groups))
    found.append(("workshops", WORKSHOPS_EVERY, WorkshopScheduler(services, client).tick))
    return found


def start(services: SlackServices, client: AsyncWebClient) -> list[asyncio.Task[None]]:
    return [
        asyncio.create_task(every(name, seconds, job, services))
        for name, seconds, job in jobs(services, client)
    ]
