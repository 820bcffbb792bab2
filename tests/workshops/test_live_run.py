"""A full live run of a shipped plan with seven people, on SQLite and PostgreSQL: exact
tallies, changed and repeated answers, refusals after a step closes, suppression in the
summary, and nothing in any summary, export or database row that ties an anonymous answer to
its author or repeats a free-text answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.store.conversations import make_engine
from bot.store.crypto import Cipher
from bot.store.workshop_runs import WorkshopStore
from bot.workshops import StepClosed, Workshops, render_summary
from bot.workshops.models import AnswerValue, RunSummary, StepSummary
from tests.workshops.conftest import FACILITATOR, PLANS, T0, Factory, is_facilitator

PLAN = "compassionate-leadership-in-practice"
CHANNEL = "C0WORKSHOP"
PEOPLE = [f"slack:U0PERSON{i}" for i in range(1, 8)]
P1, P2, P3, P4, P5, P6, P7 = PEOPLE

ATTENDING = "Attending: listening fully, without half an eye on the next thing"
HELPING = "Helping: taking practical, thoughtful action"
WORKLOAD = "Workload and back-to-back meetings"
FINANCE = "Financial recovery pressure"
BLAME = "Blame after incidents or missed targets"

FIRST_MINUTES = {
    P1: "I stopped listening after a minute and started fixing the rota problem myself.",
    P2: "Honestly I was listening while reading email, then jumped to fixing it.",
    P3: "I asked questions and kept listening, but my instinct was fixing things quickly.",
    P4: "Offered a solution straight away; Sarah said later she wanted to be heard.",
}
COURAGE = {
    P1: "I avoided challenging the chief executive about the discharge delays in January.",
    P2: "I never raised the bullying I saw in the integrated discharge hub meeting.",
}
PRACTICE = {
    P1: "At Tuesday's finance meeting I will summarise what I heard first.",
    P2: "In the board meeting I will summarise before giving my view.",
    P3: "At the place partnership meeting I'll pause and summarise the concern.",
}
FREE_TEXT = [*FIRST_MINUTES.values(), *COURAGE.values(), *PRACTICE.values()]


def counts(service: Workshops, step_id: str) -> dict[str | int, int | None]:
    return {c.value: c.count for c in service.tally(CHANNEL, step_id).counts}


def answer_all(
    service: Workshops, step_id: str, answers: dict[str, AnswerValue], minute: int
) -> None:
    for person, value in answers.items():
        service.answer(person, CHANNEL, step_id, value, now=T0 + timedelta(minutes=minute))


def test_a_full_live_session(replicas: Factory) -> None:
    service = replicas()
    started = service.start(FACILITATOR, CHANNEL, PLAN, now=T0)
    assert [s.id for s in started.opened] == ["first-two-minutes"]
    run_id = started.run.run_id

    # 1. named free text: the tally shows only how many answered, never what
    answer_all(service, "first-two-minutes", dict(FIRST_MINUTES), 2)
    tally = service.tally(CHANNEL, "first-two-minutes")
    assert tally.respondents == 4 and tally.counts == [] and not tally.hidden
    with pytest.raises(StepClosed) as not_yet:
        service.answer(P1, CHANNEL, "behaviour-skipped", ATTENDING, now=T0)
    assert not_yet.value.message == service.errors.not_open_yet

    # 2. anonymous single choice, with a changed answer and a double click
    moved = service.next(
        FACILITATOR, CHANNEL, from_step="first-two-minutes", now=T0 + timedelta(minutes=10)
    )
    assert [s.id for s in moved.opened] == ["behaviour-skipped"]
    assert [s.id for s in moved.closed] == ["first-two-minutes"]
    first = service.answer(
        P1, CHANNEL, "behaviour-skipped", ATTENDING, now=T0 + timedelta(minutes=11)
    )
    assert not first.replaced and first.tally.hidden and first.tally.respondents == 1
    assert all(c.count is None for c in first.tally.counts)  # nothing shown below three people
    again = service.answer(
        P1, CHANNEL, "behaviour-skipped", ATTENDING, now=T0 + timedelta(minutes=11)
    )
    assert again.replaced and again.tally.respondents == 1  # a double click counts once
    service.answer(P4, CHANNEL, "behaviour-skipped", HELPING, now=T0 + timedelta(minutes=11))
    answer_all(service, "behaviour-skipped", {P2: ATTENDING, P3: ATTENDING, P5: HELPING}, 12)
    # 3 and 2: the 2 would follow from the total, so the live tally hides both for now
    assert set(counts(service, "behaviour-skipped").values()) == {None}
    changed = service.answer(
        P4, CHANNEL, "behaviour-skipped", ATTENDING, now=T0 + timedelta(minutes=13)
    )
    assert changed.replaced
    answer_all(service, "behaviour-skipped", {P6: HELPING, P7: HELPING}, 14)
    assert counts(service, "behaviour-skipped") == {
        ATTENDING: 4,
        "Understanding: working out together what is really going on": None,
        "Empathising: feeling with the person": None,
        HELPING: 3,
    }
    assert service.tally(CHANNEL, "behaviour-skipped").respondents == 7

    # 3. anonymous scale
    service.next(FACILITATOR, CHANNEL, now=T0 + timedelta(minutes=20))
    with pytest.raises(StepClosed) as closed:
        service.answer(P1, CHANNEL, "behaviour-skipped", HELPING, now=T0 + timedelta(minutes=21))
    assert closed.value.message == service.errors.step_closed
    assert counts(service, "behaviour-skipped")[ATTENDING] == 4  # the late answer changed nothing
    answer_all(service, "own-abc", {P1: 2, P2: "2", P3: 2, P4: 4, P5: 4}, 22)

    # 4. anonymous multiple choice
    service.next(FACILITATOR, CHANNEL, now=T0 + timedelta(minutes=25))
    answer_all(
        service,
        "what-gets-in-the-way",
        {
            P1: [WORKLOAD, FINANCE],
            P2: [WORKLOAD],
            P3: [WORKLOAD, FINANCE, BLAME],
            P4: [FINANCE, WORKLOAD],
            P5: [WORKLOAD],
            P6: [FINANCE],
        },
        26,
    )
    multi = counts(service, "what-gets-in-the-way")
    assert multi[WORKLOAD] == 5 and multi[FINANCE] == 4 and multi[BLAME] is None

    # 5. anonymous free text, two people only
    service.next(FACILITATOR, CHANNEL, now=T0 + timedelta(minutes=35))
    answer_all(service, "courage-moment", dict(COURAGE), 36)

    # 6. named free text
    service.next(FACILITATOR, CHANNEL, now=T0 + timedelta(minutes=55))
    answer_all(service, "one-practice", dict(PRACTICE), 56)

    # 7. named single choice: live counts shown as they are
    service.next(FACILITATOR, CHANNEL, now=T0 + timedelta(minutes=70))
    answer_all(service, "leaving-with", {P1: "Energised", P2: "Energised"}, 71)
    assert counts(service, "leaving-with")["Energised"] == 2
    answer_all(
        service,
        "leaving-with",
        {P3: "Energised", P4: "Thoughtful", P5: "Thoughtful", P6: "Thoughtful", P7: "Thoughtful"},
        72,
    )

    ended = service.end(FACILITATOR, CHANNEL, now=T0 + timedelta(minutes=75))
    assert ended.run.status == "ended" and [s.id for s in ended.closed] == ["leaving-with"]
    with pytest.raises(StepClosed) as after:
        service.answer(P1, run_id, "leaving-with", "Tired", now=T0 + timedelta(minutes=76))
    assert after.value.message == service.errors.run_ended

    check_summary(service.summary(FACILITATOR, run_id))
    check_exports(service, run_id)
    check_own_copies(service, run_id)
    check_database(service.store, run_id)


def step_of(summary: RunSummary, step_id: str) -> StepSummary:
    return next(step for step in summary.steps if step.step_id == step_id)


def cells(step: StepSummary) -> dict[str, int | None]:
    return {cell.label: cell.count for cell in step.cells}


def check_summary(summary: RunSummary) -> None:
    assert summary.min_people == 3 and summary.status == "ended"
    first = step_of(summary, "first-two-minutes")
    assert first.respondents == 4 and first.cells == []
    assert [(t.keyword, t.people) for t in first.themes] == [("fixing", 3), ("listening", 3)]

    skipped = step_of(summary, "behaviour-skipped")
    assert skipped.respondents == 7
    assert list(cells(skipped).values()) == [4, None, None, 3]

    # 3 people chose 2 and 2 chose 4: the 2 would follow by subtraction, so both are hidden
    abc = step_of(summary, "own-abc")
    assert abc.respondents == 5 and all(count is None for count in cells(abc).values())
    assert abc.mean is None

    multi = step_of(summary, "what-gets-in-the-way")
    assert cells(multi)[WORKLOAD] == 5 and cells(multi)[FINANCE] == 4
    assert cells(multi)[BLAME] is None

    courage = step_of(summary, "courage-moment")
    assert courage.suppressed and courage.respondents is None and courage.themes == []

    practice = step_of(summary, "one-practice")
    assert [(t.keyword, t.people) for t in practice.themes] == [("meeting", 3), ("summarise", 3)]

    leaving = step_of(summary, "leaving-with")
    assert cells(leaving) == {
        "Energised": 3,
        "Thoughtful": 4,
        "Unsettled, in a useful way": None,
        "Tired": None,
        "Not sure yet": None,
    }


def shingles(answer: str, size: int = 3) -> set[str]:
    words = answer.casefold().replace(".", "").replace(",", "").split()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def check_exports(service: Workshops, run_id: int) -> None:
    summary = service.summary(FACILITATOR, run_id)
    outputs = [service.export(FACILITATOR, run_id, fmt) for fmt in ("html", "csv", "json")]
    outputs.append(render_summary(summary, "json"))
    for output in outputs:
        folded = output.casefold()
        for person in [*PEOPLE, FACILITATOR]:
            assert person.casefold() not in folded
            assert person.removeprefix("slack:").casefold() not in folded
        for answer in FREE_TEXT:
            assert answer.casefold() not in folded
            assert not {s for s in shingles(answer) if s in folded}, answer
        assert "sarah" not in folded


def check_own_copies(service: Workshops, run_id: int) -> None:
    mine = service.own_answers(P4, run_id)
    assert [(a.step_id, a.value) for a in mine.answers] == [
        ("first-two-minutes", FIRST_MINUTES[P4]),
        ("behaviour-skipped", ATTENDING),  # changed from Helping, anonymous yet recognised
        ("own-abc", 4),
        ("what-gets-in-the-way", [WORKLOAD, FINANCE]),  # in the plan's order
        ("leaving-with", "Thoughtful"),
    ]
    assert [a.anonymous for a in mine.answers] == [False, True, True, True, False]
    theirs = service.own_answers(P7, CHANNEL)  # by channel: its latest run
    assert [a.step_id for a in theirs.answers] == ["behaviour-skipped", "leaving-with"]
    assert service.own_answers("slack:U0STRANGER", run_id).answers == []
    assert service.participants(run_id) == sorted(PEOPLE)  # all answered the named last step


def check_database(store: WorkshopStore, run_id: int) -> None:
    """From the database alone, no anonymous answer names its author, and no text is plain."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            text("select step_id, participant, choice, text_enc from workshop_answers")
        ).all()
        reminders = conn.execute(text("select participant from workshop_reminders")).all()
    anonymous = {"behaviour-skipped", "own-abc", "what-gets-in-the-way", "courage-moment"}
    assert len(rows) == 4 + 7 + 5 + 6 + 2 + 3 + 7
    assert reminders == []
    keys: dict[str, set[str]] = {}
    for step_id, participant, choice, blob in rows:
        if step_id in anonymous:
            assert participant.startswith("anon:")
            assert not any(p.removeprefix("slack:") in participant for p in PEOPLE)
            keys.setdefault(participant, set()).add(step_id)
        else:  # a named answer: the person's id encrypted, found again by it
            assert participant.startswith("u1:")
            assert store.cipher.user_id(participant) in PEOPLE
        if blob is not None:
            assert choice is None
            assert not any(answer.encode()[:20] in bytes(blob) for answer in FREE_TEXT)
    # the same person's keys differ from step to step: anonymous answers cannot be chained
    assert all(len(steps) == 1 for steps in keys.values())


