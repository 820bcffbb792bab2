"""Due goals become one DM nudge per leader, at a sensible local time, once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from bot.config import Settings
from bot.slack.app import make_client
from bot.slack.followups import send_due_followups
from bot.slack.loopback import FakeSlack
from bot.slack.services import SlackServices
from tests.slack.conftest import slack_config

TUESDAY_10_UTC = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def services(settings: Settings, fake_slack: FakeSlack) -> Iterator[SlackServices]:
    fake_slack.timezones.update({"U2": "Pacific/Auckland", "U3": "America/New_York"})
    opened = SlackServices.open(slack_config(settings, fake_slack))
    yield opened
    opened.close()


def goal(services: SlackServices, who: str, text: str, due: date) -> None:
    uid = services.stores.conversations.user_id(who)
    services.stores.goals.add(uid, text, due=due, source="test")


def nudge(services: SlackServices, now: datetime) -> int:
    async def go() -> int:
        client = make_client(services.settings)
        sent = await send_due_followups(services, client, now)
        services.outbox.client = client  # deliver what was queued, as the server's worker would
        await services.outbox.flush(10)
        return sent

    return asyncio.run(go())


def test_due_goals_arrive_as_one_nudge_once(services: SlackServices, fake_slack: FakeSlack) -> None:
    goal(services, "slack:U1", "Phone the council director", date(2025, 3, 3))
    goal(services, "slack:U1", "Draft the shared bed plan", date(2025, 3, 4))
    goal(services, "slack:U1", "Next month's thing", date(2025, 4, 4))
    assert nudge(services, TUESDAY_10_UTC) == 1
    assert nudge(services, TUESDAY_10_UTC) == 0
    posts = fake_slack.of("chat.postMessage")
    assert len(posts) == 1 and posts[0].args["channel"] == "D1"
    text = posts[0].args["text"]
    assert "Phone the council director by Monday 03 March" in text
    assert "Draft the shared bed plan" in text and "Next month" not in text
    assert fake_slack.of("users.info")[0].args["user"] == "U1"
    assert services.metrics.value("followups") == 1


def test_nudges_wait_for_working_hours_in_the_leaders_own_time_zone(
    services: SlackServices, fake_slack: FakeSlack
) -> None:
    goal(services, "slack:U2", "Auckland goal", date(2025, 3, 3))  # 23:00 there: wait
    goal(services, "slack:U3", "New York goal", date(2025, 3, 4))  # 05:00 there: wait
    goal(services, "cli:someone", "A terminal user's goal", date(2025, 3, 1))  # not in Slack
    assert nudge(services, TUESDAY_10_UTC) == 0
    assert nudge(services, datetime(2025, 3, 8, 10, 0, tzinfo=UTC)) == 0  # Saturday
    assert nudge(services, datetime(2025, 3, 4, 20, 0, tzinfo=UTC)) == 2  # 09:00 NZ, 15:00 NY
    assert {c.args["channel"] for c in fake_slack.of("chat.postMessage")} == {"D2", "D3"}


def test_two_replicas_send_a_nudge_once_between_them(
    settings: Settings, fake_slack: FakeSlack, pg_url: str
) -> None:
    config = slack_config(settings, fake_slack, database_url=pg_url)
    first, second = SlackServices.open(config), SlackServices.open(config)
    try:
        goal(first, "slack:U4", "Visit the hospice", date(2025, 3, 3))

        async def both() -> list[int]:
            client = make_client(config)
            sent = list(
                await asyncio.gather(
                    send_due_followups(first, client, TUESDAY_10_UTC),
                    send_due_followups(second, client, TUESDAY_10_UTC),
                )
            )
            # each replica's worker delivers what is queued, as the servers' would
            first.outbox.client = second.outbox.client = client
            await asyncio.gather(first.outbox.flush(10), second.outbox.flush(10))
            return sent

        assert sorted(asyncio.run(both())) == [0, 1]
        assert len(fake_slack.of("chat.postMessage")) == 1
    finally:
        first.close()
        second.close()


def test_the_server_sends_nudges_and_prunes_old_delivery_keys_by_itself(
    settings: Settings, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.slack import followups
    from tests.slack.conftest import make_rig

    monkeypatch.setattr(followups, "sensible_time", lambda local, hour: True)  # any hour will do
    rig = make_rig(slack_config(settings, fake_slack, slack_followup_interval=0.2), fake_slack)
    goal(rig.services, "slack:U5", "Write to the place partnership", date(2020, 1, 1))
    assert rig.services.stores.claims.claim("Ev-old", now=1_000)
    with rig.served:
        assert fake_slack.wait_for(lambda: fake_slack.of("chat.postMessage"), 20)
        assert "Write to the place partnership" in fake_slack.of("chat.postMessage")[0].args["text"]
        assert rig.services.stores.claims.claim("Ev-old")  # pruned, so claimable again
    rig.services.close()
