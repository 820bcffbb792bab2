"""Small builders shared by tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, select

from bot.coach.engine import Coach
from bot.coach.safety import SafetyGate, SafetyOutcome, SafetyState
from bot.models import Reply
from bot.store.tables import Base

# Parameters for tests that run on both databases. The PostgreSQL case carries the `postgres`
# marker, so `-m "not postgres"` (and `make test-fast`) leaves it out.
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]

FILLER = (
    "Partners who meet often and keep small promises build the trust that lets them "
    "disagree safely about budgets, beds and priorities. "
)


# The review date sample cards carry; tests of review ages freeze the clock relative to it.
REVIEWED = date(2026, 12, 6)


def card_meta(card_id: str, **change: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "id": card_id,
        "title": f"Title of {card_id}",
        "summary": "A short summary of what this sample card is about for tests.",
        "tags": ["trust", "relationships"],
        "sources": [
            {
                "author": "West M, Eckert R",
                "year": 2014,
                "title": "Developing collective leadership for health care",
                "publisher": "The King's Fund",
            }
        ],
        "reflection_questions": ["What would help here?", "How will you know it worked?"],
        "related": [],
        "reviewed": REVIEWED,
    }
    for key, value in change.items():
        if key == "words":
            continue
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
    return meta


def write_card(directory: Path, name: str, *, words: int = 200, **change: Any) -> Path:
    """Write a valid card (or one with `change` applied) and return its path."""
    meta = card_meta(name, **change)
    sentence_words = len(FILLER.split())
    body = FILLER * (words // sentence_words)
    path = directory / f"{name}.md"
    path.write_text(
        f"---\n{yaml.safe_dump(meta, sort_keys=False)}---\n\n"
        f"## What it is\n\n{body[: len(body) // 2]}\n\n## Trying it\n\n{body[len(body) // 2 :]}\n",
        encoding="utf-8",
    )
    return path


def rows_mentioning(
    engine: Engine, user_id: int, external: str, conversations: set[int]
) -> list[str]:
    """Every row in every table that refers to this person: by user id, by external id, or
    (turns) by one of their conversations."""
    found = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(select(table)):
                values = dict(row._mapping)
                if any(external in str(value) for value in values.values()):
                    found.append(f"{table.name} (external id): {values}")
                if values.get("user_id") == user_id:
                    found.append(f"{table.name} (user id): {values}")
                if table.name == "users" and values["id"] == user_id:
                    found.append(f"users: {values}")
                if values.get("conversation_id") in conversations:
                    found.append(f"{table.name} (conversation): {values}")
    return found


# False alarms a new user met in a trial (issue 11): none may reach level crisis.
TRIAL_FALSE_ALARMS = [
    "they decide everything beforehand and then ask primary care to sign up",
    "he decided everything",
    "I've stopped taking my annual leave because there is never a good week to be away",
]


def run_gate(gate: SafetyGate, messages: list[str]) -> list[SafetyOutcome]:
    """Each message through the gate in turn, as one conversation."""
    state = SafetyState()
    outcomes = []
    for message in messages:
        outcome = gate.assess(message, state)
        outcomes.append(outcome)
        state = outcome.state
    return outcomes


def key_file(folder: Path) -> Path:
    """A new encryption key in `folder`/anchor.key (0600), as a mounted secret would hold it."""
    from cryptography.fernet import Fernet

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "anchor.key"
    path.write_bytes(Fernet.generate_key())
    path.chmod(0o600)
    return path


def say(coach: Coach, user: str, *messages: str) -> Reply:
    """The coach's reply to the last of `messages`, sent one after another."""
    reply = None
    for message in messages:
        reply = coach.respond(user, message)
    assert reply is not None
    return reply
