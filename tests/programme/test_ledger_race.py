"""Two releases asked for at the same moment when the month's budget holds one: exactly one is
released, the other refused with the budget's message, and the month has spent one report's
epsilon (on SQLite and PostgreSQL). The check and the spending are one transaction."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.config import Settings
from bot.evals.themes import PlantedMessage
from bot.knowledge.retrieve import Retriever
from bot.privacy.scrub import Scrubber
from bot.programme.service import Programme, ProgrammeReport, Refused
from bot.store.open import Stores, open_stores
from bot.store.releases import Spend, period_of
from tests.helpers import BACKENDS
from tests.programme.conftest import MEMBER, NOW, populate, programme_for, write_cohorts

DECEMBER = datetime(2026, 12, 6, 9, tzinfo=UTC)
WINDOW = (datetime(2026, 10, 26, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    if request.param == "sqlite":
        return settings
    return settings.model_copy(update={"database_url": request.getfixturevalue("pg_url")})


def both(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads at once; what each returned or raised."""
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            results[i] = calls[i]()
        except Exception as exc:  # the refusal is the result
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_the_second_release_waits_for_the_first_and_finds_the_budget_spent(
    backend: Settings,
) -> None:
    ledger = open_stores(backend).releases
    inside = threading.Event()

    def first_holds_the_month() -> None:  # runs with the month's row locked
        inside.set()
        threading.Event().wait(0.5)  # the second asks meanwhile and must wait

    def first() -> Spend:
        return ledger.spend(
            "a", DECEMBER, None, WINDOW, 10.0, 10.0, lambda s: {"n": 1}, first_holds_the_month
        )

    def second() -> Spend:
        assert inside.wait(30)
        return ledger.spend("b", DECEMBER, None, WINDOW, 10.0, 10.0, lambda s: {"n": 2})

    one, two = both([first, second])
    assert isinstance(one, Spend) and isinstance(two, Spend)
    assert (one.outcome, two.outcome) == ("released", "over")
    assert ledger.spent("2026-12") == 10.0 and [r.key for r in ledger.releases()] == ["a"]


@pytest.fixture
def programme(
    backend: Settings,
    retriever: Retriever,
    corpus: list[PlantedMessage],
    scrubber: Scrubber,
) -> Iterator[tuple[Programme, Stores]]:
    settings = backend.model_copy(
        update={
            "programme_team": [MEMBER.removeprefix("slack:")],
            "cohorts_file": backend.data_dir.parent / "cohorts.yaml",
            "privacy_noise_seed": 13,
            "privacy_epsilon": 10.0,
            "privacy_budget": 10.0,  # one report a month
        }
    )
    write_cohorts(settings, {})
    stores = open_stores(settings)
    populate(stores, corpus, scrubber)
    yield programme_for(settings, stores, retriever), stores
    stores.engine.dispose()


def test_two_reports_at_once_with_budget_for_one_release_exactly_one(
    programme: tuple[Programme, Stores], monkeypatch: pytest.MonkeyPatch
) -> None:
    service, stores = programme
    checked = threading.Barrier(2, timeout=30)
    early = service._affordable

    def both_pass_the_early_check(now: datetime) -> None:
        early(now)
        checked.wait()  # neither has spent yet: both see budget for one more report

    monkeypatch.setattr(service, "_affordable", both_pass_the_early_check)
    results = both(
        [
            lambda: service.report(MEMBER, "30d", now=NOW),
            lambda: service.report(MEMBER, "60d", now=NOW),
        ]
    )
    shown = [r for r in results if isinstance(r, ProgrammeReport)]
    refused = [r for r in results if isinstance(r, Refused)]
    assert len(shown) == 1 and len(refused) == 1, results
    assert "used up" in refused[0].message and refused[0].reason == "privacy budget spent"
    assert shown[0].privacy.spent == pytest.approx(10.0)
    assert stores.releases.spent(period_of(NOW)) == pytest.approx(10.0)
    assert len(stores.releases.releases()) == 1
    outcomes = sorted(entry.outcome for entry in stores.audit.entries())
    assert outcomes == ["refused: privacy budget spent", "shown"]
