"""A deployment with leaders who chose to contribute to themes: a planted synthetic corpus
(themes and personal details planted), scrubbed and stored as Anchor stores it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.evals.themes import PlantedMessage, synthetic_corpus
from bot.knowledge.retrieve import Retriever
from bot.privacy.scrub import Scrubber
from bot.programme.service import Programme, open_programme
from bot.roles import Roles
from bot.store.open import Stores, open_stores

MEMBER = "slack:UPROG1"
OUTSIDER = "slack:ULEADER9"
NOW = datetime.now(UTC)


@pytest.fixture(scope="session")
def corpus() -> list[PlantedMessage]:
    start = (NOW - timedelta(days=27)).replace(hour=0, minute=0, second=0, microsecond=0)
    return synthetic_corpus(n_messages=700, n_leaders=40, start=start, days=27)


@pytest.fixture(scope="session")
def scrubber(tmp_path_factory: pytest.TempPathFactory) -> Scrubber:
    return Scrubber(data_dir=tmp_path_factory.mktemp("scrub"))


def leader_id(pseudonym: str) -> str:
    return f"slack:U{abs(hash(pseudonym)) % 10**8:08d}"


def populate(stores: Stores, corpus: list[PlantedMessage], scrubber: Scrubber) -> list[str]:
    """Store every message as an opted-in leader's scrubbed copy; the leaders' external ids."""
    ids: dict[str, int] = {}
    for planted in corpus:
        message = planted.message
        external = leader_id(message.leader)
        if external not in ids:
            ids[external] = stores.conversations.user_id(external)
            stores.consent.set(ids[external], "themes")
        stores.notes.add(ids[external], scrubber.scrub(message.text), at=message.at)
    return sorted(ids)


@pytest.fixture
def deployment(
    tmp_path: Path,
    index_dir: Path,
    corpus: list[PlantedMessage],
    scrubber: Scrubber,
) -> Iterator[tuple[Settings, Stores, list[str]]]:
    cohorts = tmp_path / "cohorts.yaml"
    settings = Settings(
        data_dir=tmp_path / "data",
        index_dir_override=index_dir,
        programme_team=[MEMBER.removeprefix("slack:")],
        cohorts_file=cohorts,
        privacy_noise_seed=13,  # the same noise for the same counts: figures repeat
    )
    stores = open_stores(settings)
    leaders = populate(stores, corpus, scrubber)
    yield settings, stores, leaders
    stores.engine.dispose()


def write_cohorts(settings: Settings, cohorts: dict[str, list[str]]) -> None:
    import yaml

    assert settings.cohorts_file is not None
    plain = {name: [m.removeprefix("slack:") for m in members] for name, members in cohorts.items()}
    settings.cohorts_file.write_text(yaml.safe_dump({"cohorts": plain}), encoding="utf-8")


def programme_for(settings: Settings, stores: Stores, retriever: Retriever) -> Programme:
    return open_programme(settings, stores, retriever, Roles(settings.programme_team, []))
