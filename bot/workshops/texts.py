"""The words of workshop runs: refusals, report labels and extra stop words, from
prompts/facilitation/messages.yaml. Each message may use only the placeholders listed here."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

from bot.config import PROJECT_ROOT
from bot.content.loader import load_yaml_model

MESSAGES = Path("facilitation") / "messages.yaml"


def placeholders(template: str) -> set[str]:
    """The names a str.format template uses: ``"{n} of {k:d}"`` -> ``{"n", "k"}``."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


class Messages(BaseModel):
    """Strings that may use only the placeholders named in ALLOWED (none if not listed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ALLOWED: ClassVar[dict[str, frozenset[str]]] = {}

    @model_validator(mode="after")
    def _placeholders(self) -> Messages:
        for name in type(self).model_fields:
            value = getattr(self, name)
            if not isinstance(value, str):
                continue
            if not value.strip():
                raise ValueError(f"{name}: must not be blank")
            try:
                used = placeholders(value)
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from exc
            extra = used - self.ALLOWED.get(name, frozenset())
            if extra:
                raise ValueError(f"{name}: unknown placeholder(s) {sorted(extra)}")
        return self


class ErrorTexts(Messages):
    ALLOWED: ClassVar[dict[str, frozenset[str]]] = {
        "unknown_plan": frozenset({"plan", "plans"}),
        "already_running": frozenset({"plan"}),
        "step_moved": frozenset({"number", "title"}),
        "scale_range": frozenset({"low", "high"}),
        "too_long": frozenset({"limit", "length"}),
        "unknown_format": frozenset({"formats"}),
    }

    not_allowed: str
    no_active_run: str
    unknown_run: str
    unknown_plan: str
    already_running: str
    unknown_step: str
    not_open_yet: str
    step_closed: str
    run_paused: str
    run_ended: str
    is_paused: str
    already_paused: str
    not_paused: str
    step_moved: str
    no_more_steps: str
    at_first_step: str
    async_back: str
    choose_option: str
    choose_some: str
    scale_range: str
    empty_text: str
    too_long: str
    unknown_format: str


class AnswerTypeLabels(Messages):
    free_text: str
    single_choice: str
    multiple_choice: str
    scale: str


class ReportTexts(Messages):
    ALLOWED: ClassVar[dict[str, frozenset[str]]] = {
        "title": frozenset({"plan"}),
        "intro": frozenset({"k"}),
        "dates": frozenset({"started", "ended"}),
        "not_ended": frozenset({"started"}),
        "step_heading": frozenset({"number", "title"}),
        "respondents": frozenset({"count"}),
        "step_suppressed": frozenset({"k"}),
        "mean": frozenset({"mean"}),
        "themes_caption": frozenset({"k"}),
        "no_themes": frozenset({"k"}),
    }

    title: str
    intro: str
    dates: str
    not_ended: str
    step_heading: str
    anonymous: str
    named: str
    respondents: str
    step_suppressed: str
    suppressed_cell: str
    mean: str
    themes_caption: str
    no_themes: str
    option_header: str
    count_header: str
    keyword_header: str
    answer_types: AnswerTypeLabels


class Texts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    errors: ErrorTexts
    report: ReportTexts
    stop_words: list[str]


def texts_path(prompts_dir: Path | None = None) -> Path:
    return (prompts_dir or PROJECT_ROOT / "prompts") / MESSAGES


@lru_cache(maxsize=8)
def _load(path: Path) -> Texts:
    return load_yaml_model(path, Texts)


def load_texts(prompts_dir: Path | None = None) -> Texts:
    """The validated messages (cached per file); ContentError names the file and field."""
    return _load(texts_path(prompts_dir).resolve())
