"""Who is speaking, and whose seat a knowledge sentence is written for.

A leader's seat is a sector (trust, council, general practice, VCSE, ICB) and a role (chief
executive, director of adult social care, clinical director...), read from what they say about
themselves (never from roles they mention about other people) or from a Slack profile title.
A card sentence is tagged with the sectors it is aimed at (`suits`: "An ICB chief executive does
not line-manage ...") and the sectors it is written about from outside (`not_for`: "Council
staff may feel that NHS bodies set the agenda" is not for someone in a council). The patterns
live in prompts/system/seats.yaml.
"""

from __future__ import annotations

import re
from functools import cache, cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.config import PROJECT_ROOT
from bot.datafiles import load_yaml_model

GENERAL = 3  # a sentence naming this many sectors is about the system, for anyone


class SectorRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str
    words: str
    mine: list[str] = Field(min_length=1)


class RoleRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str
    words: str
    sector: str | None = None


class Seat(BaseModel):
    """Where the leader sits, as far as we know it (persisted in the conversation state)."""

    sector: str | None = None
    role: str | None = None

    def merged(self, newer: Seat) -> Seat:
        """What we knew, updated by anything newly said (a newer statement wins)."""
        return Seat(sector=newer.sector or self.sector, role=newer.role or self.role)


class SeatRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sectors: dict[str, SectorRule]
    roles: dict[str, RoleRule]
    self_before_role: str
    aimed_at: list[str] = Field(min_length=1)
    about_others: list[str] = Field(min_length=1)

    def model_post_init(self, context: object) -> None:
        for role_id, role in self.roles.items():
            if role.sector is not None and role.sector not in self.sectors:
                raise ValueError(f"role {role_id} names an unknown sector {role.sector!r}")

    @cached_property
    def _mine(self) -> list[tuple[str, re.Pattern[str]]]:
        return [
            (sid, re.compile(p, re.IGNORECASE)) for sid, s in self.sectors.items() for p in s.mine
        ]

    @cached_property
    def _roles(self) -> list[tuple[str, re.Pattern[str], re.Pattern[str]]]:
        """(role, the role said of oneself, the sector words just before or after it)."""
        out = []
        for rid, role in self.roles.items():
            said = re.compile(
                f"{self.self_before_role}(?:(?P<pre>[a-z' ]{{0,30}}?)\\s+)?(?:{role.words})\\b"
                f"(?P<post>[^.?!;]{{0,40}})",
                re.IGNORECASE,
            )
            out.append((rid, said, re.compile(role.words, re.IGNORECASE)))
        return out

    @cached_property
    def _sector_words(self) -> list[tuple[str, re.Pattern[str]]]:
        return [
            (sid, re.compile(rf"\b(?:{s.words})\b", re.IGNORECASE))
            for sid, s in self.sectors.items()
        ]

    @cached_property
    def _aimed(self) -> list[tuple[str, re.Pattern[str]]]:
        return [
            (sid, re.compile(p.replace("{sector}", s.words), re.IGNORECASE))
            for sid, s in self.sectors.items()
            for p in self.aimed_at
        ]

    @cached_property
    def _others(self) -> list[tuple[str, re.Pattern[str]]]:
        return [
            (sid, re.compile(p.replace("{sector}", s.words), re.IGNORECASE))
            for sid, s in self.sectors.items()
            for p in self.about_others
        ]

    def _sector_in(self, text: str) -> str | None:
        for sid, pattern in self._sector_words:
            if pattern.search(text):
                return sid
        return None

    def infer(self, text: str) -> Seat:
        """The seat a leader states in this message (empty when they say nothing of it)."""
        sector = next((sid for sid, p in self._mine if p.search(text)), None)
        role = None
        for rid, said, _ in self._roles:
            match = said.search(text)
            if match is None:
                continue
            role = rid
            implied = self.roles[rid].sector
            around = f"{match.group('pre') or ''} {match.group('post') or ''}"
            sector = sector or implied or self._sector_in(around)
            break
        return Seat(sector=sector, role=role)

    def from_title(self, title: str) -> Seat:
        """The seat in a profile title ("Director of Adult Social Care, Leeds City Council")."""
        role = next((rid for rid, _, words in self._roles if words.search(title)), None)
        implied = self.roles[role].sector if role else None
        return Seat(sector=implied or self._sector_in(title), role=role)

    def aimed(self, sentence: str) -> tuple[frozenset[str], frozenset[str]]:
        """The sectors a sentence is written for, and those it is written about from outside."""
        suits = frozenset(sid for sid, p in self._aimed if p.search(sentence))
        named = sum(bool(p.search(sentence)) for _, p in self._sector_words)
        if named >= GENERAL:  # "the trust chief executive answers to a board, the council ..."
            suits = frozenset()
        others = frozenset(sid for sid, p in self._others if p.search(sentence))
        return suits, others - suits

    def describe(self, seat: Seat) -> str:
        """Plain words for a seat, for the LLM's brief ("director of adult social care in a
        council"); empty when nothing is known."""
        parts = []
        if seat.role and seat.role in self.roles:
            parts.append(self.roles[seat.role].label)
        if seat.sector and seat.sector in self.sectors:
            parts.append(("in " if parts else "") + self.sectors[seat.sector].label)
        return " ".join(parts)


def fits_seat(suits: frozenset[str], not_for: frozenset[str], seat: Seat) -> bool:
    """Whether a sentence may be said to this leader: a sentence aimed at one seat goes only to
    a leader known to sit there; one written about a sector from outside never goes to it."""
    if suits and seat.sector not in suits:
        return False
    return seat.sector is None or seat.sector not in not_for


def load_seat_rules(prompts_dir: Path) -> SeatRules:
    return load_yaml_model(prompts_dir / "system" / "seats.yaml", SeatRules)


@cache
def default_seat_rules() -> SeatRules:
    return load_seat_rules(PROJECT_ROOT / "prompts")
