"""The dense index: chunk embeddings in Chroma (embedded on disk, or a Chroma server)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from bot.knowledge.chunks import Chunk
from bot.knowledge.embed import Embedder, Vectors, normalise

log = logging.getLogger(__name__)
COLLECTION = "anchor_cards"


def make_client(path: Path | None, url: str | None) -> ClientAPI:
    """An embedded PersistentClient at `path`, or an HttpClient for `url`; no telemetry."""
    settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        return chromadb.HttpClient(
            host=parsed.hostname or "localhost",
            port=parsed.port or (443 if parsed.scheme == "https" else 8000),
            ssl=parsed.scheme == "https",
            settings=settings,
        )
    if path is None:
        raise ValueError("an embedded Chroma store needs a path")
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def forget_client(path: Path) -> None:
    """Drop Chroma's process-wide cached store for `path` (call after deleting its files).

    Chroma keeps one store per folder for the whole process; a client made after the folder was
    deleted would otherwise reuse the old store, whose database no longer has its tables
    ("no such table: collections")."""
    from chromadb.api.shared_system_client import SharedSystemClient

    systems = getattr(SharedSystemClient, "_identifier_to_system", None)
    counts = getattr(SharedSystemClient, "_identifier_to_refcount", None)
    system = systems.pop(str(path), None) if isinstance(systems, dict) else None
    if isinstance(counts, dict):
        counts.pop(str(path), None)
    if system is not None:
        try:
            system.stop()
        except Exception as exc:  # a store whose files are gone may not stop cleanly
            log.debug("stopping a deleted Chroma store: %s", type(exc).__name__)


class LangChainEmbeddings(Embeddings):
    """Adapter so langchain-chroma can use any Embedder."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self.embedder.embed(texts)]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self.embedder.embed([text])[0]]


class DenseIndex:
    """Chunk vectors in a Chroma collection, kept in step with the cards incrementally."""

    def __init__(self, client: ClientAPI, embedder: Embedder) -> None:
        self.client = client
        self.embedder = embedder
        self.store = self._open()

    def _open(self) -> Chroma:
        metadata = {"hnsw:space": "cosine", "embedder": self.embedder.name}
        existing = {c.name for c in self.client.list_collections()}
        if COLLECTION in existing:
            current = self.client.get_collection(COLLECTION).metadata or {}
            if current.get("embedder") != self.embedder.name:
                log.info("embedding model changed; rebuilding the dense index")
                self.client.delete_collection(COLLECTION)
        return Chroma(
            collection_name=COLLECTION,
            embedding_function=LangChainEmbeddings(self.embedder),
            client=self.client,
            collection_metadata=metadata,
        )

    def stored_digests(self) -> dict[str, str]:
        got = self.store.get(include=["metadatas"])
        metadatas = got.get("metadatas") or []
        return {
            chunk_id: str((meta or {}).get("digest", ""))
            for chunk_id, meta in zip(got["ids"], metadatas, strict=False)
        }

    def sync(self, chunks: Sequence[Chunk], batch: int = 64) -> tuple[int, int]:
        """Embed new or changed chunks, delete stale ones; return (embedded, deleted)."""
        stored = self.stored_digests()
        wanted = {chunk.id: chunk for chunk in chunks}
        stale = [cid for cid in stored if cid not in wanted]
        stale += [
            cid for cid, chunk in wanted.items() if cid in stored and stored[cid] != chunk.digest
        ]
        if stale:
            self.store.delete(ids=stale)
        fresh = [c for c in chunks if stored.get(c.id) != c.digest]
        for start in range(0, len(fresh), batch):
            part = fresh[start : start + batch]
            self.store.add_texts(
                texts=[c.search_text for c in part],
                metadatas=[
                    {"card_id": c.card_id, "section": c.section, "digest": c.digest} for c in part
                ],
                ids=[c.id for c in part],
            )
        return len(fresh), len(stale)

    def count(self) -> int:
        return int(self.store._collection.count())

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Chunk ids and cosine similarities, best first, asked of Chroma itself."""
        if k <= 0:
            return []
        vector = [float(x) for x in self.embedder.embed([query])[0]]
        # langchain-chroma hands back Chroma's cosine *distance* here; turn it into similarity
        hits = self.store.similarity_search_by_vector_with_relevance_scores(vector, k=k)
        return [(str(doc.id), 1.0 - float(distance)) for doc, distance in hits]

    def vectors(self, chunk_ids: list[str]) -> Vectors:
        """The stored vectors of `chunk_ids`, in that order (for the query-time snapshot)."""
        got = self.store._collection.get(ids=chunk_ids, include=["embeddings"])
        by_id = dict(zip(got["ids"], got["embeddings"], strict=True))  # type: ignore[arg-type]
        missing = [cid for cid in chunk_ids if cid not in by_id]
        if missing:
            raise ValueError(f"{len(missing)} chunk(s) missing from the vector store")
        return normalise(np.asarray([by_id[cid] for cid in chunk_ids], dtype=np.float32))
