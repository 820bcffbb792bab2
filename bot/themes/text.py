"""Text preparation for themes: strip scrubber tags and Slack markup, tokenise, stem.

Everything here is a pure function of its input; word lists are module constants.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import Stemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from spacy.lang.en.stop_words import STOP_WORDS

# Scrubber tags (<NAME>, <NHS_NUMBER>, ...) and anything else in angle brackets that Slack uses
# for markup: mentions <@U1>, channels <#C1|name>, links <https://x|label>, <!here>.
_TAG = re.compile(r"<[^<>\n]{1,200}>")
_EMOJI = re.compile(r":[a-z0-9_+\-]{1,40}:")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
_FORMAT = re.compile(r"(?<!\w)[*_~]+|[*_~]+(?!\w)")
_SPACE = re.compile(r"\s+")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))

# Words: letters (any alphabet), with inner apostrophes, hyphens or "&" ("a&e", "co-production").
_LETTER = r"[^\W\d_]"
_TAIL = rf"(?:(?:{_LETTER}|[&'\-])*{_LETTER})?"
WORD = rf"{_LETTER}{_TAIL}"
_POSSESSIVE = re.compile(r"(?<=[a-z])['’]s\b")
# A capitalised word in mid-sentence: after a word, a digit, a comma or a closing bracket.
MID_CAPITAL = rf"(?<=[\w,;)] )([A-ZÀ-ÖØ-Þ]{_TAIL})"
MIN_WORD = 3

# Generic acronyms of the sector: capitalised everywhere, but naming no person or organisation.
SECTOR_TERMS = frozenset(
    {
        "a&e",
        "ae",
        "ahp",
        "ahps",
        "bi",
        "cqc",
        "cvs",
        "epr",
        "gp",
        "gps",
        "hr",
        "icb",
        "icbs",
        "icp",
        "icps",
        "ics",
        "ig",
        "mdt",
        "nhs",
        "opel",
        "pcn",
        "pcns",
        "uec",
        "vcse",
    }
)
# Short sector words kept although they are under MIN_WORD letters.
SHORT_KEEP = frozenset(w for w in SECTOR_TERMS if len(w) < MIN_WORD)

_CHAT = """
    just really tbh honestly lol think thing things feel feels felt like get gets got getting
    going gone know knows want wants need needs say says said make makes made way lot lots bit
    yes yeah ok okay thanks thank anyone everyone someone somebody nobody im ive dont cant isnt
    arent wont didnt doesnt thats theres whats youre weve theyre id ill hi hello morning week
    weeks day days today yesterday tomorrow time times actually maybe sure probably quick
    question sorry ugh sigh rant tips thoughts welcome grateful pointers notes compare happy
    chat update small win big ramble session tuesday patch reflecting following sure tell told
    ask asked asking does doing did let lets use used come comes came look looks looking
    good great bad right left new old kind sort stuff pretty quite still yet again ago
    dr mr mrs ms mx prof cllr sir dame lord lady rev
"""
CHAT_WORDS = frozenset(_CHAT.split())
STOP = frozenset(ENGLISH_STOP_WORDS) | frozenset(STOP_WORDS) | CHAT_WORDS

_stemmer = Stemmer.Stemmer("english")


def clean(text: str) -> str:
    """``text`` without scrubber tags, Slack markup, emoji codes or formatting marks."""
    text = _CODE.sub(" ", text)
    text = _TAG.sub(" ", text)
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    text = _TAG.sub(" ", text)  # tags that were written as &lt;...&gt;
    text = _EMOJI.sub(" ", text)
    text = _FORMAT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def for_counting(text: str) -> str:
    """Lower-cased, with possessive endings dropped: the form words are counted in."""
    return _POSSESSIVE.sub("", text.lower().replace("’", "'"))


def keep_word(word: str) -> bool:
    """Whether a lower-cased word may count at all (stop words and fragments may not)."""
    if word in SHORT_KEEP:
        return True
    return len(word) >= MIN_WORD and word not in STOP and "'" not in word


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Porter2 stem of a lower-cased word ("discharges" -> "discharg")."""
    result: str = _stemmer.stemWord(word)
    return result


def deny_words(phrases: Iterable[str]) -> frozenset[str]:
    """The lower-cased words of names and organisations that must never be a label."""
    words: set[str] = set()
    for phrase in phrases:
        words.update(w for w in re.findall(WORD, for_counting(phrase)) if w not in SECTOR_TERMS)
    return frozenset(words)
