"""Issue 13's attacks on programme reports (attacks 1, 2, 3, 4 and 10), each rebuilt here the way
the review ran them: through the same service calls the Slack app and `anchor themes` use. Each
one worked before the release model (differential privacy, the privacy ledger, whole weeks, one
population); each must fail now."""

from __future__ import annotations

import re
from datetime import timedelta
from html import escape

import pytest
from time_machine import TimeMachineFixture

from bot.config import Settings
from bot.knowledge.retrieve import Retriever
from bot.programme.report import render, theme_name
from bot.programme.service import ProgrammeReport, Refused
from bot.store.open import Stores
from tests.programme.conftest import MEMBER, NOW, OUTSIDER, programme_for, write_cohorts

Deployment = tuple[Settings, Stores, list[str]]


def active(stores: Stores, leaders: list[str], report: ProgrammeReport) -> list[str]:
    """The leaders (external ids) with a scrubbed copy kept in the report's weeks."""
    people = stores.notes.people(report.window.start, report.window.end)
    return [x for x in leaders if stores.cipher.pseudonym(f"leader:{_id(stores, x)}") in people]


def _id(stores: Stores, external: str) -> int:
    return stores.conversations.user_id(external)


def test_flooding_the_audit_log_never_lets_a_report_one_person_smaller_through(
    deployment: Deployment, retriever: Retriever
) -> None:
    """Attack 1: A shown, A minus one refused; 1,000 refused requests; A minus one again."""
    settings, stores, leaders = deployment
    write_cohorts(settings, {})
    programme = programme_for(settings, stores, retriever)
    whole = programme.report(MEMBER, "30d", now=NOW)
    cohort = active(stores, leaders, whole)[:12]
    write_cohorts(settings, {"a": cohort, "a-minus-one": cohort[1:]})
    programme = programme_for(settings, stores, retriever)
    programme.report(MEMBER, "30d", cohort="a", now=NOW)
    with pytest.raises(Refused, match="overlap"):
        programme.report(MEMBER, "30d", cohort="a-minus-one", now=NOW)
    spent = stores.releases.spent("")  # nothing outside a real period
    releases = stores.releases.releases()
    for _ in range(1000):
        with pytest.raises(Refused):
            programme.report(OUTSIDER, "30d", now=NOW)
    assert stores.releases.releases() == releases and stores.releases.spent("") == spent
    with pytest.raises(Refused, match="overlap"):
        programme.report(MEMBER, "30d", cohort="a-minus-one", now=NOW)
    assert len(stores.audit.entries(limit=2000)) == 1 + 1 + 1 + 1000 + 1


def test_two_periods_a_day_apart_give_the_same_report(
    deployment: Deployment, retriever: Retriever
) -> None:
    """Attack 2: `--since 57d` and `--since 58d` differed by one message, its day and theme."""
    settings, stores, _ = deployment
    write_cohorts(settings, {})
    programme = programme_for(settings, stores, retriever)
    words = programme.texts.report
    one = programme.report(MEMBER, "57d", now=NOW)
    two = programme.report(MEMBER, "58d", now=NOW)
    assert (one.window.start, one.window.end) == (two.window.start, two.window.end)
    for fmt in ("json", "csv", "html"):
        first = render(one, fmt, words, {}, settings.prompts_dir, NOW)
        assert first == render(two, fmt, words, {}, settings.prompts_dir, NOW)
    json = render(two, "json", words, {}, settings.prompts_dir, NOW)
    assert '"messages"' not in json and "total_messages" not in json
    assert [e.detail["release"] for e in reversed(stores.audit.entries())] == ["new", "replayed"]
    [release] = stores.releases.releases()  # the replay spent nothing
    assert stores.releases.spent(release.period) == release.epsilon


