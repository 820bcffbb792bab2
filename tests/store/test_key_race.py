"""Several replicas starting at once on a new data folder agree on one encryption key."""

from __future__ import annotations

import multiprocessing
import os
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from bot.store.crypto import KEY_FILE, load_or_create_key

REPLICAS = 8


def _replica(folder: str, start: Any, keys: Any) -> None:
    start.wait()
    keys.put(load_or_create_key(None, Path(folder)))


@pytest.mark.slow  # starts processes
def test_processes_starting_together_share_one_key(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "data"  # not there yet: every replica tries to make it too
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(REPLICAS)
    keys = context.Queue()
    replicas = [
        context.Process(target=_replica, args=(str(folder), start, keys)) for _ in range(REPLICAS)
    ]
    for replica in replicas:
        replica.start()
    got = [keys.get(timeout=60) for _ in replicas]
    for replica in replicas:
        replica.join(timeout=60)
        assert replica.exitcode == 0
    assert set(got) == {(folder / KEY_FILE).read_bytes().strip()}
    assert stat.S_IMODE(os.stat(folder / KEY_FILE).st_mode) == 0o600
    assert sorted(p.name for p in folder.iterdir()) == [KEY_FILE]  # no temporary files left


def _race(folder: Path, rounds: int = 20) -> None:
    for n in range(rounds):
        here = folder / str(n)
        start = threading.Barrier(REPLICAS)

        def replica(here: Path = here, start: threading.Barrier = start) -> bytes:
            start.wait()
            return load_or_create_key(None, here)

        with ThreadPoolExecutor(REPLICAS) as pool:
            got = list(pool.map(lambda _: replica(), range(REPLICAS)))
        assert set(got) == {(here / KEY_FILE).read_bytes().strip()}
        assert sorted(p.name for p in here.iterdir()) == [KEY_FILE]


def test_threads_starting_together_share_one_key(tmp_path: Path) -> None:
    _race(tmp_path)


def test_without_hard_links_one_key_still_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*_: object) -> None:
        raise PermissionError("hard links are not supported here")

    monkeypatch.setattr(os, "link", no_links)
    _race(tmp_path)
