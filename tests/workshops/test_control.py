"""Controlling a run: roles, one run per channel, back and forth, pause, restarts, and two
replicas acting at the same moment (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import TypeVar

import pytest

from bot.workshops import (
    AlreadyRunning,
    CannotGoBack,
    NoActiveRun,
    NoMoreSteps,
    NotAllowed,
    NotPaused,
    RunPaused,
    StepClosed,
    StepMoved,
    UnknownPlan,
    WorkshopError,
    Workshops,
)
from tests.workshops.conftest import CO_FACILITATOR, FACILITATOR, PLANS, T0, Factory

PLAN = "conflict-on-the-partnership-board"
STEPS = [step.id for step in PLANS[PLAN].steps]
CHANNEL = "C0BOARD"
LEADER = "slack:U0LEADER1"
T = TypeVar("T")


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def test_only_facilitators_start_or_control_a_run(service: Workshops) -> None:
    with pytest.raises(NotAllowed) as refused:
        service.start(LEADER, CHANNEL, PLAN, now=T0)
    assert refused.value.message == service.errors.not_allowed
    with pytest.raises(NoActiveRun):
        service.status(FACILITATOR, CHANNEL)

    run_id = service.start(FACILITATOR, CHANNEL, PLAN, now=T0).run.run_id
    actions: list[Callable[[], object]] = [
        lambda: service.next(LEADER, CHANNEL, now=T0),
        lambda: service.back(LEADER, CHANNEL, now=T0),
        lambda: service.pause(LEADER, CHANNEL, now=T0),
        lambda: service.resume(LEADER, CHANNEL, now=T0),
        lambda: service.status(LEADER, CHANNEL, now=T0),
        lambda: service.end(LEADER, CHANNEL, now=T0),
        lambda: service.summary(LEADER, run_id),
        lambda: service.export(LEADER, run_id, "html"),
        lambda: service.start(LEADER, "C0OTHER", PLAN, now=T0),
    ]
    for action in actions:
        with pytest.raises(NotAllowed):
            action()
    view = service.status(FACILITATOR, CHANNEL, now=T0)
    assert view.status == "running" and view.step_index == 0
    # a leader may still answer, and a co-facilitator may take over
    service.answer(LEADER, CHANNEL, STEPS[0], 3, now=T0 + minutes(1))
    assert service.next(CO_FACILITATOR, CHANNEL, now=T0 + minutes(5)).run.step_index == 1
    assert service.end(CO_FACILITATOR, CHANNEL, now=T0 + minutes(6)).run.status == "ended"


def test_one_active_run_per_channel(service: Workshops) -> None:
    with pytest.raises(UnknownPlan) as unknown:
        service.start(FACILITATOR, CHANNEL, "no-such-plan", now=T0)
    assert "`week-of-system-reflection`" in unknown.value.message
    service.start(FACILITATOR, CHANNEL, PLAN, now=T0)
    with pytest.raises(AlreadyRunning) as running:
        service.start(CO_FACILITATOR, CHANNEL, "shared-vision-across-partners", now=T0)
    assert PLANS[PLAN].title in running.value.message
    other = service.start(FACILITATOR, "C0ELSEWHERE", PLAN, now=T0)
    assert other.run.channel == "C0ELSEWHERE"
    service.end(FACILITATOR, CHANNEL, now=T0 + minutes(1))
    with pytest.raises(NoActiveRun):
        service.end(FACILITATOR, CHANNEL, now=T0 + minutes(2))
    again = service.start(FACILITATOR, CHANNEL, PLAN, now=T0 + minutes(3))
    assert again.run.step_index == 0 and again.run.run_id not in {other.run.run_id}


def test_back_reopens_the_step_before_and_keeps_its_answers(service: Workshops) -> None:
    service.start(FACILITATOR, CHANNEL, PLAN, now=T0)
    with pytest.raises(CannotGoBack):
        service.back(FACILITATOR, CHANNEL, now=T0)
    service.answer(LEADER, CHANNEL, STEPS[0], 4, now=T0 + minutes(1))
    service.next(FACILITATOR, CHANNEL, now=T0 + minutes(6))
    with pytest.raises(StepClosed):
        service.answer(LEADER, CHANNEL, STEPS[0], 2, now=T0 + minutes(7))
    back = service.back(FACILITATOR, CHANNEL, now=T0 + minutes(8))
    assert [s.id for s in back.opened] == [STEPS[0]] and [s.id for s in back.closed] == [STEPS[1]]
    assert back.run.current is not None and back.run.current.id == STEPS[0]
    changed = service.answer(LEADER, CHANNEL, STEPS[0], 2, now=T0 + minutes(9))
    assert changed.replaced and changed.tally.respondents == 1
    with pytest.raises(StepClosed):
        service.answer(LEADER, CHANNEL, STEPS[1], "An issue we never name.", now=T0 + minutes(9))
    forward = service.next(FACILITATOR, CHANNEL, now=T0 + minutes(10))
    assert forward.run.steps[1].state == "open" and forward.run.steps[0].state == "closed"


def test_the_last_step_and_pausing(service: Workshops) -> None:
    service.start(FACILITATOR, CHANNEL, PLAN, now=T0)
    for i in range(1, len(STEPS)):
        service.next(FACILITATOR, CHANNEL, now=T0 + minutes(i))
    with pytest.raises(NoMoreSteps):
        service.next(FACILITATOR, CHANNEL, now=T0 + minutes(30))
    last = STEPS[-1]
    with pytest.raises(NotPaused):
        service.resume(FACILITATOR, CHANNEL, now=T0 + minutes(30))
    paused = service.pause(FACILITATOR, CHANNEL, now=T0 + minutes(30))
    assert paused.run.status == "paused"
    with pytest.raises(RunPaused) as twice:
        service.pause(FACILITATOR, CHANNEL, now=T0 + minutes(31))
    assert twice.value.message == service.errors.already_paused
    with pytest.raises(RunPaused) as no_answers:
        service.answer(LEADER, CHANNEL, last, "anything", now=T0 + minutes(31))
    assert no_answers.value.message == service.errors.run_paused
    with pytest.raises(RunPaused):
        service.back(FACILITATOR, CHANNEL, now=T0 + minutes(32))
    resumed = service.resume(FACILITATOR, CHANNEL, now=T0 + minutes(40))
    assert resumed.run.status == "running" and resumed.run.current is not None
    assert resumed.run.current.id == last and resumed.run.current.state == "open"


def test_a_restart_carries_on_where_the_run_was(replicas: Factory) -> None:
    first = replicas()
    run_id = first.start(FACILITATOR, CHANNEL, PLAN, now=T0).run.run_id
    first.answer(LEADER, CHANNEL, STEPS[0], 5, now=T0 + minutes(1))
    first.next(FACILITATOR, CHANNEL, now=T0 + minutes(5))
    first.answer(LEADER, CHANNEL, STEPS[1], "We never agreed how to share the risk.")
    first.store.engine.dispose()

    second = replicas()
    view = second.status(FACILITATOR, CHANNEL, now=T0 + minutes(6))
    assert view.run_id == run_id and view.current is not None and view.current.id == STEPS[1]
    again = second.answer(LEADER, CHANNEL, STEPS[1], "We keep reopening the bed plan.")
    assert again.replaced and again.tally.respondents == 1
    mine = second.own_answers(LEADER, run_id)
    assert [a.value for a in mine.answers] == [5, "We keep reopening the bed plan."]
    assert second.next(FACILITATOR, CHANNEL, now=T0 + minutes(7)).run.step_index == 2


def at_once(actions: list[Callable[[], T]]) -> list[T | WorkshopError]:
    """Run the actions in threads released together; results or WorkshopErrors, in order."""
    barrier = threading.Barrier(len(actions))
    results: list[T | WorkshopError | None] = [None] * len(actions)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = actions[i]()
        except WorkshopError as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(result is not None for result in results)
    return [result for result in results if result is not None]


def click(service: Workshops, step: str) -> Callable[[], object]:
    return lambda: service.next(CO_FACILITATOR, CHANNEL, from_step=step, now=T0)


def test_two_replicas_clicking_next_at_once_move_one_step(replicas: Factory) -> None:
    one, two = replicas(), replicas()
    one.start(FACILITATOR, CHANNEL, PLAN, now=T0)
    for round_ in range(3):
        results = at_once([click(one, STEPS[round_]), click(two, STEPS[round_])])
        assert sum(isinstance(r, StepMoved) for r in results) == 1, results
        assert one.status(FACILITATOR, CHANNEL).step_index == round_ + 1
    # the store itself: two conditional moves from the same step, one wins
    run = one.store.active_run(CHANNEL)
    assert run is not None
    moves = at_once(
        [
            partial(store.move, run.id, expected=3, to=4, opening=None, close=None, now=T0)
            for store in (one.store, two.store)
        ]
    )
    assert sorted(moves, key=str) == [False, True]
    assert two.status(FACILITATOR, CHANNEL).step_index == 4
    with pytest.raises(StepMoved) as stale:
        one.next(FACILITATOR, CHANNEL, from_step=STEPS[0], now=T0)
    assert PLANS[PLAN].steps[4].title in stale.value.message


def test_the_same_answer_from_two_replicas_counts_once(replicas: Factory) -> None:
    one, two = replicas(), replicas()
    one.start(FACILITATOR, CHANNEL, PLAN, now=T0)
    results = at_once(
        [
            lambda: one.answer(LEADER, CHANNEL, STEPS[0], 2, now=T0 + minutes(1)),
            lambda: two.answer(LEADER, CHANNEL, STEPS[0], 2, now=T0 + minutes(1)),
            lambda: two.answer("slack:U0LEADER2", CHANNEL, STEPS[0], 4, now=T0 + minutes(1)),
        ]
    )
    assert not any(isinstance(r, WorkshopError) for r in results), results
    tally = one.tally(CHANNEL, STEPS[0])
    assert tally.respondents == 2


def test_two_facilitators_starting_at_once_start_one_run(replicas: Factory) -> None:
    one, two = replicas(), replicas()
    results = at_once(
        [
            lambda: one.start(FACILITATOR, CHANNEL, PLAN, now=T0),
            lambda: two.start(CO_FACILITATOR, CHANNEL, PLAN, now=T0),
        ]
    )
    assert sum(isinstance(r, AlreadyRunning) for r in results) == 1, results


def test_forgetting_a_person_removes_their_answers_named_and_anonymous(service: Workshops) -> None:
    run_id = service.start(FACILITATOR, CHANNEL, PLAN, now=T0).run.run_id
    other = "slack:U0LEADER2"
    for person, score in ((LEADER, 2), (other, 4)):
        service.answer(person, CHANNEL, STEPS[0], score, now=T0 + minutes(1))  # anonymous
    service.next(FACILITATOR, CHANNEL, now=T0 + minutes(5))
    service.answer(LEADER, CHANNEL, STEPS[1], "We never agreed the risk share.", now=T0)
    service.join(LEADER, CHANNEL)
    assert service.forget(LEADER) == 3
    assert service.own_answers(LEADER, run_id).answers == []
    assert service.tally(run_id, STEPS[0]).respondents == 1
    assert [a.value for a in service.own_answers(other, run_id).answers] == [4]
    assert LEADER not in service.participants(run_id)
