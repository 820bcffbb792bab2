"""Bodies listed beside a body found: "Wakefield District Housing, Spectrum CIC and Nova
Wakefield".
"""

from __future__ import annotations

import re

from bot.privacy.organisation_kept import KeptNames
from bot.privacy.organisation_words import LOOK_BACK, Span, Word, joined_in_item, split_words

MIN_ACRONYM = 3  # letters of a body's initials taken for it ("STH")
MAX_INITIALS = 5
_WORD_AFTER = re.compile(r"[ \t]+[A-Z]")  # initials opening a longer name: "NHS Property"
# Between the parts of a list of bodies: "Spectrum CIC and Nova Wakefield", "A, B & C". A
# comma alone joins only inside a list that goes on: "A, B and C", not "Lister Pharmacy, Tomasz".
_AND_GAP = r"[ \t]*,?[ \t]+(?:and|&)[ \t]+|[ \t]*&[ \t]*"
_LIST_AFTER = re.compile(rf"(?P<gap>{_AND_GAP}|(?P<comma>,[ \t]*))(?=\w)")
_LIST_BEFORE = re.compile(rf"(?:{_AND_GAP}|(?P<comma>,[ \t]*))$")
_LIST_GOES_ON = re.compile(rf"(?:{_AND_GAP}|,[ \t]*)(?=[A-Z])")
MAX_LISTED_WORDS = 4


class ListRules(KeptNames):
    """Capitalised words or initials listed beside a body found."""

    def _listed_with(self, text: str, bodies: list[Span]) -> list[Span]:
        """Capitalised words listed beside a body found: in "Wakefield District Housing,
        Spectrum CIC and Nova Wakefield", "Nova Wakefield" is a body too."""
        if not bodies:
            return []
        found: list[Span] = []
        for start, end in sorted(bodies):
            gap = _LIST_AFTER.match(text, end)
            if gap:
                words = split_words(text, gap.end(), gap.end() + LOOK_BACK)
                run = self._list_item(text, words, abbreviation=not gap.group("comma"))
                if run and (not gap.group("comma") or _LIST_GOES_ON.match(text, run[-1].end)):
                    found.append((run[0].start, run[-1].end))
            item = self._list_item_before(text, start, end)
            if item:
                found.append(item)
        return [span for span in found if not self._is_kept(text, span)]

    def _list_item(self, text: str, words: list[Word], *, abbreviation: bool = False) -> list[Word]:
        """The capitalised words opening ``words``, if they can name a body; with
        ``abbreviation`` (after "and"), also one body's initials: "Wigan Council and WWL"."""
        if abbreviation and words and self._initials(text, words[0]):
            return words[:1]
        run: list[Word] = []
        for word in words[:MAX_LISTED_WORDS]:
            if run and not joined_in_item(text, run[-1], word):
                break
            if not word.capitalised or (not run and self.shapes.is_generic(word.key)):
                break
            run.append(word)
            if word.possessive:
                break
        if all(text[w.start : w.end].isupper() for w in run):
            return []  # abbreviations: "ICB, LA, VCSE"
        return run

    def _initials(self, text: str, word: Word) -> bool:
        """A body's initials, ending a list item: "WWL" (not "ICB", "the LA")."""
        letters = text[word.start : word.end]
        return (
            MIN_ACRONYM <= len(letters) <= MAX_INITIALS
            and letters.isalpha()
            and letters.isupper()
            and not word.possessive
            and not self.shapes.is_generic(word.key)
            and not _WORD_AFTER.match(text, word.end)
        )

    def _list_item_before(self, text: str, start: int, end: int) -> Span | None:
        """The capitalised words right before the body at ``start``-``end`` across a list
        gap, if any."""
        gap = _LIST_BEFORE.search(text, max(0, start - 8), start)
        if gap is None or (gap.group("comma") and not _LIST_GOES_ON.match(text, end)):
            return None
        words = split_words(text, max(0, gap.start() - LOOK_BACK), gap.start())
        if not words or words[-1].end != gap.start():
            return None
        run: list[Word] = []
        for word in reversed(words[-MAX_LISTED_WORDS:]):
            if run and not joined_in_item(text, word, run[0]):
                break
            if not word.capitalised:
                break
            run.insert(0, word)
        while run and self.shapes.is_generic(run[0].key):
            run = run[1:]
        if not run or all(text[w.start : w.end].isupper() for w in run):
            return None
        return run[0].start, run[-1].end
