"""The demo's own data folder: made only where it cannot harm real data.

A folder made by `anchor demo` holds a marker file. The demo refuses the configured data folder
(and any folder that contains it or lies inside it), and any existing folder that is neither
empty nor marked; `force` empties a marked folder and starts again.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

from bot import __version__

MARKER = "anchor-demo.json"
MADE_BY = "anchor demo"


class DemoRefused(Exception):
    """The demo will not use this folder; the message says why and what to do."""


class Marker(BaseModel):
    made_by: str
    version: str
    made_at: datetime


def is_demo_folder(folder: Path) -> bool:
    marker = folder / MARKER
    if not marker.is_file():
        return False
    try:
        return Marker.model_validate_json(marker.read_text(encoding="utf-8")).made_by == MADE_BY
    except (OSError, UnicodeDecodeError, ValidationError):
        return False


def _overlaps(one: Path, other: Path) -> bool:
    return one == other or one in other.parents or other in one.parents


def require_demo_folder(folder: Path, real_data_dir: Path) -> Path:
    """The folder, resolved, if it is a marked demo folder apart from the real data folder."""
    target = folder.expanduser().resolve()
    if _overlaps(target, real_data_dir.expanduser().resolve()) or not is_demo_folder(target):
        raise DemoRefused(f"{folder} is not a demo folder made by `anchor demo`")
    return target


def prepare_folder(folder: Path, real_data_dir: Path, *, force: bool) -> Path:
    """The demo folder, resolved, empty and marked; DemoRefused if that would risk real data."""
    target = folder.expanduser().resolve()
    real = real_data_dir.expanduser().resolve()
    if _overlaps(target, real):
        raise DemoRefused(
            f"{folder} is (or holds, or lies inside) the real data folder ANCHOR_DATA_DIR "
            f"({real_data_dir}); the demo needs a folder of its own, e.g. --dir .anchor-demo"
        )
    if target.exists() and not target.is_dir():
        raise DemoRefused(f"{folder} is a file, not a folder; choose another --dir")
    if target.exists() and any(target.iterdir()):
        if not is_demo_folder(target):
            raise DemoRefused(
                f"{folder} already exists and is not an Anchor demo folder, so the demo will "
                "not write there; choose an empty or new folder with --dir"
            )
        if not force:
            raise DemoRefused(
                f"{folder} already holds an Anchor demo. Open it with "
                f"ANCHOR_DATA_DIR={folder}, or add --force to rebuild it from nothing"
            )
        shutil.rmtree(target)
    target.mkdir(parents=True, exist_ok=True)
    marker = Marker(made_by=MADE_BY, version=__version__, made_at=datetime.now(UTC))
    (target / MARKER).write_text(marker.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return target
