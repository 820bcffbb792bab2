"""`anchor doctor`: a deployment as issue 13's review found it fails each at-rest check, with
what to do; one set up as the README says passes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.config import Settings
from bot.doctor import diagnose
from bot.store.crypto import KEY_FILE
from bot.store.open import open_stores
from tests.helpers import key_file

SLACK = {"slack_bot_token": "xoxb-doctor", "slack_signing_secret": "shh"}


def healthy(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        encryption_key_file=key_file(tmp_path / "secrets"),
        retention_days=200,
        theme_retention_days=90,
        **SLACK,  # type: ignore[arg-type]
    )


def results(settings: Settings) -> dict[str, bool]:
    return {check.name: check.ok for check in diagnose(settings).checks}


def test_a_deployment_set_up_as_documented_passes(tmp_path: Path) -> None:
    settings = healthy(tmp_path)
    stores = open_stores(settings)
    stores.conversations.user_id("slack:U0HEALTHY")
    stores.engine.dispose()
    report = diagnose(settings)
    assert report.ok, report.lines()
    assert set(results(settings)) == {
        "key",
        "modes",
        "schema",
        "identities",
        "retention",
        "slack",
    }
    assert report.lines()[-1] == "All checks passed."


def test_the_reviewed_deployment_fails_with_what_to_do(tmp_path: Path) -> None:
    # as the review found it: the key generated beside the data, the database 0644, a
    # person's Slack id in plain text, retention left at its defaults
    local = Settings(data_dir=tmp_path / "data")
    stores = open_stores(local)
    with stores.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (external_id, created_at) VALUES ('slack:U0PLAIN', '2026-01-05')"
            )
        )
    stores.engine.dispose()
    (tmp_path / "data" / "anchor.db").chmod(0o644)
    (tmp_path / "data").chmod(0o755)

    report = diagnose(local)
    found = {check.name: check for check in report.checks}
    assert not report.ok
    assert not found["key"].ok and "ANCHOR_ENCRYPTION_KEY_FILE" in found["key"].fix
    assert not found["modes"].ok and "anchor.db is 644" in found["modes"].detail
    assert "chmod 700" in found["modes"].detail
    assert found["schema"].ok
    assert (
        not found["identities"].ok and "1 people's ids in plain text" in found["identities"].detail
    )
    assert not found["retention"].ok and not found["slack"].ok

    # the key moved out, but a copy left in the data folder still fails
    moved = tmp_path / "secrets" / "anchor.key"
    moved.parent.mkdir()
    moved.write_bytes((tmp_path / "data" / KEY_FILE).read_bytes())
    again = results(local.model_copy(update={"encryption_key_file": moved}))
    assert not again["key"]


def test_a_key_that_does_not_open_the_data_is_reported(tmp_path: Path) -> None:
    settings = healthy(tmp_path)
    stores = open_stores(settings)
    stores.conversations.user_id("slack:U0SOMEONE")
    stores.engine.dispose()
    other = settings.model_copy(update={"encryption_key_file": key_file(tmp_path / "other")})
    found = {check.name: check for check in diagnose(other).checks}
    assert not found["identities"].ok and "does not open" in found["identities"].detail


@pytest.mark.slow
def test_anchor_doctor_exits_1_on_a_failure_and_prints_json(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ANCHOR_", "SLACK_"))}
    env = {**clean, "ANCHOR_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    run = subprocess.run(
        [sys.executable, "-m", "bot", "doctor", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    report = json.loads(run.stdout)
    assert report["ok"] is False
    assert [c["name"] for c in report["checks"]][:2] == ["key", "modes"]
    assert all({"name", "ok", "detail", "fix"} <= set(c) for c in report["checks"])
    assert not (tmp_path / "data").exists()  # the doctor creates nothing
