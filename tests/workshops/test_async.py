"""An async plan over a week: steps open on their schedule, close after their time limit, and
each registered participant who has not answered gets one reminder, claimed once however many
replicas ask (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.workshops import CannotGoBack, Reminder, RunPaused, StepClosed, StepEvent
from tests.workshops.conftest import FACILITATOR, T0, Factory

PLAN = "week-of-system-reflection"
CHANNEL = "C0COHORT"
PEOPLE = [f"slack:U0COHORT{i}" for i in range(1, 5)]
P1, P2, P3, P4 = PEOPLE
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def opened_ids(events: list[StepEvent]) -> list[str]:
    return [event.step.id for event in events]


def who(reminders: list[Reminder]) -> list[tuple[str, str]]:
    return sorted((reminder.participant, reminder.step.id) for reminder in reminders)


def test_a_week_on_its_schedule_with_one_reminder_each(replicas: Factory) -> None:
    one, two = replicas(), replicas()
    started = one.start(FACILITATOR, CHANNEL, PLAN, now=T0)
    assert [s.id for s in started.opened] == ["monday-relationship"]
    monday = started.opened[0]
    assert monday.closes_at == T0 + DAY and monday.state == "open"
    for person in PEOPLE:
        assert one.join(person, CHANNEL)
    assert not two.join(P1, CHANNEL)  # already registered
    one.answer(P1, CHANNEL, "monday-relationship", "The director of adult social care.", now=T0)
    one.answer(P2, CHANNEL, "monday-relationship", "Our primary care network lead.", now=T0 + HOUR)

    assert one.due_openings(T0 + 11 * HOUR) == [] and one.due_reminders(T0 + 11 * HOUR) == []
    reminders = one.due_reminders(T0 + 12 * HOUR)
    assert who(reminders) == [(P3, "monday-relationship"), (P4, "monday-relationship")]
    assert reminders[0].channel == CHANNEL
    assert one.due_reminders(T0 + 13 * HOUR) == [] and two.due_reminders(T0 + 14 * HOUR) == []

    assert one.due_openings(T0 + 23 * HOUR) == []
    opened = two.due_openings(T0 + DAY)
    assert opened_ids(opened) == ["tuesday-tank"]
    assert one.due_openings(T0 + DAY) == [] and two.due_openings(T0 + DAY + HOUR) == []
    assert opened_ids(one.due_closings(T0 + DAY)) == ["monday-relationship"]
    assert two.due_closings(T0 + DAY) == []
    with pytest.raises(StepClosed):
        one.answer(P3, CHANNEL, "monday-relationship", "Too late now.", now=T0 + DAY + HOUR)

    # Tuesday is anonymous: P1's answer is recognised by its keyed hash, so P1 is not reminded
    one.answer(P1, CHANNEL, "tuesday-tank", 2, now=T0 + DAY + HOUR)
    later = two.due_reminders(T0 + DAY + 12 * HOUR)
    assert who(later) == [(p, "tuesday-tank") for p in (P2, P3, P4)]
    with one.store.engine.connect() as conn:
        claimed = conn.execute(
            text("select participant from workshop_reminders where step_id = 'tuesday-tank'")
        ).scalars()
        assert all(key.startswith("anon:") for key in claimed)

    # pausing stops the clock: no answers, openings or reminders; the schedule moves on resume
    one.pause(FACILITATOR, CHANNEL, now=T0 + DAY + 13 * HOUR)
    with pytest.raises(RunPaused):
        one.answer(P2, CHANNEL, "tuesday-tank", 4, now=T0 + DAY + 14 * HOUR)
    assert one.due_openings(T0 + 3 * DAY) == [] and one.due_closings(T0 + 3 * DAY) == []
    resumed = one.resume(FACILITATOR, CHANNEL, now=T0 + 3 * DAY + 13 * HOUR)
    assert resumed.opened == []
    tuesday = resumed.run.steps[1]
    assert tuesday.state == "open" and tuesday.closes_at == T0 + 4 * DAY
    one.answer(P2, CHANNEL, "tuesday-tank", 4, now=T0 + 3 * DAY + 14 * HOUR)
    assert two.due_openings(T0 + 3 * DAY + 23 * HOUR) == []
    assert opened_ids(two.due_openings(T0 + 4 * DAY)) == ["wednesday-balcony"]

    # facilitators may open the next step early, but not go back
    with pytest.raises(CannotGoBack):
        one.back(FACILITATOR, CHANNEL, now=T0 + 4 * DAY)
    early = one.next(FACILITATOR, CHANNEL, now=T0 + 4 * DAY + HOUR)
    assert [s.id for s in early.opened] == ["thursday-fortress"] and early.closed == []
    assert [s.id for s in early.run.open_steps] == ["wednesday-balcony", "thursday-fortress"]
    # Friday opens at P4D of running time: three days and two hours have run (two were paused)
    assert one.due_openings(T0 + 5 * DAY + 2 * HOUR) == []

    ended = one.end(FACILITATOR, CHANNEL, now=T0 + 4 * DAY + 2 * HOUR)
    assert [s.id for s in ended.closed] == ["wednesday-balcony", "thursday-fortress"]
    assert one.due_reminders(T0 + 6 * DAY) == [] and one.due_openings(T0 + 9 * DAY) == []
    copy = one.own_answers(P1, ended.run.run_id)
    assert [(a.step_id, a.value) for a in copy.answers] == [
        ("monday-relationship", "The director of adult social care."),
        ("tuesday-tank", 2),
    ]
