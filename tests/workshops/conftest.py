"""Fixtures for workshop runs: a database (SQLite file or PostgreSQL), a key, and a factory for
services that share them, as several replicas would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine

from bot.config import PROJECT_ROOT
from bot.content.workshops import WorkshopPlan, load_workshop_plans
from bot.store.conversations import make_engine
from bot.store.crypto import Cipher
from bot.store.workshop_runs import WorkshopStore
from bot.workshops import Workshops
from tests.helpers import BACKENDS

PLANS: dict[str, WorkshopPlan] = load_workshop_plans(PROJECT_ROOT / "prompts")
FACILITATOR = "slack:UFACIL01"
CO_FACILITATOR = "slack:UFACIL02"
FACILITATORS = frozenset({FACILITATOR, CO_FACILITATOR})
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning

Factory = Callable[[], Workshops]


def is_facilitator(actor: str) -> bool:
    return actor in FACILITATORS


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'anchor.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def key() -> bytes:
    return Fernet.generate_key()


@pytest.fixture
def replicas(db_url: str, key: bytes) -> Iterator[Factory]:
    """Each call: a new engine, store and service on the same database (a replica, or the
    same process after a restart)."""
    engines: list[Engine] = []

    def make() -> Workshops:
        engine = make_engine(db_url)
        engines.append(engine)
        store = WorkshopStore(engine, Cipher(key))
        return Workshops(store, PLANS, is_facilitator=is_facilitator)

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture
def service(replicas: Factory) -> Workshops:
    return replicas()
