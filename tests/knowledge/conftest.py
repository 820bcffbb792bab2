"""Fixtures for the knowledge tests: a small knowledge folder of two cards."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import write_card


@pytest.fixture
def small_kb(tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    kb.mkdir()
    write_card(kb, "trust-card", title="Building trust between partners")
    write_card(kb, "conflict-card", title="Surfacing conflict early", tags=["conflict"])
    return kb
