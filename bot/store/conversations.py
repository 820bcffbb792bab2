"""The conversation store: users, conversations and turns, with text encrypted at rest."""

from __future__ import annotations

import json
import os
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Engine, create_engine, event, make_url, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.store.crypto import Cipher, private_folder
from bot.store.locks import NamedLocks
from bot.store.schema import ensure_schema
from bot.store.tables import ConversationRow, TurnRow, UserRow
from bot.store.together import Exchange, write_with_turn

Role = Literal["user", "coach"]


class Turn(BaseModel):
    role: Role
    text: str
    card_ids: list[str]
    safety_level: str
    created_at: datetime


class Conversation(BaseModel):
    id: int
    user_id: int
    key: str
    state: dict[str, Any]


def private_database_file(path: Path) -> None:
    """Create a new SQLite file readable by this user only (0600; SQLite gives its -wal and
    -shm files the same mode), in a folder made 0700 if it is new. An existing file is left
    as it is (`anchor doctor` reports a wider one)."""
    private_folder(path.parent)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.fchmod(descriptor, 0o600)  # whatever the umask
    os.close(descriptor)


def make_engine(url: str, max_connections: int = 20) -> Engine:
    """An engine for `url`; SQLite gets foreign keys and a busy timeout for concurrent writers.

    A server database gets a pool of up to `max_connections`: a turn holds one for its
    conversation lock and borrows another for its queries, so allow two per worker thread."""
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            private_database_file(Path(database))
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # with WAL, NORMAL is safe against application crashes and fsyncs at checkpoints
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    pool_size = min(10, max_connections)
    return create_engine(
        url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_connections - pool_size
    )


class ConversationStore:
    """Persists conversations. All text passes through the cipher on its way in and out."""

    def __init__(self, engine: Engine, cipher: Cipher) -> None:
        self.engine = engine
        self.cipher = cipher
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.locks = NamedLocks(engine)
        ensure_schema(engine)

    def exclusive(self, external_id: str, key: str) -> AbstractContextManager[None]:
        """Hold while handling one message of a conversation, so that two messages in it are
        handled in turn, whichever process or replica receives them."""
        return self.locks.hold(f"conversation:{external_id}:{key}")

    def user_id(self, external_id: str) -> int:
        """The id of the user with this external id, created on first contact."""
        with self.sessions() as session:
            return self._user_id(session, external_id)

    def _user_id(self, session: Session, external_id: str) -> int:
        key = self.cipher.user_key(external_id)
        found = session.scalar(select(UserRow.id).where(UserRow.external_id == key))
        if found is not None:
            return found
        row = UserRow(external_id=key)
        session.add(row)
        try:
            session.commit()
        except IntegrityError:  # another process created it first
            session.rollback()
            again = session.scalar(select(UserRow.id).where(UserRow.external_id == key))
            assert again is not None
            return again
        return row.id

    def open_conversation(self, external_id: str, key: str) -> Conversation:
        """The person's current conversation in `key` (both created on first contact)."""
        with self.sessions() as session:
            return self._current(session, self._user_id(session, external_id), key)

    def _to_model(self, row: ConversationRow) -> Conversation:
        state = json.loads(self.cipher.decrypt(row.state_enc)) if row.state_enc else {}
        return Conversation(id=row.id, user_id=row.user_id, key=row.key, state=state)

    def current(self, user_id: int, key: str) -> Conversation:
        """The latest conversation for (user, key), started if there is none."""
        with self.sessions() as session:
            return self._current(session, user_id, key)

    def _current(self, session: Session, user_id: int, key: str) -> Conversation:
        row = session.scalar(
            select(ConversationRow)
            .where(ConversationRow.user_id == user_id, ConversationRow.key == key)
            .order_by(ConversationRow.id.desc())
            .limit(1)
        )
        if row is None:
            row = self._new(session, user_id, key)
        return self._to_model(row)

    def start_new(self, user_id: int, key: str) -> Conversation:
        with self.sessions() as session:
            return self._to_model(self._new(session, user_id, key))

    @staticmethod
    def _new(session: Session, user_id: int, key: str) -> ConversationRow:
        row = ConversationRow(user_id=user_id, key=key)
        session.add(row)
        session.commit()
        return row

    def record_exchange(
        self,
        conversation_id: int,
        message: str,
        reply: str,
        *,
        card_ids: list[str],
        safety_level: str,
        state: dict[str, Any],
    ) -> None:
        """Store the person's message, the reply and the new state in one transaction, with
        any writes registered for this turn (`bot.store.together.with_turn`)."""
        with self.sessions() as session:
            row = session.get(ConversationRow, conversation_id)
            if row is None:
                raise KeyError(conversation_id)
            session.add_all(
                [
                    TurnRow(
                        conversation_id=conversation_id,
                        role="user",
                        text_enc=self.cipher.encrypt(message),
                        safety_level=safety_level,
                    ),
                    TurnRow(
                        conversation_id=conversation_id,
                        role="coach",
                        text_enc=self.cipher.encrypt(reply),
                        card_ids=",".join(card_ids),
                    ),
                ]
            )
            row.state_enc = self.cipher.encrypt(json.dumps(state, sort_keys=True))
            # what the caller owes because of this turn (bot.store.together), in this transaction
            write_with_turn(session, Exchange(conversation_id, reply))
            session.commit()

    def save_state(self, conversation_id: int, state: dict[str, Any]) -> None:
        with self.sessions() as session:
            row = session.get(ConversationRow, conversation_id)
            if row is None:
                raise KeyError(conversation_id)
            row.state_enc = self.cipher.encrypt(json.dumps(state, sort_keys=True))
            session.commit()

    def add_turn(
        self,
        conversation_id: int,
        role: Role,
        text: str,
        *,
        card_ids: list[str] | None = None,
        safety_level: str = "none",
    ) -> None:
        with self.sessions() as session:
            session.add(
                TurnRow(
                    conversation_id=conversation_id,
                    role=role,
                    text_enc=self.cipher.encrypt(text),
                    card_ids=",".join(card_ids or []),
                    safety_level=safety_level,
                )
            )
            session.commit()

    def turns(self, conversation_id: int, limit: int = 20) -> list[Turn]:
        """The last `limit` turns, oldest first."""
        with self.sessions() as session:
            rows = session.scalars(
                select(TurnRow)
                .where(TurnRow.conversation_id == conversation_id)
                .order_by(TurnRow.id.desc())
                .limit(limit)
            ).all()
        return [
            Turn(
                role=row.role,  # type: ignore[arg-type]
                text=self.cipher.decrypt(row.text_enc),
                card_ids=[c for c in row.card_ids.split(",") if c],
                safety_level=row.safety_level,
                created_at=row.created_at,
            )
            for row in reversed(rows)
        ]
