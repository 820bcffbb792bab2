"""A deny-list of known people's names (e.g. the Slack directory), matched as whole words.

Rules:

- Matching ignores case and accents ("zoe" finds "Zoë"), and a possessive is found without its
  ending: in "Priya's", the span is "Priya" and the "'s" stays.
- A full name is stored whole and also by its parts, because people are mostly called by one
  name in conversation: "Priya Sharma" finds "Priya Sharma", "priya" and "Sharma". Leading
  titles are dropped ("Dr Priya Sharma"), and particles ("van", "de") are never names alone.
- A part that is also an ordinary English word ("Will", "Hope", "Green", "Heath") or has two
  letters ("Li") counts on its own only when capitalised; the full name matches in any case.
  A two-letter part in capitals is an abbreviation ("the MO team"), not "Mo".
- Parts of a multi-word name may be joined by spaces or a hyphen ("Smith-Jones").
- The first two words of a name of three or more are a given name, matched in any case:
  "Mei Ling Tan" finds "mei ling" (not "ruth de" of "Ruth de Souza").
- At the start of a sentence such an ordinary-word part is a name only when a verb of a
  person (``name_verbs``), a capitalised word, punctuation or a possessive follows: "Hope has
  agreed", "Grace said", "Grace, can you ...", "Grace's team" are names; "Will we ...", "Hope
  you're well", "Mark the date", "Summer pressures", "Precious little time" are ordinary, and
  so are "Hope I can" (the pronoun is no surname) and "Summers are meant" (one person is not
  "are").
- The index is replaced whole when names are added (build a new one, then swap), so ``find``
  can run in other threads meanwhile and always sees either the old or the new index.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from bot.privacy.patterns import POSSESSIVE_ENDINGS, SENTENCE_START, WORD

SHORT_NAME = 2
MAX_JOIN = 3
JOINERS = " \t\u00a0-"
# One person is not "are": "Summers are meant to be quiet" opens with a plural noun.
_PLURAL_VERBS = frozenset({"are", "were"})
_COPULAS = frozenset({"is", "was"})


@dataclass(frozen=True)
class NameSpan:
    start: int
    end: int


@dataclass(frozen=True)
class _Entry:
    keys: tuple[str, ...]
    needs_capital: bool
    ordinary_word: bool = False  # a single part that is also an English word ("Will")


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    key: str
    base: str | None  # the key without a possessive ending, if it had one
    capitalised: bool
    upper: bool = False  # all in capitals: "MO", "LI"


def name_key(word: str) -> str:
    """How a word is compared: case-folded, curly apostrophes straightened, accents removed."""
    key = word.replace("’", "'").casefold()
    if key.isascii():
        return key
    decomposed = unicodedata.normalize("NFKD", key)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class NameIndex:
    """Known names, looked up word by word (cost grows with the text, not with the list)."""

    def __init__(
        self,
        *,
        ambiguous: Collection[str] = (),
        particles: Collection[str] = (),
        titles: Collection[str] = (),
        function_words: Collection[str] = (),
        name_verbs: Collection[str] = (),
        is_ordinary: Callable[[str], bool] | None = None,
        time_words: Collection[str] = (),
        time_words_then: Collection[str] = (),
    ) -> None:
        """``name_verbs``: after one of these an ordinary word opening a sentence is a name
        ("Hope said", but "Hope you're well", "Summer pressures"); ``is_ordinary``: whether a
        word (its ``name_key``) is an English word, ambiguous like ``ambiguous`` ("heath");
        ``time_words`` before "is" or "was" and one of ``time_words_then`` are a time of year,
        not a name ("Summer is always worse")."""
        self._time_words = frozenset(name_key(word) for word in time_words)
        self._time_then = frozenset(name_key(word) for word in time_words_then)
        self._ambiguous = frozenset(name_key(word) for word in ambiguous)
        self._is_ordinary = is_ordinary
        self._function_words = frozenset(name_key(word) for word in function_words)
        self._name_verbs = frozenset(name_key(word) for word in name_verbs)
        self._particles = frozenset(name_key(word) for word in particles)
        self._titles = frozenset(name_key(word) for word in titles)
        self._by_first: dict[str, tuple[_Entry, ...]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return sum(len(entries) for entries in self._by_first.values())

    def knows(self, key: str) -> bool:
        """Whether ``key`` (a ``name_key``) is, on its own, a part of a known name."""
        return any(entry.keys == (key,) for entry in self._by_first.get(key, ()))

    def add(self, names: Iterable[str], *, capitalised_only: Iterable[str] = ()) -> None:
        """Add names; cost grows with the names added, plus one copy of the index's table.
        ``capitalised_only``: single words found only when capitalised, whatever they are (the
        short forms of members' given names: "Dai", not the Italian "dai")."""
        grouped: dict[str, set[_Entry]] = {}
        for name in names:
            for entry in self._entries(name):
                grouped.setdefault(entry.keys[0], set()).add(entry)
        for word in capitalised_only:
            for entry in self._entries(word):
                capital = _Entry(entry.keys, needs_capital=True, ordinary_word=entry.ordinary_word)
                grouped.setdefault(entry.keys[0], set()).add(capital)
        if not grouped:
            return
        with self._lock:
            by_first = dict(self._by_first)
            for first, entries in grouped.items():
                merged = entries.union(by_first.get(first, ()))
                by_first[first] = tuple(sorted(merged, key=_longest_first))
            self._by_first = by_first  # swapped whole: readers never see a half-built index

    def find(self, text: str) -> list[NameSpan]:
        by_first = self._by_first
        if not by_first:
            return []
        tokens = [self._token(text, match.start(), match.end()) for match in WORD.finditer(text)]
        spans: list[NameSpan] = []
        index = 0
        while index < len(tokens):
            found = _match_at(text, tokens, index, by_first)
            ordinary = found is not None and found[2]
            if found is None or (
                ordinary
                and (
                    self._time_of_year(tokens, index)
                    or _COUNTED.match(text, tokens[index].end) is not None
                    or self._ordinary_here(text, tokens, index)
                )
            ):
                index += 1
                continue
            length, span, _ = found
            spans.append(span)
            index += length
        return spans

    def _time_of_year(self, tokens: list[_Token], index: int) -> bool:
        """A season or month, then "is" or "was" and a word of time: "Summer is always"."""
        return (
            tokens[index].key in self._time_words
            and index + 2 < len(tokens)
            and tokens[index + 1].key in _COPULAS
            and tokens[index + 2].key in self._time_then
        )

    def _ordinary_here(self, text: str, tokens: list[_Token], index: int) -> bool:
        """An ordinary-word name opening a sentence, not followed by a verb of a person."""
        if index + 1 >= len(tokens):
            return False
        after = tokens[index + 1]
        if text[tokens[index].end : after.start].strip():
            return False  # "Grace, can you ...": punctuation in between, so a name
        surname_after = after.capitalised and after.key != "i"  # "Hope I can" is no name
        verb = after.key in self._name_verbs and after.key not in _PLURAL_VERBS
        if tokens[index].base is not None or surname_after or verb:
            return False  # "Grace's team", "Grace Okafor", "Grace said ..."
        start = tokens[index - 1].end if index else 0
        return SENTENCE_START.search(text, start, tokens[index].start) is not None

    def _entries(self, name: str) -> list[_Entry]:
        keys = [name_key(match.group()) for match in WORD.finditer(name)]
        while keys and keys[0] in self._titles:
            keys.pop(0)
        entries = [_Entry(tuple(keys), needs_capital=False)] if len(keys) > 1 else []
        if len(keys) > 2 and keys[1] not in self._particles:
            # a given name of two words, in any case: "mei ling sent it", "fatima zahra"
            entries.append(_Entry(tuple(keys[:2]), needs_capital=False))
        for key in keys:
            if len(key) >= SHORT_NAME and key not in self._particles:
                ordinary = key in self._ambiguous or (
                    self._is_ordinary is not None and self._is_ordinary(key)
                )
                needs_capital = ordinary or len(key) <= SHORT_NAME
                entries.append(_Entry((key,), needs_capital, ordinary))
        return entries

    @staticmethod
    def _token(text: str, start: int, end: int) -> _Token:
        word = text[start:end]
        key = name_key(word)
        base = next((key[: -len(e)] for e in POSSESSIVE_ENDINGS if key.endswith(e)), None)
        return _Token(start, end, key, base or None, word[0].isupper(), word.isupper())


# A small number straight after an ordinary-word name makes it a thing counted: "Page 12",
# "Summer 2025" (not a phone number: "Will 07700 900123").
_COUNTED = re.compile(r"[ \t]+[1-9]\d{0,3}(?![\d ]*\d)")


def _longest_first(entry: _Entry) -> tuple[int, tuple[str, ...]]:
    return -len(entry.keys), entry.keys


def _match_at(
    text: str, tokens: list[_Token], index: int, by_first: dict[str, tuple[_Entry, ...]]
) -> tuple[int, NameSpan, bool] | None:
    """The longest entry that starts at token ``index``: (tokens used, span, ordinary word)."""
    first = tokens[index]
    candidates = by_first.get(first.key, ())
    if first.base is not None:
        candidates = (*candidates, *by_first.get(first.base, ()))
    for entry in candidates:
        end = _entry_end(text, tokens, index, entry)
        if end is not None:
            return len(entry.keys), NameSpan(first.start, end), entry.ordinary_word
    return None


def _entry_end(text: str, tokens: list[_Token], index: int, entry: _Entry) -> int | None:
    """Where ``entry`` ends if it matches the tokens from ``index``, without any possessive."""
    size = len(entry.keys)
    if index + size > len(tokens):
        return None
    if entry.needs_capital and not tokens[index].capitalised:
        return None
    if size == 1 and len(entry.keys[0]) <= SHORT_NAME and tokens[index].upper:
        return None  # two capitals are an abbreviation: "the MO team", not "Mo"
    end = tokens[index].start
    for offset, key in enumerate(entry.keys):
        token = tokens[index + offset]
        if offset and not _joined(text, tokens[index + offset - 1].end, token.start):
            return None
        last = offset == size - 1
        if token.key == key and (last or token.base is None):
            end = token.end
        elif last and token.base == key:
            end = token.end - len(POSSESSIVE_ENDINGS[0])
        else:
            return None
    return end


def _joined(text: str, end: int, start: int) -> bool:
    gap = text[end:start]
    return 0 < len(gap) <= MAX_JOIN and not gap.strip(JOINERS)
