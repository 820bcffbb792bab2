"""SQLAlchemy tables. Conversation text and flow state are stored encrypted."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


def insert_once(session: Session, row: Base) -> bool:
    """Add and commit `row`; False (and nothing changed) if a unique constraint says it is
    already there, so the database decides the one winner among processes racing to insert."""
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # the person's id encrypted deterministically (Cipher.user_key): found again by the same
    # value, read back only with the key; never plain text beside safety levels or consent
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversations: Mapped[list[ConversationRow]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )


class ConversationRow(Base):
    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_user_key", "user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    state_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[UserRow] = relationship(back_populates="conversations")
    turns: Mapped[list[TurnRow]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", order_by="TurnRow.id"
    )


class TurnRow(Base):
    __tablename__ = "turns"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(10))
    text_enc: Mapped[bytes] = mapped_column(LargeBinary)
    card_ids: Mapped[str] = mapped_column(String(2000), default="")
    safety_level: Mapped[str] = mapped_column(String(10), default="none")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[ConversationRow] = relationship(back_populates="turns")


class GoalRow(Base):
    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text_enc: Mapped[bytes] = mapped_column(LargeBinary)
    due: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    source: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    followed_up_at: Mapped[datetime | None] = mapped_column(nullable=True)


class ConsentRow(Base):
    """A leader's privacy choice. No row: the notice has not been shown yet."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    choice: Mapped[str | None] = mapped_column(String(20), nullable=True)
    notified_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(nullable=True)


class FeedbackRow(Base):
    """Helpful / not helpful on one reply, with the cards that reply cited."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    helpful: Mapped[bool]
    card_ids: Mapped[str] = mapped_column(String(2000), default="")
    reply_ref: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClaimRow(Base):
    """One delivery key (a Slack event id, a channel and timestamp) handled exactly once."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    owner: Mapped[str] = mapped_column(String(200), default="", index=True)
    at: Mapped[int] = mapped_column(BigInteger, index=True, doc="seconds since the epoch")


class RateRow(Base):
    """Messages one person sent in one fixed window (for the per-user rate limit)."""

    __tablename__ = "rate_windows"
    __table_args__ = (UniqueConstraint("owner", "window", name="uq_rate_owner_window"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(200), index=True)
    window: Mapped[int] = mapped_column(BigInteger)
    count: Mapped[int] = mapped_column(default=1)


class FlowEventRow(Base):
    """A leader started or finished an exercise, a scenario or a GROW session (no text: the
    answers live, encrypted, in the conversation)."""

    __tablename__ = "flow_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(120))
    event: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ThemeNoteRow(Base):
    """A scrubbed copy of one message from a leader who chose to contribute to themes.
    Only this copy (never the conversation) is read for themes; it is encrypted at rest too."""

    __tablename__ = "theme_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class AuditRow(Base):
    """Who viewed or exported which report, when, with which parameters, and the outcome."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[str] = mapped_column(String(4000), default="{}")
    outcome: Mapped[str] = mapped_column(String(200), default="shown")


class OutboxRow(Base):
    """One Slack call the app owes a person (a reply, a notice, a nudge, a workshop post, an
    upload), kept until Slack says ok or it is given up. Times are milliseconds since the epoch.

    `stream` orders delivery (a channel and thread: a row is not sent before every earlier row
    of its stream is delivered or given up); `lease_owner`/`lease_until` say which worker holds
    it, taken with one conditional UPDATE so that replicas never both hold it; `ts_from` names an
    earlier row whose message this one changes (its Slack `ts`, known once that one is sent)."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_due", "status", "due_at"),
        Index("ix_outbox_stream_id", "stream", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    owner: Mapped[str] = mapped_column(String(200), default="", index=True)
    stream: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(40))
    payload_enc: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[int] = mapped_column(BigInteger)
    due_at: Mapped[int] = mapped_column(BigInteger)
    lease_owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    first_failure_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    sent_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    result_channel: Mapped[str | None] = mapped_column(String(64), nullable=True)
    result_ts: Mapped[str | None] = mapped_column(String(64), nullable=True)
    ts_from: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
