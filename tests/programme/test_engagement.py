"""Engagement figures: people, not messages, of the report's population only; anything whose
(noisy) count is below k withheld. Here the noise is left out to check the counting itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from time_machine import TimeMachineFixture

from bot.config import Settings
from bot.programme.figures import release_figures, within
from bot.programme.privacy import Noisy, Tally
from bot.programme.windows import parse_since
from bot.store.open import Stores, open_stores
from bot.themes.models import ThemeReport

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)  # a Friday: its week is not in a report yet
NEXT_WEEK = NOW + timedelta(days=7)


def leader(stores: Stores, n: int, choice: str = "themes") -> int:
    user_id = stores.conversations.user_id(f"slack:U{n:03d}")
    stores.consent.set(user_id, choice)  # type: ignore[arg-type]
    return user_id


def exact(tally: Tally) -> Noisy:
    """No noise: the true counts, to check what is counted and what is withheld."""
    tally.noisy = list(tally.truth)
    return Noisy(tally.noisy, 0.0, 0.0)


def test_engagement_counts_people_and_withholds_small_groups(
    settings: Settings, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(NOW, tick=False)  # the records' stamps
    stores = open_stores(settings)
    window = parse_since("30d", NEXT_WEEK)  # five whole weeks, the last ending on 30 November
    assert window.weeks == 5 and window.start <= NOW < window.end
    for n in range(7):
        user_id = leader(stores, n)
        conversation = stores.conversations.current(user_id, "dm:1")
        for _ in range(3):  # three messages each: still one person
            stores.conversations.record_exchange(
                conversation.id, "hello", "hi", card_ids=[], safety_level="none", state={}
            )
        stores.activity.record(user_id, "exercise", "abc-check", "started")
        if n < 5:
            stores.activity.record(user_id, "exercise", "abc-check", "finished")
        if n < 2:
            stores.activity.record(user_id, "scenario", "council-walks-out", "started")
        stores.feedback.record(user_id, helpful=n < 5, card_ids=["psychological-safety"])
    outsider = leader(stores, 99, "coaching")  # chose coaching only: never counted
    stores.activity.record(outsider, "exercise", "abc-check", "started")

    data = stores.engagement.collect(window.start, window.end)
    everyone = frozenset().union(*data.active_by_week.values())
    themes = ThemeReport(window_start=window.start, window_end=window.end, total_people=7)
    figures = release_figures(themes, data, window, 5, exact).engagement
    weeks = {f.label: f.people for f in figures.active_by_week}
    assert len(weeks) == 5  # every week of the window, active or not
    assert weeks["2026-W48"] == 7  # 21 messages, 7 people
    assert [weeks[w] for w in sorted(weeks)][:4] == [None] * 4  # nobody: withheld, not 0
    flows = {f.kind: f for f in figures.flows}
    assert (flows["exercise"].started, flows["exercise"].finished) == (7, 5)
    assert flows["scenario"].started is None  # 2 people: withheld
    assert [f.label for f in figures.most_used] == ["exercise:abc-check"]
    assert figures.cards == []  # 5 found it helpful, but only 2 did not: withheld whole
    assert "messages" not in figures.model_dump_json()

    # the report's population only: four of the seven are not in it, so the week is withheld
    some = frozenset(sorted(everyone)[:3])
    narrowed = release_figures(themes, within(data, some), window, 5, exact).engagement
    assert all(f.people is None for f in narrowed.active_by_week)
    assert narrowed.most_used == [] and narrowed.flows[0].started is None
