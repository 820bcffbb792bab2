"""Writes that must commit with a conversation's turn, or not at all.

The coach stores each exchange (`ConversationStore.record_exchange`) in one transaction. A caller
that owes something because of that turn (the Slack layer: the reply in the outbox) registers a
`TurnWrite` around the coach's call with `with_turn`; the store runs it inside the exchange's own
transaction, just before the commit, so the turn and what it owes are written together: a crash
or an exception before the commit leaves neither. Registrations are per thread of execution (a
context variable), so turns on other worker threads never see them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Exchange:
    """The turn being stored: its conversation and the reply's text."""

    conversation_id: int
    reply: str


TurnWrite = Callable[[Session, Exchange], None]

_writes: ContextVar[tuple[TurnWrite, ...]] = ContextVar("anchor_turn_writes", default=())


@contextmanager
def with_turn(write: TurnWrite) -> Iterator[None]:
    """While inside, every exchange stored on this thread also runs `write` in its
    transaction."""
    token = _writes.set((*_writes.get(), write))
    try:
        yield
    finally:
        _writes.reset(token)


def write_with_turn(session: Session, exchange: Exchange) -> None:
    """Run the registered writes in the exchange's session (called by the store)."""
    for write in _writes.get():
        write(session, exchange)
