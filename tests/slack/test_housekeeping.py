"""Scheduled work while serving: the directory's names reach the scrubber, role groups are
read from Slack, and retention runs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings
from bot.slack.directory import names_of
from bot.slack.loopback import FakeSlack
from tests.slack.conftest import Rig, dm, make_rig, settle, slack_config

PEOPLE = [
    {"id": "U1", "real_name": "Oluwaseun Adebayo", "profile": {"display_name": "Seun"}},
    {"id": "U2", "real_name": "Grainne Ni Bhriain", "profile": {"first_name": "Grainne"}},
    {"id": "B1", "real_name": "Some Bot", "is_bot": True},
    {"id": "U3", "real_name": "Left Person", "deleted": True},
    {"id": "U4", "real_name": "Zbigniew Kowalczyk", "profile": {}},
]


@pytest.fixture
def busy_rig(settings: Settings, fake_slack: FakeSlack) -> Iterator[Rig]:
    fake_slack.directory = PEOPLE
    fake_slack.groups = {"S0PROG": ["U7", "U8"]}
    cfg = slack_config(
        settings,
        fake_slack,
        directory_refresh=3600,
        maintenance_interval=3600,
        programme_team=["U9", "S0PROG"],
    )
    rig = make_rig(cfg, fake_slack)
    with rig.served:
        yield rig
    rig.services.close()


def test_directory_names_are_scrubbed_from_theme_copies(busy_rig: Rig) -> None:
    fake, services = busy_rig.fake, busy_rig.services
    assert fake.wait_for(lambda: len(fake.of("users.list")) >= 3, 20)  # three pages of two
    # the last page's answer is still on its way to the app when the call is recorded
    assert fake.wait_for(lambda: "Oluwaseun Adebayo" in services.coach.directory_names(), 20)
    services.leaders.set_consent("slack:U5", "themes")
    message = "oluwaseun and Zbigniew Kowalczyk keep clashing over the community beds budget"
    dm(busy_rig, "U5", message, "1700002000.000100")
    assert fake.wait_for(lambda: busy_rig.services.work.in_hand == 0 and fake.replies(), 20)
    settle(busy_rig)
    [note] = services.stores.rights.export_user_data("slack:U5")["theme_notes"]
    kept = note["scrubbed_text"]
    assert "community beds budget" in kept
    assert "oluwaseun" not in kept.lower() and "Kowalczyk" not in kept


def test_role_groups_are_read_from_slack(busy_rig: Rig) -> None:
    fake, roles = busy_rig.fake, busy_rig.services.roles
    assert fake.wait_for(lambda: fake.of("usergroups.users.list"), 20)
    fake.wait_for(lambda: roles.is_programme("slack:U7"), 20)  # the answer reaches the app
    settle(busy_rig)
    assert roles.is_programme("slack:U7") and roles.is_programme("slack:U9")
    assert not roles.is_programme("slack:U1") and not roles.is_facilitator("slack:U7")


def test_retention_runs_while_serving(settings: Settings, fake_slack: FakeSlack) -> None:
    cfg = slack_config(settings, fake_slack, maintenance_interval=3600)
    rig = make_rig(cfg, fake_slack)
    stores = rig.services.stores
    uid = stores.conversations.user_id("slack:U1")
    stores.notes.add(uid, "an old note", at=datetime.now(UTC) - timedelta(days=400))
    with rig.served:
        assert fake_slack.wait_for(
            lambda: not stores.rights.export_user_data("slack:U1")["theme_notes"], 20
        )
    rig.services.close()


def test_names_of_skips_bots_and_the_departed() -> None:
    assert names_of(PEOPLE[0]) == ["Oluwaseun Adebayo", "Seun"]
    assert names_of(PEOPLE[2]) == [] and names_of(PEOPLE[3]) == []