def test_a_leader_with_no_scrubbed_copy_changes_no_figure(
    deployment: Deployment, retriever: Retriever, time_machine: TimeMachineFixture
) -> None:
    """Attack 3: a leader who opted in but whose only messages were safety-flagged or too short
    (so no scrubbed copy was kept) left themes unchanged but added one to 'active leaders'."""
    settings, stores, leaders = deployment
    write_cohorts(settings, {})
    programme = programme_for(settings, stores, retriever)
    whole = programme.report(MEMBER, "30d", now=NOW)
    cohort = active(stores, leaders, whole)[:12]
    newcomer = "slack:UFLAGGED1"
    user_id = stores.conversations.user_id(newcomer)
    stores.consent.set(user_id, "themes")
    time_machine.move_to(whole.window.end - timedelta(days=3), tick=False)  # in the last week
    conversation = stores.conversations.current(user_id, "dm:1")
    for text, level in (("I can't go on like this", "crisis"), ("ok thanks", "none")):
        stores.conversations.record_exchange(
            conversation.id, text, "reply", card_ids=[], safety_level=level, state={}
        )
    write_cohorts(settings, {"twelve": cohort, "twelve-and-newcomer": [*cohort, newcomer]})
    programme = programme_for(settings, stores, retriever)
    before = programme.report(MEMBER, "30d", cohort="twelve", now=NOW)
    after = programme.report(MEMBER, "30d", cohort="twelve-and-newcomer", now=NOW)
    assert [e.detail["release"] for e in stores.audit.entries()][:2] == ["new", "new"]
    # the same people, so the same figures (the noise is seeded here): nothing about the newcomer
    assert after.engagement.active_by_week == before.engagement.active_by_week
    assert after.themes.model_dump(exclude={"cohort"}) == before.themes.model_dump(
        exclude={"cohort"}
    )


def test_a_cohort_with_members_swapped_is_refused(
    deployment: Deployment, retriever: Retriever
) -> None:
    """Attack 4: A, then A - x + y, compared x with y."""
    settings, stores, leaders = deployment
    write_cohorts(settings, {})
    programme = programme_for(settings, stores, retriever)
    whole = programme.report(MEMBER, "30d", now=NOW)
    present = active(stores, leaders, whole)
    cohort, spare = present[:12], present[12]
    write_cohorts(settings, {"a": cohort, "a-swapped": [*cohort[1:], spare]})
    programme = programme_for(settings, stores, retriever)
    programme.report(MEMBER, "30d", cohort="a", now=NOW)
    with pytest.raises(Refused, match="overlap"):
        programme.report(MEMBER, "30d", cohort="a-swapped", now=NOW)
    assert len(stores.releases.releases()) == 2  # the refusal spent nothing


def test_a_small_cohort_gets_themes_named_by_their_knowledge_cards(
    deployment: Deployment, retriever: Retriever
) -> None:
    """Attack 10: a cohort of 7 got 'theme-1', 'theme-2': no word was used by k of them."""
    settings, stores, leaders = deployment
    write_cohorts(settings, {})
    whole = programme_for(settings, stores, retriever).report(MEMBER, "30d", now=NOW)
    write_cohorts(settings, {"small": active(stores, leaders, whole)[:7]})
    quiet = settings.model_copy(update={"privacy_epsilon": 100.0, "privacy_budget": 200.0})
    programme = programme_for(quiet, stores, retriever)
    report = programme.report(MEMBER, "30d", cohort="small", now=NOW)
    assert report.themes.themes, "the small cohort should still have a theme"
    titles = {card_id: card.meta.title for card_id, card in retriever.cards.items()}
    html = render(report, "html", programme.texts.report, titles, settings.prompts_dir, NOW)
    for theme in report.themes.themes:
        assert not re.fullmatch(r"theme(-\d+)?", theme.id), theme
        assert not re.search(r"\btheme-\d", theme_name(theme))
        assert len(theme.keywords) >= 2 or (
            theme.label is not None and theme.label in titles.values()
        )
        assert escape(theme_name(theme)) in html
