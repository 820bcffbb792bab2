"""Broad word lists the names rules use as evidence: surnames, given names, English words.

The lists are data (``prompts/privacy/*.txt.gz``, described with their sources and licences in
``prompts/privacy/word_lists.yaml`` and built by ``scripts/build_word_lists.py``). They are
large (about 300,000 words in all), so each is held as a sorted array of the words' hashes,
not as Python strings: about 2 MB instead of 30, at the cost of a one-in-2^64 chance that a
word not on a list is taken to be on it. Hashes are Python's own, computed when the lists are
loaded, so they never leave the process.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.config import PROJECT_ROOT
from bot.datafiles import ContentError, load_yaml_model

DEFAULT_WORD_LISTS = PROJECT_ROOT / "prompts" / "privacy" / "word_lists.yaml"


class ListSource(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(pattern=r"^[\w.-]+\.txt\.gz$")
    words: int = Field(gt=0)
    source: str = Field(min_length=10)
    licence: str = Field(min_length=5)


class ListSources(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    surnames: ListSource
    given_names: ListSource
    english_words: ListSource


class WordListsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lists: ListSources
    # Written by hand: everyday words newer than the dictionary ("handover", "webinar").
    newer_english_words: list[str] = Field(default_factory=list)

    @field_validator("newer_english_words")
    @classmethod
    def _lower_words(cls, values: list[str]) -> list[str]:
        odd = [value for value in values if not value.isalpha() or not value.islower()]
        if odd:
            raise ValueError(f"not lower-case single words: {odd}")
        return values


ENGLISH = 1
SURNAME = 2
GIVEN_NAME = 4
_CACHE_SIZE = 65536


class WordLists:
    """The three lists as one sorted array of word hashes with a bit per list.

    ``kinds(key)`` answers for a lower-case word (its ``name_key``) with the bits ``ENGLISH``,
    ``SURNAME`` and ``GIVEN_NAME``. Answers are cached (words repeat from message to message);
    the cache is cleared when it is full. Safe across threads: a cache entry is one dict store.
    """

    def __init__(
        self, *, english: Iterable[str], surnames: Iterable[str], given: Iterable[str]
    ) -> None:
        given_strings = list(given)
        given = given_strings
        bits: dict[int, int] = {}
        for flag, words in ((ENGLISH, english), (SURNAME, surnames), (GIVEN_NAME, given)):
            for word in words:
                key = hash(word)
                bits[key] = bits.get(key, 0) | flag
        order = sorted(bits)
        self._hashes = np.array(order, dtype=np.int64)
        self._bits = np.array([bits[h] for h in order], dtype=np.uint8)
        self._cache: dict[str, int] = {}
        self._english: dict[str, bool] = {}  # is_english's answers, cleared like ``_cache``
        self.given_names: frozenset[str] = frozenset(h for h in given_strings)

    def __len__(self) -> int:
        return len(self._hashes)

    def kinds(self, key: str) -> int:
        found = self._cache.get(key)
        if found is None:
            found = self._look_up(key)
            if len(self._cache) >= _CACHE_SIZE:
                self._cache = {}
            self._cache[key] = found
        return found

    def _look_up(self, key: str) -> int:
        value = hash(key)
        at = int(np.searchsorted(self._hashes, value))
        if at < len(self._hashes) and int(self._hashes[at]) == value:
            return int(self._bits[at])
        return 0

    def is_english(self, key: str) -> bool:
        """An English word, also inflected ("providers": the dictionary lists "provider") or in
        British spelling ("organised", "colour", "centre", "cancelled", "paediatric": the
        dictionary is American)."""
        found = self._english.get(key)
        if found is None:
            found = self._english_as_written(key) or any(
                self._english_as_written(variant) for variant in american_spellings(key)
            )
            if len(self._english) >= _CACHE_SIZE:
                self._english = {}
            self._english[key] = found
        return found

    def _english_as_written(self, key: str) -> bool:
        if self.kinds(key) & ENGLISH:
            return True
        if key.endswith(_ENGLISH_SUFFIXES) and len(key) >= MIN_SUFFIXED:
            return True  # words newer than the dictionary: "sustainability", "digitisation"
        return any(
            key.endswith(ending) and len(key) > len(ending) + 2 and self.kinds(stem) & ENGLISH
            for ending, stem in _stems(key)
        )

    def is_surname(self, key: str) -> bool:
        return bool(self.kinds(key) & SURNAME)

    def is_given_name(self, key: str) -> bool:
        return bool(self.kinds(key) & GIVEN_NAME)


# Endings only English words have (no given name or surname ends so): newer words than the
# dictionary's ("sustainability", "personalisation", "wellness", "neurodiversity").
_ENGLISH_SUFFIXES = (
    "ability",
    "ibility",
    "isation",
    "ization",
    "isations",
    "izations",
    "ation",
    "ations",
    "ness",
    "ology",
    "ologies",
    "ologist",
    "ologists",
    "iveness",
    "ivity",
)
MIN_SUFFIXED = 8

_ENDINGS = (
    ("s", ""),
    ("es", ""),
    ("ies", "y"),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
    ("er", ""),
    ("ers", ""),
    ("ly", ""),
    ("'s", ""),
    ("ised", ""),  # a verb made of a noun: "pseudonymised", "pseudonymising"
    ("ized", ""),
    ("ising", ""),
    ("izing", ""),
)


_ISE = re.compile(r"(?P<stem>[a-z]{2,}[iy])s(?P<ending>e|ed|es|ing|er|ers)")  # "organised"
_TRE = re.compile(r"(?P<stem>[a-z]{2,})tre(?P<ending>s|d)?")  # "centres"
_LLED = re.compile(r"(?P<stem>[a-z]{2,}[aeiou])ll(?P<ending>ed|ing|er|ers)")  # "cancelled"
# "colour", "behaviours", "favourite" (not a compound: "Harbourside" names a place)
_OUR = re.compile(r"(?P<stem>[a-z]{2,})our(?P<ending>s|ed|ing|ite|ites|able|ably|er|ers|ful)?")
MIN_OUR = 5  # "colour", not "four"
MIN_DIGRAPH = 7  # "paediatric", not "Mae", "Gael"


def american_spellings(key: str) -> list[str]:
    """The American spellings a British-spelt word may have: "organised" -> "organized",
    "colour" -> "color", "centre" -> "center", "cancelled" -> "canceled", "paediatric" ->
    "pediatric"."""
    variants: list[str] = []
    if match := _ISE.fullmatch(key):
        variants.append(f"{match.group('stem')}z{match.group('ending')}")
    if len(key) >= MIN_OUR and (match := _OUR.fullmatch(key)):
        variants.append(f"{match.group('stem')}or{match.group('ending') or ''}")
    if match := _TRE.fullmatch(key):
        variants.append(f"{match.group('stem')}ter{match.group('ending') or ''}")
    if match := _LLED.fullmatch(key):
        variants.append(f"{match.group('stem')}l{match.group('ending')}")
    if len(key) >= MIN_DIGRAPH and ("ae" in key or "oe" in key):
        variants.append(key.replace("ae", "e").replace("oe", "e"))
    return variants


def _stems(key: str) -> list[tuple[str, str]]:
    """(ending, stem) for each ending ``key`` has: "providers" -> ("s", "provider")..."""
    return [
        (ending, key[: -len(ending)] + tail) for ending, tail in _ENDINGS if key.endswith(ending)
    ]


def _read_words(path: Path, expected: int) -> list[str]:
    try:
        words = gzip.decompress(path.read_bytes()).decode("ascii").split()
    except FileNotFoundError as exc:
        raise ContentError(path, "file", "not found") from exc
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise ContentError(path, "file", f"cannot read: {exc}") from exc
    if len(words) != expected:
        raise ContentError(path, "words", f"{len(words)} words, the sources file says {expected}")
    return words


def load_word_lists(path: Path = DEFAULT_WORD_LISTS) -> WordLists:
    """Read the sources file and the lists beside it; a problem is a ContentError."""
    described = load_yaml_model(path, WordListsFile)
    sources = described.lists

    def load(source: ListSource) -> list[str]:
        return _read_words(path.parent / source.file, source.words)

    return WordLists(
        english=[*load(sources.english_words), *described.newer_english_words],
        surnames=load(sources.surnames),
        given=load(sources.given_names),
    )


@cache
def default_word_lists() -> WordLists:
    """The shipped lists, loaded once per process (about a quarter of a second)."""
    return load_word_lists()
