"""Shape rules around places: "Carers Leeds", "Kirklees Refugee Welcome", "the Forward Leeds
launch", a body's own domain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.privacy.names import name_key
from bot.privacy.organisation_shape_words import ShapeWords
from bot.privacy.organisation_words import (
    AND,
    BETWEEN_WORDS,
    LOOK_BACK,
    MAX_NAME_WORDS,
    Span,
    Word,
    split_words,
    text_words,
)
from bot.privacy.patterns import ORG_GAP, SENTENCE_START

MAX_NAMED_BEFORE = 3  # capitalised words before a place that name a body

# A public body's own address: "sandbeck.gov.uk", "brokerage@sandbeck.gov.uk".
_BODY_DOMAIN = re.compile(
    r"(?<![\w-])(?P<label>[a-z][a-z-]*[a-z])\.(?:gov\.uk|gov\.wales|gov\.scot|org\.uk)\b",
    re.IGNORECASE,
)
# Before "mind", a word that makes it the mind one thinks with: "peace of mind in Leeds".
_MIND_OF = re.compile(r"(?<![\w'’])(?:in|of|to|my|your|his|her|our|their|its|the|a|own)[ \t]+$")
MIN_DOMAIN_LABEL = 4
MAX_DOMAIN_WORDS = 4


class PlaceRules(ShapeWords):
    """Bodies named by a place before, after or inside them, or by their own domain."""

    def _before_places(self, text: str) -> list[Span]:
        """A place prefix and capitalised place words: "Carers Leeds", "Royal Oldham"."""
        if self._place_prefixes is None:
            return []
        found: list[Span] = []
        for match in self._place_prefixes.finditer(text):
            end = match.end()
            for word in split_words(text, end, min(len(text), end + LOOK_BACK)):
                gap = text[end : word.start]
                if not (ORG_GAP.match(gap) and "," not in gap and word.capitalised):
                    break
                if word.key not in self._places:
                    break
                end = word.end
                if word.possessive:
                    break
            if end > match.end():
                found.append((match.start(), end))
        return found

    def _branches_in_any_case(self, text: str) -> list[Span]:
        """A national charity's local branch in any case: a ``lower_place_prefixes`` phrase
        and known places joined by "and" or "&": "age uk leeds", "healthwatch bradford &
        craven" (not "age uk's new campaign", "healthwatch in the end")."""
        if self._lower_place_prefix is None:
            return []
        found: list[Span] = []
        for match in self._lower_place_prefix.finditer(text):
            end = self._places_end(text, match.end())
            if end > match.end():
                found.append((match.start(), end))
        return found

    def _branches_opening_clauses(self, text: str) -> list[Span]:
        """A ``clause_place_prefixes`` phrase and known places, in any case, opening a clause
        or before a plural verb: "mind in wigan are hiring" (not "keep in mind in leeds")."""
        if self._clause_place_prefix is None:
            return []
        found: list[Span] = []
        for match in self._clause_place_prefix.finditer(text):
            end = self._places_end(text, match.end())
            if end == match.end():
                continue
            opens = SENTENCE_START.search(text, 0, match.start()) is not None
            verb = self._plural_verb_next is not None and self._plural_verb_next.match(text, end)
            of = _MIND_OF.search(text, max(0, match.start() - LOOK_BACK), match.start())
            if opens or (verb and of is None):
                found.append((match.start(), end))
        return found

    def _branches_after_places(self, text: str) -> list[Span]:
        """A place before a national charity's local branch or a council's department, in any
        case: "kelbridge mind are running the cafe", "wakefield children's services" (not
        "keep leeds in mind")."""
        if self._place_suffix_body is None:
            return []
        return [
            match.span()
            for match in self._place_suffix_body.finditer(text)
            if name_key(match.group("place")) in self._branch_places
        ]

    def _places_end(self, text: str, start: int) -> int:
        """The end of known places from ``start``, joined by "and" or "&", in any case."""
        end = previous = start
        for word in split_words(text, start, min(len(text), start + LOOK_BACK)):
            gap = text[previous : word.start]
            if not ORG_GAP.match(gap) or "," in gap:
                break
            if word.key == AND and not word.possessive and end > start:
                previous = word.end
                continue
            if word.key not in self._places:
                break
            end = previous = word.end
            if word.possessive:
                break
        return end

    def _before_unknown_places(self, text: str) -> list[Span]:
        """A prefix and capitalised words that are no English word, joined by "and": "NHS
        Strathmorven", "NHS Lochardie and Strathmorven" (not "NHS Jobs", "NHS App")."""
        if self._unknown_place_prefix is None:
            return []
        found: list[Span] = []
        for match in self._unknown_place_prefix.finditer(text):
            end = match.end()
            previous = end
            for word in split_words(text, end, min(len(text), end + LOOK_BACK)):
                gap = text[previous : word.start]
                if not ORG_GAP.match(gap) or "," in gap:
                    break
                if word.key == AND and not word.possessive:
                    previous = word.end
                    continue
                if not word.capitalised or not self._is_unknown_place(word.key):
                    break
                end = previous = word.end
                if word.possessive:
                    break
            if end > match.end():
                found.append((match.start(), end))
        return found

    def _is_unknown_place(self, key: str) -> bool:
        return not (
            key in self._generic
            or key in self._leading
            or key in self._not_bodies
            or self._is_english(key)
        )

    def _place_suffixed(self, text: str) -> list[Span]:
        """A place or a word that is no English word before a ``place_suffixes`` word and no
        other capitalised word: "Kelbridge Royal is on black" (not "Princess Royal")."""
        if not self._place_suffixes:
            return []
        words = text_words(text)
        found: list[Span] = []
        for index in range(1, len(words)):
            place, word = words[index - 1], words[index]
            if not (word.capitalised and word.key in self._place_suffixes):
                continue
            if not (place.capitalised and not place.possessive):
                continue
            if not BETWEEN_WORDS.fullmatch(text, place.end, word.start):
                continue
            if place.key not in self._places and not self._is_unknown_place(place.key):
                continue
            after = words[index + 1] if index + 1 < len(words) else None
            if after is None or not self._joined_capital(text, word, after):
                found.append((place.start, word.end))  # not "Kelbridge Royal Infirmary"
        return found

    @staticmethod
    def _joined_capital(text: str, word: Word, after: Word) -> bool:
        """Whether a capitalised word follows ``word`` in the same name."""
        return (
            after.capitalised
            and not word.possessive
            and bool(ORG_GAP.match(text[word.end : after.start]))
        )

    def _place_runs(self, text: str) -> list[Span]:
        """A place and the capitalised words after it: "Kirklees Refugee Welcome", "Sheffield
        Teaching", "Wakefield District Housing" (not "Leeds Plan" or "Leeds in March")."""
        if not self._places:
            return []
        words = text_words(text)
        found: list[Span] = []
        for index, place in enumerate(words):
            if not (place.capitalised and place.key in self._run_places) or place.possessive:
                continue
            end = self._run_end(text, words, index + 1, place.end)
            run = [word for word in words[index + 1 :] if word.end <= end]
            if any(word.key in self._instruments for word in run):
                continue  # "Glasgow Coma Scale": a tool named after a place
            if self._a_station(run):
                continue  # "Manchester Piccadilly", "Birmingham New Street": a station
            if self._word_opening(text, place) and not any(w.key in self._generic for w in run):
                continue  # "Reading Heifetz again": a verb, not the town
            if end > place.end:
                found.append((place.start, end))
        return found

    def _word_opening(self, text: str, place: Word) -> bool:
        """A place that is also an English word opening a sentence ("Reading", "Bath")."""
        return self._is_english(place.key) and bool(SENTENCE_START.search(text, 0, place.start))

    def _run_end(self, text: str, words: Sequence[Word], index: int, end: int) -> int:
        """The end of the capitalised words from ``words[index]`` joined to ``end``."""
        for word in words[index : index + MAX_NAME_WORDS]:
            gap = text[end : word.start]
            if not (ORG_GAP.match(gap) and "," not in gap and word.capitalised):
                break
            if word.key in self._run_stops or word.key in self._places:
                break
            end = word.end
            if word.possessive:
                break
        return end

    def _named_before_places(self, text: str) -> list[Span]:
        """Capitalised words inside a sentence and a place after them name a local body:
        "the Forward Leeds launch", "off to the Bright Futures Oldham launch" (not "West
        Leeds", "Thanks Leeds", a sentence opening "Visiting Leeds" or "Victoria Derbyshire")."""
        words = text_words(text)
        found: list[Span] = []
        for index, place in enumerate(words):
            if not (index and place.capitalised and place.key in self._run_places):
                continue
            first = index
            while first > 0 and index - first < MAX_NAMED_BEFORE:
                word, after = words[first - 1], words[first]
                gap = text[word.end : after.start]
                if not (word.capitalised and not word.possessive and BETWEEN_WORDS.fullmatch(gap)):
                    break
                if word.key in self._run_stops or word.key in self._generic:
                    break
                if word.key in self._places or word.key in self._not_short:
                    break
                first -= 1
            if first == index:
                continue
            if SENTENCE_START.search(text, 0, words[first].start) is None:
                found.append((words[first].start, place.end))  # not "Victoria Derbyshire said"
        return found

    def _named_by_domain(self, text: str) -> list[Span]:
        """Capitalised words spelling a public body's own domain in the same message: "the
        team at Sandbeck? ... brokerage@sandbeck.gov.uk"."""
        labels = {
            match.group("label").lower()
            for match in _BODY_DOMAIN.finditer(text)
            if len(match.group("label")) >= MIN_DOMAIN_LABEL
        }
        labels -= self._generic | self._leading
        if not labels:
            return []
        words = text_words(text)
        found: list[Span] = []
        for index, first in enumerate(words):
            if not first.capitalised or first.key in self._leading:
                continue
            spelled = ""
            last = first
            for word in words[index : index + MAX_DOMAIN_WORDS]:
                joined = word is first or ORG_GAP.fullmatch(text[last.end : word.start])
                if not (word.capitalised and joined):
                    break
                spelled += word.key.replace("'", "")
                last = word
                if spelled in labels:
                    found.append((first.start, word.end))
                    break
        return found
