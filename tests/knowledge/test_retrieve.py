"""Hybrid retrieval over the real knowledge base."""

from __future__ import annotations

from bot.knowledge.retrieve import Retriever, rrf


def test_rrf_rewards_items_ranked_well_by_both() -> None:
    fused = dict(rrf([["a", "b", "c"], ["b", "c", "a"]]))
    assert max(fused, key=fused.__getitem__) == "b"
    assert fused["b"] > fused["a"] > 0


def test_rrf_keeps_items_found_by_only_one_ranking() -> None:
    assert {item for item, _ in rrf([["a"], ["b"]])} == {"a", "b"}


def test_search_returns_cited_passages(retriever: Retriever) -> None:
    hits = retriever.search("the council walked out of the partnership over money", k=5)
    assert len(hits) == 5
    first = hits[0]
    assert first.card_id in retriever.cards
    assert first.title == retriever.cards[first.card_id].meta.title
    assert first.section and first.text and first.score > 0
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_a_plain_question_finds_the_right_card(retriever: Retriever) -> None:
    assert retriever.rank_cards("what is a BATNA", k=3)[0] == "batna-in-partnerships"
    assert "health-and-care-act-2022" in retriever.rank_cards(
        "when did integrated care systems become statutory", k=3
    )


def test_tag_filter_keeps_only_tagged_cards(retriever: Retriever) -> None:
    hits = retriever.search("how do I look after myself", k=5, tags=["conflict"])
    assert hits
    for hit in hits:
        assert "conflict" in retriever.cards[hit.card_id].meta.tags


def test_empty_query_returns_nothing(retriever: Retriever) -> None:
    assert retriever.search("   ", k=5) == []
