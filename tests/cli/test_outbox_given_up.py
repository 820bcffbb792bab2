"""A message given up stays for a retry, in `anchor outbox list` and the backlog /readyz
reports, for ANCHOR_OUTBOX_RETENTION_DAYS after it was queued (the weekly prune of delivered
rows leaves it alone); then `anchor maintenance purge` erases it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from time_machine import TimeMachineFixture
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.config import Settings
from bot.store.open import open_stores
from bot.store.outbox import FAILED, OutboxStore

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def test_a_given_up_reply_is_listed_for_the_retention_period_then_erased(
    tmp_path: Path,
    index_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    time_machine: TimeMachineFixture,
) -> None:
    monkeypatch.setenv("ANCHOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ANCHOR_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("ANCHOR_OUTBOX_RETENTION_DAYS", "7")
    time_machine.move_to(T0, tick=False)
    stores = open_stores(Settings())
    outbox = OutboxStore(stores.engine, stores.cipher)
    outbox.add("chat.postMessage", {"text": "owed"}, stream="D0OWED", owner="slack:U0OWED01")
    [row] = outbox.claim("w")
    assert outbox.failed(row, "not_in_channel", retry_in=None) == FAILED
    runner = CliRunner()

    time_machine.move_to(T0 + timedelta(days=6, hours=23), tick=False)
    assert outbox.prune() == 0  # the housekeeping of delivered rows leaves it
    purged = runner.invoke(cli, ["maintenance", "purge"])
    assert purged.exit_code == 0, purged.output
    listed = runner.invoke(cli, ["outbox", "list"])
    assert "0 waiting, 1 given up" in listed.output and "not_in_channel" in listed.output
    assert outbox.backlog().failed == 1  # what /readyz and /metrics report

    time_machine.move_to(T0 + timedelta(days=7, minutes=1), tick=False)
    purged = runner.invoke(cli, ["maintenance", "purge"])
    assert purged.exit_code == 0, purged.output
    listed = runner.invoke(cli, ["outbox", "list"])
    assert "0 waiting, 0 given up" in listed.output
    assert outbox.entries() == []
