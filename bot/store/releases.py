"""The privacy ledger: programme reports released with differential privacy.

One row per release: its key (a digest of what was asked and of whom it would describe), the
calendar month it was released in, the epsilon it spent, the cohort's name and weeks, and the
released report (encrypted: counts and key words only). Nothing here names or identifies a
leader. An identical request replays its row and spends
nothing; the month's spending is the sum of its rows. Refusals are never written here, so no
number of refused requests can crowd a release out (the audit log is a separate record).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, Float, LargeBinary, String, func, select
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
            total = session.scalar(
                select(func.sum(ReleaseRow.epsilon)).where(ReleaseRow.period == period)
            )
        return float(total or 0.0)

    def releases(self) -> list[Release]:
        """Every release, oldest first (all of them: nothing is ever pushed out)."""
        with self.sessions() as session:
            rows = session.scalars(select(ReleaseRow).order_by(ReleaseRow.id)).all()
            return [self._release(row) for row in rows]

    def record(
        self,
        key: str,
        at: datetime,
        cohort: str | None,
        window: tuple[datetime, datetime],
        epsilon: float,
        report: dict[str, Any],
    ) -> bool:
        """Write a release; False if one with this key was written first (by another process)."""
        payload = json.dumps(report, sort_keys=True, default=str)
        row = ReleaseRow(
            key=key,
            period=period_of(at),
            cohort=cohort or "",
            window_start=window[0],
            window_end=window[1],
            epsilon=epsilon,
            released_at=at,
            payload_enc=self.cipher.encrypt(payload),
        )
        with self.sessions() as session:
            return insert_once(session, row)

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
