"""Programme team surfaces over real HTTP: `/anchor themes` sends the HTML report privately to
members and refuses everyone else politely; App Home shows members a short, audited summary."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.config import Settings
from bot.evals.themes import PlantedMessage
from bot.privacy.scrub import Scrubber
from bot.slack.loopback import FakeSlack
from tests.programme.conftest import corpus, populate, scrubber  # noqa: F401 (fixtures)
from tests.slack.conftest import Rig, make_rig, settle, slack_config, texts_of

MEMBER = "UPROG1"


@pytest.fixture
def programme_rig(
    settings: Settings,
    fake_slack: FakeSlack,
    corpus: list[PlantedMessage],  # noqa: F811
    scrubber: Scrubber,  # noqa: F811
) -> Iterator[Rig]:
    rig = make_rig(slack_config(settings, fake_slack, programme_team=[MEMBER]), fake_slack)
    populate(rig.services.stores, corpus, scrubber)
    with rig.served:
        yield rig
    rig.services.close()


def test_a_member_gets_the_html_report_in_a_dm(programme_rig: Rig) -> None:
    rig = programme_rig
    answer = rig.sender.command(MEMBER, "themes 30d")
    assert answer.status == 200
    assert rig.fake.wait_for(lambda: rig.fake.of("files.completeUploadExternal"), 30)
    settle(rig)
    [upload] = rig.fake.uploads.values()
    assert upload.startswith(b"<!doctype html>") and b"Anchor: themes across leaders" in upload
    done = rig.fake.of("files.completeUploadExternal")[0].args
    assert done["channel_id"] == "DPROG1"
    said = " ".join(str(c.args.get("text")) for c in rig.fake.of("response_url"))
    assert "direct messages" in said
    [entry] = rig.services.stores.audit.entries()
    assert (entry.actor, entry.action, entry.outcome) == (
        f"slack:{MEMBER}",
        "themes.export",
        "shown",
    )
    assert entry.detail["via"] == "slack"


def test_anyone_else_is_refused_politely_and_the_refusal_is_audited(programme_rig: Rig) -> None:
    rig = programme_rig
    rig.sender.command("U1", "themes")
    assert rig.fake.wait_for(lambda: rig.fake.of("response_url"), 20)
    settle(rig)
    said = " ".join(str(c.args.get("text")) for c in rig.fake.of("response_url"))
    assert "for the programme team" in said
    assert rig.fake.uploads == {}
    [entry] = rig.services.stores.audit.entries()
    assert entry.actor == "slack:U1" and entry.outcome.startswith("refused")


def test_app_home_shows_members_a_summary_and_others_nothing(programme_rig: Rig) -> None:
    rig = programme_rig
    for user in (MEMBER, "U1"):
        rig.sender.send_event({"type": "app_home_opened", "user": user, "tab": "home"})
    assert rig.fake.wait_for(lambda: len(rig.fake.of("views.publish")) >= 2, 30)
    settle(rig)
    views = {
        c.args["user_id"]: texts_of(c.args["view"]["blocks"]) for c in rig.fake.of("views.publish")
    }
    assert "Programme themes" in views[MEMBER] and "home:themes" in views[MEMBER]
    assert "leaders contributed" in views[MEMBER]
    assert "Programme themes" not in views["U1"]
    [entry] = rig.services.stores.audit.entries()
    assert entry.action == "themes.view" and entry.actor == f"slack:{MEMBER}"
