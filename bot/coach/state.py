"""What the coach remembers about one conversation between turns (persisted, encrypted)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bot.coach.flows.base import FlowState
from bot.coach.safety import SafetyState

MEMORY = 80


class CoachState(BaseModel):
    safety: SafetyState = Field(default_factory=SafetyState)
    topic: str | None = None
    last_cards: list[str] = Field(default_factory=list)
    used: list[str] = Field(default_factory=list)
    asked: list[str] = Field(default_factory=list)
    turns: int = 0
    flow: FlowState | None = None
    paused: FlowState | None = None
    ended: str | None = Field(
        default=None, description="the kind of flow that finished on the last turn"
    )

    def remember(self, used: list[str], asked: str | None, cards: list[str]) -> None:
        self.used = (self.used + used)[-MEMORY:]
        if asked:
            self.asked = [*self.asked, asked][-MEMORY:]
        if cards:
            self.last_cards = cards
