"""The demo's script: who the synthetic leaders are and what each does when, drawn from the
demo programme (prompts/demo/programme.yaml) with its seed. Pure: no services, no clock but the
`now` it is given, so the same seed and day always give the same programme."""

from __future__ import annotations

import random
import string
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta

from pydantic import BaseModel, ConfigDict

from bot.content.demo import DemoExercise, DemoProgramme, DemoTheme, WorkshopAnswer
from bot.content.workshops import WorkshopPlan

ID_CHARS = string.ascii_uppercase + string.digits
WEEKDAY_WEIGHT = 4.0  # leaders write on weekends too, much less
HOURS = range(7, 21)
RECENT_DAYS = 7  # every contributing leader writes at least once in the last week
EXERCISE_DAYS = range(2, 28)  # inside a 30-day report
WORKSHOP_DAYS_AGO = 8
WORKSHOP_HOUR = 14
WORKSHOP_STEP = timedelta(minutes=12)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Leader(Frozen):
    external_id: str  # what the coach knows them by, as in Slack: slack:U...
    role: str
    sector: str
    contributes: bool  # chose to contribute to themes, not coaching only
    themes: dict[str, float]


class Message(Frozen):
    at: datetime
    leader: str
    thread: str
    theme: str  # the key of the theme it was written about (for tests; never stored)
    text: str
    feedback: bool | None  # helpful, not helpful, or no verdict (if the reply cites cards)


class ExerciseRun(Frozen):
    at: datetime
    leader: str
    thread: str
    exercise: str
    request: str
    answers: list[str]  # one per step, in order
    done_at: datetime | None  # when its commitment is marked done, if it is


class WorkshopScript(Frozen):
    plan: str
    channel: str
    facilitator: str  # a Slack user id (the facilitators setting names bare ids)
    started: datetime
    participants: list[str]
    steps: list[str]
    answers: list[list[WorkshopAnswer]]  # per step, one per participant


class Script(Frozen):
    leaders: list[Leader]
    messages: list[Message]
    exercises: list[ExerciseRun]
    workshop: WorkshopScript


