"""A person's goals are numbered 1, 2, 3 in their own list, whatever the database ids."""

from __future__ import annotations

from datetime import date

from bot.store.open import Stores


def test_goal_numbers_follow_the_persons_own_list(stores: Stores) -> None:
    other = stores.conversations.user_id("test:other")
    me = stores.conversations.user_id("test:me")
    stores.goals.add(other, "someone else's", due=None, source="t")
    later = stores.goals.add(me, "no date yet", due=None, source="t")
    sooner = stores.goals.add(me, "due first", due=date(2026, 12, 8), source="t")

    def number(user_id: int, n: int) -> str | None:
        goal = stores.goals.open_by_number(user_id, n)
        return goal.text if goal else None

    assert [number(me, n) for n in (0, 1, 2, 3)] == [None, "due first", "no date yet", None]
    assert later.id > 1 and number(me, 1) == sooner.text  # the order `my goals` shows
    stores.goals.set_status(me, sooner.id, "done")  # Slack's buttons still use the ids
    assert number(me, 1) == "no date yet"
    assert number(other, 1) == "someone else's"
