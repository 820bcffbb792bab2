"""The card classifier: learned from how leaders ask for each card, scored without scikit-learn."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from bot.knowledge.asked import load_asked
from bot.knowledge.cards import CardError, load_cards
from bot.knowledge.classify import CardClassifier, training_texts
from bot.knowledge.embed import Embedder
from bot.knowledge.index import KnowledgeIndex
from bot.knowledge.lint import check_directory
from bot.knowledge.retrieve import Retriever

ASKED = {
    "trust-card": [
        "the other chief execs smile in the room and then do their own thing",
        "nobody believes the acute trust will keep its word this time",
        "how do we get past years of being let down by the council",
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
    kb = small_kb
    (kb / "asked").mkdir()
    (kb / "asked" / "writer-x.yaml").write_text(yaml.safe_dump(ASKED), encoding="utf-8")
    return kb


def test_a_saved_classifier_scores_as_the_trained_one(small_kb: Path) -> None:
    cards = load_cards(small_kb)
    asked, _ = load_asked(small_kb)
    model = CardClassifier.train(cards, asked)
    texts, labels = training_texts(cards, asked)
    assert set(labels) == {"trust-card", "conflict-card"} and len(texts) > 6
    restored = CardClassifier.load(_saved(model, small_kb.parent / "saved"))
    for text in ("people agree in the room and argue outside it", "can I trust the council"):
        assert np.allclose(model.scores(text), restored.scores(text))
        assert model.rank(text) == restored.rank(text)


def test_a_message_in_other_words_than_the_card_finds_it(
    small_kb: Path, tmp_path: Path, embedder: Embedder
) -> None:
    index = KnowledgeIndex(small_kb, tmp_path / "idx", embedder=embedder)
    retriever = Retriever.open(index)
    said = "they all agree at the meeting then moan about it in the corridor"
    assert retriever.rank_cards(said, "classifier")[0] == "conflict-card"
    assert retriever.rank_cards(said)[0] == "conflict-card"


def test_changing_how_leaders_ask_rebuilds_the_index(
    small_kb: Path, tmp_path: Path, embedder: Embedder
) -> None:
    index = KnowledgeIndex(small_kb, tmp_path / "idx", embedder=embedder)
    index.build()
    more = {"trust-card": ["the GPs think the ICB will drop them again like last year"]}
    (small_kb / "asked" / "writer-y.yaml").write_text(yaml.safe_dump(more), encoding="utf-8")
    assert not index.is_current()


def test_an_unknown_card_id_or_a_malformed_file_is_a_problem(
    small_kb: Path, tmp_path: Path
) -> None:
    (small_kb / "asked" / "writer-z.yaml").write_text(
        yaml.safe_dump({"no-such-card": ["a message for a card that does not exist"]}),
        encoding="utf-8",
    )
    (small_kb / "asked" / "broken.yaml").write_text("trust-card: [unclosed", encoding="utf-8")
    _, problems = check_directory(small_kb)
    shown = [str(p) for p in problems]
    assert any("no-such-card" in p and "no card has this id" in p for p in shown)
    assert any("broken.yaml" in p for p in shown)
    with pytest.raises(CardError):
        KnowledgeIndex(small_kb, tmp_path / "idx").build()


def test_the_shipped_classifier_is_trained_on_every_card(retriever: Retriever) -> None:
    assert retriever.classifier is not None
    assert sorted(retriever.classifier.card_ids) == sorted(retriever.cards)


def _saved(model: CardClassifier, folder: Path) -> Path:
    model.save(folder)
    return folder


def test_a_large_base_drops_word_ngrams_seen_once(small_kb: Path) -> None:
    cards = load_cards(small_kb)
    asked, _ = load_asked(small_kb)
    once = "zebra crossing quandary"
    small = CardClassifier.train(cards, {**asked, "trust-card": [*asked["trust-card"], once]})
    assert "zebra" in small.blocks[0].vocabulary  # a small base keeps every word
    # the same messages many times over, and one message once: its words are dropped
    many = {card: texts * 1000 for card, texts in ASKED.items()}
    many["trust-card"] = [*many["trust-card"], once]
    large = CardClassifier.train(cards, many)
    assert "zebra" not in large.blocks[0].vocabulary
    assert "smile" in large.blocks[0].vocabulary
