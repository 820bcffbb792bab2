"""GROW as a coach would run it: the goal said back in the second person, options that are
options, a "when" that is a time, low commitment explored rather than praised, and a clear
word when a bare "5" arrives after the conversation has finished."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from bot.coach.engine import Coach
from bot.coach.flows.base import FlowTurn
from bot.coach.flows.grow import GrowFlow
from bot.coach.flows.voice import second_person, speaks_for_self
from bot.config import PROJECT_ROOT, Settings
from bot.content.coaching import load_grow
from tests.helpers import say

WORDS = load_grow(PROJECT_ROOT / "prompts")
SUNDAY = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("said", "echo"),
    [
        (
            "I want the eight partners in our place to agree a shared winter plan.",
            "you want the eight partners in your place to agree a shared winter plan",
        ),
        ("I want my board to trust me", "you want your board to trust you"),
        ("we need them to see us as equals", "you need them to see you as equals"),
        ("the plan is ours, not mine", "the plan is yours, not yours"),
        ("I'm tired of doing it myself", "you're tired of doing it yourself"),
        ("I've tried and we've failed", "you've tried and you've failed"),
        ("I was told we'd get more time", "you were told you'd get more time"),
        ("I am the one who has to sign it", "you are the one who has to sign it"),
        ("I’m sure it’s mine", "you’re sure it’s yours"),  # curly apostrophes kept
        # quoted speech is someone's own words, left alone
        (
            'she said "we are not ready" and I agreed',
            'she said "we are not ready" and you agreed',
        ),
        ("I told him 'I can't sign this' twice", "you told him 'I can't sign this' twice"),
        # names and acronyms are not pronouns
        ("I want Our Lady's Hospice to join us", "you want Our Lady's Hospice to join you"),
        ("the US model suits me", "the US model suits you"),
        ("support for people with ME in our area", "support for people with ME in your area"),
        ("Mary and I disagree", "Mary and you disagree"),
        # a new sentence starts with a capital
        ("I did it myself. We were ready", "you did it yourself. You were ready"),
        ("GP leaders designing it with us", "GP leaders designing it with you"),
    ],
)
def test_the_echo_speaks_in_the_second_person(said: str, echo: str) -> None:
    assert second_person(said) == echo


def test_the_echo_can_open_a_sentence() -> None:
    assert second_person("my team is stretched", capitalise=True) == "Your team is stretched"
    assert second_person("I'm stuck", capitalise=True) == "You're stuck"


@pytest.mark.parametrize(
    ("goal", "echo"),
    [
        (
            "I want the eight partners in our place to agree a shared winter plan",
            "So you want the eight partners in your place to agree a shared winter plan.",
        ),
        ("We need a plan we all own", "So you need a plan you all own."),
        (
            "a shared winter plan our partners own",
            "So you'd like a shared winter plan your partners own.",
        ),
        ("to get GPs designing it with me", "So you'd like to get GPs designing it with you."),
    ],
)
def test_the_goal_is_said_back_without_garbling(goal: str, echo: str) -> None:
    assert GrowFlow(WORDS).echo(goal) == echo
    assert speaks_for_self(goal) == goal.lower().startswith(("i ", "we "))


# --- the flow on its own ----------------------------------------------------------------------


def run(flow: GrowFlow, *answers: str) -> FlowTurn:
    turn = flow.start("the partnership board")
    for answer in answers:
        assert turn.state is not None, f"finished before {answer!r}"
        turn = flow.answer(turn.state, answer)
    return turn


GOAL_AND_REALITY = (
    "I want the eight partners in our place to agree a shared winter plan",
    "the acute trust writes it and we nod it through",
    "I raised it at the board once",
    "the council director and the GP federation",
)


@pytest.fixture
def flow() -> GrowFlow:
    return GrowFlow(WORDS)


@pytest.mark.parametrize("non_answer", ["7", "yes", "ok", "/help", "exercise", "hmm", "3/10", "?"])
def test_a_non_answer_is_not_an_option(flow: GrowFlow, non_answer: str) -> None:
    first = run(flow, *GOAL_AND_REALITY, "talk to each partner one to one")
    again = run(flow, *GOAL_AND_REALITY, "talk to each partner one to one", non_answer)
    assert again.state is not None and again.state.items == ["talk to each partner one to one"]
    assert "something you could do" in again.text  # says what it needs
    assert again.text.endswith(first.text)  # and asks the same question again


def test_at_most_three_different_questions_for_options(flow: GrowFlow) -> None:
    questions = []
    turn = run(flow, *GOAL_AND_REALITY)
    for idea in ("talk to each partner one to one", "ask the chair to host it", "share the draft"):
        questions.append(turn.text)
        turn = flow.answer(turn.state, idea)  # type: ignore[arg-type]
    assert len(set(questions)) == 3
    assert [o.label for o in turn.options] == [
        "talk to each partner one to one",
        "ask the chair to host it",
        "share the draft",
    ]
    assert "Which of these feels most alive" in turn.text


def test_a_repeated_option_is_not_listed_twice(flow: GrowFlow) -> None:
    turn = run(flow, *GOAL_AND_REALITY, "share the draft", "Share the draft.")
    assert turn.state is not None and turn.state.items == ["share the draft"]
    assert "already" in turn.text


def test_two_non_answers_in_a_row_move_on_without_losing_options(flow: GrowFlow) -> None:
    turn = run(flow, *GOAL_AND_REALITY, "share the draft", "yes", "7")
    assert turn.state is not None and turn.state.items == ["share the draft"]
    assert turn.text == WORDS.options.more[1]  # the third, different question


def test_a_number_that_is_not_on_the_list_is_asked_again(flow: GrowFlow) -> None:
    ideas = ("share the draft", "ask the chair to host it", "visit each partner")
    listed = run(flow, *GOAL_AND_REALITY, *ideas)
    again = flow.answer(listed.state, "7")  # type: ignore[arg-type]
    assert again.state is not None and again.state.data["stage"] == "choose"
    assert [o.label for o in again.options] == list(ideas)
    picked = flow.answer(again.state, "2")
    assert "You've chosen: ask the chair to host it" in picked.text


IDEAS = ("share the draft", "ask the chair to host it", "visit each partner")


def to_when(flow: GrowFlow) -> FlowTurn:
    return run(flow, *GOAL_AND_REALITY, *IDEAS, "1", "send the draft to all eight chairs")


@time_machine.travel(SUNDAY, tick=False)
@pytest.mark.parametrize(
    "when",
    ["today", "next Tuesday", "by Friday", "in two weeks", "15 Jan", "after the board on the 12th"],
)
def test_when_accepts_a_real_time(flow: GrowFlow, when: str) -> None:
    turn = flow.answer(to_when(flow).state, when)  # type: ignore[arg-type]
    assert turn.state is not None and turn.state.data["stage"] == "score"
    assert turn.state.answers["when"] == when


@time_machine.travel(SUNDAY, tick=False)
def test_when_that_is_not_a_time_is_asked_again_once_with_an_example(flow: GrowFlow) -> None:
    asked = to_when(flow)
    again = flow.answer(asked.state, "whenever")  # type: ignore[arg-type]
    assert again.state is not None and again.state.data["stage"] == "when"
    assert "next Tuesday" in again.text and again.text.endswith("When will you do it?")
    moved = flow.answer(again.state, "when I get a chance")
    assert moved.state is not None and moved.state.data["stage"] == "score"
    assert "when" not in moved.state.answers
    done = run_to_end(flow, moved, "9", "my deputy")
    assert "(no date yet)" in done.text and done.commitment == "send the draft to all eight chairs"


def run_to_end(flow: GrowFlow, turn: FlowTurn, *answers: str) -> FlowTurn:
    for answer in answers:
        assert turn.state is not None
        turn = flow.answer(turn.state, answer)
    return turn


@time_machine.travel(SUNDAY, tick=False)
def test_a_low_score_is_explored_and_never_praised(flow: GrowFlow) -> None:
    score = flow.answer(to_when(flow).state, "by Friday")  # type: ignore[arg-type]
    low = flow.answer(score.state, "2")  # type: ignore[arg-type]
    assert "2 out of 10" in low.text and "What would make it an 8?" in low.text
    assert "well done" not in low.text.lower()
    smaller = flow.answer(low.state, "the chairs have not seen the numbers")  # type: ignore[arg-type]
    assert "smaller step" in smaller.text
    kept = run_to_end(flow, smaller, "keep it", "nobody")
    assert kept.state is None and "2/10" in kept.text
    assert "Well done" not in kept.text and "2 out of 10 it may not happen" in kept.text


@time_machine.travel(SUNDAY, tick=False)
def test_a_smaller_step_at_seven_or_more_is_affirmed(flow: GrowFlow) -> None:
    score = flow.answer(to_when(flow).state, "by Friday")  # type: ignore[arg-type]
    done = run_to_end(
        flow, score, "4", "time", "send it to the two chairs I know best", "8", "my deputy"
    )
    assert done.state is None and "Well done" in done.text
    assert done.commitment == "send it to the two chairs I know best (by Friday)"
    assert "8/10" in done.text


@time_machine.travel(SUNDAY, tick=False)
def test_a_smaller_step_still_under_seven_is_not_praised(flow: GrowFlow) -> None:
    score = flow.answer(to_when(flow).state, "by Friday")  # type: ignore[arg-type]
    done = run_to_end(flow, score, "3", "time", "send it to one chair", "5", "nobody")
    assert done.state is None and "Well done" not in done.text and "5/10" in done.text


@time_machine.travel(SUNDAY, tick=False)
@pytest.mark.parametrize("score", ["7", "10"])
def test_seven_or_more_is_affirmed_straight_away(flow: GrowFlow, score: str) -> None:
    asked = flow.answer(to_when(flow).state, "by Friday")  # type: ignore[arg-type]
    support = flow.answer(asked.state, score)  # type: ignore[arg-type]
    assert support.text == WORDS.will.support
    done = flow.answer(support.state, "my deputy")  # type: ignore[arg-type]
    assert "Well done" in done.text


# --- through the coach ------------------------------------------------------------------------


@pytest.fixture
def coach(settings: Settings) -> Coach:
    return Coach.from_settings(settings)


@time_machine.travel(SUNDAY, tick=False)
def test_after_grow_ends_a_bare_reply_is_told_it_has_finished(coach: Coach, user: str) -> None:
    done = say(
        coach,
        user,
        "coach me on the partnership board",
        *GOAL_AND_REALITY,
        *IDEAS,
        "1",
        "send the draft to all eight chairs",
        "next Tuesday",
        "8",
        "my deputy",
    )
    assert done.flow and done.flow.finished
    for bare in ("5", "yes", "ok"):
        reply = say(coach, user, bare)
        assert reply.flow is None and not reply.citations
        assert "GROW conversation has finished" in reply.reply and "my goals" in reply.reply
    question = say(coach, user, "how do I get the council director to trust me?")
    assert "GROW conversation has finished" not in question.reply
    later = say(coach, user, "5")  # the moment has passed: an ordinary turn
    assert "GROW conversation has finished" not in later.reply
