"""The help: one text (prompts/system/flows.yaml) for "help" and the terminal's /help, and every
example in it does what it says."""

from __future__ import annotations

import pytest

from bot.coach.engine import Coach
from bot.coach.router import route
from bot.config import PROJECT_ROOT, Settings
from bot.content.coaching import Example, load_flow_words, load_router

PROMPTS = PROJECT_ROOT / "prompts"
HELP = load_flow_words(PROMPTS).help
ROUTER = load_router(PROMPTS)


@pytest.mark.parametrize("example", HELP.abilities, ids=lambda e: e.intent)
def test_every_example_leads_where_the_help_says(example: Example) -> None:
    where = route(example.say, ROUTER, in_flow=False)
    assert (where.kind if where.kind == "ask" else where.name) == example.intent


@pytest.mark.parametrize("control", HELP.controls, ids=lambda e: e.intent)
def test_every_control_works_inside_a_flow(control: Example) -> None:
    where = route(control.say, ROUTER, in_flow=True)
    assert (where.kind, where.name) == ("control", control.intent)


def test_the_help_covers_everything_anchor_can_do() -> None:
    intents = {e.intent for e in [*HELP.abilities, *HELP.controls]}
    assert intents == {
        "ask",
        "grow",
        "exercise",
        "scenario",
        "goals",
        "pause",
        "resume",
        "skip",
        "quit",
        "status",
    }
    assert {c.command for c in HELP.terminal.commands} == {
        "/help",
        "/sources",
        "/privacy",
        "/new",
        "/quit",
    }


def test_help_in_conversation_is_the_same_text_without_the_terminal_commands(
    settings: Settings, user: str
) -> None:
    reply = Coach.from_settings(settings).respond(user, "what can you do?").reply
    assert reply == HELP.text()
    assert HELP.text(terminal=True).startswith(reply)
    assert "/sources" not in reply and "/sources" in HELP.text(terminal=True)
