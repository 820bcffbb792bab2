"""The privacy ledger: each programme report released with differential privacy, the budget it
spent in its period, and its figures (encrypted) for replaying an identical request
(``bot.store.releases``, used by ``bot.programme.service``).

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "privacy_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("cohort", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("window_end", sa.DateTime(), nullable=False),
        sa.Column("epsilon", sa.Float(), nullable=False),
        sa.Column("released_at", sa.DateTime(), nullable=False),
        sa.Column("payload_enc", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("privacy_releases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_privacy_releases_period"), ["period"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("privacy_releases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_releases_period"))

    op.drop_table("privacy_releases")
