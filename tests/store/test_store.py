"""The conversation store, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.store.conversations import ConversationStore, make_engine
from bot.store.crypto import Cipher, CryptoError, load_or_create_key
from tests.helpers import BACKENDS

SECRET = "my NHS number is 943 476 5919 and I am worried about the merger"


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'anchor.db'}"
    return str(request.getfixturevalue("pg_url"))


def make_store(url: str, key: bytes) -> ConversationStore:
    return ConversationStore(make_engine(url), Cipher(key))


def test_turns_round_trip_in_order(db_url: str) -> None:
    store = make_store(db_url, Fernet.generate_key())
    uid = store.user_id("cli:amina")
    conv = store.current(uid, "cli:chat")
    store.add_turn(conv.id, "user", "first", safety_level="none")
    store.add_turn(conv.id, "coach", "second", card_ids=["surfacing-conflict"])
    turns = store.turns(conv.id)
    assert [(t.role, t.text) for t in turns] == [("user", "first"), ("coach", "second")]
    assert turns[1].card_ids == ["surfacing-conflict"]


def test_text_is_encrypted_at_rest(db_url: str) -> None:
    store = make_store(db_url, Fernet.generate_key())
    conv = store.current(store.user_id("cli:amina"), "cli:chat")
    store.add_turn(conv.id, "user", SECRET)
    store.save_state(conv.id, {"topic": SECRET})
    with store.engine.connect() as conn:
        raw = [bytes(r[0]) for r in conn.execute(text("select text_enc from turns"))]
        raw += [bytes(r[0]) for r in conn.execute(text("select state_enc from conversations"))]
    assert raw and all(b"943 476" not in blob and b"merger" not in blob for blob in raw)


def test_state_and_conversation_survive_a_new_process(db_url: str) -> None:
    key = Fernet.generate_key()
    first = make_store(db_url, key)
    uid = first.user_id("slack:U1")
    conv = first.current(uid, "dm")
    first.save_state(conv.id, {"topic": "bed plan", "turns": 3})
    first.engine.dispose()
    second = make_store(db_url, key)
    again = second.current(second.user_id("slack:U1"), "dm")
    assert again.id == conv.id and again.state == {"topic": "bed plan", "turns": 3}


def test_a_new_conversation_replaces_the_current_one(db_url: str) -> None:
    store = make_store(db_url, Fernet.generate_key())
    uid = store.user_id("cli:amina")
    old = store.current(uid, "cli:chat")
    new = store.start_new(uid, "cli:chat")
    assert new.id != old.id and store.current(uid, "cli:chat").id == new.id


def test_users_are_created_once(db_url: str) -> None:
    store = make_store(db_url, Fernet.generate_key())
    assert store.user_id("slack:U1") == store.user_id("slack:U1") != store.user_id("slack:U2")


def test_the_wrong_key_cannot_read_the_text(db_url: str) -> None:
    store = make_store(db_url, Fernet.generate_key())
    conv = store.current(store.user_id("cli:a"), "c")
    store.add_turn(conv.id, "user", SECRET)
    thief = make_store(db_url, Fernet.generate_key())
    with pytest.raises(CryptoError):
        thief.turns(conv.id)


def test_a_generated_key_is_private_and_stable(tmp_path: Path) -> None:
    first = load_or_create_key(None, tmp_path)
    mode = stat.S_IMODE(os.stat(tmp_path / "encryption.key").st_mode)
    assert mode == 0o600
    assert load_or_create_key(None, tmp_path) == first


def test_a_configured_key_wins_and_a_bad_one_is_explained(tmp_path: Path) -> None:
    key = Fernet.generate_key().decode()
    assert load_or_create_key(key, tmp_path) == key.encode()
    assert not (tmp_path / "encryption.key").exists()
    with pytest.raises(CryptoError, match="not a valid Fernet key"):
        load_or_create_key("too-short", tmp_path)
