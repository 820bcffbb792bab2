"""The lexical index: BM25 over chunk text with English stemming (bm25s + PyStemmer)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

from bot.knowledge.chunks import Chunk

# bm25s sets its own logger to DEBUG when imported; its progress notes are not ours to show
logging.getLogger("bm25s").setLevel(logging.WARNING)

_STEMMER = Stemmer.Stemmer("english")


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    tokens = bm25s.tokenize(
        list(texts), stopwords="en", stemmer=_STEMMER, return_ids=False, show_progress=False
    )
    return [list(t) for t in tokens]  # type: ignore[union-attr]


class LexicalIndex:
    """BM25 over chunks; saved as bm25s files plus the list of chunk ids."""

    IDS = "chunk_ids.json"

    def __init__(self, model: bm25s.BM25, chunk_ids: list[str]) -> None:
        self.model = model
        self.chunk_ids = chunk_ids

    @classmethod
    def build(cls, chunks: Sequence[Chunk]) -> LexicalIndex:
        model = bm25s.BM25()
        model.index(tokenize([c.search_text for c in chunks]), show_progress=False)
        return cls(model, [c.id for c in chunks])

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.model.save(str(directory), show_progress=False)
        (directory / self.IDS).write_text(json.dumps(self.chunk_ids), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        model = bm25s.BM25.load(str(directory), show_progress=False)
        chunk_ids = json.loads((directory / cls.IDS).read_text(encoding="utf-8"))
        return cls(model, list(chunk_ids))

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Chunk ids and BM25 scores, best first; only chunks sharing a term with the query."""
        tokens = tokenize([query])[0]
        vocab = self.model.vocab_dict
        ids = [vocab[t] for t in tokens if t in vocab]
        if not ids or k <= 0:
            return []
        scores = np.asarray(self.model.get_scores(ids))
        order = np.argsort(-scores)[:k]
        return [(self.chunk_ids[i], float(scores[i])) for i in order if scores[i] > 0]
