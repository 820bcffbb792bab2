"""The workshop run engine: a facilitator runs a plan in a channel, people answer, the run
keeps its state in the database, and the facilitator gets a suppressed, quote-free summary.

Roles: every facilitator action (start, next, back, pause, resume, status, end, summary,
export) needs ``is_facilitator(actor)``; any facilitator may control any run, so a co-facilitator
can take over when the one who started it is away. Everyone else gets NotAllowed.

Live plans move step by step: exactly the current step is open; ``next`` closes it and opens
the next, ``back`` closes it and reopens the one before. Time limits are the facilitator's
timetable, not a hard close. Async plans open each step when its ``opens_after`` has passed
(counted from the start, not counting paused time) and close it ``time_limit_minutes`` later
(or at the end); ``next`` opens the next step early; ``back`` is refused. Pausing stops the
clock: no answers, openings or reminders until ``resume``, and open deadlines move later by
the length of the pause.

Reminders (async only): one per person per step, half way through the step's window (its time
limit, else until the next step opens, else a day). The people reminded are the run's
registered participants: those who joined explicitly (``join``: the Slack layer may register
the channel's members) and those who answered a *named* step. Answering an anonymous step does
not register anyone, because that would link a person to the anonymous answer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from bot.content.workshops import WorkshopPlan, WorkshopStep
from bot.privacy.text_scrubber import TextScrubber, default_scrubber
from bot.store.workshop_runs import (
    ActiveRunExists,
    AnswerRefused,
    Refusal,
    RunRecord,
    RunStatus,
    StepOpening,
    StepRecord,
    WorkshopStore,
    aware,
    refusal,
)
from bot.workshops.counting import live_tally, summarise_step
from bot.workshops.errors import (
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
    UnknownRun,
    UnknownStep,
    WorkshopError,
)
from bot.workshops.export import render_summary
from bot.workshops.models import (
    AnswerResult,
    AnswerValue,
    OwnAnswer,
    ParticipantCopy,
    Reminder,
    RunSummary,
    RunView,
    StepEvent,
    StepView,
    Tally,
    Transition,
)
from bot.workshops.scrubbing import ScrubbingSummariser
from bot.workshops.summarise import FreeTextSummariser, WordCountSummariser
from bot.workshops.texts import Texts, load_texts
from bot.workshops.validate import check_answer

RunRef = int | str  # a run id, or a channel (its active run)
DEFAULT_MIN_PEOPLE = 3
DEFAULT_WINDOW = timedelta(hours=24)
RUNNING: tuple[RunStatus, ...] = ("running",)


def _now(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else aware(now)


def step_view(
    run: RunRecord, index: int, step: WorkshopStep, record: StepRecord | None, now: datetime
) -> StepView:
    state = "waiting"
    if record is not None:
        state = "open" if run.status != "ended" and record.is_open(now) else "closed"
    return StepView(
        run_id=run.id,
        index=index,
        id=step.id,
        title=step.title,
        prompt=step.prompt,
        answer=step.answer,
        anonymous=step.anonymous,
        time_limit_minutes=step.time_limit_minutes,
        facilitator_note=step.facilitator_note,
        state=state,  # type: ignore[arg-type]
        opened_at=None if record is None else record.opened_at,
        closes_at=None if record is None else record.closes_at,
        closed_at=None if record is None else record.closed_at,
        message_ts=None if record is None else record.message_ts,
    )


def opening(plan: WorkshopPlan, index: int, now: datetime) -> StepOpening:
    """When a step opening now closes and is reminded about (async), or neither (live)."""
    step = plan.steps[index]
    if plan.mode == "live":
        return StepOpening(step.id, index)
    limit = timedelta(minutes=step.time_limit_minutes) if step.time_limit_minutes else None
    window = limit or DEFAULT_WINDOW
    following = plan.steps[index + 1] if index + 1 < len(plan.steps) else None
    if limit is None and following is not None and step.opens_after is not None:
        gap = (following.opens_after or step.opens_after) - step.opens_after
        window = gap if gap > timedelta(0) else window
    return StepOpening(step.id, index, None if limit is None else now + limit, now + window / 2)


class Workshops:
    """The facilitator workshop service. Pass ``now`` for tests; it defaults to the clock."""

    def __init__(
        self,
        store: WorkshopStore,
        plans: Mapping[str, WorkshopPlan],
        *,
        is_facilitator: Callable[[str], bool],
        texts: Texts | None = None,
        summariser: FreeTextSummariser | None = None,
        min_people: int = DEFAULT_MIN_PEOPLE,
        scrubber: Callable[[], TextScrubber] = default_scrubber,
        deny: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        """`scrubber`: the PII scrubber free text goes through before any keyword is counted
        (the deployment's, knowing the directory); `deny`: people's names (the Slack
        directory, as read now) that no keyword may contain, in any case."""
        if min_people < 2:
            raise ValueError("min_people must be at least 2")
        self.store = store
        self.plans = dict(plans)
        self.is_facilitator = is_facilitator
        self.texts = texts or load_texts()
        self.errors = self.texts.errors
        self.summariser: FreeTextSummariser = ScrubbingSummariser(
            summariser or WordCountSummariser(self.texts.stop_words), scrubber, deny
        )
        self.min_people = min_people

    # ---- lookups -------------------------------------------------------------------------------

    def _require(self, actor: str) -> None:
        if not self.is_facilitator(actor):
            raise NotAllowed(self.errors.not_allowed)

    def _plan(self, plan_id: str) -> WorkshopPlan:
        plan = self.plans.get(plan_id.strip().casefold())
        if plan is None:
            plans = ", ".join(f"`{name}`" for name in sorted(self.plans))
            raise UnknownPlan(self.errors.unknown_plan.format(plan=plan_id.strip(), plans=plans))
        return plan

    def _plan_of(self, run: RunRecord) -> WorkshopPlan:
        plan = self.plans.get(run.plan_id)
        if plan is None:
            raise UnknownRun(self.errors.unknown_run)
        return plan

    def _active(self, channel: str) -> RunRecord:
        run = self.store.active_run(channel)
        if run is None:
            raise NoActiveRun(self.errors.no_active_run)
        return run

    def _run(self, ref: RunRef, *, latest: bool = False) -> RunRecord:
        """A run by id, or a channel's active run (with `latest`, else its most recent)."""
        if isinstance(ref, int):
            run = self.store.get_run(ref)
            if run is None:
                raise UnknownRun(self.errors.unknown_run)
            return run
        found = self.store.active_run(ref) or (self.store.latest_run(ref) if latest else None)
        if found is None:
            raise NoActiveRun(self.errors.no_active_run)
        return found

    def _step(self, plan: WorkshopPlan, step_id: str) -> tuple[int, WorkshopStep]:
        for index, step in enumerate(plan.steps):
            if step.id == step_id:
                return index, step
        raise UnknownStep(self.errors.unknown_step)

    def _view(self, run_id: int, plan: WorkshopPlan, now: datetime) -> RunView:
        run = self.store.get_run(run_id)
        if run is None:
            raise UnknownRun(self.errors.unknown_run)
        records = {record.step_id: record for record in self.store.steps(run.id)}
        return RunView(
            run_id=run.id,
            plan_id=plan.id,
            plan_title=plan.title,
            mode=plan.mode,
            channel=run.channel,
            facilitator=run.facilitator,
            status=run.status,
            step_index=run.step_index,
            steps=[
                step_view(run, i, step, records.get(step.id), now)
                for i, step in enumerate(plan.steps)
            ],
            started_at=run.started_at,
            ended_at=run.ended_at,
        )

    def _transition(
        self,
        run_id: int,
        plan: WorkshopPlan,
        now: datetime,
        opened: Sequence[str] = (),
        closed: Sequence[str] = (),
    ) -> Transition:
        view = self._view(run_id, plan, now)
        by_id = {step.id: step for step in view.steps}
        return Transition(
            run=view,
            opened=[by_id[step_id] for step_id in opened],
            closed=[by_id[step_id] for step_id in closed],
        )

    def _lost_race(self, run_id: int, plan: WorkshopPlan) -> WorkshopError:
        """What to say when another click or replica changed the run first."""
        run = self.store.get_run(run_id)
        if run is None or not run.active:
            return NoActiveRun(self.errors.no_active_run)
        if run.status == "paused":
            return RunPaused(self.errors.is_paused)
        if 0 <= run.step_index < len(plan.steps):
            step = plan.steps[run.step_index]
            message = self.errors.step_moved.format(number=run.step_index + 1, title=step.title)
            return StepMoved(message)
        return StepMoved(self.errors.step_moved.format(number=0, title=plan.title))

    def _refused(self, reason: Refusal) -> WorkshopError:
        if reason == "no_run":
            return UnknownRun(self.errors.unknown_run)
        if reason == "paused":
            return RunPaused(self.errors.run_paused)
        messages = {
            "ended": self.errors.run_ended,
            "not_open": self.errors.not_open_yet,
            "closed": self.errors.step_closed,
        }
        return StepClosed(messages[reason])

    def _open_due(self, run: RunRecord, plan: WorkshopPlan, now: datetime) -> list[str]:
        """Open every async step whose time has come, in order; the ids this call opened."""
        opened: list[str] = []
        index, elapsed = run.step_index, run.elapsed(now)
        while index + 1 < len(plan.steps):
            step = plan.steps[index + 1]
            if step.opens_after is None or step.opens_after > elapsed:
                break
            moved = self.store.move(
                run.id,
                expected=index,
                to=index + 1,
                opening=opening(plan, index + 1, now),
                close=None,
                now=now,
            )
            if not moved:  # another replica is opening it
                break
            opened.append(step.id)
            index += 1
        return opened

    # ---- facilitator actions -------------------------------------------------------------------

    def start(
        self, actor: str, channel: str, plan_id: str, *, now: datetime | None = None
    ) -> Transition:
        """Start a plan in a channel: live opens step 1, async opens whatever is due now."""
        now = _now(now)
        self._require(actor)
        plan = self._plan(plan_id)
        try:
            run = self.store.create_run(plan.id, plan.mode, channel, actor, now)
        except ActiveRunExists as exc:
            current = self.store.active_run(channel)
            title = (
                self.plans[current.plan_id].title
                if current and current.plan_id in self.plans
                else ""
            )
            raise AlreadyRunning(self.errors.already_running.format(plan=title)) from exc
        if plan.mode == "async":
            return self._transition(run.id, plan, now, opened=self._open_due(run, plan, now))
        first = opening(plan, 0, now)
        self.store.move(run.id, expected=-1, to=0, opening=first, close=None, now=now)
        return self._transition(run.id, plan, now, opened=[first.step_id])

    def _controllable(self, actor: str, channel: str) -> tuple[RunRecord, WorkshopPlan]:
        self._require(actor)
        run = self._active(channel)
        return run, self._plan_of(run)

    def _expect(self, run: RunRecord, plan: WorkshopPlan, from_step: str | None) -> None:
        if run.status == "paused":
            raise RunPaused(self.errors.is_paused)
        current = plan.steps[run.step_index].id if 0 <= run.step_index < len(plan.steps) else None
        if from_step is not None and from_step != current:
            raise self._lost_race(run.id, plan)

    def next(
        self,
        actor: str,
        channel: str,
        *,
        from_step: str | None = None,
        now: datetime | None = None,
    ) -> Transition:
        """Move to the next step. With `from_step` (the step the button was on), a repeated
        click raises StepMoved instead of moving twice."""
        now = _now(now)
        run, plan = self._controllable(actor, channel)
        self._expect(run, plan, from_step)
        to = run.step_index + 1
        if to >= len(plan.steps):
            raise NoMoreSteps(self.errors.no_more_steps)
        close = plan.steps[run.step_index].id if plan.mode == "live" and to > 0 else None
        step_opening = opening(plan, to, now)
        if not self.store.move(
            run.id, expected=run.step_index, to=to, opening=step_opening, close=close, now=now
        ):
            raise self._lost_race(run.id, plan)
        closed = [close] if close else []
        return self._transition(run.id, plan, now, opened=[step_opening.step_id], closed=closed)

    def back(
        self,
        actor: str,
        channel: str,
        *,
        from_step: str | None = None,
        now: datetime | None = None,
    ) -> Transition:
        """Live plans: close this step and reopen the one before (its answers are kept)."""
        now = _now(now)
        run, plan = self._controllable(actor, channel)
        if plan.mode == "async":
            raise CannotGoBack(self.errors.async_back)
        self._expect(run, plan, from_step)
        if run.step_index <= 0:
            raise CannotGoBack(self.errors.at_first_step)
        to, close = run.step_index - 1, plan.steps[run.step_index].id
        if not self.store.move(
            run.id,
            expected=run.step_index,
            to=to,
            opening=opening(plan, to, now),
            close=close,
            now=now,
        ):
            raise self._lost_race(run.id, plan)
        return self._transition(run.id, plan, now, opened=[plan.steps[to].id], closed=[close])

    def pause(self, actor: str, channel: str, *, now: datetime | None = None) -> Transition:
        now = _now(now)
        run, plan = self._controllable(actor, channel)
        if run.status == "paused":
            raise RunPaused(self.errors.already_paused)
        if not self.store.pause(run.id, now):
            error = self._lost_race(run.id, plan)
            raise RunPaused(self.errors.already_paused) if isinstance(error, RunPaused) else error
        return self._transition(run.id, plan, now)

    def resume(self, actor: str, channel: str, *, now: datetime | None = None) -> Transition:
        """Carry on; an async plan then opens whatever fell due while it was paused."""
        now = _now(now)
        run, plan = self._controllable(actor, channel)
        if run.status != "paused" or not self.store.resume(run.id, now):
            raise NotPaused(self.errors.not_paused)
        opened: list[str] = []
        if plan.mode == "async":
            fresh = self.store.get_run(run.id)
            opened = self._open_due(fresh, plan, now) if fresh else []
        return self._transition(run.id, plan, now, opened=opened)

    def status(self, actor: str, channel: str, *, now: datetime | None = None) -> RunView:
        now = _now(now)
        run, plan = self._controllable(actor, channel)
        return self._view(run.id, plan, now)

    def end(self, actor: str, channel: str, *, now: datetime | None = None) -> Transition:
        """End the run and close its open steps. Then: summary(), export(), participants()
        and own_answers() for each participant's copy."""
        now = _now(now)
        run, plan = self._controllable(actor, channel)
        before = self._view(run.id, plan, now)
        if not self.store.end(run.id, now):
            raise NoActiveRun(self.errors.no_active_run)
        return self._transition(run.id, plan, now, closed=[s.id for s in before.open_steps])

    def summary(self, actor: str, run: RunRef, *, now: datetime | None = None) -> RunSummary:
        """Per step: totals with small numbers suppressed, free text as keyword themes only.
        `run` is a run id or a channel (its active run, else its latest)."""
        self._require(actor)
        record = self._run(run, latest=True)
        plan = self._plan_of(record)
        values: defaultdict[str, list[AnswerValue]] = defaultdict(list)
        for answer in self.store.answers(record.id):
            values[answer.step_id].append(answer.value)
        steps = [
            summarise_step(i, step, values[step.id], self.min_people, self.summariser)
            for i, step in enumerate(plan.steps)
        ]
        return RunSummary(
            run_id=record.id,
            plan_id=plan.id,
            plan_title=plan.title,
            mode=plan.mode,
            status=record.status,
            started_at=record.started_at,
            ended_at=record.ended_at,
            min_people=self.min_people,
            steps=steps,
        )

    def export(self, actor: str, run: RunRef, fmt: str) -> str:
        """The summary as "html", "csv" or "json" (UnknownFormat otherwise)."""
        return render_summary(self.summary(actor, run), fmt, self.texts.report)

    # ---- participants --------------------------------------------------------------------------

    def answer(
        self,
        participant: str,
        run: RunRef,
        step_id: str,
        value: object,
        *,
        now: datetime | None = None,
    ) -> AnswerResult:
        """Record (or replace) a person's answer to an open step and return the new tally.
        A retry or double click replaces the same answer; it never counts twice."""
        now = _now(now)
        record = self._run(run)
        plan = self._plan_of(record)
        index, step = self._step(plan, step_id)
        current = {r.step_id: r for r in self.store.steps(record.id)}.get(step.id)
        reason = refusal(record, current, now)
        if reason is not None:
            raise self._refused(reason)
        clean = check_answer(step.answer, value, self.errors)
        try:
            replaced = self.store.save_answer(
                record.id,
                step.id,
                participant,
                anonymous=step.anonymous,
                value=clean,
                free_text=step.answer.type == "free_text",
                now=now,
            )
        except AnswerRefused as exc:
            raise self._refused(exc.reason) from exc
        if not step.anonymous:
            self.store.join(record.id, participant)
        view = self._view(record.id, plan, now)
        return AnswerResult(
            run_id=record.id,
            channel=record.channel,
            step=view.steps[index],
            tally=self.tally(record.id, step.id),
            replaced=replaced,
        )

    def tally(self, run: RunRef, step_id: str) -> Tally:
        """The live count shown in the channel (anonymous steps: suppressed like the summary)."""
        record = self._run(run, latest=True)
        plan = self._plan_of(record)
        _, step = self._step(plan, step_id)
        if step.answer.type == "free_text":
            values: list[AnswerValue] = [""] * len(self.store.answered_keys(record.id, step.id))
        else:
            values = [a.value for a in self.store.answers(record.id, step.id)]
        return live_tally(record.id, step, values, self.min_people)

    def own_answers(self, participant: str, run: RunRef) -> ParticipantCopy:
        """A person's own answers, anonymous ones included (found by their keyed hash)."""
        record = self._run(run, latest=True)
        plan = self._plan_of(record)
        keys = [
            (step.id, self.store.participant_key(record.id, step.id, participant, step.anonymous))
            for step in plan.steps
        ]
        mine = {a.step_id: a.value for a in self.store.answers_by(record.id, keys)}
        return ParticipantCopy(
            run_id=record.id,
            plan_id=plan.id,
            plan_title=plan.title,
            participant=participant,
            answers=[
                OwnAnswer(
                    step_id=step.id,
                    index=i,
                    title=step.title,
                    answer_type=step.answer.type,
                    anonymous=step.anonymous,
                    value=mine[step.id],
                )
                for i, step in enumerate(plan.steps)
                if step.id in mine
            ],
        )

    def join(self, participant: str, run: RunRef) -> bool:
        """Register someone for async reminders (and their copy at the end)."""
        return self.store.join(self._run(run).id, participant)

    def participants(self, run: RunRef) -> list[str]:
        """Registered participants: explicit joins and people who answered a named step."""
        return self.store.participants(self._run(run, latest=True).id)

    def forget(self, participant: str) -> int:
        """Delete a person's answers (anonymous ones too), registrations and reminders in
        every run, for a data-deletion request; the number of rows deleted."""
        return self.store.forget(participant)

    def view(self, run: RunRef, *, now: datetime | None = None) -> RunView:
        """The run as anyone in the channel may see it (plan content and step states)."""
        record = self._run(run, latest=True)
        return self._view(record.id, self._plan_of(record), _now(now))

    def step(self, run: RunRef, step_id: str, *, now: datetime | None = None) -> StepView:
        """One step, e.g. to build the answer form when someone clicks Answer."""
        record = self._run(run, latest=True)
        plan = self._plan_of(record)
        index, _ = self._step(plan, step_id)
        return self._view(record.id, plan, _now(now)).steps[index]

    def set_message(self, run_id: int, step_id: str, ts: str) -> bool:
        """Remember the Slack message (ts) showing a step, to update its tally in place."""
        return self.store.set_message(run_id, step_id, ts)

    # ---- the schedule (async plans) ------------------------------------------------------------

    def _scheduled(self) -> list[tuple[RunRecord, WorkshopPlan]]:
        runs = self.store.runs(RUNNING, mode="async")
        return [(run, self.plans[run.plan_id]) for run in runs if run.plan_id in self.plans]

    def due_openings(self, now: datetime | None = None) -> list[StepEvent]:
        """Open async steps whose time has come; each opening is returned to one caller only."""
        now = _now(now)
        events: list[StepEvent] = []
        for run, plan in self._scheduled():
            opened = self._open_due(run, plan, now)
            if opened:
                view = self._view(run.id, plan, now)
                events += [StepEvent(run=view, step=s) for s in view.steps if s.id in opened]
        return events

    def due_closings(self, now: datetime | None = None) -> list[StepEvent]:
        """Mark async steps closed once their time limit has passed (one caller each), so the
        Slack layer can update their messages."""
        now = _now(now)
        events: list[StepEvent] = []
        for run, plan in self._scheduled():
            due = [
                r.step_id
                for r in self.store.steps(run.id)
                if r.closed_at is None and r.closes_at is not None and r.closes_at <= now
            ]
            closed = [step_id for step_id in due if self.store.close_step(run.id, step_id, now)]
            if closed:
                view = self._view(run.id, plan, now)
                events += [StepEvent(run=view, step=s) for s in view.steps if s.id in closed]
        return events

    def due_reminders(self, now: datetime | None = None) -> list[Reminder]:
        """One reminder per registered participant per open async step they have not answered,
        once its reminder time has passed; each claimed in the database by one caller."""
        now = _now(now)
        reminders: list[Reminder] = []
        for run, plan in self._scheduled():
            people = self.store.participants(run.id)
            records = [r for r in self.store.steps(run.id) if r.is_open(now)]
            due = [r for r in records if r.remind_at is not None and r.remind_at <= now]
            if not people or not due:
                continue
            view = self._view(run.id, plan, now)
            by_id = {step.id: step for step in view.steps}
            for record in due:
                step = by_id.get(record.step_id)
                if step is None:
                    continue
                answered = self.store.answered_keys(run.id, step.id)
                for person in people:
                    key = self.store.participant_key(run.id, step.id, person, step.anonymous)
                    if key not in answered and self.store.claim_reminder(run.id, step.id, key):
                        reminders.append(
                            Reminder(
                                run_id=run.id, channel=run.channel, participant=person, step=step
                            )
                        )
        return reminders
