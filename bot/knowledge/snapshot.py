"""The query-time copy of the dense index: every chunk vector, read from Chroma after each build.

The knowledge base is small (a few hundred chunks), so a matrix product answers a query in well
under a millisecond, and `anchor ask` starts without loading Chroma at all. Chroma stays the
store of record (embedded or `ANCHOR_CHROMA_URL`); the snapshot is rewritten on every build.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from bot.knowledge.embed import Embedder, Vectors

VECTORS = "vectors.npy"
IDS = "vector_ids.json"


class VectorSnapshot:
    def __init__(self, embedder: Embedder, chunk_ids: list[str], matrix: Vectors) -> None:
        if matrix.shape != (len(chunk_ids), embedder.dim):
            raise ValueError("vector snapshot does not match its ids or the embedding model")
        self.embedder = embedder
        self.chunk_ids = chunk_ids
        self.matrix = matrix

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / VECTORS, self.matrix, allow_pickle=False)
        (directory / IDS).write_text(json.dumps(self.chunk_ids), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, embedder: Embedder) -> VectorSnapshot:
        matrix = np.load(directory / VECTORS, allow_pickle=False)
        chunk_ids = json.loads((directory / IDS).read_text(encoding="utf-8"))
        return cls(embedder, list(chunk_ids), np.asarray(matrix, dtype=np.float32))

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Chunk ids and cosine similarities, best first."""
        if k <= 0 or not self.chunk_ids:
            return []
        scores = self.matrix @ self.embedder.embed([query])[0]
        top = np.argsort(-scores)[:k]
        return [(self.chunk_ids[i], float(scores[i])) for i in top]
