"""The demo's script (prompts/demo/programme.yaml played by bot/demo/script.py), checked without
running the services: deterministic, every message kept for themes, several planted themes."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.coach.router import route
from bot.coach.safety import SafetyGate
from bot.coach.state import CoachState
from bot.config import PROJECT_ROOT
from bot.content.coaching import load_router
from bot.content.demo import DemoProgramme, load_demo_programme
from bot.content.errors import ContentError
from bot.content.flows import load_exercises
from bot.content.workshops import load_workshop_plans
from bot.demo.script import Script, write_script

PROMPTS = PROJECT_ROOT / "prompts"
NOW = datetime(2026, 3, 18, 10, 30, tzinfo=UTC)
K = 5


@pytest.fixture(scope="module")
def programme() -> DemoProgramme:
    return load_demo_programme(PROMPTS)


def script_for(programme: DemoProgramme, now: datetime = NOW) -> Script:
    steps = {e.id: [s.id for s in e.steps] for e in load_exercises(PROMPTS).values()}
    plan = load_workshop_plans(PROMPTS)[programme.workshop.plan]
    return write_script(programme, steps, plan, now)


@pytest.fixture(scope="module")
def script(programme: DemoProgramme) -> Script:
    return script_for(programme)


def test_the_same_seed_and_day_give_the_same_programme(
    programme: DemoProgramme, script: Script
) -> None:
    assert script_for(programme) == script
    assert script_for(programme, NOW + timedelta(days=1)) != script


def test_leaders_roles_and_consent(programme: DemoProgramme, script: Script) -> None:
    ids = [leader.external_id for leader in script.leaders]
    assert len(ids) == len(set(ids)) == programme.leaders
    assert all(i.startswith("slack:U0") and len(i) == len("slack:U0") + 9 for i in ids)
    assert sum(not leader.contributes for leader in script.leaders) == programme.coaching_only
    assert len({leader.sector for leader in script.leaders}) == len(programme.sectors)


def test_everything_happens_in_the_past_within_the_weeks(
    programme: DemoProgramme, script: Script
) -> None:
    start = NOW - timedelta(weeks=programme.weeks, days=1)
    moments = [m.at for m in script.messages] + [r.at for r in script.exercises]
    moments += [r.done_at for r in script.exercises if r.done_at is not None]
    assert all(start <= at < NOW - timedelta(hours=1) for at in moments)
    assert start <= script.workshop.started < NOW - timedelta(days=1)


def test_every_contributor_wrote_last_week_so_a_report_s_population_holds(
    script: Script,
) -> None:
    week_ago = NOW - timedelta(days=7)
    recent = {m.leader for m in script.messages if m.at >= week_ago}
    assert {leader.external_id for leader in script.leaders if leader.contributes} <= recent


def test_several_themes_are_each_written_about_by_at_least_k_leaders(
    programme: DemoProgramme, script: Script
) -> None:
    contributors = {leader.external_id for leader in script.leaders if leader.contributes}
    month_ago = NOW - timedelta(days=30)
    people: dict[str, set[str]] = defaultdict(set)
    for message in script.messages:
        if message.at >= month_ago and message.leader in contributors:
            people[message.theme].add(message.leader)
    assert set(people) == set(programme.themes)
    assert all(len(who) >= 2 * K for who in people.values()), people


def test_every_message_is_coaching_talk_the_coach_keeps_for_themes(
    programme: DemoProgramme,
) -> None:
    """No message trips the safety gate or starts a flow, and each is long enough to keep.
    The script depends only on the weekday it is made on, so seven days cover every demo."""
    gate = SafetyGate.from_dir(PROMPTS, "the EAP")
    rules = load_router(PROMPTS)
    texts = {
        message.text
        for day in range(7)
        for message in script_for(programme, NOW + timedelta(days=day)).messages
    }
    for text in sorted(texts):
        outcome = gate.assess(text, CoachState().safety, free_text=True)
        assert (outcome.info.level, outcome.info.category) == ("none", "none"), text
        assert route(text, rules, in_flow=False).kind == "ask", text
        assert len(text.split()) >= 4


def test_exercise_requests_start_their_exercise_and_are_not_kept(
    programme: DemoProgramme, script: Script
) -> None:
    rules = load_router(PROMPTS)
    for item in programme.exercises:
        assert route(item.request, rules, in_flow=False).name == "exercise"
        assert len(item.request.split()) < 4  # shorter than anything kept for themes
    done = {run.exercise for run in script.exercises}
    assert done == {item.id for item in programme.exercises}
    for item in programme.exercises:
        runs = [run for run in script.exercises if run.exercise == item.id]
        assert len({run.leader for run in runs}) == item.people >= K


def test_the_workshop_has_everyone_answer_every_step(
    programme: DemoProgramme, script: Script
) -> None:
    shop = script.workshop
    plan = load_workshop_plans(PROMPTS)[shop.plan]
    assert shop.steps == [step.id for step in plan.steps]
    assert len(set(shop.participants)) == programme.workshop.participants
    assert all(len(answers) == len(shop.participants) for answers in shop.answers)
    for step, answers in zip(plan.steps, shop.answers, strict=True):
        if step.answer.type == "free_text":
            assert len(set(map(str, answers))) == len(answers)  # each person's own words


def test_content_check_names_a_bad_answer(tmp_path: Path) -> None:
    import shutil

    prompts = tmp_path / "prompts"
    shutil.copytree(PROMPTS, prompts)
    path = prompts / "demo" / "programme.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('core-need: ["Autonomy"', 'core-need: ["Wealth"'), "utf-8")
    with pytest.raises(ContentError) as caught:
        load_demo_programme(prompts)
    assert "exercises.0.answers" in str(caught.value) and "Wealth" in str(caught.value)
