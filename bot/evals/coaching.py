"""Checks on free-form coaching replies, and the sealed coaching set (figures only).

The same definitions serve `anchor eval style`, `anchor eval conversations` and
`anchor eval coaching --sealed DIR`:

- **picks up the leader's words**: the reply's first sentence (its first paragraph up to the
  first `.`, `!` or `?` followed by a space) contains at least two of the message's content
  words, or the only one it has. Content words are lower-cased runs of four or more letters
  that are not common function words (`bot.coach.plan.STOP`), compared on their first five
  letters ("blocking" meets "blocked").
- **opening frame**: the first three words of that first sentence that are neither words of
  the message nor pronouns (I, you, we and their forms); "So the trust keeps blocking your plan"
  has the frame "so". The share of the most common frame across replies is reported.
- **fragments**: sentences of a reply's idea paragraphs (between the opening and the closing
  question; only those carrying a citation mark, i.e. quoted from a card; marks removed) that
  are a tag line, a bare list number, a heading, a card self-reference or a dangling connective
  (`bot.knowledge.units.fragment_kind`).
- **cites a fitting card**: the reply cites at least one card in the item's `cards` list.
- **out of scope handled**: the reply cites nothing and says what Anchor can help with (it
  names coaching or help and leadership, partnerships or work).

A sealed set lives in `evals/sealed/<name>/questions.yaml`:
`questions: [{q, role, feeling, cards: [ids]}]`, `out_of_scope: [{q}]`, written by someone who
saw only card titles. Each item is asked in a fresh conversation, with `role` given as the
leader's profile title. The runner prints figures only, never a message, and appends them to
`evals/sealed/log.jsonl` (`bot.evals.sealed.record`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import NamedTuple, Protocol

import yaml
from pydantic import BaseModel, ConfigDict, Field

from bot.coach.engine import Coach
from bot.coach.plan import first_sentence, picks_up
from bot.config import Settings
from bot.evals.replies import LABELS, OUTCOMES, gate_answered, sort_reply
from bot.evals.scratch import scratch_coach
from bot.knowledge.units import fragment_kind

PRONOUNS = frozenset(
    [
        "i",
        "i'm",
        "i've",
        "i'd",
        "me",
        "my",
        "mine",
        "we",
        "we're",
        "we've",
        "us",
        "our",
        "ours",
        "you",
        "you're",
        "you've",
        "you'd",
        "your",
        "yours",
        "yourself",
    ]
)
WORD = re.compile(r"[a-z][a-z']*")
MARK = re.compile(r"\s*\[\d+\]")
SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”]))\s+(?=[A-Z\"“])")
ISSUE_KINDS = frozenset(
    {"tag line", "list number", "heading", "self-reference", "dangling connective"}
)
HELPS = re.compile(r"\b(?:help|coach)", re.I)
DOMAIN = re.compile(r"\b(?:leader|leadership|partnership|partner|work|team)", re.I)


def body(text: str) -> str:
    return text.split("\n\nSources: ")[0].strip()


def frame(message: str, reply: str) -> str:
    """The opening frame of a reply: see the module docstring."""
    said = set(WORD.findall(message.lower()))
    words = [
        w
        for w in WORD.findall(first_sentence(body(reply)).lower())
        if w not in said and w not in PRONOUNS
    ]
    return " ".join(words[:3])


def fragments(reply: str) -> list[str]:
    """The issue kinds of fragment among the reply's idea sentences."""
    paragraphs = body(reply).split("\n\n")
    found: list[str] = []
    for paragraph in paragraphs[1:-1]:
        if not MARK.search(paragraph):
            continue  # not quoted from a card: a safety line or signpost is written whole
        text = MARK.sub("", paragraph)
        if not text:
            continue
        for sentence in SENTENCE.split(text):
            lead, colon, rest = sentence.partition(": ")
            if colon and len(lead.split()) <= 6 and rest[:1].isupper():
                sentence = rest  # "One thing that may help: <sentence>"
            if "as of" in sentence.lower():
                continue
            kind = fragment_kind(sentence)
            if kind in ISSUE_KINDS:
                found.append(kind)
    return found


def handles_out_of_scope(reply: str, cited: list[str]) -> bool:
    text = body(reply)
    return not cited and bool(HELPS.search(text)) and bool(DOMAIN.search(text))


class SealedQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str = Field(min_length=1)
    role: str = ""
    feeling: str = ""
    cards: list[str] = Field(default_factory=list)


class SealedOutOfScope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str = Field(min_length=1)


class CoachingSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    questions: list[SealedQuestion] = Field(min_length=1)
    out_of_scope: list[SealedOutOfScope] = Field(default_factory=list)


