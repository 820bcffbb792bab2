"""Build, refresh and open the knowledge index (dense + lexical + card classifier + card
neighbours) under the data folder.

The index rebuilds itself when the cards change (a fingerprint of the card files and of
`knowledge/asked/`) and only re-embeds chunks whose text changed. A corrupt index is wiped and
rebuilt.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ValidationError

from bot.knowledge.asked import asked_files, load_asked
from bot.knowledge.cards import CardError, card_files
from bot.knowledge.chunks import Chunk, chunk_cards
from bot.knowledge.classify import CardClassifier
from bot.knowledge.embed import Embedder, TokenEmbedder, WordLlamaEmbedder
from bot.knowledge.lexical import LexicalIndex
from bot.knowledge.lint import check_directory
from bot.knowledge.neighbours import CardNeighbours
from bot.knowledge.snapshot import VectorSnapshot
from bot.models import Card

if TYPE_CHECKING:  # Chroma is only loaded to build the index, never to answer a query
    from bot.knowledge.dense import DenseIndex

log = logging.getLogger(__name__)

INDEX_VERSION = 5
Progress = Callable[[str, int, int], None]


class Manifest(BaseModel):
    version: int
    fingerprint: str
    embedder: str
    built_at: float
    cards: list[Card]
    chunks: list[Chunk]


@dataclass
class BuildReport:
    cards: int = 0
    chunks: int = 0
    embedded: int = 0
    deleted: int = 0
    seconds: float = 0.0
    rebuilt_from_corrupt: bool = False
    skipped: bool = False
    notes: list[str] = field(default_factory=list)


def fingerprint(knowledge_dir: Path, embedder_name: str) -> str:
    digest = hashlib.sha256(f"v{INDEX_VERSION}:{embedder_name}".encode())
    for path in [*card_files(knowledge_dir), *asked_files(knowledge_dir)]:
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Opened:
    """Everything a retriever reads from an opened index (no neighbours without token vectors)."""

    manifest: Manifest
    lexical: LexicalIndex
    dense: VectorSnapshot
    classifier: CardClassifier
    neighbours: CardNeighbours | None


class KnowledgeIndex:
    """Paths and operations for the index living in `index_dir`."""

    def __init__(
        self,
        knowledge_dir: Path,
        index_dir: Path,
        *,
        chroma_url: str | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.knowledge_dir = knowledge_dir
        self.index_dir = index_dir
        self.chroma_url = chroma_url
        self._embedder = embedder
        self._dense: DenseIndex | None = None

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = WordLlamaEmbedder()
        return self._embedder

    @property
    def manifest_path(self) -> Path:
        return self.index_dir / "manifest.json"

    @property
    def lexical_dir(self) -> Path:
        return self.index_dir / "bm25"

    def dense(self) -> DenseIndex:
        if self._dense is None:
            from bot.knowledge.dense import DenseIndex, make_client

            path = None if self.chroma_url else self.index_dir / "chroma"
            self._dense = DenseIndex(make_client(path, self.chroma_url), self.embedder)
        return self._dense

    def read_manifest(self) -> Manifest | None:
        try:
            return Manifest.model_validate_json(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, ValidationError) as exc:
            log.warning("index manifest unreadable (%s); it will be rebuilt", type(exc).__name__)
            return None

    def is_current(self) -> bool:
        manifest = self.read_manifest()
        return manifest is not None and manifest.fingerprint == fingerprint(
            self.knowledge_dir, self.embedder.name
        )

    def build(self, progress: Progress | None = None, *, force: bool = False) -> BuildReport:
        """Validate the cards, then bring the dense and lexical indexes in step with them."""
        started = time.perf_counter()
        report = BuildReport()
        step = progress or (lambda _name, _done, _total: None)
        step("checking cards", 0, 1)
        cards, problems = check_directory(self.knowledge_dir)
        if problems:
            raise CardError(problems)
        chunks = chunk_cards(cards)
        report.cards, report.chunks = len(cards), len(chunks)
        fp = fingerprint(self.knowledge_dir, self.embedder.name)
        if force:
            self.wipe()
        try:
            report.embedded, report.deleted = self._sync_dense(chunks, step)
        except Exception as exc:  # a corrupt embedded store: start again from nothing
            if self.chroma_url:
                raise
            log.warning("dense index unusable (%s); rebuilding it", type(exc).__name__)
            self.wipe()
            report.rebuilt_from_corrupt = True
            report.embedded, report.deleted = self._sync_dense(chunks, step)
        ids = [c.id for c in chunks]
        VectorSnapshot(self.embedder, ids, self.dense().vectors(ids)).save(self.index_dir)
        step("lexical index", 0, 1)
        LexicalIndex.build(chunks).save(self.lexical_dir)
        step("lexical index", 1, 1)
        step("card classifier", 0, 1)
        asked = load_asked(self.knowledge_dir)[0]
        CardClassifier.train(cards, asked).save(self.index_dir)
        step("card classifier", 1, 1)
        if isinstance(self.embedder, TokenEmbedder):
            CardNeighbours.build(cards, asked, self.embedder).save(self.index_dir)
        manifest = Manifest(
            version=INDEX_VERSION,
            fingerprint=fp,
            embedder=self.embedder.name,
            built_at=time.time(),
            cards=cards,
            chunks=chunks,
        )
        _atomic_write(self.manifest_path, manifest.model_dump_json())
        report.seconds = time.perf_counter() - started
        return report

    def _sync_dense(self, chunks: list[Chunk], step: Progress) -> tuple[int, int]:
        step("embedding", 0, len(chunks))
        embedded, deleted = self.dense().sync(chunks)
        step("embedding", len(chunks), len(chunks))
        return embedded, deleted

    def wipe(self) -> None:
        """Delete the local index files (and the server collection, if one is used)."""
        self._dense = None
        if self.chroma_url:
            from bot.knowledge.dense import make_client

            client = make_client(None, self.chroma_url)
            if any(c.name == "anchor_cards" for c in client.list_collections()):
                client.delete_collection("anchor_cards")
        if not self.chroma_url:
            # Chroma shares one store per folder across the process and releases it when the
            # last client is collected: collect unreferenced clients now, not at some later
            # moment when they would release the store built next in the same folder.
            gc.collect()
        if self.index_dir.exists():
            shutil.rmtree(self.index_dir, ignore_errors=True)
        if not self.chroma_url:
            from bot.knowledge.dense import forget_client

            forget_client(self.index_dir / "chroma")

    def open(self, progress: Progress | None = None) -> Opened:
        """Open the index, building or repairing it first when the cards changed or it is broken."""
        manifest = self.read_manifest()
        current = manifest is not None and manifest.fingerprint == fingerprint(
            self.knowledge_dir, self.embedder.name
        )
        if not current:
            self.build(progress)
        try:
            return self._load()
        except Exception as exc:
            log.warning("index unusable (%s); rebuilding it", type(exc).__name__)
            self.build(progress, force=True)
            return self._load()

    def _load(self) -> Opened:
        manifest = self.read_manifest()
        if manifest is None:
            raise ValueError("no manifest")
        ids = [c.id for c in manifest.chunks]
        lexical = LexicalIndex.load(self.lexical_dir)
        vectors = VectorSnapshot.load(self.index_dir, self.embedder)
        if lexical.chunk_ids != ids or vectors.chunk_ids != ids:
            raise ValueError("index out of step with its manifest")
        classifier = CardClassifier.load(self.index_dir)
        if sorted(classifier.card_ids) != sorted(c.id for c in manifest.cards):
            raise ValueError("card classifier out of step with its manifest")
        neighbours = None
        if isinstance(self.embedder, TokenEmbedder):
            neighbours = CardNeighbours.load(self.index_dir, self.embedder)
            if sorted(neighbours.card_ids) != sorted(classifier.card_ids):
                raise ValueError("card neighbours out of step with the manifest")
        return Opened(manifest, lexical, vectors, classifier, neighbours)


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
