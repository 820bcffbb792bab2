"""Optional LLM labels for themes: a short, readable name from a theme's key words alone (no
message text, no names), when ANCHOR_LLM names a provider. A label that is too long, carries
a tag, a digit or anything the scrubber would remove is refused; any failure leaves the theme
with its key words. Nothing here runs offline."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.coach.llm import ChatModel
from bot.config import Settings
from bot.datafiles import load_yaml_model

PROMPT = Path("programme") / "labels.yaml"
JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)
UNSAFE = re.compile(r"[<>@#\d]|https?:")
MAX_WORDS = 6

log = logging.getLogger(__name__)


class LabelPrompt(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    system: str = Field(min_length=1)
    human: str = Field(min_length=1)


class LabelAnswer(BaseModel):
    label: str = Field(min_length=2, max_length=60)


class ThemeLabeller:
    def __init__(
        self,
        model: ChatModel,
        prompt: LabelPrompt,
        timeout: float,
        changes: Callable[[str], bool] = lambda _text: False,
    ) -> None:
        """`changes(text)`: whether the scrubber would alter `text` (then it is refused)."""
        self.model = model
        self.prompt = prompt
        self.timeout = timeout
        self.changes = changes
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="anchor-label")

    def label(self, keywords: Sequence[str]) -> str | None:
        messages = [
            ("system", self.prompt.system),
            ("human", self.prompt.human.format(keywords=", ".join(keywords))),
        ]
        future = self._pool.submit(self.model.invoke, messages)
        try:
            result = future.result(timeout=self.timeout)
        except FutureTimeout:
            future.cancel()
            log.warning("theme label: no answer within %.1fs; key words kept", self.timeout)
            return None
        except Exception as exc:  # provider errors, rate limits, network
            log.warning("theme label: provider error (%s); key words kept", type(exc).__name__)
            return None
        return self._checked(getattr(result, "content", result))

    def _checked(self, content: Any) -> str | None:
        text = content if isinstance(content, str) else json.dumps(content)
        match = JSON_OBJECT.search(text)
        try:
            label = LabelAnswer.model_validate(json.loads(match.group(0) if match else "")).label
        except (ValueError, ValidationError):
            log.warning("theme label: malformed answer; key words kept")
            return None
        label = " ".join(label.split())
        if len(label.split()) > MAX_WORDS or UNSAFE.search(label) or self.changes(label):
            log.warning("theme label refused (too long, or something personal); key words kept")
            return None
        return label


def make_labeller(
    settings: Settings, changes: Callable[[str], bool] = lambda _text: False
) -> ThemeLabeller | None:
    """A labeller for the configured provider, or None offline or when it cannot start."""
    if settings.llm == "offline":
        return None
    provider, _, model_name = settings.llm.partition(":")
    try:
        from langchain.chat_models import init_chat_model

        extra: dict[str, Any] = {"timeout": settings.llm_timeout, "max_retries": 0}
        if settings.llm_base_url:
            extra["base_url"] = settings.llm_base_url
        model = init_chat_model(model_name, model_provider=provider, **extra)
    except Exception as exc:  # the extra is not installed, an unknown provider, no key
        log.warning("theme labels off: cannot start %s (%s)", settings.llm, type(exc).__name__)
        return None
    prompt = load_yaml_model(settings.prompts_dir / PROMPT, LabelPrompt)
    return ThemeLabeller(model, prompt, settings.llm_timeout, changes)