class CoachingFigures(BaseModel):
    set: str
    questions: int
    out_of_scope_items: int
    cites_fitting_card: float
    opening_picks_up_words: float
    top_frame_share: float
    fragments: int
    out_of_scope_handled: float
    # how many in-scope replies ended each way (bot.evals.replies: cited a fitting card,
    # another card, said nothing fits, stayed with the feeling, declined, anything else):
    # where the replies that cite no fitting card went, as counts only
    outcomes: dict[str, int] = Field(default_factory=dict)
    # out-of-scope requests not handled, by what the reply did instead (counts only)
    out_of_scope_missed: dict[str, int] = Field(default_factory=dict)

    def figures(self) -> dict[str, float]:
        return {
            **{f"outcome[{name}]": count for name, count in self.outcomes.items()},
            **{f"oos_missed[{how}]": n for how, n in self.out_of_scope_missed.items()},
            "questions": self.questions,
            "out_of_scope_items": self.out_of_scope_items,
            "cites_fitting_card": round(self.cites_fitting_card, 4),
            "opening_picks_up_words": round(self.opening_picks_up_words, 4),
            "top_frame_share": round(self.top_frame_share, 4),
            "fragments": self.fragments,
            "out_of_scope_handled": round(self.out_of_scope_handled, 4),
        }

    def table(self) -> str:
        return "\n".join(
            [
                f"Sealed coaching set {self.set} (figures only; the messages stay unread)",
                f"  {self.questions} questions, {self.out_of_scope_items} out of scope",
                f"cites a fitting card          {self.cites_fitting_card:.3f}  (target >= 0.90)",
                f"opening picks up their words  {self.opening_picks_up_words:.3f}"
                "  (target >= 0.70)",
                f"most common opening frame     {self.top_frame_share:.3f}  (target <= 0.10)",
                f"fragments                     {self.fragments}  (target 0)",
                f"out of scope handled          {self.out_of_scope_handled:.3f}  (target 1.0)",
                *_outcome_lines(self),
                *(
                    f"out of scope not handled: {how:<26}{n}"
                    for how, n in self.out_of_scope_missed.items()
                ),
            ]
        )


def _outcome_lines(figures: CoachingFigures) -> list[str]:
    labels: dict[str, str] = {str(name): label for name, label in LABELS.items()}
    return [
        f"replies: {labels.get(name, name):<34}{count}" for name, count in figures.outcomes.items()
    ]


def load_coaching_set(folder: Path) -> CoachingSet:
    path = folder / "questions.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"no sealed coaching set (questions.yaml) in {folder}")
    return CoachingSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


class Answer(NamedTuple):
    """A reply as the eval sees it: its text, the cards it cites, the gate's safety level."""

    text: str
    cited: list[str]
    safety: str = "none"


# answers one message in a fresh conversation: (n, message, profile title) -> Answer
Ask = Callable[[int, str, str], Answer]


class Sort(Protocol):
    """Sorts a reply (its text, the cards it cites, the cards that fit; the gate's safety level)
    into an outcome (`bot.evals.replies.sort_reply` with the coach's words)."""

    def __call__(
        self, text: str, cited: list[str], want: set[str], *, safety: str = ...
    ) -> str: ...


def measure_coaching(
    name: str, data: CoachingSet, ask: Ask, sort: Sort | None = None
) -> CoachingFigures:
    """The set's figures; with `sort`, also how many replies ended each way."""
    fitting = picked = 0
    frames: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    broken = 0
    missed: Counter[str] = Counter()
    for n, item in enumerate(data.questions):
        reply, cited, safety = ask(n, item.q, item.role)
        fitting += bool(set(cited) & set(item.cards))
        if sort is not None:
            outcomes[sort(reply, cited, set(item.cards), safety=safety)] += 1
        picked += picks_up(item.q, body(reply))
        frames[frame(item.q, reply)] += 1
        broken += len(fragments(reply))
    handled = 0
    for n, oos in enumerate(data.out_of_scope):
        reply, cited, safety = ask(len(data.questions) + n, oos.q, "")
        if handles_out_of_scope(reply, cited):
            handled += 1
        else:
            missed[_oos_miss(cited, safety)] += 1
    total = len(data.questions)
    return CoachingFigures(
        set=name,
        questions=total,
        out_of_scope_items=len(data.out_of_scope),
        cites_fitting_card=fitting / total,
        opening_picks_up_words=picked / total,
        top_frame_share=(frames.most_common(1)[0][1] / total) if frames else 0.0,
        fragments=broken,
        out_of_scope_handled=handled / (len(data.out_of_scope) or 1),
        outcomes={name: outcomes[name] for name in OUTCOMES} if sort is not None else {},
        out_of_scope_missed=dict(missed),
    )


def _oos_miss(cited: list[str], safety: str) -> str:
    """What a reply to an out-of-scope request did instead of declining it."""
    if gate_answered(safety):
        return "the safety gate answered"
    return "cited a card" if cited else "answered without a card"


def coach_asker(coach: Coach) -> Ask:
    def ask(n: int, q: str, role: str) -> Answer:
        reply = coach.respond(f"sealed:{n}", q, title=role or None)
        return Answer(reply.reply, [c.card_id for c in reply.citations], reply.safety.level.value)

    return ask


def run_sealed_coaching(settings: Settings, folder: Path) -> CoachingFigures:
    """Measure the coach on a sealed set in a scratch database (offline composer)."""
    data = load_coaching_set(folder)
    with scratch_coach(settings, "coaching") as coach:
        return measure_coaching(
            folder.name, data, coach_asker(coach), partial(sort_reply, coach.words)
        )
