"""Play the script's coaching through the real services, on the script's dates: consent at
first contact, each private message to the coach (which keeps a scrubbed copy for themes when
the leader contributes), feedback on cited replies, exercises to their commitment, goals done.

The services stamp records with the clock, so the clock is moved to each moment of the script
(time-machine) while that moment is played; nothing else runs in the meantime.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import time_machine
from pydantic import BaseModel

from bot.coach.engine import Coach
from bot.coach.leaders import Leaders
from bot.demo.script import ExerciseRun, Message, Script

Progress = Callable[[str, int, int], None]
STEP = "Playing weeks of coaching"
ANSWER_GAP = timedelta(minutes=2)
CONSENT_BEFORE = timedelta(minutes=1)


class DemoError(Exception):
    """The demo programme and the coach disagree (e.g. an exercise request that starts
    another flow): a problem in prompts/demo/programme.yaml."""


class CoachingCounts(BaseModel):
    messages: int = 0
    exercises: int = 0
    goals: int = 0
    goals_done: int = 0
    feedback: int = 0


def _at(when: datetime) -> time_machine.travel:
    return time_machine.travel(when, tick=False)


def _consent(script: Script, leaders: Leaders) -> None:
    first: dict[str, datetime] = {}
    moments: list[Message | ExerciseRun] = [*script.messages, *script.exercises]
    for item in moments:
        first[item.leader] = min(item.at, first.get(item.leader, item.at))
    for leader in script.leaders:
        with _at(first[leader.external_id] - CONSENT_BEFORE):
            leaders.first_contact(leader.external_id)
            leaders.set_consent(leader.external_id, "themes" if leader.contributes else "coaching")


def _message(item: Message, coach: Coach, leaders: Leaders, counts: CoachingCounts) -> None:
    with _at(item.at):
        reply = coach.respond(item.leader, item.text, channel=item.thread)
        counts.messages += 1
        if item.feedback is not None and reply.citations:
            leaders.record_feedback(
                item.leader,
                helpful=item.feedback,
                card_ids=[c.card_id for c in reply.citations],
                reply_ref=f"{item.thread}:{item.at.timestamp():.6f}",
            )
            counts.feedback += 1


def _exercise(item: ExerciseRun, coach: Coach, leaders: Leaders, counts: CoachingCounts) -> None:
    with _at(item.at):
        opened = coach.respond(item.leader, item.request, channel=item.thread)
    if opened.flow is None or opened.flow.id != item.exercise:
        raise DemoError(f"{item.request!r} did not start the exercise {item.exercise!r}")
    reply = opened
    for n, answer in enumerate(item.answers, start=1):
        with _at(item.at + n * ANSWER_GAP):
            reply = coach.respond(item.leader, answer, channel=item.thread)
    if reply.flow is None or not reply.flow.finished:
        raise DemoError(f"the answers for {item.exercise!r} did not finish it")
    counts.exercises += 1
    source = f"exercise:{item.exercise}"
    goals = [g for g in leaders.open_goals(item.leader) if g.source == source]
    counts.goals += bool(goals)
    if goals and item.done_at is not None:
        with _at(item.done_at):
            leaders.set_goal_status(item.leader, goals[-1].id, "done")
        counts.goals_done += 1


def play_coaching(
    script: Script, coach: Coach, leaders: Leaders, progress: Progress
) -> CoachingCounts:
    """Every leader's consent, messages and exercises, in the order they happened."""
    counts = CoachingCounts()
    _consent(script, leaders)
    moments: list[Message | ExerciseRun] = sorted(
        [*script.messages, *script.exercises], key=lambda item: item.at
    )
    for done, item in enumerate(moments, start=1):
        if isinstance(item, Message):
            _message(item, coach, leaders, counts)
        else:
            _exercise(item, coach, leaders, counts)
        progress(STEP, done, len(moments))
    return counts
