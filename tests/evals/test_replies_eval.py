"""`anchor eval retrieval --replies`: what the coach's replies to retrieval questions cite."""

from __future__ import annotations

from bot.coach.engine import Coach
from bot.config import Settings
from bot.evals.replies import OUTCOMES, measure_replies
from bot.evals.retrieval import RetrievalItem


def test_each_reply_is_sorted_into_one_outcome(settings: Settings) -> None:
    coach = Coach.from_settings(settings)
    asked = "partners agree in the meeting and then nothing happens afterwards"
    items = [
        # the reply quotes retrieval's first card
        RetrievalItem(q=asked, cards=coach.retriever.rank_cards(asked, k=1)),
        RetrievalItem(q="what's the weather in Leeds tomorrow?", cards=["anchor-points"]),
        RetrievalItem(
            q="one of the senior midwives cried and said we'd betrayed the town",
            cards=["grief-and-loss-in-service-change"],
        ),
    ]
    found = measure_replies(coach, "tiny", items)
    assert set(found.rates) == set(OUTCOMES)
    assert abs(sum(found.rates.values()) - 1.0) < 1e-9
    assert [m.q for m in found.misses] == [items[1].q, items[2].q]
    assert [m.outcome for m in found.misses] == ["out_of_scope", "feeling"]
    assert found.rates["expected"] == 1 / 3
    assert "cites an expected card" in found.table()


def test_a_reply_that_finds_nothing_says_so(settings: Settings) -> None:
    coach = Coach.from_settings(settings)
    item = RetrievalItem(q="the car park barrier at our site keeps breaking", cards=["x"])
    found = measure_replies(coach, "nothing", [item])
    assert found.misses[0].outcome == "no_fit" and found.rates["no_fit"] == 1.0


def test_a_safety_reply_is_counted_as_the_gate_not_as_a_card_miss(settings: Settings) -> None:
    # a question answered by the safety gate cites no card; it is counted apart from "other",
    # so a sealed run says how many questions the gate took (and the figures stay unread)
    coach = Coach.from_settings(settings)
    item = RetrievalItem(
        q="honestly I can't see the point of going on and I've been thinking of ending it",
        cards=["abc-of-core-work-needs"],
    )
    found = measure_replies(coach, "gate", [item])
    assert found.misses[0].outcome == "safety" and found.rates["safety"] == 1.0
    assert "the safety gate answered" in found.table()
