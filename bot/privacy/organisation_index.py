"""Listed organisation names in a trie of words, matched longest first."""

from __future__ import annotations

from collections.abc import Sequence

from bot.privacy.organisation_list import OrganisationList
from bot.privacy.organisation_words import (
    Span,
    Word,
    are_joined,
    name_keys,
    split_words,
    text_words,
)


class _Node:
    """One word of the trie of listed names; ``complete`` when a name ends here."""

    __slots__ = ("children", "complete", "possessive")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.complete = False
        self.possessive = False  # the name ends in "'s": "Sheffield Children's"


class OrganisationIndex:
    """Listed names in a trie of words; immutable once built, so safe across threads.

    Lookup walks the text's words once, so its cost grows with the text, not the list.
    """

    def __init__(self, organisations: OrganisationList) -> None:
        self._capitalised_first = frozenset(
            keys[0] for keys in map(name_keys, organisations.capitalised_only) if keys
        )
        self._root = _Node()
        self.size = 0
        for name in organisations.all_names():
            node = self._root
            words = split_words(name)
            for word in words:
                node = node.children.setdefault(word.key, _Node())
            if node is not self._root and not node.complete:
                node.complete = True
                self.size += 1
            if words and words[-1].possessive:
                node.possessive = True

    def find(self, text: str) -> list[Span]:
        words = text_words(text)
        spans: list[Span] = []
        index = 0
        while index < len(words):
            length, possessive = self._match_at(text, words, index)
            if length:
                last = words[index + length - 1]
                end = last.end + (2 if possessive and last.possessive else 0)
                spans.append((words[index].start, end))
                index += length
            else:
                index += 1
        return spans

    def _match_at(self, text: str, words: Sequence[Word], index: int) -> tuple[int, bool]:
        """How many words from ``index`` make the longest listed name (0 if none), and
        whether that name ends in "'s" as written ("Sheffield Children's people")."""
        first = words[index]
        if first.key in self._capitalised_first and not first.capitalised:
            return 0, False
        node = self._root.children.get(first.key)
        best = 0
        possessive = False
        position = index
        while node is not None:
            if node.complete:
                best = position - index + 1
                possessive = node.possessive
            word = words[position]
            position += 1
            if word.possessive or position >= len(words):
                break
            if not (
                are_joined(text, word, words[position])
                or _ampersand_inside(text, word, words[position])
            ):
                break
            node = node.children.get(words[position].key)
        return best, possessive


def _ampersand_inside(text: str, left: Word, right: Word) -> bool:
    """An "&" written tight inside initials: "GG&C", "B&NES"."""
    if left.end != right.start:
        return False
    return text[right.start : right.end] == "&" or text[left.start : left.end] == "&"
