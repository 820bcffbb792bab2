"""`anchor eval conversations`: scripted multi-turn conversations a good coach gets right.

Each conversation in evals/data/conversations.yaml runs in a fresh conversation; each turn's
`expect` is checked (citations, words said or not said, the leader's words picked up, out of
scope handled), and every free-form turn is checked for the rules of the coaching turn: no
stock opener, no fragment in the idea, no sentence or opening frame said twice in a
conversation, and never "we've covered the main points". Definitions are shared with the
sealed coaching runner (`bot/evals/coaching.py`).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from bot.coach.engine import Coach
from bot.coach.plan import STOCK_OPENERS, picks_up
from bot.config import PROJECT_ROOT, Settings
from bot.evals.coaching import body, fragments, frame, handles_out_of_scope
from bot.evals.scratch import scratch_coach
from bot.models import Reply

DEFAULT_SET = PROJECT_ROOT / "evals" / "data" / "conversations.yaml"
SENTENCE = re.compile(r"(?<=[.!?])\s+")
REPEAT_WORDS = 5


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cites: bool | None = None
    cites_any: list[str] = Field(default_factory=list)
    contains: list[str] = Field(default_factory=list)
    contains_any: list[str] = Field(default_factory=list)
    lacks: list[str] = Field(default_factory=list)
    picks_up: bool = False
    out_of_scope: bool = False


class ScriptedTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    say: str = Field(min_length=1)
    expect: Expect = Field(default_factory=Expect)


class ScriptedConversation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    turns: list[ScriptedTurn] = Field(min_length=1)


class ConversationSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversations: list[ScriptedConversation] = Field(min_length=1)


class ConversationResult(BaseModel):
    conversations: int
    passed: int
    turns: int
    failures: dict[str, list[str]] = Field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.passed == self.conversations

    def table(self) -> str:
        lines = [
            f"Conversation eval: {self.conversations} conversations ({self.turns} turns),"
            f" {self.passed} passed"
        ]
        for name, problems in self.failures.items():
            lines.append(f"  - {name}: {'; '.join(problems[:3])}")
        return "\n".join(lines)


def check_expect(say: str, reply: Reply, expect: Expect) -> list[str]:
    text = reply.reply
    lowered = text.lower()
    cited = [c.card_id for c in reply.citations]
    problems: list[str] = []
    if expect.cites is True and not cited:
        problems.append("cites no card")
    if expect.cites is False and cited:
        problems.append(f"cites {cited}")
    if expect.cites_any and not set(cited) & set(expect.cites_any):
        problems.append(f"cites {cited}, wanted one of {expect.cites_any}")
    problems += [f"does not say {w!r}" for w in expect.contains if w.lower() not in lowered]
    problems += [f"says {w!r}" for w in expect.lacks if w.lower() in lowered]
    if expect.contains_any and not any(w.lower() in lowered for w in expect.contains_any):
        problems.append(f"says none of {expect.contains_any}")
    if expect.picks_up and not picks_up(say, body(text)):
        problems.append("opening does not pick up their words")
    if expect.out_of_scope and not (
        handles_out_of_scope(text, cited) and "outside" in lowered and "english" in lowered
    ):
        problems.append("out of scope not said plainly (outside, English, what it can help with)")
    return problems


def check_turn(say: str, reply: Reply, said: list[str], frames: list[str]) -> list[str]:
    """The rules every free-form turn keeps, given what the conversation has said so far."""
    text = body(reply.reply)
    problems: list[str] = []
    if text.lower().startswith(STOCK_OPENERS):
        problems.append("stock opener")
    if "covered the main points" in text.lower():
        problems.append("'covered the main points'")
    problems += [f"fragment ({kind})" for kind in fragments(reply.reply)]
    for sentence in SENTENCE.split(text):
        clean = re.sub(r"\s*\[\d+\]", "", sentence).strip()
        if len(clean.split()) >= REPEAT_WORDS:
            if clean in said:
                problems.append(f"repeats {clean[:50]!r}")
            said.append(clean)
    opening = frame(say, reply.reply)
    if opening and opening in frames:
        problems.append(f"opening frame {opening!r} used twice")
    frames.append(opening)
    return problems


def evaluate(coach: Coach, data: ConversationSet) -> ConversationResult:
    failures: dict[str, list[str]] = {}
    turns = 0
    for n, conversation in enumerate(data.conversations):
        user = f"conversations:{n}"
        said: list[str] = []
        frames: list[str] = []
        problems: list[str] = []
        for i, turn in enumerate(conversation.turns, start=1):
            reply = coach.respond(user, turn.say)
            turns += 1
            found = check_expect(turn.say, reply, turn.expect)
            if reply.flow is None and not reply.safety.level.at_least(reply.safety.level.CRISIS):
                found += check_turn(turn.say, reply, said, frames)
            problems += [f"turn {i}: {p}" for p in found]
        if problems:
            failures[conversation.name] = problems
    total = len(data.conversations)
    return ConversationResult(
        conversations=total, passed=total - len(failures), turns=turns, failures=failures
    )


def load_set(path: Path = DEFAULT_SET) -> ConversationSet:
    return ConversationSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def run_conversation_eval(settings: Settings, path: Path = DEFAULT_SET) -> ConversationResult:
    with scratch_coach(settings, "conversations") as coach:
        return evaluate(coach, load_set(path))
