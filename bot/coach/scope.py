"""What Anchor does not do: requests outside leadership coaching, and other languages.

Weather, code, tax, sport, travel, shopping, recipes, medical or legal advice and general
knowledge are matched by the patterns in prompts/system/turns.yaml (`out_of_scope.topics`).

A message is read as written in another language when most of its letters are in another
script (Arabic, Urdu, Cyrillic, Chinese...), or when its ordinary lower-case words are mostly
not English (the dictionary the scrubber uses, `bot.privacy.word_lists`, with inflections and
contractions) and it carries words typical of another language or letters English does not use
("będzie", "você"). Names, acronyms, links and addresses are left out of the count; a message of
English slang or typos ("i wanna kms tbh") has neither marker, so it is never read as foreign.
Either way the reply says this is outside what Anchor does, what it can help with, and cites
nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

from bot.coach.scope_model import CERTAIN, LEANS, ScopeModel
from bot.content.turns import TurnWords
from bot.privacy.word_lists import default_word_lists

TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
LINKS = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|<[@#!][^>]*>")
CONTRACTION = re.compile(r"(?:n't|'(?:m|s|ve|re|ll|d))$")
MIN_WORDS = 4
MIN_LETTERS = 4
# at most this share of a message's ordinary words English, with a marker of another language
MAX_ENGLISH_SHARE = 0.5
# at least this share of its letters outside the Latin script
MIN_OTHER_SCRIPT = 0.5
# a request or question ("what wine goes with lamb", "recommend a box set"), not news of one's
# day ("wet dog, muddy boots, warm kitchen. bliss"): only these does the model alone decline
REQUEST = re.compile(
    r"\?|^\W*(?:quick q\w*\W+)?(?:can|could|would|will|what|what's|whats|which|who|whos|who's"
    r"|where|when|how|is|are|do|does|should|tell|give|write|find|recommend|suggest|book|translate"
    r"|show|list|explain|calculate|solve|fix|help|any|best|cheapest|pls|need|convert"
    r"|compare|check|define|quiz|code|reset|predict|rate|rank|name|play)\b"
    r"|\b(?:can|could|would|will) you\b|\bplease\b",
    re.I,
)


@cache
def _dictionary() -> Callable[[str], bool]:
    return default_word_lists().is_english


def _other_script(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < MIN_LETTERS:
        return False
    latin = sum(unicodedata.name(c, "").startswith("LATIN") for c in letters)
    return (len(letters) - latin) / len(letters) >= MIN_OTHER_SCRIPT


def _ordinary_words(text: str) -> list[str]:
    """Lower-case words (and the first word), without names, acronyms, links and addresses."""
    tokens = TOKEN.findall(LINKS.sub(" ", text))
    return [
        t.lower()
        for i, t in enumerate(tokens)
        if (i == 0 or t == t.lower()) and (len(t) > 1 or t.lower() in ("i", "a"))
    ]


def other_language(
    text: str, words: TurnWords, is_english: Callable[[str], bool] | None = None
) -> bool:
    if _other_script(text):
        return True
    ordinary = _ordinary_words(text)
    if len(ordinary) < MIN_WORDS:
        return False
    foreign = words.other_language.marker_set
    marked = sum(w in foreign for w in ordinary)
    accented = sum(not w.isascii() for w in ordinary)
    if not (marked >= 2 or (marked >= 1 and accented >= 1) or accented >= 2):
        return False  # no sign of another language: the dictionary is not needed
    known = words.english_set
    in_dictionary = is_english or _dictionary()

    def english(word: str) -> bool:
        stem = CONTRACTION.sub("", word)
        return word in known or stem in known or in_dictionary(stem)

    return sum(english(w) for w in ordinary) / len(ordinary) <= MAX_ENGLISH_SHARE


def out_of_scope(
    text: str, words: TurnWords, model: ScopeModel | None = None, *, in_conversation: bool = False
) -> str | None:
    """The few words naming what was asked for when it is outside Anchor's scope, else None.

    A firm topic's pattern (a dose, a tax return, code) declines on its own. Other topics'
    words also serve work, so their patterns decline a message with no work words in it, or one
    the learned scope model leans to declining (`LEANS`). The model alone declines a request
    with no work words, or one with work words only when it is all but certain: declining a
    leader's real question costs more than a coaching reply to a stray one. In a conversation
    that has a topic, a message pointing back at it (`follow_up`: "can you give me an example?")
    is never declined by the model alone: the model reads one message, not the talk before it.
    """
    if other_language(text, words):
        return words.other_language.says
    about_work = bool(words.work_pattern.search(text))
    score = 0.0 if model is None else model.score(text)
    learned = model is not None and score >= model.threshold
    for topic in words.out_of_scope.topics.values():
        if any(p.search(text) for p in topic.compiled):
            return topic.says if topic.firm or not about_work or score >= LEANS else None
    if in_conversation and words.leans_back(text):
        return None
    if learned and REQUEST.search(text) and (not about_work or score >= CERTAIN):
        return words.out_of_scope.learned_says
    return None


FRAME = "out of scope"  # kept with the conversation's frames, so a second one is worded anew


def scope_reply(says: str, words: TurnWords, *, again: bool = False) -> tuple[str, str]:
    """The reply's body and its closing question (shorter, in other words, the second time)."""
    oos = words.out_of_scope
    if again:
        said = oos.again.format(says=says, says_lower=says[:1].lower() + says[1:])
        return f"{said} {oos.again_help}", oos.again_question
    return f"{oos.reply.format(says=says)} {oos.help}", oos.question
