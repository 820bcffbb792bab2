"""Store tests run on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.store.open import Stores, open_stores
from tests.helpers import BACKENDS


@pytest.fixture(params=BACKENDS)
def cfg(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    if request.param == "sqlite":
        return settings
    return settings.model_copy(update={"database_url": request.getfixturevalue("pg_url")})


@pytest.fixture
def stores(cfg: Settings) -> Stores:
    return open_stores(cfg)
