"""Bring your own LLM: `ANCHOR_LLM=provider:model` through LangChain's init_chat_model.

The model improves on the offline composer's grounded draft. It sees only scrubbed text and
the cards retrieved for this turn, must answer in JSON, and may cite only those cards. Any
failure (error, timeout, rate limit, invalid output) raises LLMError and the caller falls back
to the offline reply.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Protocol

from pydantic import BaseModel, Field, ValidationError

from bot.coach.stream import SentenceRelease, TextSink
from bot.content.llm_prompts import LLMPrompts

log = logging.getLogger(__name__)
JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


class LLMError(Exception):
    """The model could not give a usable answer this time."""


class ChatModel(Protocol):
    def invoke(self, input: Any) -> Any: ...


class CardBrief(BaseModel):
    id: str
    title: str
    text: str
    as_of: str | None = Field(
        default=None, description="for a card about policy that changes: its month, e.g. May 2026"
    )

    def heading(self) -> str:
        dated = f" (policy as of {self.as_of})" if self.as_of else ""
        return f"[{self.id}] {self.title}{dated}"


class LLMRequest(BaseModel):
    message: str
    history: list[tuple[str, str]] = Field(default_factory=list)
    cards: list[CardBrief] = Field(default_factory=list)
    draft: str
    flow_kind: str | None = None
    flow_title: str | None = None
    voice: str = ""
    plan: str = Field(default="", description="the turn plan the answer must follow, in words")
    seat: str = Field(default="", description="the leader's sector and role, when known")


class LLMAnswer(BaseModel):
    reply: str = Field(min_length=1, max_length=4000)
    cited_card_ids: list[str] = Field(default_factory=list)


def render(request: LLMRequest, prompts: LLMPrompts) -> list[tuple[str, str]]:
    cards = "\n\n".join(f"{c.heading()}\n{c.text}" for c in request.cards) or "(none)"
    history = "\n".join(f"{who}: {text}" for who, text in request.history) or "(none)"
    fields = {
        "cards": cards,
        "history": history,
        "draft": request.draft,
        "message": request.message,
        "flow_kind": request.flow_kind or "",
        "flow_title": request.flow_title or "",
        "voice": request.voice,
        "plan": request.plan or "(no plan: improve on the draft)",
        "seat": request.seat or "not known yet",
    }
    template = prompts.flow if request.flow_kind else prompts.ask
    return [("system", prompts.system), ("human", template.format(**fields))]


def parse_answer(content: Any) -> LLMAnswer:
    """The JSON object in the model's reply, validated; LLMError if there isn't a good one."""
    text = content if isinstance(content, str) else json.dumps(content)
    match = JSON_OBJECT.search(text)
    if not match:
        raise LLMError("no JSON object in the answer")
    try:
        return LLMAnswer.model_validate(json.loads(match.group(0)))
    except (ValueError, ValidationError) as exc:
        raise LLMError(f"malformed answer: {type(exc).__name__}") from exc


class LLMResponder:
    """Calls the model with a hard deadline; the caller always has the offline reply."""

    def __init__(
        self, model: ChatModel, prompts: LLMPrompts, timeout: float, workers: int = 4
    ) -> None:
        self.model = model
        self.prompts = prompts
        self.timeout = timeout
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="anchor-llm")

    @classmethod
    def from_spec(
        cls, spec: str, prompts: LLMPrompts, *, timeout: float, base_url: str | None = None
    ) -> LLMResponder:
        provider, _, model_name = spec.partition(":")
        try:
            from langchain.chat_models import init_chat_model
        except ImportError as exc:
            raise LLMError(
                f"ANCHOR_LLM={spec} needs the provider extra, e.g. pip install -e '.[{provider}]'"
            ) from exc
        extra: dict[str, Any] = {"timeout": timeout, "max_retries": 0}
        if base_url:
            extra["base_url"] = base_url
        try:
            model = init_chat_model(model_name, model_provider=provider, **extra)
        except Exception as exc:  # unknown provider, missing package or key
            raise LLMError(f"cannot start {spec}: {exc}") from exc
        return cls(model, prompts, timeout)

    def answer(self, request: LLMRequest, on_text: TextSink | None = None) -> LLMAnswer:
        """The model's validated answer. With `on_text`, whole sentences of the reply are also
        sent to it as they arrive (streaming), before the answer as a whole is checked."""
        messages = render(request, self.prompts)
        release = SentenceRelease(on_text) if on_text is not None else None
        stream: Callable[[Any], Iterator[Any]] | None = getattr(self.model, "stream", None)
        if release is not None and stream is not None:
            future = self._pool.submit(_read_stream, stream, messages, release)
        else:
            future = self._pool.submit(self.model.invoke, messages)
        try:
            result = future.result(timeout=self.timeout)
        except FutureTimeout as exc:
            future.cancel()
            raise LLMError(f"no answer within {self.timeout:.1f}s") from exc
        except Exception as exc:  # provider errors, rate limits, network
            raise LLMError(f"provider error: {type(exc).__name__}") from exc
        finally:
            if release is not None:
                release.stop()  # nothing more reaches the person after this point
        return parse_answer(getattr(result, "content", result))

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _read_stream(
    stream: Callable[[Any], Iterator[Any]], messages: Any, release: SentenceRelease
) -> str:
    """The whole answer, read chunk by chunk, releasing sentences as they complete."""
    parts: list[str] = []
    for chunk in stream(messages):
        content = getattr(chunk, "content", chunk)
        piece = content if isinstance(content, str) else ""
        parts.append(piece)
        release.feed(piece)
    return "".join(parts)
