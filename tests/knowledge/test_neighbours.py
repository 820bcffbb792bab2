"""Card neighbours: cards ranked by what a message means (word vectors), not the words it uses."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from bot.knowledge.asked import load_asked
from bot.knowledge.cards import load_cards
from bot.knowledge.embed import WordLlamaEmbedder
from bot.knowledge.neighbours import CardNeighbours
from bot.knowledge.retrieve import Retriever

ASKED = {
    "trust-card": [
        "nobody believes the acute trust will keep its promises this time",
        "the council has let us down so often that people expect to be betrayed again",
        "how do we become reliable partners after years of broken commitments",
    ],
    "conflict-card": [
        "everyone nods at the board and then rows in the car park afterwards",
        "we never say what we really disagree about until it blows up",
        "the real argument happens in the corridor, not at the meeting",
    ],
}


@pytest.fixture
def small_kb(small_kb: Path) -> Path:
    """The two cards, and how leaders ask for each."""
    (small_kb / "asked").mkdir()
    (small_kb / "asked" / "writer-x.yaml").write_text(yaml.safe_dump(ASKED), encoding="utf-8")
    return small_kb


def test_saved_neighbours_rank_as_the_built_ones(
    small_kb: Path, tmp_path: Path, embedder: WordLlamaEmbedder
) -> None:
    built = CardNeighbours.build(load_cards(small_kb), load_asked(small_kb)[0], embedder)
    built.save(tmp_path / "saved")
    restored = CardNeighbours.load(tmp_path / "saved", embedder)
    for text in ("they shout at each other in private", "can I rely on the council", ""):
        assert np.allclose(built.scores(text), restored.scores(text))
        assert built.rank(text) == restored.rank(text)


@pytest.mark.parametrize(
    ("said", "card"),
    [
        (
            "I haven't had a proper night's sleep in weeks and I snap at my kids over nothing",
            "leader-wellbeing",
        ),
        (
            "we shut the ward last year and the staff still talk about it like a bereavement",
            "grief-and-loss-in-service-change",
        ),
    ],
)
def test_the_neighbours_alone_find_a_situation_told_in_other_words(
    retriever: Retriever, said: str, card: str
) -> None:
    assert retriever.rank_cards(said, "neighbours", k=1) == [card]


def test_a_departed_heroic_leader_told_in_other_words_finds_its_card(
    retriever: Retriever,
) -> None:
    said = (
        "our old chief exec sorted every crisis personally and now he has gone nobody knows "
        "how to decide anything"
    )
    assert retriever.rank_cards(said, k=1) == ["collective-vs-heroic-leadership"]


def test_the_shipped_neighbours_cover_every_card(retriever: Retriever) -> None:
    assert retriever.neighbours is not None
    assert sorted(retriever.neighbours.card_ids) == sorted(retriever.cards)
