"""A coach on a scratch data folder for an eval: offline composer, the real knowledge index,
nothing written to the user's own data."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.coach.engine import Coach
from bot.config import Settings


@contextmanager
def scratch_coach(settings: Settings, name: str) -> Iterator[Coach]:
    with tempfile.TemporaryDirectory(prefix=f"anchor-{name}-") as scratch:
        local = settings.model_copy(
            update={
                "data_dir": Path(scratch),
                "database_url": None,
                "llm": "offline",
                "index_dir_override": settings.index_dir.resolve(),
            }
        )
        yield Coach.from_settings(local)
