"""Open the stores for a configuration: one engine, one cipher, shared by every store."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.store.conversations import ConversationStore, make_engine
from bot.store.crypto import Cipher, load_or_create_key
from bot.store.goals import GoalStore


@dataclass(frozen=True)
class Stores:
    conversations: ConversationStore
    goals: GoalStore


def open_stores(settings: Settings) -> Stores:
    key = load_or_create_key(
        settings.encryption_key.get_secret_value() if settings.encryption_key else None,
        settings.data_dir,
    )
    engine = make_engine(settings.resolved_database_url)
    cipher = Cipher(key)
    return Stores(ConversationStore(engine, cipher), GoalStore(engine, cipher))
