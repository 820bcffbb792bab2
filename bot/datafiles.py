"""Read validated YAML data files. Every failure names the file and the field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError


class ContentError(Exception):
    """A data file is missing, unreadable or invalid: which file, which field, what is wrong."""

    def __init__(self, path: Path | str, field: str, message: str) -> None:
        self.path = str(path)
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"


M = TypeVar("M", bound=BaseModel)


def check_regexes(patterns: list[str]) -> list[str]:
    """A pydantic validator: every pattern must compile."""
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad regex {pattern!r}: {exc}") from exc
    return patterns


def load_yaml_model(path: Path, model: type[M]) -> M:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ContentError(path, "file", "not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(path, "file", f"cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ContentError(path, "yaml", f"invalid YAML: {exc}") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "document"
        raise ContentError(path, field, first["msg"]) from exc
