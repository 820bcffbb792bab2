"""Check an answer against its step's AnswerSpec and put it in its stored shape (pure).

- single choice: one of the options (text, as Slack sends a button or menu value) -> str
- multiple choice: a non-empty subset of the options -> list[str] in the plan's order
- scale: a whole number (or its digits as text) within the scale -> int
- free text: trimmed, not empty, at most max_chars -> str
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.content.workshops import AnswerSpec
from bot.workshops.errors import InvalidAnswer
from bot.workshops.models import AnswerValue
from bot.workshops.texts import ErrorTexts


def check_answer(spec: AnswerSpec, value: object, errors: ErrorTexts) -> AnswerValue:
    """The answer in stored form, or InvalidAnswer with a message the person can act on."""
    if spec.type == "single_choice":
        return _one(spec, value, errors)
    if spec.type == "multiple_choice":
        return _several(spec, value, errors)
    if spec.type == "scale":
        return _point(spec, value, errors)
    return _text(spec, value, errors)


def _option(spec: AnswerSpec, value: object) -> str | None:
    if not isinstance(value, str):
        return None
    wanted = value.strip()
    return next((option for option in spec.options if option.strip() == wanted), None)


def _one(spec: AnswerSpec, value: object, errors: ErrorTexts) -> str:
    if isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 1:
        value = value[0]
    option = _option(spec, value)
    if option is None:
        raise InvalidAnswer(errors.choose_option)
    return option


def _several(spec: AnswerSpec, value: object, errors: ErrorTexts) -> list[str]:
    values: list[object] = []
    if isinstance(value, str):
        values = [value]
    elif isinstance(value, Sequence):
        values = list(value)
    if not values:
        raise InvalidAnswer(errors.choose_some)
    chosen = [_option(spec, item) for item in values]
    if any(option is None for option in chosen):
        raise InvalidAnswer(errors.choose_option)
    return [option for option in spec.options if option in chosen]


def _point(spec: AnswerSpec, value: object, errors: ErrorTexts) -> int:
    low, high = spec.scale_min or 0, spec.scale_max or 0
    message = errors.scale_range.format(low=low, high=high)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidAnswer(message)
    return value


def _text(spec: AnswerSpec, value: object, errors: ErrorTexts) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidAnswer(errors.empty_text)
    limit = spec.max_chars or len(text)
    if len(text) > limit:
        raise InvalidAnswer(errors.too_long.format(limit=limit, length=len(text)))
    return text
