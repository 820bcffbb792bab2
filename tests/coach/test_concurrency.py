"""Two app instances (two processes' worth of engines and stores) sharing one database: messages
that arrive at the same moment in one conversation are handled one after the other, so no
answer is lost and the flow state stays whole."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.coach.engine import Coach
from bot.config import Settings
from bot.store.locks import NamedLocks, lock_number
from bot.store.open import open_stores

ANSWERS = 4
# distinct answers that every one of the exercise's first steps accepts (free text, or a 1-10
# scale, which reads the first number), whatever order they are handled in
WORDS = ["alpha", "bravo", "charlie", "delta"]


def answer_text(n: int) -> str:
    return f"7, said the {WORDS[n]} group about the discharge meeting"


def _instances(settings: Settings) -> tuple[Coach, Coach]:
    return (
        Coach.from_settings(settings, stores=open_stores(settings)),
        Coach.from_settings(settings, stores=open_stores(settings)),
    )


def _race(first: Coach, second: Coach, user: str, key: str) -> None:
    """ANSWERS free-text answers, sent from two instances at once after a common start."""
    start = threading.Barrier(ANSWERS)
    errors: list[BaseException] = []

    def answer(coach: Coach, n: int) -> None:
        try:
            start.wait()
            coach.respond(user, answer_text(n), key)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=answer, args=(first if n % 2 else second, n))
        for n in range(ANSWERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors


@pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_simultaneous_answers_in_one_thread_from_two_instances(
    database: str, tmp_path: Path, index_dir: Path, user: str, request: pytest.FixtureRequest
) -> None:
    url = (
        request.getfixturevalue("pg_url")
        if database == "postgresql"
        else f"sqlite:///{tmp_path / 'shared.db'}"
    )
    settings = Settings(data_dir=tmp_path / "data", index_dir_override=index_dir, database_url=url)
    first, second = _instances(settings)
    key = "dm:D1:1700000000.000100"
    started = first.respond(user, "exercise gibbs debrief", key)
    assert started.flow and started.flow.step == 1

    _race(first, second, user, key)

    status = second.respond(user, "status", key)
    assert f"step {1 + ANSWERS} of" in status.reply  # every answer moved the exercise on
    conversation = first.store.open_conversation(user, key)
    said = [t.text for t in first.store.turns(conversation.id, 100) if t.role == "user"]
    assert sorted(said[1:-1]) == sorted(answer_text(n) for n in range(ANSWERS))


def test_a_named_lock_excludes_other_holders(tmp_path: Path) -> None:
    from bot.store.conversations import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'locks.db'}")
    locks, other = NamedLocks(engine), NamedLocks(engine)
    inside = threading.Event()
    release = threading.Event()
    entered: list[str] = []

    def holder() -> None:
        with locks.hold("conversation:a"):
            inside.set()
            release.wait(10)
            entered.append("first out")

    def waiter() -> None:
        inside.wait(10)
        with other.hold("conversation:a"):
            entered.append("second in")

    threads = [threading.Thread(target=holder), threading.Thread(target=waiter)]
    for thread in threads:
        thread.start()
    inside.wait(10)
    release.set()
    for thread in threads:
        thread.join(10)
    assert entered == ["first out", "second in"]
    assert lock_number("conversation:a") == lock_number("conversation:a")
    assert lock_number("conversation:a") != lock_number("conversation:b")
