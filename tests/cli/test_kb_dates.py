"""`anchor kb check` and review dates, run as a real process. The process reads the real clock,
so cards are dated long ago or today, never on a fixed recent day: the outcome does not depend
on when the tests run."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.helpers import write_card

pytestmark = pytest.mark.slow  # `anchor kb check` as a process

LONG_AGO = date(2001, 1, 1)


def kb_check(knowledge: Path, tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANCHOR_")}
    env |= {
        "ANCHOR_KNOWLEDGE_DIR": str(knowledge),
        "ANCHOR_DATA_DIR": str(tmp_path / "data"),
        "COLUMNS": "200",
        **settings,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_an_old_review_warns_but_passes(tmp_path: Path) -> None:
    write_card(tmp_path, "fresh-card", reviewed=date.today())
    write_card(tmp_path, "old-card", reviewed=LONG_AGO)
    result = kb_check(tmp_path, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2 cards OK. 1 due for review." in result.stdout
    assert "warning:" in result.stderr and "old-card.md: reviewed: last checked 2001-01-01" in (
        result.stderr
    )
    assert "over 12 months ago" in result.stderr
    assert "fresh-card" not in result.stderr


def test_the_review_period_is_a_setting(tmp_path: Path) -> None:
    write_card(tmp_path, "old-card", reviewed=LONG_AGO)
    result = kb_check(tmp_path, tmp_path, ANCHOR_KB_REVIEW_MONTHS="120")
    assert result.returncode == 0, result.stderr
    assert "over 120 months ago" in result.stderr
    bad = kb_check(tmp_path, tmp_path, ANCHOR_KB_REVIEW_MONTHS="0")
    assert bad.returncode == 1
    assert "kb_review_months" in bad.stderr or "KB_REVIEW_MONTHS" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_a_card_without_a_review_date_fails(tmp_path: Path) -> None:
    write_card(tmp_path, "good-card")
    write_card(tmp_path, "undated-card", reviewed=None)
    result = kb_check(tmp_path, tmp_path)
    assert result.returncode == 1
    assert "undated-card.md: reviewed: needs the date its facts were last checked" in (
        result.stderr
    )
    assert "1 problem(s)" in result.stderr
