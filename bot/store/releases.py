"""The privacy ledger: programme reports released with differential privacy.

One row per release: its key (a digest of what was asked and of whom it would describe), the
calendar month it was released in, the epsilon it spent, the cohort's name and weeks, and the
released report (encrypted: counts and key words only). Nothing here names or identifies a
leader. An identical request replays its row and spends
nothing. Refusals are never written here, so no number of refused requests can crowd a release
out (the audit log is a separate record).

Each month's spending is also kept in one row of ``privacy_budgets``, and a release is written
by ``spend``: in one transaction, a conditional UPDATE adds its epsilon to the month's row only
if the budget still holds it, then the release row is inserted. The UPDATE locks the month's row
(a row lock on PostgreSQL, the database's write lock on SQLite) until the commit, so two
releases asked for at the same moment are decided one after the other: never both when the
budget holds one. The month's row outlives ledger rows pruned by retention.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Engine, Float, LargeBinary, String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from bot.store.crypto import Cipher
from bot.store.tables import Base, insert_once, utcnow


class ReleaseRow(Base):
    """One programme report released with differential privacy: the budget it spent in its
    period, and the released figures (encrypted), replayed for an identical request."""

    __tablename__ = "privacy_releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    cohort: Mapped[str] = mapped_column(String(64), default="")
    window_start: Mapped[datetime] = mapped_column()
    window_end: Mapped[datetime] = mapped_column()
    epsilon: Mapped[float] = mapped_column(Float)
    released_at: Mapped[datetime] = mapped_column(default=utcnow)
    payload_enc: Mapped[bytes] = mapped_column(LargeBinary)


class BudgetRow(Base):
    """The epsilon spent by the releases of one calendar month: the row every release of that
    month locks while it checks and spends, so two at once cannot overspend."""

    __tablename__ = "privacy_budgets"

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    spent: Mapped[float] = mapped_column(Float, default=0.0)


SLACK = 1e-9  # float rounding when comparing spending with the budget


class Spend(BaseModel):
    """What `ReleaseLedger.spend` did: `released` (written, `spent` includes it), `replayed`
    (another process wrote this key first; nothing spent) or `over` (the month's budget could
    not hold it; nothing written or spent)."""

    outcome: Literal["released", "replayed", "over"]
    spent: float


class Release(BaseModel):
    key: str
    period: str
    cohort: str  # "" for the whole programme
    window_start: datetime
    window_end: datetime
    epsilon: float
    released_at: datetime
    report: dict[str, Any]


def period_of(moment: datetime) -> str:
    """The budget period holding `moment`: its UTC calendar month, e.g. "2026-12"."""
    return f"{moment.astimezone(UTC):%Y-%m}"


class ReleaseLedger:
    def __init__(self, engine: Engine, cipher: Cipher) -> None:
        self.cipher = cipher
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    def find(self, key: str) -> Release | None:
        with self.sessions() as session:
            row = session.scalars(select(ReleaseRow).where(ReleaseRow.key == key)).first()
            return None if row is None else self._release(row)

    def spent(self, period: str) -> float:
        """Epsilon spent by the releases of one period."""
        with self.sessions() as session:
            kept = session.get(BudgetRow, period)
        return 0.0 if kept is None else float(kept.spent)

    def spend(
        self,
        key: str,
        at: datetime,
        cohort: str | None,
        window: tuple[datetime, datetime],
        epsilon: float,
        budget: float,
        report: Callable[[float], dict[str, Any]],
        vet: Callable[[], None] | None = None,
    ) -> Spend:
        """Check the budget and spend it in one transaction: add `epsilon` to the month of `at`
        only if the month's spending stays within `budget`, then write the release, whose
        figures `report(spent)` gives (`spent`: the month's spending with this release). `vet`
        runs once the month is locked and may raise to refuse (nothing is then spent); the
        other releases of the month wait until this one is written or refused."""
        period = period_of(at)
        self._budget_row(period)
        with self.sessions() as session:
            try:
                claimed = session.execute(
                    update(BudgetRow)
                    .where(
                        BudgetRow.period == period,
                        BudgetRow.spent + epsilon <= budget + SLACK,
                    )
                    .values(spent=BudgetRow.spent + epsilon)
                )
                if int(getattr(claimed, "rowcount", 0) or 0) != 1:
                    session.rollback()
                    return Spend(outcome="over", spent=self.spent(period))
                spent = float(
                    session.scalar(select(BudgetRow.spent).where(BudgetRow.period == period)) or 0.0
                )
                if vet is not None:
                    vet()
                payload = json.dumps(report(spent), sort_keys=True, default=str)
                session.add(
                    ReleaseRow(
                        key=key,
                        period=period,
                        cohort=cohort or "",
                        window_start=window[0],
                        window_end=window[1],
                        epsilon=epsilon,
                        released_at=at,
                        payload_enc=self.cipher.encrypt(payload),
                    )
                )
                session.commit()
            except IntegrityError:  # this key was written first by another process
                session.rollback()
                return Spend(outcome="replayed", spent=self.spent(period))
        return Spend(outcome="released", spent=spent)

    def _budget_row(self, period: str) -> None:
        """Make sure the month has its row (a race to make it has one winner)."""
        with self.sessions() as session:
            if session.get(BudgetRow, period) is None:
                insert_once(session, BudgetRow(period=period, spent=0.0))

    def releases(self) -> list[Release]:
        """Every release, oldest first (all of them: nothing is ever pushed out)."""
        with self.sessions() as session:
            rows = session.scalars(select(ReleaseRow).order_by(ReleaseRow.id)).all()
            return [self._release(row) for row in rows]

    def _release(self, row: ReleaseRow) -> Release:
        return Release(
            key=row.key,
            period=row.period,
            cohort=row.cohort,
            window_start=_utc(row.window_start),
            window_end=_utc(row.window_end),
            epsilon=row.epsilon,
            released_at=_utc(row.released_at),
            report=json.loads(self.cipher.decrypt(row.payload_enc)),
        )


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
