"""Everything the Slack handlers need, built once per process: the coach, the leader services,
the words, a bounded pool for slow synchronous work, and metrics."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

from sqlalchemy import text

from bot.coach.engine import Coach
from bot.coach.leaders import Leaders
from bot.config import Settings
from bot.content.slack import SlackTexts, load_slack_texts
from bot.programme.service import Programme, open_programme
from bot.programme.workshop_themes import EngineSummariser
from bot.roles import Roles
from bot.slack.metrics import Metrics
from bot.slack.outbox import Outbox, give_up_rule
from bot.slack.profiles import Titles
from bot.store.open import Stores, open_stores
from bot.store.outbox import OutboxStore
from bot.workshops import Workshops, open_workshops

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")


class Work:
    """A bounded thread pool for the coach's synchronous calls, and a count of the Slack
    requests being worked on after their acknowledgement, so shutdown can wait for them."""

    def __init__(self, workers: int) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="anchor-turn")
        self.in_hand = 0
        self.last_ack = 0.0

    def acked(self) -> None:
        """Note that a request was just acknowledged (its listener starts a moment later)."""
        self.last_ack = time.monotonic()

    async def run(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a blocking call on the pool without blocking the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, functools.partial(call, *args, **kwargs))

    @asynccontextmanager
    async def tracked(self) -> AsyncIterator[None]:
        self.in_hand += 1
        try:
            yield
        finally:
            self.in_hand -= 1

    async def drain(self, timeout: float, quiet: float = 0.0) -> bool:
        """Wait until no work is in hand and nothing was acknowledged for `quiet` seconds
        (True), or until `timeout` seconds pass (False)."""
        deadline = time.monotonic() + timeout

        def busy() -> bool:
            return bool(self.in_hand) or time.monotonic() - self.last_ack < quiet

        while busy() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return self.in_hand == 0

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=False)


class KeyedLocks:
    """One asyncio lock per conversation, so a replica handles a thread's messages one at a
    time, in the order they arrived (locks are dropped when nobody holds or waits for them)."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


@dataclass
class SlackServices:
    settings: Settings
    coach: Coach
    leaders: Leaders
    stores: Stores
    texts: SlackTexts
    work: Work
    roles: Roles
    workshops: Workshops
    programme: Programme
    outbox: Outbox
    metrics: Metrics
    conversations: KeyedLocks = field(default_factory=KeyedLocks)
    titles: Titles = field(default_factory=Titles)

    @classmethod
    def open(cls, settings: Settings) -> SlackServices:
        stores = open_stores(settings)
        coach = Coach.from_settings(settings, stores=stores)
        roles = Roles(settings.programme_team, settings.facilitators)
        workshops = open_workshops(
            settings.prompts_dir,
            stores.engine,
            stores.cipher,
            roles.is_facilitator,
            min_people=settings.workshop_min_people,
            summariser=functools.partial(
                EngineSummariser, coach.retriever.embedder, deny=coach.directory_names
            ),
            scrubber=coach.scrubber,
            deny=coach.directory_names,
        )
        programme = open_programme(
            settings, stores, coach.retriever, roles, deny=coach.directory_names
        )
        metrics = Metrics()
        queued = OutboxStore(
            stores.engine,
            stores.cipher,
            lease_seconds=settings.outbox_lease_seconds,
            give_up=give_up_rule(settings),
        )
        return cls(
            settings=settings,
            coach=coach,
            leaders=Leaders(stores),
            stores=stores,
            texts=load_slack_texts(settings.prompts_dir).with_retention(
                settings.retention_days,
                settings.theme_retention_days,
                settings.audit_retention_days,
                settings.outbox_retention_days,
            ),
            work=Work(settings.slack_workers),
            roles=roles,
            workshops=workshops,
            programme=programme,
            outbox=Outbox(queued, settings, metrics),
            metrics=metrics,
        )

    def readiness(self) -> dict[str, str]:
        """`ok` or the problem, for the database and the knowledge index (blocking)."""
        checks: dict[str, str] = {}
        # the outbox's backlog is reported by /readyz beside these checks, never as one of them:
        # Slack failing is not cured by sending Slack's events to another replica
        try:
            with self.stores.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            log.warning("readiness: database unavailable (%s)", type(exc).__name__)
            checks["database"] = f"unavailable ({type(exc).__name__})"
        try:
            retriever = self.coach.retriever
            found = retriever.search("trust between partners", k=1) if retriever.cards else []
            checks["index"] = "ok" if found else "empty"
        except Exception as exc:
            log.warning("readiness: index unavailable (%s)", type(exc).__name__)
            checks["index"] = f"unavailable ({type(exc).__name__})"
        return checks

    def backlog(self) -> dict[str, int]:
        """Messages owed and not yet delivered, and messages given up (blocking)."""
        found = self.outbox.store.backlog()
        return {"pending": found.pending, "given_up": found.failed}

    def close(self) -> None:
        self.work.close()
        self.stores.engine.dispose()
