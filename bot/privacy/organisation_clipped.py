"""A listed body called by its head and the start of its next word: "the Royal Vic" for the
Royal Victoria Infirmary, "the Royal Hallamshire" for the Royal Hallamshire Hospital.

Only names of the list opening with a ``clipped_heads`` word ("Royal") count, and the clipped
word must be capitalised, three letters or more and no English word ("the Royal Unit" stays).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection

from bot.privacy.organisation_list import OrganisationList
from bot.privacy.organisation_words import BETWEEN_WORDS, Span, name_keys, text_words

MIN_CLIPPED = 3


class ClippedNames:
    """Heads and the next words of listed names; immutable, so safe across threads."""

    def __init__(
        self,
        organisations: OrganisationList,
        *,
        heads: Collection[str],
        is_english: Callable[[str], bool],
    ) -> None:
        head_keys = frozenset(heads)
        nexts: dict[str, set[str]] = {}
        for keys in map(name_keys, organisations.all_names()):
            if len(keys) > 1 and keys[0] in head_keys:
                nexts.setdefault(keys[0], set()).add(keys[1])
        self._nexts = {head: frozenset(words) for head, words in nexts.items()}
        self._is_english = is_english

    def find(self, text: str) -> list[Span]:
        if not self._nexts:
            return []
        found: list[Span] = []
        for head, word in itertools.pairwise(text_words(text)):
            if not (head.capitalised and word.capitalised) or head.possessive:
                continue
            if not BETWEEN_WORDS.fullmatch(text, head.end, word.start):
                continue
            if self._clips(head.key, word.key):
                found.append((head.start, word.end))
        return found

    def _clips(self, head: str, key: str) -> bool:
        """Whether ``key`` is, or starts, the word after ``head`` in a listed name."""
        if len(key) < MIN_CLIPPED or self._is_english(key):
            return False
        return any(word.startswith(key) for word in self._nexts.get(head, ()))
