"""The LLM responder's prompts, from prompts/system/llm.yaml."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bot.content.loader import load_yaml_model


class LLMPrompts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    system: str
    ask: str
    flow: str
    voice_scenario: str


def load_llm_prompts(prompts_dir: Path) -> LLMPrompts:
    return load_yaml_model(prompts_dir / "system" / "llm.yaml", LLMPrompts)
