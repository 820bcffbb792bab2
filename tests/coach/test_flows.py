"""Scripted end-to-end conversations through the same engine the CLI and Slack use."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.coach.engine import Coach
from bot.config import Settings
from bot.models import SafetyLevel
from bot.store.conversations import make_engine
from tests.helpers import say


@pytest.fixture
def coach(settings: Settings) -> Coach:
    return Coach.from_settings(settings)


def test_a_grow_session_end_to_end(coach: Coach, user: str) -> None:
    first = say(coach, user, "coach me on getting GPs involved in the urgent care redesign")
    assert first.flow and first.flow.kind == "grow"
    assert "GPs involved" in first.reply  # their own words, reflected back
    reality = say(coach, user, "I want GP leaders designing the pathway with us, not hearing late")
    assert reality.reply.startswith("So you want GP leaders designing the pathway with you,")
    assert "your goal is that" not in reality.reply
    say(
        coach,
        user,
        "the acute trust drafts it and GPs see it at the end",
        "I raised it once",
        "the federation chair",
    )
    more = say(coach, user, "invite the federation chair to co-chair")
    assert more.reply.endswith("?") and not more.options
    say(coach, user, "fund sessional time for two GPs")
    choose = say(coach, user, "move the deadline by a month")  # the third question: on to choosing
    assert [o.label for o in choose.options] == [
        "invite the federation chair to co-chair",
        "fund sessional time for two GPs",
        "move the deadline by a month",
    ]
    assert "Which of these feels most alive" in choose.reply
    what = say(coach, user, "1")
    assert "invite the federation chair to co-chair" in what.reply
    say(coach, user, "email the federation chair with a proposal", "by Friday")
    low = say(coach, user, "6")
    assert "6 out of 10" in low.reply and "What's in the way?" in low.reply
    smaller = say(coach, user, "the medical director has not backed it yet")
    assert "smaller step" in smaller.reply
    rescore = say(coach, user, "ask the medical director what she thinks first")
    assert "how committed" in rescore.reply
    say(coach, user, "8")
    done = say(coach, user, "the medical director herself")
    assert done.flow and done.flow.finished
    assert "ask the medical director what she thinks first" in done.reply and "8/10" in done.reply
    assert "Well done" in done.reply  # a revised step at 8 out of 10 is affirmed
    goals = say(coach, user, "my goals")
    assert "ask the medical director what she thinks first" in goals.reply
    assert " by " in goals.reply  # "by Friday" became a due date


def test_grow_options_need_several_ideas_before_choosing(coach: Coach, user: str) -> None:
    say(coach, user, "coach me", "I want my board to trust the system plan", "a", "b", "c")
    nudge = say(coach, user, "only one idea really")
    assert nudge.flow and nudge.flow.kind == "grow" and not nudge.options
    pushed = say(coach, user, "no more")
    assert not pushed.options and pushed.flow and pushed.flow.answer == "text"
    assert pushed.reply != nudge.reply  # a different question, not the same one again
    final = say(coach, user, "no more")  # three questions asked: on with the one idea
    assert final.flow and final.flow.answer == "commitment"
    assert "You've chosen: only one idea really" in final.reply


def test_an_exercise_runs_in_order_validates_answers_and_saves_the_commitment(
    coach: Coach, user: str
) -> None:
    exercise = coach.flows.exercises["abc-check"]
    reply = say(coach, user, "give me an exercise on autonomy, belonging and contribution")
    assert reply.flow and reply.flow.id == "abc-check" and reply.flow.step == 1
    assert "Sources:" in reply.reply  # the opening cites its cards
    for n, step in enumerate(exercise.steps, start=1):
        assert reply.flow and reply.flow.step == n
        if step.answer == "scale":
            retry = say(coach, user, "quite high")
            assert "number from" in retry.reply and retry.flow and retry.flow.step == n
            reply = say(coach, user, "7")
        elif step.answer == "choice":
            reply = say(coach, user, "2")
        elif step.answer == "commitment":
            reply = say(
                coach, user, "I will ask my deputy to chair Tuesday's meeting by next Friday"
            )
        else:
            reply = say(coach, user, f"my private answer number {n}")
    assert reply.flow and reply.flow.finished
    assert "my private answer number" in reply.reply  # the summary echoes their answers
    assert "saved that as a goal" in reply.reply
    goals = coach.goals.list(coach.store.user_id(user))
    assert goals[0].text.startswith("I will ask my deputy") and goals[0].due is not None


def test_exercise_answers_are_encrypted_at_rest(coach: Coach, user: str) -> None:
    say(coach, user, "give me an exercise on autonomy, belonging and contribution", "7")
    say(coach, user, "8", "9", "my deputy Marguerite is struggling")
    with make_engine(coach.settings.resolved_database_url).connect() as conn:
        from sqlalchemy import text

        blobs = [bytes(r[0]) for r in conn.execute(text("select state_enc from conversations"))]
        blobs += [bytes(r[0]) for r in conn.execute(text("select text_enc from turns"))]
    assert blobs and not any(b"Marguerite" in blob for blob in blobs)


def test_pause_resume_skip_and_quit(coach: Coach, user: str) -> None:
    start = say(coach, user, "exercise gibbs debrief")
    assert start.flow and start.flow.id == "gibbs-debrief"
    paused = say(coach, user, "pause")
    assert "Paused" in paused.reply and paused.flow is None
    plain = say(coach, user, "what is an integrated care board?")
    assert plain.citations and plain.flow is None  # a normal question while paused
    resumed = say(coach, user, "resume")
    assert resumed.flow and resumed.flow.id == "gibbs-debrief" and resumed.flow.step == 1
    skipped = say(coach, user, "skip")
    assert skipped.flow and skipped.flow.step == 2
    status = say(coach, user, "status")
    assert "step 2 of" in status.reply
    stopped = say(coach, user, "stop")
    assert stopped.flow is None and "Stopped" in stopped.reply
    assert "nothing paused" in say(coach, user, "resume").reply.lower()


def test_a_flow_survives_a_restart(settings: Settings, user: str) -> None:
    first = Coach.from_settings(settings)
    say(first, user, "exercise gibbs debrief", "the board meeting went badly")
    second = Coach.from_settings(settings)
    reply = say(second, user, "I felt angry and embarrassed")
    assert reply.flow and reply.flow.id == "gibbs-debrief" and reply.flow.step == 3


def test_starting_another_flow_pauses_the_first(coach: Coach, user: str) -> None:
    say(coach, user, "exercise gibbs debrief")
    other = say(coach, user, "practise a difficult conversation about closing a community hospital")
    assert other.flow and other.flow.kind == "scenario"
    assert "paused Gibbs debrief" in other.reply
    say(coach, user, "stop")
    back = say(coach, user, "resume")
    assert back.flow and back.flow.id == "gibbs-debrief"


@pytest.mark.parametrize(
    ("scenario_id", "pick"),
    [("council-walks-out", "number"), ("bed-plan-resistance", "label")],
)
def test_scenarios_run_to_a_cited_debrief(
    coach: Coach, user: str, scenario_id: str, pick: str
) -> None:
    scenario = coach.flows.scenarios[scenario_id]
    reply = say(coach, user, f"scenario {scenario.title}")
    assert reply.flow and reply.flow.id == scenario_id
    assert scenario.counterpart.name in reply.reply
    chosen = []
    while reply.flow and not reply.flow.finished:
        assert len(reply.options) >= 2
        option = reply.options[-1]
        chosen.append(option.label)
        reply = say(coach, user, option.value if pick == "number" else option.label.lower())
    assert len(chosen) >= 3
    assert "Debrief" in reply.reply and "Sources:" in reply.reply
    for label in chosen:
        assert label in reply.reply  # the debrief names what happened
    body = reply.reply.split("\n\nSources: ")[0]
    assert body.rstrip().endswith(scenario.debrief.question.strip())
    assert {c.card_id for c in reply.citations} >= set(scenario.debrief.cards)


def test_an_unclear_scenario_choice_is_asked_again(coach: Coach, user: str) -> None:
    first = say(coach, user, "scenario council walks out")
    again = say(coach, user, "hmm not sure")
    assert "Please reply with the number" in again.reply
    assert again.flow and first.flow and again.flow.step == first.flow.step


def test_a_menu_offers_every_exercise_and_accepts_a_number(coach: Coach, user: str) -> None:
    menu = say(coach, user, "give me an exercise")
    assert len(menu.options) == len(coach.flows.exercises)
    started = say(coach, user, "3")
    assert started.flow and started.flow.kind == "exercise" and started.flow.step == 1


def test_the_safety_gate_runs_inside_a_flow(coach: Coach, user: str) -> None:
    say(coach, user, "exercise gibbs debrief")
    reply = say(coach, user, "honestly i just want to end it all")
    assert reply.safety.level == SafetyLevel.CRISIS and "116 123" in reply.reply


def test_due_goals_are_followed_up_once_at_the_next_conversation(coach: Coach, user: str) -> None:
    uid = coach.store.user_id(user)
    coach.goals.add(
        uid, "talk to the council director", due=date.today() - timedelta(days=1), source="test"
    )
    coach.goals.add(uid, "not yet due", due=date.today() + timedelta(days=30), source="test")
    first = say(coach, user, "how do I build trust with partners?")
    assert 'you committed to "talk to the council director"' in first.reply
    second = say(coach, user, "and what about the voluntary sector?")
    assert "you committed to" not in second.reply


@pytest.mark.parametrize(
    "message",
    [
        "I'm the voice of general practice at place and since I started going to ICB meetings "
        "half the practices think I've gone over to the other side",
        "our practice meetings are a difficult mess",
    ],
)
def test_practice_the_noun_does_not_start_a_rehearsal(
    coach: Coach, user: str, message: str
) -> None:
    reply = say(coach, user, message)
    assert reply.flow is None


@pytest.mark.parametrize(
    "message",
    [
        "I want to practise a conflict conversation",
        "can I rehearse the meeting with the council leader",
    ],
)
def test_asking_to_practise_or_rehearse_starts_a_scenario(
    coach: Coach, user: str, message: str
) -> None:
    reply = say(coach, user, message)
    assert (
        reply.flow and reply.flow.kind == "scenario"
    ) or "scenarios you can rehearse" in reply.reply
