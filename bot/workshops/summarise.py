"""Free-text summaries: keywords with the number of distinct people who used them.

A summariser gets one text per distinct person who answered a step (already decrypted, never
stored or logged here) and the fewest people a keyword needs; it returns keyword themes. It
must never return an answer, a sentence or a name. The service also drops anything that is not
a short keyword backed by at least `min_people` people, whatever a summariser returns.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from functools import lru_cache
from typing import Protocol

from bot.workshops.models import ThemeCount

WORD = re.compile(r"[A-Za-z](?:[A-Za-z'’-]*[A-Za-z])?")
SENTENCE_BREAK = re.compile(r"[.!?;:\n]+")
MIN_WORD = 3
MAX_THEMES = 8


class FreeTextSummariser(Protocol):
    def themes(self, answers: Sequence[str], min_people: int) -> list[ThemeCount]:
        """Keyword themes across `answers` (one per person), each used by >= min_people."""
        ...


@lru_cache(maxsize=1)
def spacy_stop_words() -> frozenset[str]:
    """spaCy's English stop words (imported on first use: importing spaCy takes a while)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(word.casefold() for word in STOP_WORDS)


def word_key(word: str) -> str:
    """Fold a lower-case word so that simple plurals count with their singular."""
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class _Usage:
    def __init__(self) -> None:
        self.forms: Counter[str] = Counter()
        self.inner = 0  # uses not at the start of a sentence
        self.inner_capitals = 0

    def add(self, word: str, first: bool) -> None:
        self.forms[word.casefold()] += 1
        if not first:
            self.inner += 1
            self.inner_capitals += word[0].isupper()

    @property
    def looks_like_a_name(self) -> bool:
        """Capitalised wherever it is not starting a sentence: a name, a place, an acronym."""
        return self.inner > 0 and self.inner_capitals == self.inner

    @property
    def label(self) -> str:
        return min(self.forms.items(), key=lambda item: (-item[1], item[0]))[0]


class WordCountSummariser:
    """Keywords by the number of distinct people using them: stop words, short words and
    likely names are left out, and a word used by fewer than `min_people` people is dropped."""

    def __init__(
        self,
        extra_stop_words: Iterable[str] = (),
        *,
        stop_words: Collection[str] | None = None,
        max_themes: int = MAX_THEMES,
    ) -> None:
        self._extra = frozenset(word.casefold() for word in extra_stop_words)
        self._base = None if stop_words is None else frozenset(w.casefold() for w in stop_words)
        self.max_themes = max_themes

    @property
    def stop_words(self) -> frozenset[str]:
        return (spacy_stop_words() if self._base is None else self._base) | self._extra

    def themes(self, answers: Sequence[str], min_people: int) -> list[ThemeCount]:
        stop = self.stop_words
        people: Counter[str] = Counter()
        usage: defaultdict[str, _Usage] = defaultdict(_Usage)
        for text in answers:
            used: set[str] = set()
            for sentence in SENTENCE_BREAK.split(text):
                for position, match in enumerate(WORD.finditer(sentence)):
                    word = match.group().replace("’", "'").removesuffix("'s")
                    lower = word.casefold()
                    if len(lower) < MIN_WORD or lower in stop:
                        continue
                    key = word_key(lower)
                    usage[key].add(word, first=position == 0)
                    used.add(key)
            people.update(used)
        found = [
            ThemeCount(keyword=usage[key].label, people=count)
            for key, count in people.items()
            if count >= min_people and not usage[key].looks_like_a_name
        ]
        found.sort(key=lambda theme: (-theme.people, theme.keyword))
        return found[: self.max_themes]
