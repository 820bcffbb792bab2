"""Learned models kept current: the shipped file, else a cached one, else trained now.

The safety gate's risk model and the scope model are each saved with the digest of the examples
(and data) they were trained on. Loading tries the file shipped in `prompts/`, then one cached
under the data folder, and trains (and caches) only when neither matches the current digest.
Each process keeps the model it loaded per digest, so a second load is free.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

M = TypeVar("M")


@dataclass(frozen=True)
class ModelFiles(Generic[M]):
    """How one kind of model is read, trained and saved."""

    name: str  # "risk model", "scope model": for log lines
    retrain: str  # the command that brings the shipped file up to date
    training_note: str  # how long training now takes, for the warning
    load: Callable[[Path, str], M]  # (path, digest) -> model; raises `stale` when out of date
    stale: type[Exception]
    train: Callable[[], M]
    save: Callable[[M, Path], None]


def load_current(
    kind: ModelFiles[M],
    digest: str,
    shipped: Path,
    cached: Path | None,
    memo: dict[str, M],
) -> M:
    """The model for `digest`: remembered, shipped, cached or trained now (and cached)."""
    if digest in memo:
        return memo[digest]
    model: M | None = None
    for path in [shipped] if cached is None else [shipped, cached]:
        if not path.exists():
            continue
        try:
            model = kind.load(path, digest)
            break
        except kind.stale:
            log.warning("%s is out of date; run `%s`", path, kind.retrain)
        except Exception as exc:  # a damaged file: ignore it
            log.warning("%s %s unusable (%s)", kind.name, path, type(exc).__name__)
    if model is None:
        log.warning("training the %s now (%s)", kind.name, kind.training_note)
        model = kind.train()
        if cached is not None:
            kind.save(model, cached)
    memo[digest] = model
    return model
