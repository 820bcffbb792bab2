"""Every exercise and scenario can be completed end to end, offline and with an LLM, and a
flow survives a restart on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.coach.engine import Coach
from bot.coach.llm import LLMResponder
from bot.coach.polish import Polisher
from bot.config import PROJECT_ROOT, Settings
from bot.content.flows import load_exercises, load_scenarios
from bot.content.llm_prompts import load_llm_prompts
from bot.evals.style import run_flow
from tests.helpers import BACKENDS

# every exercise and scenario end to end, offline and with a fake model: an eval-sized sweep
pytestmark = pytest.mark.slow

PROMPTS = PROJECT_ROOT / "prompts"
EXERCISES = sorted(load_exercises(PROMPTS))
SCENARIOS = sorted(load_scenarios(PROMPTS))
ANSWERS = {
    "text": "I rushed it because the diary was full.",
    "commitment": "I will call the council director by Friday.",
    "scale": "7",
    "choice": "2",
}


class EchoLLM:
    """A fake model that 'improves' the draft by keeping it, citing the first card it was given."""

    def __init__(self) -> None:
        self.calls = 0

    def invoke(self, messages: Any) -> Any:
        self.calls += 1
        human = messages[-1][1]
        draft = re.search(
            r"(?:What the flow says next|A draft reply[^\n]*):\n(.*?)\n\nThe leader's new message",
            human,
            re.S,
        )
        card = re.search(r"^\[([a-z0-9-]+)\] ", human, re.M)
        reply = "Thank you. " + (draft.group(1) if draft else "What matters most?")
        return json.dumps({"reply": reply, "cited_card_ids": [card.group(1)] if card else []})


@pytest.fixture
def coach(settings: Settings) -> Coach:
    return Coach.from_settings(settings)


def with_echo(coach: Coach) -> EchoLLM:
    fake = EchoLLM()
    prompts = load_llm_prompts(coach.settings.prompts_dir)
    coach.polisher = Polisher(LLMResponder(fake, prompts, 2.0), coach.retriever, coach.flows, None)
    return fake


@pytest.mark.parametrize("llm", [False, True], ids=["offline", "fake-llm"])
@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_exercise_completes(coach: Coach, user: str, exercise_id: str, llm: bool) -> None:
    fake = with_echo(coach) if llm else None
    title = coach.flows.exercises[exercise_id].title
    turns = run_flow(coach, user, f"exercise {title}", ANSWERS)
    first, last = turns[0][1], turns[-1][1]
    assert first.flow and first.flow.id == exercise_id
    assert last.flow and last.flow.finished, "the exercise reached its summary"
    assert "I will call the council director by Friday" in last.reply
    assert coach.goals.list(coach.store.user_id(user))
    if fake:
        assert fake.calls >= len(turns) - 1 and any(r.mode == "llm" for _, r in turns)


@pytest.mark.parametrize("llm", [False, True], ids=["offline", "fake-llm"])
@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_every_scenario_completes(coach: Coach, user: str, scenario_id: str, llm: bool) -> None:
    fake = with_echo(coach) if llm else None
    title = coach.flows.scenarios[scenario_id].title
    turns = run_flow(coach, user, f"scenario {title}", ANSWERS)
    first, last = turns[0][1], turns[-1][1]
    assert first.flow and first.flow.id == scenario_id
    assert last.flow and last.flow.finished and "Debrief" in last.reply
    assert len(turns) >= 4  # the opening and at least three decisions
    if fake:
        assert any(r.mode == "llm" for _, r in turns)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_flow_survives_a_restart_on_both_databases(
    settings: Settings, user: str, backend: str, request: pytest.FixtureRequest
) -> None:
    if backend == "postgres":
        settings = settings.model_copy(update={"database_url": request.getfixturevalue("pg_url")})
    first = Coach.from_settings(settings)
    first.respond(user, "coach me on my relationship with the council")
    first.respond(user, "I want the council director and me to agree a joint winter plan")
    first.store.engine.dispose()
    second = Coach.from_settings(settings)
    reply = second.respond(user, "we have barely spoken since the funding row")
    assert reply.flow and reply.flow.kind == "grow" and reply.flow.step == 3
    second.store.engine.dispose()
