"""Workshop free text through the themes engine; small steps fall back to keyword counts."""

from __future__ import annotations

from bot.knowledge.embed import Embedder
from bot.programme.workshop_themes import EngineSummariser
from bot.workshops.summarise import WordCountSummariser

ANSWERS = [
    "we need shared budgets across the trust and council to fund discharge",
    "pooled budget with the council would unlock home care capacity",
    "the money sits in separate budgets and nobody will share risk",
    "a joint budget for community beds is the first step",
    "budgets are siloed so discharge funding keeps falling through",
    "our budget rules stop us moving money to the council",
    "clinicians are not in the room when we decide pathways",
    "we must bring GPs and consultants into the design early",
    "clinical leaders feel consulted late, not involved",
    "get the clinicians to co-design the frailty pathway",
    "doctors and nurses need time released to join the redesign",
    "clinicians should chair the pathway groups not managers",
    "honestly I am exhausted",
    "trust between partners is low after the merger",
]


def test_a_step_with_enough_answers_gets_engine_themes(embedder: Embedder) -> None:
    themes = EngineSummariser(embedder, WordCountSummariser()).themes(ANSWERS, 3)
    assert len(themes) == 2
    words = " ".join(t.keyword for t in themes)
    assert "budget" in words and "clinicians" in words
    assert all(t.people >= 3 for t in themes)
    assert not any(answer in words for answer in ANSWERS)


def test_a_small_step_falls_back_to_keyword_counts(embedder: Embedder) -> None:
    few = ANSWERS[:4]
    summariser = EngineSummariser(embedder, WordCountSummariser())
    assert summariser.themes(few, 3) == WordCountSummariser().themes(few, 3)
