"""The programme service: what a programme team member sees, and every anonymity rule."""

from __future__ import annotations

import re

import pytest

from bot.config import Settings
from bot.evals.themes import PlantedMessage
from bot.knowledge.retrieve import Retriever
from bot.programme.report import render
from bot.programme.service import Refused
from bot.store.open import Stores
from tests.programme.conftest import MEMBER, NOW, OUTSIDER, programme_for, write_cohorts

Deployment = tuple[Settings, Stores, list[str]]


def test_a_member_gets_themes_with_no_personal_detail_and_nothing_below_k(
    deployment: Deployment, retriever: Retriever, corpus: list[PlantedMessage]
) -> None:
    settings, stores, leaders = deployment
    write_cohorts(settings, {})
    programme = programme_for(settings, stores, retriever)
    report = programme.report(MEMBER, "30d", now=NOW)
    themes = report.themes
    population = stores.notes.people(report.window.start, report.window.end)
    assert len(population) >= len(leaders) - 2  # the current week's messages wait for next week
    assert abs(themes.total_people - len(population)) <= 5 * report.privacy.noise_scale
    assert len(themes.themes) >= 6
    assert all(t.people >= 5 for t in themes.themes)
    assert all(len(t.keywords) >= 3 for t in themes.themes)
    titles = {card_id: card.meta.title for card_id, card in retriever.cards.items()}
    planted = {p for item in corpus for p in item.pii}
    texts = {item.message.text for item in corpus if len(item.message.text.split()) >= 3}
    for fmt in ("json", "csv", "html"):
        out = render(report, fmt, programme.texts.report, titles, settings.prompts_dir, NOW)
        leaked = [p for p in planted if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", out)]
        assert leaked == [], (fmt, leaked[:5])
        verbatim = [t for t in texts if t in out]
        assert verbatim == [], (fmt, verbatim[:5])  # no message, verbatim
        assert not any(leader in out for leader in leaders)
        counted = re.findall(r"messages\W{0,3}[:,(<]|Messages \(|total_messages", out)
        assert counted == [], fmt  # no count of messages, anywhere: people, never messages
        assert report.privacy.statement in out  # the model, in one sentence
    [entry] = stores.audit.entries()
    assert (entry.actor, entry.action, entry.outcome) == (MEMBER, "themes.view", "shown")


def test_the_html_report_is_self_contained(deployment: Deployment, retriever: Retriever) -> None:
    settings, stores, _ = deployment
    write_cohorts(settings, {})
    programme = programme_for(settings, stores, retriever)
    report = programme.report(MEMBER, "30d", now=NOW)
    html = render(report, "html", programme.texts.report, {}, settings.prompts_dir, NOW)
    assert html.startswith("<!doctype html>") and '<html lang="en-GB">' in html
    assert "<script" not in html and not re.search(r"(src|href)=\"?https?:", html)
    assert html.count("<svg") >= 1 and 'role="img"' in html and "<caption>" in html


def test_people_outside_the_programme_team_are_refused_and_audited(
    deployment: Deployment, retriever: Retriever
) -> None:
    settings, stores, _ = deployment
    write_cohorts(settings, {})
    programme = programme_for(settings, stores, retriever)
    with pytest.raises(Refused) as refused:
        programme.report(OUTSIDER, "30d", now=NOW)
    assert "programme team" in refused.value.message
    [entry] = stores.audit.entries()
    assert entry.actor == OUTSIDER and entry.outcome.startswith("refused")


def test_small_cohorts_and_complements_are_refused(
    deployment: Deployment, retriever: Retriever
) -> None:
    settings, stores, leaders = deployment
    write_cohorts(
        settings,
        {
            "tiny": leaders[:4],  # below k
            "all-but-two": leaders[2:],  # the rest would be 2 people
            "half": leaders[: len(leaders) // 2],
            "half-plus-one": leaders[: len(leaders) // 2 + 1],
        },
    )
    programme = programme_for(settings, stores, retriever)
    with pytest.raises(Refused, match="at least 5"):
        programme.report(MEMBER, "30d", cohort="tiny", now=NOW)
    with pytest.raises(Refused, match="overlap"):
        programme.report(MEMBER, "30d", cohort="all-but-two", now=NOW)
    with pytest.raises(Refused, match="no cohort"):
        programme.report(MEMBER, "30d", cohort="nobody-set-this", now=NOW)
    half = programme.report(MEMBER, "30d", cohort="half", now=NOW)
    assert half.themes.cohort == "half"
    assert abs(half.themes.total_people - len(leaders) // 2) <= 5 * half.privacy.noise_scale
    # one more person than a report already released: the two together would expose them
    with pytest.raises(Refused, match="overlap"):
        programme.report(MEMBER, "30d", cohort="half-plus-one", now=NOW)
    outcomes = [e.outcome for e in stores.audit.entries()]
    assert outcomes.count("shown") == 1 and len(outcomes) == 5


def test_a_leader_who_stops_contributing_leaves_the_report(
    deployment: Deployment, retriever: Retriever
) -> None:
    from bot.coach.leaders import Leaders

    settings, stores, leaders = deployment
    write_cohorts(settings, {})
    programme = programme_for(settings, stores, retriever)
    before = programme.report(MEMBER, "30d", now=NOW)
    people = stores.notes.people(before.window.start, before.window.end)
    for leader in leaders[:5]:
        Leaders(stores).set_consent(leader, "coaching")
    after = programme.report(MEMBER, "30d", now=NOW)  # other people: a new report, not a replay
    assert [e.detail["release"] for e in stores.audit.entries()] == ["new", "new"]
    assert stores.notes.people(after.window.start, after.window.end) < people
    assert abs(after.themes.total_people - (len(people) - 5)) <= 5 * after.privacy.noise_scale
