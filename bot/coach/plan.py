"""The plan of one free-form coaching turn, shared by the offline composer and the LLM path.

A turn is: an opening that reflects the leader's words (and a line naming any feeling they
named), at most one idea (one or two sentences of one card, cited), and one question. Kinds:

- `idea`: reflect, one idea, one question;
- `feeling`: a strong feeling and no request for ideas: reflect, name it, one question;
- `no_fit`: nothing in the cards fits well enough: reflect, say so and what Anchor can do;
- `out_of_scope`: not something Anchor does: say so and what it can help with;
- `memory`: a question about the conversation itself, answered from it;
- `narrow`: "tell me more" when nothing more fits: a question that narrows the topic.

`check_reply` holds the rules any writer of the turn (the offline composer or an LLM) must
keep, so the LLM's answer is refused when it breaks the plan.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

Kind = Literal["idea", "feeling", "no_fit", "out_of_scope", "memory", "narrow"]
STOCK_OPENERS = (
    "here is what the evidence suggests",
    "some ideas worth weighing",
    "i'm glad you brought this here",
    "happy to think that through with you",
    "that's a good question",
    "great question",
    "thanks for sharing",
    "it's a question plenty of",
    "a couple of things from the evidence",
    "a few points that might be useful",
)
CONTENT = re.compile(r"[a-z][a-z']{3,}")
STOP = frozenset(
    [
        "about",
        "after",
        "again",
        "also",
        "been",
        "before",
        "being",
        "between",
        "could",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "from",
        "have",
        "having",
        "here",
        "into",
        "just",
        "more",
        "most",
        "much",
        "need",
        "only",
        "other",
        "over",
        "same",
        "should",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "very",
        "want",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "would",
        "your",
        "yours",
        "you're",
        "really",
        "still",
        "like",
        "feel",
        "felt",
        "keep",
        "keeps",
        "make",
        "makes",
        "made",
        "think",
        "know",
        "getting",
        "going",
        "thing",
        "things",
    ]
)


class TurnPlan(BaseModel):
    kind: Kind
    opening: str = ""
    frame: str | None = None
    feeling: str | None = None
    feeling_line: str | None = None
    feeling_word: str | None = None
    lead: str = ""
    idea: list[str] = Field(default_factory=list)
    idea_keys: list[str] = Field(default_factory=list)
    card_ids: list[str] = Field(default_factory=list)
    offer: str = ""
    # a line said at most once in a conversation (what Anchor can do, after "nothing fits")
    once: str = ""
    question: str = ""
    as_of: str = ""

    def render(self, as_of: str = "") -> str:
        """The reply without its sources line: paragraphs of opening, idea, question."""
        first = " ".join(p for p in (self.opening, self.feeling_line or "") if p)
        paragraphs = [first] if first else []
        if self.idea:
            points = " ".join(self.idea) + " [1]"
            if as_of:
                points += " " + as_of
            paragraphs.append(f"{self.lead} {points}".strip())
        if self.offer:
            paragraphs.append(self.offer)
        if self.question:
            # a question drawn from a second card carries that card's mark
            mark = " [2]" if self.idea and len(self.card_ids) > 1 else ""
            paragraphs.append(self.question + mark)
        return "\n\n".join(paragraphs)


def content_words(text: str) -> set[str]:
    """Lower-cased words of four or more letters that carry meaning (not common function
    words), compared on their first five letters so 'blocking' meets 'blocked'."""
    return {w[:5] for w in CONTENT.findall(text.lower().replace("’", "'")) if w not in STOP}


def first_sentence(text: str) -> str:
    body = text.strip().split("\n\n", 1)[0]
    match = re.search(r"(?<=[.!?\"”])\s", body)
    return body[: match.start()] if match else body


def picks_up(message: str, reply: str) -> bool:
    """Whether the reply's first sentence uses the leader's own words: at least two of the
    message's content words (or its only one)."""
    wanted = content_words(message)
    if not wanted:
        return True
    got = content_words(first_sentence(reply)) & wanted
    return len(got) >= min(2, len(wanted))


def check_reply(plan: TurnPlan, message: str, text: str, cited: list[str]) -> list[str]:
    """What is wrong with `text` as a writing of `plan` (empty when it keeps every rule)."""
    problems: list[str] = []
    lowered = text.strip().lower()
    if lowered.startswith(STOCK_OPENERS):
        problems.append("opens with a stock phrase")
    if plan.kind in ("idea", "feeling", "no_fit") and plan.opening and not picks_up(message, text):
        problems.append("the opening does not pick up the leader's words")
    if text.count("?") != 1:
        problems.append("must ask exactly one question")
    elif not text.rstrip().endswith("?"):
        problems.append("must end on its question")
    if not plan.card_ids and cited:
        problems.append("cites cards when the plan uses none")
    if plan.card_ids and not set(cited) <= set(plan.card_ids):
        problems.append("cites cards the plan does not use")
    if plan.kind == "feeling" and cited:
        problems.append("offers an idea when the turn should stay with the feeling")
    if plan.feeling_word and plan.kind in ("idea", "feeling"):
        named = content_words(f"{plan.feeling_word} {plan.feeling_line or ''} {plan.feeling}")
        if not named & content_words(text):
            problems.append("does not name the feeling the leader named")
    return problems
