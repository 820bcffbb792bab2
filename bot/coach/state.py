"""What the coach remembers about one conversation between turns (persisted, encrypted)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bot.coach.flows.base import FlowState
from bot.coach.safety import SafetyState
from bot.knowledge.seats import Seat

MEMORY = 80
SAID = 20
SAID_CHARS = 300


class CoachState(BaseModel):
    safety: SafetyState = Field(default_factory=SafetyState)
    topic: str | None = None
    last_cards: list[str] = Field(default_factory=list)
    last_units: list[str] = Field(default_factory=list)
    used: list[str] = Field(default_factory=list)
    asked: list[str] = Field(default_factory=list)
    frames: list[str] = Field(default_factory=list, description="opening frames already used")
    lines: list[str] = Field(default_factory=list, description="feeling lines already used")
    said: list[str] = Field(
        default_factory=list, description="the leader's free-form messages, oldest first"
    )
    seat: Seat = Field(default_factory=Seat, description="the leader's sector and role")
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
        if used:
            self.last_units = used

    def heard(self, message: str) -> None:
        """Keep a free-form message for questions about the conversation itself."""
        self.said = [*self.said, message[:SAID_CHARS]][-SAID:]

    def opened(self, frame: str | None, line: str | None) -> None:
        if frame:
            self.frames = [*self.frames, frame][-MEMORY:]
        if line:
            self.lines = [*self.lines, line][-MEMORY:]
