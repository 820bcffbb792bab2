"""The words of a message as the organisation finders read them: keys, capitals, possessives."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from bot.privacy.lexicon import AMPERSAND
from bot.privacy.names import name_key
from bot.privacy.patterns import ORG_GAP, ORG_TOKEN, POSSESSIVE_ENDINGS

AND = "and"
OF = "of"
MAX_NAME_WORDS = 8
LOOK_BACK = 120  # characters before an ending searched for the words of a name
BETWEEN_WORDS = re.compile(r"[ \t]{1,2}")

Span = tuple[int, int]

# A lower-case prefix before a capitalised name is no part of it: "ex-Barts", "non-Leeds".
_LOWER_PREFIX = re.compile(r"[a-z]+-(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class Word:
    start: int
    end: int  # without a possessive ending
    key: str
    capitalised: bool
    possessive: bool


def split_words(text: str, start: int = 0, end: int | None = None) -> list[Word]:
    found: list[Word] = []
    for match in ORG_TOKEN.finditer(text, start, len(text) if end is None else end):
        word = match.group()
        first = match.start()
        prefix = _LOWER_PREFIX.match(word) if "-" in word else None
        if prefix:
            word = word[prefix.end() :]
            first += prefix.end()
        cut = 2 if len(word) > 2 and word.endswith(POSSESSIVE_ENDINGS) else 0
        key = AND if word == AMPERSAND else name_key(word[: len(word) - cut])
        found.append(Word(first, match.end() - cut, key, word[:1].isupper(), cut > 0))
    return found


@functools.lru_cache(maxsize=16)
def text_words(text: str) -> tuple[Word, ...]:
    """All the words of ``text``, kept for the few finders that read a message whole."""
    return tuple(split_words(text))


def are_joined(text: str, left: Word, right: Word) -> bool:
    gap = text[left.end : right.start]
    if left.possessive:
        gap = gap[2:]  # the "'s" ending sits between the two words
    return bool(ORG_GAP.match(gap))


def joined_in_item(text: str, left: Word, right: Word) -> bool:
    """Two words of one item of a list: joined, with no comma between them."""
    return (
        not left.possessive
        and "," not in text[left.end : right.start]
        and are_joined(text, left, right)
    )


def name_keys(name: str) -> tuple[str, ...]:
    return tuple(word.key for word in split_words(name))


def without_possessive(text: str, start: int, end: int) -> int:
    for ending in POSSESSIVE_ENDINGS:
        if text.endswith(ending, start, end):
            return end - len(ending)
    return end
