"""Text embeddings. The default is WordLlama, which ships its model inside the package."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
RECENT = 256


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> Vectors: ...


@runtime_checkable
class TokenEmbedder(Embedder, Protocol):
    """An embedder that also shows its tokens and their vectors (`bot.knowledge.neighbours`)."""

    @property
    def token_vectors(self) -> Vectors: ...

    def token_ids(self, text: str) -> list[int]: ...


def normalise(vectors: npt.NDArray[Any]) -> Vectors:
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit: Vectors = (matrix / norms).astype(np.float32)
    return unit


class WordLlamaEmbedder:
    """WordLlama (256 dimensions), loaded from its own package folder with no download."""

    name = "wordllama-l2_supercat-256"
    dim = 256

    def __init__(self) -> None:
        import wordllama
        from wordllama import WordLlama

        package_dir = Path(wordllama.__file__).resolve().parent
        self._model = WordLlama.load(cache_dir=package_dir, disable_download=True, dim=self.dim)
        self._recent: dict[str, Vectors] = {}

    @property
    def token_vectors(self) -> Vectors:
        """One vector per token id (rows of the model's embedding table)."""
        vectors: Vectors = self._model.embedding
        return vectors

    def token_ids(self, text: str) -> list[int]:
        ids: list[int] = self._model.tokenizer.encode(text, add_special_tokens=False).ids
        return [i for i in ids if i < len(self._model.embedding)]

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) == 1:  # a query is embedded by several steps of one turn: do it once
            return self._embed_one(texts[0])
        vectors: npt.NDArray[Any] = self._model.embed(list(texts), norm=True)
        return normalise(vectors)

    def _embed_one(self, text: str) -> Vectors:
        cached = self._recent.get(text)
        if cached is None:
            cached = normalise(self._model.embed([text], norm=True))
            if len(self._recent) >= RECENT:
                self._recent.pop(next(iter(self._recent)))
            self._recent[text] = cached
        return cached
