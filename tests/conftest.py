"""Shared fixtures: one real index of the real knowledge base per test session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Settings
from bot.knowledge.embed import Embedder, WordLlamaEmbedder
from bot.knowledge.index import KnowledgeIndex
from bot.knowledge.retrieve import Retriever

KNOWLEDGE = PROJECT_ROOT / "knowledge"


@pytest.fixture(autouse=True)
def _no_stray_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never pick up a developer's own ANCHOR_* environment."""
    for name in list(os.environ):
        if name.startswith("ANCHOR_") and name != "ANCHOR_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return WordLlamaEmbedder()


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    path = tmp_path_factory.mktemp("index")
    KnowledgeIndex(KNOWLEDGE, path, embedder=embedder).build()
    return path


@pytest.fixture(scope="session")
def retriever(index_dir: Path, embedder: Embedder) -> Retriever:
    return Retriever.open(KnowledgeIndex(KNOWLEDGE, index_dir, embedder=embedder))


@pytest.fixture
def settings(tmp_path: Path, index_dir: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", index_dir_override=index_dir)


@pytest.fixture
def user() -> str:
    return f"test:{uuid.uuid4().hex[:8]}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    base = os.environ.get("ANCHOR_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("set ANCHOR_TEST_POSTGRES_URL to run the PostgreSQL tests")
    from bot.store.scratch import scratch_database

    with scratch_database(base, prefix="anchor_test") as url:
        yield url
