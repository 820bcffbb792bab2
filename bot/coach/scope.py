"""What Anchor does not do: requests outside leadership coaching, and other languages.

Weather, code, tax, sport, travel, recipes, medical or legal advice and general knowledge are
matched by the patterns in prompts/system/turns.yaml (`out_of_scope.topics`). A message of four
or more words that is almost free of common English words and uses words typical of another
language is read as written in another language. Either way the reply says this is outside what
Anchor does, what it can help with, and cites nothing.
"""

from __future__ import annotations

import re

from bot.content.turns import TurnWords

TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
MIN_WORDS = 4
MAX_ENGLISH_SHARE = 0.15


def other_language(text: str, words: TurnWords) -> bool:
    tokens = [t.lower() for t in TOKEN.findall(text)]
    if len(tokens) < MIN_WORDS:
        return False
    english = set(words.english_words)
    share = sum(t in english for t in tokens) / len(tokens)
    if share > MAX_ENGLISH_SHARE:
        return False
    foreign = set(words.other_language.words)
    marked = sum(t in foreign for t in tokens)
    accented = any(not t.isascii() for t in tokens)
    return marked >= 2 or (marked >= 1 and accented)


def out_of_scope(text: str, words: TurnWords) -> str | None:
    """The few words naming what was asked for when it is outside Anchor's scope, else None."""
    for topic in words.out_of_scope.topics.values():
        if any(p.search(text) for p in topic.compiled):
            return topic.says
    if other_language(text, words):
        return words.other_language.says
    return None


FRAME = "out of scope"  # kept with the conversation's frames, so a second one is worded anew


def scope_reply(says: str, words: TurnWords, *, again: bool = False) -> tuple[str, str]:
    """The reply's body and its closing question (shorter, in other words, the second time)."""
    oos = words.out_of_scope
    if again:
        said = oos.again.format(says=says, says_lower=says[:1].lower() + says[1:])
        return f"{said} {oos.again_help}", oos.again_question
    return f"{oos.reply.format(says=says)} {oos.help}", oos.question
