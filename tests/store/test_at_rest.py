"""Issue 13, attack 7, at rest: the key kept apart from the data for `anchor serve`, files made
readable by their owner only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.config import Settings
from bot.store.conversations import make_engine
from bot.store.crypto import KEY_FILE, CryptoError, KeyNotProvided, load_key
from bot.store.identity import plain_user_ids, pseudonymise_users
from bot.store.open import Stores, open_stores
from bot.store.schema import ensure_schema
from tests.helpers import key_file


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def serve(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--http"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ANCHOR_", "SLACK_"))}
    return {
        **clean,
        "ANCHOR_DATA_DIR": str(tmp_path / "data"),
        "SLACK_BOT_TOKEN": "xoxb-not-used",  # the key is checked before Slack is called
        "COLUMNS": "200",
    }


@pytest.mark.slow
def test_serve_refuses_to_start_without_a_key_kept_apart_from_the_data(
    env: dict[str, str], tmp_path: Path
) -> None:
    refused = serve(env)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    said = " ".join(refused.stderr.split())
    assert "will not serve without an encryption key kept apart from its data" in said
    assert "ANCHOR_ENCRYPTION_KEY_FILE" in said and "/run/secrets/anchor-key" in said
    assert not (tmp_path / "data" / KEY_FILE).exists()  # and no key was made beside the data

    inside = key_file(tmp_path / "data")  # a key file in the data folder is no better
    beside = serve({**env, "ANCHOR_ENCRYPTION_KEY_FILE": str(inside)})
    assert beside.returncode == 1 and "is inside the data folder" in " ".join(beside.stderr.split())


def test_a_key_from_the_environment_or_a_file_elsewhere_is_used(tmp_path: Path) -> None:
    data = tmp_path / "data"
    secret = key_file(tmp_path / "run" / "secrets")
    assert load_key(None, secret, data, local=False) == secret.read_bytes()
    key = Fernet.generate_key()
    assert load_key(key.decode(), secret, data, local=False) == key  # the environment first
    with pytest.raises(KeyNotProvided):
        load_key(None, None, data, local=False)
    with pytest.raises(CryptoError, match="cannot be read"):
        load_key(None, tmp_path / "missing.key", data, local=False)
    assert not data.exists()
    # the terminal, for one person, may still keep a key of its own in the data folder
    local = load_key(None, None, data)
    assert (data / KEY_FILE).read_bytes() == local and mode(data / KEY_FILE) == 0o600


def test_a_new_data_folder_and_database_are_private(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # a typical umask: new files 0644, folders 0755
    try:
        settings = Settings(
            data_dir=tmp_path / "data", encryption_key_file=key_file(tmp_path / "k")
        )
        stores = open_stores(settings)
        stores.conversations.user_id("slack:U0MODES")
        stores.engine.dispose()
    finally:
        os.umask(previous)
    assert mode(tmp_path / "data") == 0o700
    database = tmp_path / "data" / "anchor.db"
    assert mode(database) == 0o600
    for extra in ("anchor.db-wal", "anchor.db-shm"):
        if (tmp_path / "data" / extra).exists():
            assert mode(tmp_path / "data" / extra) == 0o600


# ---- nothing identifying in plain text beside a safety level --------------------------------

LEADER = "slack:U0CRISIS7"


def served_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", encryption_key_file=key_file(tmp_path / "run"))


def crisis_turn(stores: Stores, user: str) -> None:
    user_id = stores.conversations.user_id(user)
    conversation = stores.conversations.current(user_id, "dm")
    stores.conversations.add_turn(conversation.id, "user", "I can't go on", safety_level="crisis")
    stores.consent.set(user_id, "coaching")


def test_the_database_file_does_not_name_who_had_a_crisis(tmp_path: Path) -> None:
    settings = served_settings(tmp_path)
    stores = open_stores(settings)
    crisis_turn(stores, LEADER)
    stores.goals.add(
        stores.conversations.user_id(LEADER), "Call Sam", due=date(2026, 3, 1), source=""
    )
    with stores.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT users.external_id, turns.safety_level FROM users "
                "JOIN conversations ON conversations.user_id = users.id "
                "JOIN turns ON turns.conversation_id = conversations.id"
            )
        ).all()
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert [level for _, level in rows] == ["crisis"]
    assert all("U0CRISIS7" not in stored for stored, _ in rows)
    assert b"U0CRISIS7" not in (tmp_path / "data" / "anchor.db").read_bytes()
    assert not (tmp_path / "data" / KEY_FILE).exists()  # the data folder alone opens nothing

    # every feature still finds the person: follow-ups, their export, forget-me
    assert [user for user, _ in stores.goals.due_for_followup(date(2026, 3, 2))] == [LEADER]
    exported = stores.rights.export_user_data(LEADER)
    assert exported["user"]["id"] == LEADER
    assert exported["conversations"][0]["turns"][0]["safety_level"] == "crisis"
    assert stores.rights.forget_user(LEADER)["user"] == 1
    assert stores.rights.export_user_data(LEADER)["user"] is None
    stores.engine.dispose()


def test_plain_ids_written_before_are_encrypted_when_the_stores_open(tmp_path: Path) -> None:
    settings = served_settings(tmp_path)
    engine = make_engine(settings.resolved_database_url)
    ensure_schema(engine)
    with engine.begin() as connection:  # as an older release stored them
        connection.execute(
            text("INSERT INTO users (external_id, created_at) VALUES (:id, :at)"),
            {"id": LEADER, "at": datetime(2026, 1, 5, tzinfo=UTC)},
        )
    assert plain_user_ids(engine) == 1
    engine.dispose()

    stores = open_stores(settings)
    assert plain_user_ids(stores.engine) == 0
    assert stores.conversations.user_id(LEADER) == 1  # the same person, found again
    assert pseudonymise_users(stores.engine, stores.cipher) == 0  # done once
    stores.engine.dispose()
