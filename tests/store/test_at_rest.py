"""Issue 13, attack 7, at rest: the key kept apart from the data for `anchor serve`, files made
readable by their owner only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.config import Settings
from bot.store.crypto import KEY_FILE, CryptoError, KeyNotProvided, load_key
from bot.store.open import open_stores
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
