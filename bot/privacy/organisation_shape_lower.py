"""Shape rules for bodies written in lower case or as initials: "wharfedale hospital", "LYPFT"."""

from __future__ import annotations

import re

from bot.privacy.names import name_key
from bot.privacy.organisation_shape_words import ShapeWords
from bot.privacy.organisation_words import LOOK_BACK, Span
from bot.privacy.patterns import SENTENCE_START

MIN_GROUPING_WORDS = 2
_THE_BEFORE = re.compile(r"(?<![\w'’])the[ \t]+$", re.IGNORECASE)
POSSESSIVE = 2  # characters of "'s" after a word that ends before it
REDONE = "re"  # "reconfigure": a verb done again
MIN_REDONE_STEM = 5
_JOINED_BEFORE = re.compile(r"(?<![\w'’-])(?P<word>[^\W\d_]{4,})[ \t]+(?:&|and)[ \t]+$")


class LowerCaseRules(ShapeWords):
    """Bodies before a kind of body in lower case, and local trusts' abbreviations."""

    def _before_lower_endings(self, text: str) -> list[Span]:
        """Capitalised words before a kind of body in lower case: "the Grange Park surgery",
        "Oakwood practice" (not "Hip surgery" opening a sentence, "Christmas surgery hours")."""
        if self._lower_ending is None:
            return []
        found: list[Span] = []
        previous_end = 0
        for match in self._lower_ending.finditer(text):
            earliest = max(previous_end, match.start() - LOOK_BACK)
            previous_end = match.end()
            words = self._name_words(text, earliest, match.start())
            if not words or any(word.key in self._not_bodies for word in words):
                continue
            opens = SENTENCE_START.search(text, 0, words[0].start) is not None
            street = len(words) > 1 and words[-1].key in self._streets  # "Moss Lane practice"
            if opens and not street and all(self._is_english(word.key) for word in words):
                continue
            found.append((words[0].start, match.end()))
        return found

    def _lower_towns_before_endings(self, text: str) -> list[Span]:
        """A town of more than one word in lower case before a kind of body in lower case:
        "the hebden bridge practice", "barnard castle surgery"."""
        if self._lower_towns is None or self._after_town is None:
            return []
        found: list[Span] = []
        for start, end in self._lower_towns(text):
            after = self._after_town.match(text, end)
            if after is not None:
                found.append((start, after.end()))
        return found

    def _named_groupings(self, text: str) -> list[Span]:
        """Two or more capitalised words, one of them no English word, before a grouping in
        lower case: "the Ystrad Tawel cluster" (not "a Norovirus cluster")."""
        if self._grouping is None:
            return []
        found: list[Span] = []
        for match in self._grouping.finditer(text):
            words = self._name_words(text, max(0, match.start() - LOOK_BACK), match.start())
            if len(words) < MIN_GROUPING_WORDS or any(len(word.key) < 3 for word in words):
                continue
            if any(word.key in self._not_bodies for word in words):
                continue
            if all(self._is_english(word.key) for word in words):
                continue
            found.append((words[0].start, match.end()))
        return found

    def _named_sites(self, text: str) -> list[Span]:
        """After "the", capitalised words naming a hospital before its site or a unit on it,
        one of them no English word or a possessive: "the Morvenfield discharge lounge", "the
        Barty's site" (not "the Christmas site", "the Trust's site")."""
        if self._site_unit is None:
            return []
        found: list[Span] = []
        for match in self._site_unit.finditer(text):
            words = self._name_words(text, max(0, match.start() - LOOK_BACK), match.start())
            if not words or not _THE_BEFORE.search(text, 0, words[0].start):
                continue
            if any(w.key in self._not_bodies or w.key in self._generic for w in words):
                continue
            if all(self._is_english(w.key) and not w.possessive for w in words):
                continue
            last = words[-1]
            found.append((words[0].start, last.end + (POSSESSIVE if last.possessive else 0)))
        return found

    def _lower_case_bodies(self, text: str) -> list[Span]:
        """A word that is no English word (a place: "reading" is a word) before a kind of body
        in lower case: "wharfedale hospital", "the kirkburton health centre"."""
        if self._lower_endings is None:
            return []
        found: list[Span] = []
        for match in self._lower_endings.finditer(text):
            key = name_key(match.group("word"))
            if key in self._generic or key in self._leading or key in self._not_bodies:
                continue
            if self._redone(key):
                continue
            if not self._is_english(key) or self._named_street(key, match.group("kinds")):
                found.append((self._joined_place_start(text, match.start()), match.end()))
        return found

    def _redone(self, key: str) -> bool:
        """A verb of "re" and an English word, missing from the word list: "we want to
        reconfigure hospice beds", "restructure practice teams" (no place)."""
        stem = key.removeprefix(REDONE)
        return stem != key and len(stem) >= MIN_REDONE_STEM and self._is_english(stem)

    def _named_street(self, key: str, kinds: str | None) -> bool:
        """An English word naming the street a body is on: "marsh lane surgery" (not "reading
        council papers", "a high street practice")."""
        first = kinds.split()[0] if kinds and kinds.split() else None
        return (
            first in self._streets
            and key not in self._street_descriptors
            and key not in self._stops
        )

    def _joined_place_start(self, text: str, start: int) -> int:
        """Where a body in lower case starts, with a place joined before it by "and" or "&":
        "brackendale & eskham ft" (not "reading and eskham ft")."""
        joined = _JOINED_BEFORE.search(text, max(0, start - LOOK_BACK), start)
        if joined is None:
            return start
        key = name_key(joined.group("word"))
        if key in self._generic or key in self._leading or self._is_english(key):
            return start
        return joined.start("word")

    def _abbreviations(self, text: str) -> list[Span]:
        """A local trust's abbreviation: "MFT", "LYPFT", "GSTT", "ltht"."""
        if self._abbreviation is None:
            return []
        return [
            match.span()
            for match in self._abbreviation.finditer(text)
            if match.group().casefold() not in self._generic
        ]
