"""The privacy budget of each calendar month in a row of its own (``privacy_budgets``), which
every release locks while it checks and spends, so two releases at once cannot overspend
(``bot.store.releases.ReleaseLedger.spend``). Filled from the ledger's releases so far.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "privacy_budgets",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("spent", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("period"),
    )
    op.execute(
        "INSERT INTO privacy_budgets (period, spent) "
        "SELECT period, SUM(epsilon) FROM privacy_releases GROUP BY period"
    )


def downgrade() -> None:
    op.drop_table("privacy_budgets")
