"""The error every content loader raises: which file, which field, what is wrong."""

from __future__ import annotations

from pathlib import Path


class ContentError(Exception):
    def __init__(self, path: Path | str, field: str, message: str) -> None:
        self.path = str(path)
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"
