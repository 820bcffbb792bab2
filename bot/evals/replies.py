"""`anchor eval retrieval --replies`: does the coach's reply cite a card the question wants?

Retrieval finding a fitting card is not enough: the free-form turn quotes at most one idea, and
only when it fits, so the reply may cite another card or none. Each question of a retrieval set
(`q` and its acceptable `cards`) is asked in a fresh conversation of the offline coach (a scratch
data folder, `bot/evals/scratch.py`), and every reply is sorted into one outcome:

- **cites an expected card**: it cites at least one of the item's cards;
- **cites another card**: it cites cards, none of them expected;
- **says nothing fits**: it cites nothing and says its notes do not cover this
  (`no_fit` in prompts/system/turns.yaml);
- **stays with the feeling**: it cites nothing and closes on a feeling's question;
- **out of scope**: it says the request is outside what Anchor does;
- **safety**: the safety gate answered (a concern check-in, a crisis or emergency reply, or
  Freedom to Speak Up routes) and no expected card is cited;
- **other**: anything else (small talk, a flow started).

Beside these, **retrieval top 3**: the share of questions whose expected card is among hybrid
retrieval's first three, the ceiling a reply that follows retrieval could reach.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from bot.coach.engine import Coach
from bot.config import Settings
from bot.content.turns import TurnWords
from bot.evals.retrieval import RetrievalItem, load_items
from bot.evals.scratch import scratch_coach
from bot.models import Reply

Outcome = Literal["expected", "other_card", "no_fit", "feeling", "out_of_scope", "safety", "other"]
OUTCOMES: tuple[Outcome, ...] = (
    "expected",
    "other_card",
    "no_fit",
    "feeling",
    "out_of_scope",
    "safety",
    "other",
)
LABELS: dict[Outcome, str] = {
    "expected": "cites an expected card",
    "other_card": "cites another card",
    "no_fit": "says nothing fits",
    "feeling": "stays with the feeling",
    "out_of_scope": "out of scope",
    "safety": "the safety gate answered",
    "other": "other (small talk, a flow)",
}


class ReplyMiss(BaseModel):
    q: str
    outcome: Outcome
    cited: list[str]
    want: list[str]
    top3: list[str]


class RepliesResult(BaseModel):
    set: str
    questions: int
    rates: dict[str, float]
    retrieval_top3: float
    misses: list[ReplyMiss] = Field(default_factory=list)

    @property
    def cites_expected(self) -> float:
        return self.rates["expected"]

    def table(self) -> str:
        lines = [f"Replies on {self.set}: {self.questions} questions, offline coach"]
        for outcome in OUTCOMES:
            lines.append(f"{LABELS[outcome]:<34}{self.rates[outcome]:.3f}")
        lines.append(f"{'retrieval has one in its top 3':<34}{self.retrieval_top3:.3f}")
        return "\n".join(lines)


def outcome(coach: Coach, reply: Reply, want: set[str]) -> Outcome:
    """Which outcome of the module docstring a reply is."""
    cited = [c.card_id for c in reply.citations]
    return sort_reply(coach.words, reply.reply, cited, want, safety=reply.safety.level.value)


def gate_answered(safety: str) -> bool:
    """The safety gate, not the coach, answered a message it graded at `safety`."""
    return safety != "none"


def sort_reply(
    words: TurnWords, text: str, cited: list[str], want: set[str], *, safety: str = "none"
) -> Outcome:
    """The outcome of a reply (its text, the cards it cites and the safety level the gate
    gave the message) for a question wanting `want`."""
    if set(cited) & want:
        return "expected"
    if gate_answered(safety):
        return "safety"
    if cited:
        return "other_card"
    if any(line in text for line in words.no_fit):
        return "no_fit"
    oos = words.out_of_scope
    if oos.help in text or oos.again_help in text:
        return "out_of_scope"
    closing = text.rstrip().rsplit("\n\n", 1)[-1]
    if any(closing in feeling.questions for feeling in words.feelings.values()):
        return "feeling"
    return "other"


def measure_replies(coach: Coach, name: str, items: list[RetrievalItem]) -> RepliesResult:
    counts: Counter[Outcome] = Counter()
    in_top3 = 0
    misses: list[ReplyMiss] = []
    for n, item in enumerate(items):
        want = set(item.cards)
        reply = coach.respond(f"replies:{name}:{n}", item.q)
        found = outcome(coach, reply, want)
        counts[found] += 1
        top3 = coach.retriever.rank_cards(item.q, k=3)
        in_top3 += bool(want & set(top3))
        if found != "expected":
            misses.append(
                ReplyMiss(
                    q=item.q,
                    outcome=found,
                    cited=[c.card_id for c in reply.citations],
                    want=item.cards,
                    top3=top3,
                )
            )
    total = len(items) or 1
    return RepliesResult(
        set=name,
        questions=len(items),
        rates={o: counts[o] / total for o in OUTCOMES},
        retrieval_top3=in_top3 / total,
        misses=misses,
    )


def run_replies_eval(settings: Settings, paths: list[Path]) -> list[RepliesResult]:
    """Each retrieval set's replies, measured in one scratch coach."""
    with scratch_coach(settings, "replies") as coach:
        return [measure_replies(coach, path.name, load_items(path)) for path in paths]
