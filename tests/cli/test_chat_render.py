"""How replies look in `anchor chat`: one list item a line, nothing cut off at any width."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from bot.cli import keep_lines, render_reply, render_text
from bot.coach.engine import Coach
from bot.coach.safety import SafetyGate, SafetyState
from bot.config import PROJECT_ROOT, Settings
from bot.content.coaching import load_flow_words
from bot.models import Reply

PROMPTS = PROJECT_ROOT / "prompts"


def terminal(width: int) -> tuple[Console, io.StringIO]:
    """A terminal of `width` columns, like `anchor chat`'s (it never wraps output itself)."""
    written = io.StringIO()
    return Console(file=written, width=width, soft_wrap=True, color_system=None), written


def screen(text: str, width: int) -> list[str]:
    console, written = terminal(width)
    render_reply(Reply(reply=text), console)
    return [line.rstrip() for line in written.getvalue().splitlines()]


def flat(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


@pytest.mark.parametrize("width", [80, 100, 130])
def test_every_crisis_signpost_starts_its_own_line(width: int) -> None:
    gate = SafetyGate.from_dir(PROMPTS, "", learned=False)
    outcome = gate.assess("I want to end my life", SafetyState())
    assert outcome.info.level == "crisis" and outcome.reply
    lines = screen(outcome.reply, width)
    bullets = [line for line in lines if line.lstrip().startswith("• ")]
    signposts = gate.replies.crisis.signposts
    assert len(bullets) == len(signposts) >= 4
    for bullet, signpost in zip(bullets, signposts, strict=True):
        assert signpost.startswith(bullet.lstrip()[2:].split(" ", 3)[0])
        assert " ".join(signpost.split()[:3]) in bullet  # each item begins its own line
    assert "116 123" in flat(lines) and "999" in flat(lines)


@pytest.mark.parametrize("width", [80, 130])
def test_an_emergency_shows_the_999_step_on_the_first_line(width: int) -> None:
    gate = SafetyGate.from_dir(PROMPTS, "", learned=False)
    for text in ("I've just taken 40 co-codamol", "my colleague has taken an overdose"):
        outcome = gate.assess(text, SafetyState())
        assert outcome.info.level == "emergency" and outcome.reply
        lines = [line for line in screen(outcome.reply, width) if line.strip()]
        assert "999 now" in lines[0], lines[0]


@pytest.mark.parametrize("width", [80, 120])
def test_help_shows_one_thing_a_line_with_an_example(width: int) -> None:
    help_words = load_flow_words(PROMPTS).help
    text = help_words.text(terminal=True)
    lines = screen(text, width)
    items = [line for line in text.splitlines() if line.startswith("• ")]
    shown = [line.lstrip() for line in lines if line.lstrip().startswith("• ")]
    assert len(shown) == len(items) == 5 + 5 + 5  # abilities, controls, slash commands
    for item, line in zip(items, shown, strict=True):
        assert item.startswith(line)
    for example in [*help_words.abilities, *help_words.controls]:
        assert example.say in flat(lines)


def test_lines_inside_a_paragraph_stay_lines() -> None:
    summary = "Here's a summary:\nGoal: trust with the council\nReality: they walked out\n\nBye."
    lines = screen(summary, 100)
    assert "Goal: trust with the council" in lines
    assert "Reality: they walked out" in lines
    assert keep_lines("one\n• two\nthree") == "one\n\n- two\n\nthree"


@pytest.mark.parametrize("width", [100, 130])
def test_my_goals_shows_every_goal_whole_and_numbered_from_one(
    settings: Settings, user: str, width: int
) -> None:
    coach = Coach.from_settings(settings)
    someone_else = coach.store.user_id(f"{user}-other")
    coach.goals.add(someone_else, "an earlier goal of someone else", due=None, source="test")
    mine = coach.store.user_id(user)
    texts = [
        "Speak to the director of adult social care about the discharge delays before the "
        "board meeting and agree a shared position with the community trust",
        "Ask the GP federation chair for a coffee and listen to what primary care needs from "
        "the partnership this winter",
    ]
    for text in texts:
        coach.goals.add(mine, text, due=None, source="test")
    lines = screen(coach.respond(user, "my goals").reply, width)
    shown = flat(lines)
    for n, text in enumerate(texts, start=1):
        assert text in shown  # never cut off mid-goal
        assert any(re.match(rf"\s*{n}\.? {text.split()[0]} ", line) for line in lines)


def test_render_text_wraps_to_the_console_not_beyond() -> None:
    console, written = terminal(60)
    render_text("• " + "a long signpost line that goes on " * 5, console)
    lines = written.getvalue().splitlines()
    assert len(lines) > 2 and all(len(line) <= 60 for line in lines)
