"""Publish a leader's App Home (through the outbox: the newest view waiting wins)."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks
from bot.slack.conversation import person
from bot.slack.programme import home_section
from bot.slack.services import SlackServices
from bot.store.activity import RecentFlow
from bot.store.consent import Consent
from bot.store.goals import Goal


def _load(
    services: SlackServices, user: str
) -> tuple[Consent | None, list[Goal], list[RecentFlow]]:
    leaders = services.leaders
    return leaders.consent(user), leaders.open_goals(user), leaders.recent_flows(user)


async def publish_home(services: SlackServices, client: AsyncWebClient, user_id: str) -> None:
    consent, goals, recent = await services.work.run(_load, services, person(user_id))
    flows = services.coach.flows
    view = blocks.home_view(
        services.texts,
        consent,
        goals,
        flows.titles("exercise"),
        flows.titles("scenario"),
        datetime.now(UTC).date(),
        recent=recent,
    )
    extra = await home_section(services, user_id)
    if extra:
        view["blocks"] = (view["blocks"] + extra)[: blocks.MAX_VIEW_BLOCKS]
    # through the outbox; only the newest view still waiting for a person is published
    await services.outbox.queue(
        "views.publish",
        channel=None,
        owner=person(user_id),
        stream=f"home:{user_id}",
        latest=f"home:{user_id}",
        user_id=user_id,
        view=view,
    )
