"""`anchor eval style` judges every flow's replies for fragments, and free-form openings for
the leader's words and repeated frames; it passes on the shipped coach."""

from __future__ import annotations

from bot.coach.engine import Coach
from bot.config import Settings
from bot.evals.style import MAX_FRAME_SHARE, Openings, evaluate, load_set, turn_fragments
from bot.models import FlowInfo, Reply

FLOW = FlowInfo(kind="exercise", id="x", title="X", step=2, total=5, answer="choice")


def test_the_shipped_coach_passes_every_check(settings: Settings) -> None:
    result = evaluate(Coach.from_settings(settings), load_set())
    assert result.ok, result.table()
    assert result.fragments == 0 and result.missed_pickups == 0
    assert result.reflecting_turns >= 30 and result.top_frame_share <= MAX_FRAME_SHARE


def test_a_card_fragment_in_any_flow_is_caught_but_its_own_lists_are_not() -> None:
    own = "Step 2 of 5: Which comes closest?\n\n1. Attending\n2. Helping\n\n• Goal: a plan."
    assert turn_fragments(Reply(reply=own, flow=FLOW)) == []
    leaked = "Step 2 of 5: Which comes closest?\n\nTags: teams, culture.\n\n2.\n\nWhat now?"
    assert turn_fragments(Reply(reply=leaked, flow=FLOW)) == ["tag line", "list number"]
    free = "So your board is stuck.\n\nThen they agree to a plan together. [1]\n\nWhat would help?"
    assert turn_fragments(Reply(reply=free, turn="idea")) == ["dangling connective"]


def test_an_opening_that_misses_their_words_or_repeats_a_frame_is_caught(
    settings: Settings,
) -> None:
    openings = Openings(Coach.from_settings(settings).templates)
    message = "the trust keeps blocking our shared bed plan"
    missed = Reply(reply="Happy to help.\n\nWhat would help?", turn="idea")
    assert openings.check(message, missed) == ["opening does not pick up their words"]
    heard = Reply(reply="So the trust keeps blocking your bed plan.\n\nWhat now?", turn="idea")
    assert openings.check(message, heard) == []
    assert openings.check("tell me more", Reply(reply="More.", turn="idea")) == []
    assert openings.check(message, Reply(reply="Step 1 of 3: what?", flow=FLOW)) == []
    assert openings.turns == 2 and openings.top()[1] == 0.5
