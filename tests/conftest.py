"""Shared fixtures: one real index of the real knowledge base per test session.

Clocks: a test that writes or reads dated records freezes the clock with time-machine's
`time_machine` fixture (`time_machine.move_to(NOW, tick=False)`), so the records it writes and
the window it reads agree whatever today is. `pytest --clock-offset 400` runs the whole suite
with the wall clock moved 400 days ahead, to show that no test depends on today's date.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from bot.config import PROJECT_ROOT, Settings
from bot.knowledge.embed import Embedder, WordLlamaEmbedder
from bot.knowledge.index import KnowledgeIndex
from bot.knowledge.retrieve import Retriever

KNOWLEDGE = PROJECT_ROOT / "knowledge"

_CLOCK = pytest.StashKey[time_machine.travel]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-offset",
        type=int,
        default=0,
        metavar="DAYS",
        help="run every test with the wall clock moved DAYS days ahead (time-machine)",
    )


def pytest_configure(config: pytest.Config) -> None:
    days = int(config.getoption("--clock-offset"))
    if days:
        traveller = time_machine.travel(datetime.now(UTC) + timedelta(days=days), tick=True)
        traveller.start()
        config.stash[_CLOCK] = traveller
        # and in every process a test starts (see tests/clock_shift/sitecustomize.py)
        os.environ["TEST_CLOCK_OFFSET_DAYS"] = str(days)
        shift = str(Path(__file__).parent / "clock_shift")
        os.environ["PYTHONPATH"] = os.pathsep.join(
            p for p in (shift, os.environ.get("PYTHONPATH", "")) if p
        )


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_CLOCK, None)
    if traveller is not None:
        traveller.stop()


# Fixtures that bring a service with them, and the marker a test that uses one gets.
SERVICE_FIXTURES = {
    "pg_url": pytest.mark.postgres,
    "fake_slack": pytest.mark.server,  # the loopback Slack Web API (and often the app over HTTP)
    "server": pytest.mark.server,  # the loopback OpenAI-compatible server
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the services its fixtures start, so `-m "not server"` and
    `make test-fast` leave them out (tests that start a process mark their module)."""
    for item in items:
        for name in getattr(item, "fixturenames", ()):
            if name in SERVICE_FIXTURES:
                item.add_marker(SERVICE_FIXTURES[name])


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
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    assert request.node.get_closest_marker("postgres"), (
        "a test that uses PostgreSQL must carry the postgres marker (see tests.helpers.BACKENDS)"
    )
    base = os.environ.get("ANCHOR_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("set ANCHOR_TEST_POSTGRES_URL to run the PostgreSQL tests")
    from bot.store.scratch import scratch_database

    with scratch_database(base, prefix="anchor_test") as url:
        yield url
