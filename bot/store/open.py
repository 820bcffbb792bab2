"""Open the stores for a configuration: one engine, one cipher, shared by every store."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from bot.config import Settings
from bot.store.activity import ActivityStore
from bot.store.audit import AuditLog
from bot.store.claims import ClaimStore
from bot.store.consent import ConsentStore
from bot.store.conversations import ConversationStore, make_engine
from bot.store.crypto import Cipher, load_key, private_folder
from bot.store.engagement import EngagementStore
from bot.store.feedback import FeedbackStore
from bot.store.goals import GoalStore
from bot.store.identity import pseudonymise_owners, pseudonymise_users, seal_outbox
from bot.store.notes import NoteStore
from bot.store.ratelimit import RateLimiter
from bot.store.releases import ReleaseLedger
from bot.store.retention import Retention
from bot.store.rights import DataRights
from bot.store.schema import ensure_schema


@dataclass(frozen=True)
class Stores:
    conversations: ConversationStore
    goals: GoalStore
    consent: ConsentStore
    feedback: FeedbackStore
    claims: ClaimStore
    rates: RateLimiter
    rights: DataRights
    activity: ActivityStore
    notes: NoteStore
    audit: AuditLog
    releases: ReleaseLedger
    engagement: EngagementStore
    retention: Retention
    cipher: Cipher
    engine: Engine


def settings_key(settings: Settings, *, local: bool = True) -> bytes:
    """The deployment's key (see `load_key`); `local=False` for `anchor serve`, which never
    falls back to a key in the data folder."""
    return load_key(
        settings.encryption_key.get_secret_value() if settings.encryption_key else None,
        settings.encryption_key_file,
        settings.data_dir,
        local=local,
    )


def open_stores(settings: Settings, *, local_key: bool = True) -> Stores:
    private_folder(settings.data_dir)
    key = settings_key(settings, local=local_key)
    engine = make_engine(
        settings.resolved_database_url, max_connections=2 * settings.slack_workers + 8
    )
    ensure_schema(engine)  # upgrade to the head revision before any store uses a table
    cipher = Cipher(key)
    pseudonymise_users(engine, cipher)  # ids stored in plain text by older releases
    pseudonymise_owners(engine, cipher)
    seal_outbox(engine, cipher)
    claims = ClaimStore(engine, cipher)
    return Stores(
        conversations=ConversationStore(engine, cipher),
        goals=GoalStore(engine, cipher),
        consent=ConsentStore(engine),
        feedback=FeedbackStore(engine),
        claims=claims,
        rates=RateLimiter(engine, cipher, settings.slack_rate_limit, 60),
        rights=DataRights(engine, cipher),
        activity=ActivityStore(engine),
        notes=NoteStore(engine, cipher),
        audit=AuditLog(engine, cipher),
        releases=ReleaseLedger(engine, cipher),
        engagement=EngagementStore(engine, cipher),
        retention=Retention(engine, claims),
        cipher=cipher,
        engine=engine,
    )