class _Ids:
    """Slack-like ids (U..., D..., C...), unique within the demo."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[str] = set()

    def new(self, prefix: str) -> str:
        while True:
            made = prefix + "0" + "".join(self.rng.choice(ID_CHARS) for _ in range(9))
            if made not in self.seen:
                self.seen.add(made)
                return made


def _weighted_sample(rng: random.Random, weights: Mapping[str, float], count: int) -> list[str]:
    pool = dict(weights)
    chosen: list[str] = []
    while pool and len(chosen) < count:
        pick = rng.choices(list(pool), weights=list(pool.values()))[0]
        chosen.append(pick)
        del pool[pick]
    return chosen


def _leaders(programme: DemoProgramme, rng: random.Random, ids: _Ids) -> list[Leader]:
    total = programme.leaders
    coaching_only = set(rng.sample(range(total), programme.coaching_only))
    leaders: list[Leader] = []
    for sector in programme.sectors:
        for _ in range(sector.count):
            chosen = _weighted_sample(rng, sector.themes, rng.choice((2, 3, 3)))
            leaders.append(
                Leader(
                    external_id=f"slack:{ids.new('U')}",
                    role=rng.choice(sector.roles),
                    sector=sector.name,
                    contributes=len(leaders) not in coaching_only,
                    themes={theme: rng.uniform(0.6, 1.6) for theme in chosen},
                )
            )
    return leaders


def _day_ago(now: datetime, rng: random.Random, days: Sequence[int]) -> int:
    """One of `days` (days ago), weekdays more likely than weekends."""
    weights = [WEEKDAY_WEIGHT if (now - timedelta(days=d)).weekday() < 5 else 1.0 for d in days]
    return rng.choices(list(days), weights=weights)[0]


def _at(now: datetime, days_ago: int, hour: int, minute: int) -> datetime:
    day = (now - timedelta(days=days_ago)).date()
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".?!:," else text + "."


def _compose(programme: DemoProgramme, theme: DemoTheme, rng: random.Random) -> str:
    """An optional opener, one or two core sentences, an optional fragment and closer."""
    parts: list[str] = []
    if rng.random() < programme.opener_rate:
        parts.append(rng.choice(programme.openers))
    first = rng.choice(theme.core)
    core = [first]
    if rng.random() < programme.second_rate:
        core.append(rng.choice([c for c in theme.core if c != first]))
    parts += [_sentence(c[:1].upper() + c[1:]) for c in core]
    if rng.random() < programme.more_rate:
        parts.append(rng.choice(theme.more))
    if rng.random() < programme.closer_rate:
        parts.append(rng.choice(programme.closers))
    text = " ".join(parts)
    return text.lower() if rng.random() < programme.lowercase else text


def _messages(
    programme: DemoProgramme, leaders: list[Leader], now: datetime, rng: random.Random, ids: _Ids
) -> list[Message]:
    days = programme.weeks * 7
    out: list[Message] = []
    for leader in leaders:
        joined = days - rng.randrange(0, 7)
        count = rng.randint(programme.messages.low, programme.messages.high)
        chosen = [_day_ago(now, rng, range(1, joined + 1)) for _ in range(count)]
        if leader.contributes and min(chosen) > RECENT_DAYS:
            chosen[0] = _day_ago(now, rng, range(1, RECENT_DAYS + 1))
        dm = ids.new("D")
        for day in sorted(set(chosen), reverse=True):
            at = _at(now, day, rng.choice(HOURS), rng.randrange(60))
            thread = f"dm:{dm}:{at.timestamp():.6f}"
            week = min(programme.weeks - 1, (days - day) // 7)
            for _ in range(chosen.count(day)):
                weights = {
                    key: weight * programme.themes[key].weeks[week]
                    for key, weight in leader.themes.items()
                }
                key = rng.choices(list(weights), weights=list(weights.values()))[0]
                verdict = None
                if rng.random() < programme.feedback_rate:
                    verdict = rng.random() < programme.helpful_rate
                text = _compose(programme, programme.themes[key], rng)
                out.append(
                    Message(
                        at=at,
                        leader=leader.external_id,
                        thread=thread,
                        theme=key,
                        text=text,
                        feedback=verdict,
                    )
                )
                at += timedelta(minutes=rng.randint(3, 15))
    return out


def _exercise_runs(
    programme: DemoProgramme,
    item: DemoExercise,
    steps: Sequence[str],
    leaders: list[Leader],
    now: datetime,
    rng: random.Random,
    ids: _Ids,
) -> list[ExerciseRun]:
    contributing = [leader for leader in leaders if leader.contributes]
    runs: list[ExerciseRun] = []
    for leader in rng.sample(contributing, min(item.people, len(contributing))):
        day = _day_ago(now, rng, EXERCISE_DAYS)
        at = _at(now, day, rng.randint(8, 17), rng.randrange(60))
        done_at = None
        if rng.random() < programme.goals_done:
            done_at = at + timedelta(days=rng.randint(1, min(6, day - 1)), hours=1)
        runs.append(
            ExerciseRun(
                at=at,
                leader=leader.external_id,
                thread=f"dm:{ids.new('D')}:{at.timestamp():.6f}",
                exercise=item.id,
                request=item.request,
                answers=[rng.choice(item.answers[step]) for step in steps],
                done_at=done_at,
            )
        )
    return runs


def _workshop(
    programme: DemoProgramme,
    plan: WorkshopPlan,
    leaders: list[Leader],
    now: datetime,
    rng: random.Random,
    ids: _Ids,
) -> WorkshopScript:
    shop = programme.workshop
    day = WORKSHOP_DAYS_AGO
    while (now - timedelta(days=day)).weekday() >= 5:
        day += 1
    people = rng.sample(leaders, min(shop.participants, len(leaders)))
    answers: list[list[WorkshopAnswer]] = []
    for step in plan.steps:
        pool = shop.answers[step.id]
        if step.answer.type == "free_text":  # everyone writes something of their own
            answers.append(rng.sample(pool, len(people)))
        else:
            answers.append([rng.choice(pool) for _ in people])
    return WorkshopScript(
        plan=shop.plan,
        channel=ids.new("C"),
        facilitator=ids.new("U"),
        started=_at(now, day, WORKSHOP_HOUR, 0),
        participants=[leader.external_id for leader in people],
        steps=[step.id for step in plan.steps],
        answers=answers,
    )


def write_script(
    programme: DemoProgramme,
    exercise_steps: Mapping[str, Sequence[str]],
    plan: WorkshopPlan,
    now: datetime,
) -> Script:
    """The whole programme, ending yesterday: leaders, messages, exercises, one workshop run
    of `plan`. `exercise_steps`: each exercise's step ids in order."""
    rng = random.Random(programme.seed)
    ids = _Ids(rng)
    leaders = _leaders(programme, rng, ids)
    messages = _messages(programme, leaders, now, rng, ids)
    runs = [
        run
        for item in programme.exercises
        for run in _exercise_runs(programme, item, exercise_steps[item.id], leaders, now, rng, ids)
    ]
    workshop = _workshop(programme, plan, leaders, now, rng, ids)
    return Script(
        leaders=leaders,
        messages=sorted(messages, key=lambda m: m.at),
        exercises=sorted(runs, key=lambda r: r.at),
        workshop=workshop,
    )
