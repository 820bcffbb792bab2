"""Building, refreshing and repairing the index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge.cards import CardError
from bot.knowledge.embed import Embedder
from bot.knowledge.index import KnowledgeIndex
from bot.knowledge.retrieve import Retriever
from tests.helpers import write_card


def test_first_build_embeds_everything_and_a_rebuild_embeds_nothing(
    small_kb: Path, tmp_path: Path, embedder: Embedder
) -> None:
    index = KnowledgeIndex(small_kb, tmp_path / "idx", embedder=embedder)
    first = index.build()
    assert first.cards == 2 and first.embedded == first.chunks > 0
    second = index.build()
    assert second.embedded == 0 and second.deleted == 0


def test_changing_one_card_re_embeds_only_that_card(
    small_kb: Path, tmp_path: Path, embedder: Embedder
) -> None:
    index = KnowledgeIndex(small_kb, tmp_path / "idx", embedder=embedder)
    index.build()
    path = small_kb / "trust-card.md"
    path.write_text(path.read_text().replace("## Trying it", "## Trying it out"))
    report = index.build()
    assert report.embedded == 1  # only the renamed section
    assert report.deleted == 1


def test_the_index_rebuilds_itself_when_cards_change(
    small_kb: Path, tmp_path: Path, embedder: Embedder
) -> None:
    index = KnowledgeIndex(small_kb, tmp_path / "idx", embedder=embedder)
    index.build()
    write_card(small_kb, "wellbeing-card", title="Looking after yourself when exhausted")
    assert not index.is_current()
    retriever = Retriever.open(KnowledgeIndex(small_kb, tmp_path / "idx", embedder=embedder))
    assert "wellbeing-card" in retriever.cards
    assert index.is_current()


@pytest.mark.parametrize("damage", ["manifest", "vectors", "chroma-and-vectors", "bm25"])
def test_a_corrupt_index_is_rebuilt(
    small_kb: Path, tmp_path: Path, embedder: Embedder, damage: str
) -> None:
    idx = tmp_path / "idx"
    KnowledgeIndex(small_kb, idx, embedder=embedder).build()
    if damage == "manifest":
        (idx / "manifest.json").write_text("{not json")
    elif damage == "vectors":
        (idx / "vectors.npy").write_bytes(b"not a numpy file")
    elif damage == "chroma-and-vectors":
        shutil.rmtree(idx / "chroma")
        (idx / "vector_ids.json").unlink()
    else:
        for path in (idx / "bm25").iterdir():
            path.write_bytes(b"garbage")
    retriever = Retriever.open(KnowledgeIndex(small_kb, idx, embedder=embedder))
    hits = retriever.search("trust between partners", k=3)
    assert hits and hits[0].card_id in {"trust-card", "conflict-card"}


def test_a_malformed_card_stops_the_build_naming_file_and_field(
    small_kb: Path, tmp_path: Path, embedder: Embedder
) -> None:
    write_card(small_kb, "bad-card", sources=None)
    with pytest.raises(CardError) as caught:
        KnowledgeIndex(small_kb, tmp_path / "idx", embedder=embedder).build()
    assert any(
        p.path.endswith("bad-card.md") and p.field == "sources" for p in caught.value.problems
    )


def test_a_forced_rebuild_works_while_another_index_has_the_store_open(
    small_kb: Path, tmp_path: Path, embedder: Embedder
) -> None:
    first = KnowledgeIndex(small_kb, tmp_path / "idx", embedder=embedder)
    first.build()
    assert first.dense().count() > 0  # this process now holds Chroma's store for the folder
    second = KnowledgeIndex(small_kb, tmp_path / "idx", embedder=embedder)
    second.build(force=True)  # deletes the folder and builds it again
    assert second.dense().count() > 0
    retriever = Retriever.open(KnowledgeIndex(small_kb, tmp_path / "idx", embedder=embedder))
    assert retriever.search("trust between partners", k=3)