def test_my_data_and_forget_me_cover_named_and_anonymous_answers(db_url: str, key: bytes) -> None:
    from bot.store.rights import DataRights

    engine = make_engine(db_url)
    service = Workshops(WorkshopStore(engine, Cipher(key)), PLANS, is_facilitator=is_facilitator)
    rights = DataRights(engine, Cipher(key))
    service.start(FACILITATOR, CHANNEL, PLAN, now=T0)
    service.answer(P1, CHANNEL, "first-two-minutes", "I listen before I speak", now=T0)
    service.answer(P2, CHANNEL, "first-two-minutes", "I check the agenda", now=T0)
    service.next(FACILITATOR, CHANNEL, now=T0 + timedelta(minutes=10))
    service.answer(P1, CHANNEL, "behaviour-skipped", ATTENDING, now=T0 + timedelta(minutes=11))

    mine = rights.export_user_data(P1)["workshop_answers"]
    assert {(a["step"], str(a["answer"])) for a in mine} == {
        ("first-two-minutes", "I listen before I speak"),
        ("behaviour-skipped", ATTENDING),  # anonymous, yet found for its own author
    }
    assert rights.forget_user(P1)["workshop_answers"] >= 2
    assert rights.export_user_data(P1)["workshop_answers"] == []
    assert len(rights.export_user_data(P2)["workshop_answers"]) == 1  # others untouched
    engine.dispose()
