"""Questions about the conversation itself, answered from what the leader has said in it.

"What was the first thing I asked you about?", "what have we talked about?" and "I already
told you ..." are answered from `CoachState.said` (the leader's free-form messages, kept
encrypted with the conversation), reflected in the second person, never from the cards.
"""

from __future__ import annotations

from bot.coach.plan import TurnPlan, content_words
from bot.coach.reflect import Heard, listen
from bot.content.turns import TurnWords

RECAP_ITEMS = 3
KINDS = ("first", "recap", "already")


def about(heard: Heard) -> str:
    """A reflected message as something one can have raised: "that ...", "how ...", "about ..."."""
    if heard.shape == "statement":
        return f"that {heard.clause}"
    if heard.shape == "question":
        return heard.clause
    if heard.shape == "topic":
        return f"about {heard.clause}"
    return f'"{heard.clause.rstrip(".?!")}"'


def which(message: str, words: TurnWords) -> str | None:
    """Which kind of question about the conversation this is (first, recap, already), if any."""
    for name, patterns in words.memory.compiled.items():
        if any(p.search(message) for p in patterns):
            return name
    return None


def answer(kind: str, message: str, said: list[str], words: TurnWords) -> TurnPlan:
    """A reply from the conversation's own record (`said` excludes the current message)."""
    m = words.memory
    question = m.questions[KINDS.index(kind) % len(m.questions)]
    earlier = [s for s in said if which(s, words) is None]
    if not earlier:
        if kind == "already":
            return TurnPlan(kind="memory", opening=m.already_unknown, question=question)
        return TurnPlan(kind="memory", opening=m.none_reply, question=question)
    if kind == "first":
        text = m.first_reply.format(first=about(listen(earlier[0], words)))
    elif kind == "recap":
        items = [about(listen(s, words)) for s in earlier[-RECAP_ITEMS:]]
        joined = items[0] if len(items) == 1 else "; ".join(items[:-1]) + "; and " + items[-1]
        text = m.recap_reply.format(items=joined)
    else:
        wanted = content_words(message)
        best = max(earlier, key=lambda s: len(content_words(s) & wanted))
        if not content_words(best) & wanted:
            best = earlier[-1]
        text = m.already_reply.format(earlier=about(listen(best, words)))
    return TurnPlan(kind="memory", opening=text, question=question)
