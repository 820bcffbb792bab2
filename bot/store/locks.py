"""Locks that hold across processes and replicas, so that two messages in one conversation are
handled one after the other even when two app instances receive them at the same moment.

PostgreSQL: a session advisory lock on a 64-bit hash of the name, held on its own connection
for the duration (several replicas share the database, so they share the lock).
SQLite: an exclusive ``flock`` on one of a fixed set of lock files beside the database (every
process that can open the database file can open these too). A lock always ends with the
``with`` block, including on error; a crashed process releases it with its connection or file.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, func, select

STRIPES = 64


def lock_number(name: str) -> int:
    """A stable signed 64-bit number for `name` (PostgreSQL's advisory lock key)."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class NamedLocks:
    """``with locks.hold("conversation:..."):`` runs the block alone across every process."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._postgres = engine.dialect.name == "postgresql"
        database = None if self._postgres else _database_file(engine)
        # SQLite in memory is one process: a thread lock per stripe is enough
        self._memory = not self._postgres and database is None
        self.lock_dir = Path(database).parent / "locks" if database else Path()
        self._threads = [threading.Lock() for _ in range(STRIPES)]

    @contextmanager
    def hold(self, name: str) -> Iterator[None]:
        if self._postgres:
            with self._advisory(name):
                yield
            return
        stripe = lock_number(name) % STRIPES
        with self._threads[stripe]:
            if self._memory:
                yield
                return
            with self._file_lock(stripe):
                yield

    @contextmanager
    def _advisory(self, name: str) -> Iterator[None]:
        key = lock_number(name)
        with self.engine.connect() as connection:
            connection.execute(select(func.pg_advisory_lock(key)))
            try:
                yield
            finally:
                connection.execute(select(func.pg_advisory_unlock(key)))
                connection.commit()

    @contextmanager
    def _file_lock(self, stripe: int) -> Iterator[None]:
        self.lock_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.lock_dir / f"{stripe:02d}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing releases the lock


def _database_file(engine: Engine) -> str | None:
    database = engine.url.database
    return database if database and database != ":memory:" else None
