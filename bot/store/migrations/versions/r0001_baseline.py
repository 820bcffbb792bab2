"""Baseline: the schema the stores made with ``Base.metadata.create_all`` before migrations.

Generated with ``alembic revision --autogenerate`` against an empty database from the tables
as committed before this revision (``bot/store/tables.py`` and the workshop tables in
``bot/store/workshop_runs.py``), then reviewed and written as plain tables so that a database
made by ``create_all`` can be checked against it. Never edit it: change the schema in a new
revision.

A database made by ``create_all`` holds some or all of these tables already (a process made
only the tables it had imported), so each table is created only if it is missing; such a
database is checked against this schema before it is adopted (``bot.store.schema``).

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def baseline_metadata() -> sa.MetaData:
    """The baseline's tables, indexes and constraints."""
    metadata = sa.MetaData()
    sa.Table(
        "audit_log",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("detail", sa.String(length=4000), nullable=False),
        sa.Column("outcome", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.Index("ix_audit_log_actor", "actor"),
        sa.Index("ix_audit_log_at", "at"),
    )
    sa.Table(
        "claims",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
        sa.Index("ix_claims_at", "at"),
        sa.Index("ix_claims_owner", "owner"),
    )
    sa.Table(
        "rate_windows",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("window", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner", "window", name="uq_rate_owner_window"),
        sa.Index("ix_rate_windows_owner", "owner"),
    )
    sa.Table(
        "users",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("external_id"),
    )
    sa.Table(
        "workshop_runs",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(length=120), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("active_channel", sa.String(length=200), nullable=True),
        sa.Column("facilitator", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("secret_enc", sa.LargeBinary(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_seconds", sa.Integer(), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("active_channel"),
        sa.Index("ix_workshop_runs_channel", "channel"),
    )
    sa.Table(
        "consents",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=20), nullable=True),
        sa.Column("notified_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
    )
    sa.Table(
        "conversations",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("state_enc", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.Index("ix_conversations_user_key", "user_id", "key"),
    )
    sa.Table(
        "feedback",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("card_ids", sa.String(length=2000), nullable=False),
        sa.Column("reply_ref", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.Index("ix_feedback_user_id", "user_id"),
    )
    sa.Table(
        "flow_events",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=120), nullable=False),
        sa.Column("event", sa.String(length=10), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.Index("ix_flow_events_at", "at"),
        sa.Index("ix_flow_events_user_id", "user_id"),
    )
    sa.Table(
        "goals",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("text_enc", sa.LargeBinary(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("followed_up_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.Index("ix_goals_user_id", "user_id"),
    )
    sa.Table(
        "theme_notes",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("text_enc", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.Index("ix_theme_notes_created_at", "created_at"),
        sa.Index("ix_theme_notes_user_id", "user_id"),
    )
    sa.Table(
        "workshop_answers",
        metadata,
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.String(length=120), nullable=False),
        sa.Column("participant", sa.String(length=200), nullable=False),
        sa.Column("choice", sa.String(length=4000), nullable=True),
        sa.Column("text_enc", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "step_id", "participant", name="uq_workshop_answer"),
        sa.ForeignKeyConstraint(["run_id"], ["workshop_runs.id"], ondelete="CASCADE"),
        sqlite_with_rowid=False,
    )
    sa.Table(
        "workshop_participants",
        metadata,
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("participant", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "participant"),
        sa.ForeignKeyConstraint(["run_id"], ["workshop_runs.id"], ondelete="CASCADE"),
        sqlite_with_rowid=False,
    )
    sa.Table(
        "workshop_reminders",
        metadata,
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.String(length=120), nullable=False),
        sa.Column("participant", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "step_id", "participant"),
        sa.ForeignKeyConstraint(["run_id"], ["workshop_runs.id"], ondelete="CASCADE"),
        sqlite_with_rowid=False,
    )
    sa.Table(
        "workshop_run_steps",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_ts", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "step_id", name="uq_workshop_run_step"),
        sa.ForeignKeyConstraint(["run_id"], ["workshop_runs.id"], ondelete="CASCADE"),
    )
    sa.Table(
        "turns",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("text_enc", sa.LargeBinary(), nullable=False),
        sa.Column("card_ids", sa.String(length=2000), nullable=False),
        sa.Column("safety_level", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], ondelete="CASCADE"),
        sa.Index("ix_turns_conversation_id", "conversation_id"),
    )
    return metadata


def upgrade() -> None:
    bind = op.get_bind()
    present = set(sa.inspect(bind).get_table_names())
    for table in baseline_metadata().sorted_tables:
        if table.name not in present:
            table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(baseline_metadata().sorted_tables):
        table.drop(bind, checkfirst=True)
