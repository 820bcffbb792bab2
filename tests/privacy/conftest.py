"""The scrubber every privacy test module shares (one per module, as each module built it)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bot.privacy.scrub import Scrubber


def _module_names(request: pytest.FixtureRequest) -> Sequence[str]:
    """The member directory a test module lists as ``DIRECTORY``; none if it lists none."""
    names: Sequence[str] = getattr(request.module, "DIRECTORY", ())
    return names


@pytest.fixture(scope="module")
def scrubber(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Scrubber:
    """A scrubber with its own data directory, knowing the module's ``DIRECTORY`` names."""
    stem = request.module.__name__.rsplit(".", 1)[-1]
    return Scrubber(data_dir=tmp_path_factory.mktemp(stem), names=_module_names(request))
