"""Engagement figures: people, not messages; anything behind fewer than k people withheld."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from time_machine import TimeMachineFixture

from bot.config import Settings
from bot.programme.service import engagement_figures
from bot.programme.windows import parse_since
from bot.store.open import Stores, open_stores

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def leader(stores: Stores, n: int, choice: str = "themes") -> int:
    user_id = stores.conversations.user_id(f"slack:U{n:03d}")
    stores.consent.set(user_id, choice)  # type: ignore[arg-type]
    return user_id


def test_engagement_counts_people_and_withholds_small_groups(
    settings: Settings, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(NOW, tick=False)  # the records' stamps and the window agree
    stores = open_stores(settings)
    window = parse_since("30d", NOW)
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
    figures = engagement_figures(data, window, None, 5)
    [week] = figures.active_by_week
    assert week.people == 7  # 21 messages, 7 people
    flows = {f.kind: f for f in figures.flows}
    assert (flows["exercise"].started, flows["exercise"].finished) == (7, 5)
    assert flows["scenario"].started is None  # 2 people: withheld
    assert [f.label for f in figures.most_used] == ["exercise:abc-check"]
    assert figures.cards == []  # 5 found it helpful, but only 2 did not: withheld whole

    later = engagement_figures(
        stores.engagement.collect(window.start + timedelta(days=40), window.end), window, None, 5
    )
    assert later.active_by_week == [] and later.flows == []
