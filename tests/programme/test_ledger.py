"""The privacy ledger and budget: each new report spends epsilon from its month's budget; an
identical request replays the report for nothing; a spent budget refuses new reports (for
nothing) until the next month; the noise is OpenDP's, calibrated to the report's counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.config import Settings
from bot.knowledge.retrieve import Retriever
from bot.programme.privacy import release
from bot.programme.service import Refused
from bot.store.open import Stores, open_stores
from bot.store.releases import period_of
from tests.programme.conftest import MEMBER, NOW, programme_for, write_cohorts

Deployment = tuple[Settings, Stores, list[str]]
DECEMBER = datetime(2026, 12, 6, 9, tzinfo=UTC)


def test_opendp_noise_spends_what_it_says_and_only_a_seed_repeats_it() -> None:
    counts = [40, 12, 9, 30, 0, 7]
    noisy = release(counts, epsilon=2.0)
    assert noisy.epsilon == pytest.approx(2.0) and noisy.scale == pytest.approx(3.0)
    assert len(noisy.counts) == len(counts) and min(noisy.counts) >= 0
    draws = {tuple(release(counts, epsilon=2.0).counts) for _ in range(20)}
    assert len(draws) > 1  # fresh noise every time from OpenDP
    assert release(counts, 2.0, seed=5) == release(counts, 2.0, seed=5)
    # averaging many fresh draws would find the truth: the ledger's replay is what stops that
    draws = {n: release(counts, 2.0).counts for n in range(400)}
    mean = [sum(d[i] for d in draws.values()) / len(draws) for i in range(len(counts))]
    assert all(abs(m - c) < 1.5 for m, c in zip(mean, counts, strict=True) if c > 10)


def test_the_ledger_keeps_every_release_and_sums_each_month(settings: Settings) -> None:
    stores = open_stores(settings)
    ledger = stores.releases
    window = (datetime(2026, 10, 26, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC))

    def figures(n: int) -> Callable[[float], dict[str, Any]]:
        return lambda spent: {"figures": [n], "spent": spent}

    first = ledger.spend("a", DECEMBER, None, window, 10.0, 40.0, figures(1))
    assert first.outcome == "released" and first.spent == 10.0
    assert ledger.spend("b", DECEMBER, "north", window, 10.0, 40.0, figures(2)).spent == 20.0
    again = ledger.spend("a", DECEMBER, None, window, 10.0, 40.0, figures(3))
    assert again.outcome == "replayed" and again.spent == 20.0  # nothing spent twice
    assert ledger.spend("c", DECEMBER, None, window, 25.0, 40.0, figures(4)).outcome == "over"
    assert ledger.spent("2026-12") == 20.0 and ledger.spent("2027-01") == 0.0
    found = ledger.find("b")
    assert found is not None and found.report == {"figures": [2], "spent": 20.0}
    assert (found.window_start, found.window_end) == window and found.cohort == "north"
    assert ledger.find("c") is None and [r.key for r in ledger.releases()] == ["a", "b"]
    assert period_of(datetime(2026, 12, 31, 23, 59, tzinfo=UTC)) == "2026-12"


def test_a_release_refused_once_the_month_is_locked_spends_nothing(settings: Settings) -> None:
    ledger = open_stores(settings).releases
    window = (datetime(2026, 10, 26, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC))

    def refuse() -> None:
        raise Refused("no", "would differ by fewer than k")

    with pytest.raises(Refused):
        ledger.spend("a", DECEMBER, None, window, 10.0, 40.0, lambda _: {}, refuse)
    assert ledger.spent("2026-12") == 0.0 and ledger.find("a") is None


def test_a_spent_budget_refuses_new_reports_until_next_month_and_replays_are_free(
    deployment: Deployment, retriever: Retriever
) -> None:
    settings, stores, _ = deployment
    write_cohorts(settings, {})
    tight = settings.model_copy(update={"privacy_epsilon": 5.0, "privacy_budget": 10.0})
    programme = programme_for(tight, stores, retriever)
    first = programme.report(MEMBER, "30d", now=NOW)
    assert first.privacy.epsilon == pytest.approx(5.0) and first.privacy.spent == 5.0
    assert programme.report(MEMBER, "30d", now=NOW) == first  # replayed: the same figures
    assert stores.releases.spent(period_of(NOW)) == pytest.approx(5.0)  # and nothing spent
    second = programme.report(MEMBER, "60d", now=NOW)
    assert second.privacy.spent == pytest.approx(10.0)
    with pytest.raises(Refused) as refused:
        programme.report(MEMBER, "90d", now=NOW)
    renews = first.privacy.renews
    assert renews.day == 1 and renews > NOW.date() and (renews - NOW.date()).days <= 31
    assert "used up" in refused.value.message and f"{renews:%d %B %Y}" in refused.value.message
    assert stores.audit.entries()[0].outcome == "refused: privacy budget spent"
    assert stores.releases.spent(period_of(NOW)) == pytest.approx(10.0)  # the refusal: nothing
    assert programme.report(MEMBER, "30d", now=NOW) == first  # replays still work
    next_month = datetime(renews.year, renews.month, renews.day, 9, tzinfo=UTC)
    assert stores.releases.spent(period_of(next_month)) == 0.0  # a new month, a new budget
    programme._affordable(next_month)  # no refusal then


def test_every_count_in_a_report_carries_noise_and_the_report_says_so(
    deployment: Deployment, retriever: Retriever
) -> None:
    settings, stores, _ = deployment
    write_cohorts(settings, {})
    programme = programme_for(settings, stores, retriever)
    report = programme.report(MEMBER, "30d", now=NOW)
    counts = (
        1
        + sum(1 + (t.previous_people is not None) for t in report.themes.themes)
        + len(report.engagement.active_by_week)
    )
    # the scale is the number of counts over epsilon: at least those shown
    assert report.privacy.noise_scale >= counts / settings.privacy_epsilon
    assert report.privacy.epsilon == pytest.approx(settings.privacy_epsilon)
    assert report.privacy.budget == settings.privacy_budget
    assert "random" in report.privacy.statement
