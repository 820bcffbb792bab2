"""Organisation names that are not listed, by their shape: an ending, a prefix, and the rules of
the other shape modules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.privacy.organisation_shape_context import ContextRules
from bot.privacy.organisation_shape_homes import HomeRules
from bot.privacy.organisation_shape_lower import LowerCaseRules
from bot.privacy.organisation_words import (
    BETWEEN_WORDS,
    LOOK_BACK,
    Span,
    Word,
    split_words,
    without_possessive,
)
from bot.privacy.patterns import ORG_GAP

# A network's number before its kind: "Bradford City 4 PCN", "Hull 2 Primary Care Network".
_NUMBERED_NETWORK = re.compile(r"(?<![\w'’])\d{1,2}[ \t]+(?:PCN|Primary Care Network)(?!\w)")
MAX_NUMBERED_WORDS = 3
_DONE_AFTER = re.compile(r"['’]e?d(?!\w)")  # "CC'd", "CC'ed"


class ShapeFinder(ContextRules, LowerCaseRules, HomeRules):
    """Names that are not listed, recognised by their shape (see ``organisation_finder``)."""

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        previous_end = 0  # a name never reaches back past the previous ending
        for match in self._endings.finditer(text):
            found = list(self._ending(text, match, previous_end))
            if found:
                spans.extend(found)
            elif spans and self._continues(text, spans[-1], match):
                spans[-1] = (spans[-1][0], without_possessive(text, spans[-1][0], match.end()))
            previous_end = match.end()
        spans.extend(
            span for match in self._prefixes.finditer(text) for span in self._prefix(text, match)
        )
        spans.extend(self._before_places(text))
        spans.extend(self._branches_in_any_case(text))
        spans.extend(self._branches_opening_clauses(text))
        spans.extend(self._branches_after_places(text))
        spans.extend(self._before_unknown_places(text))
        spans.extend(self._place_suffixed(text))
        spans.extend(self._described_bodies(text))
        spans.extend(self._place_runs(text))
        spans.extend(self._after_at_cues(text))
        spans.extend(self._abbreviations(text))
        spans.extend(self._saints(text))
        spans.extend(self._named_by_domain(text))
        spans.extend(self._lower_case_bodies(text))
        spans.extend(self._before_lower_endings(text))
        spans.extend(self._lower_towns_before_endings(text))
        spans.extend(self._named_groupings(text))
        spans.extend(self._named_sites(text))
        spans.extend(self._named_before_places(text))
        spans.extend(self._homes(text))
        spans.extend(self._plural_subjects(text))
        spans.extend(self._plural_abbreviations(text))
        spans.extend(self._departments(text))
        spans.extend(self._the_ones(text))
        spans.extend(self._numbered_networks(text))
        return spans

    def _numbered_networks(self, text: str) -> Iterator[Span]:
        """Up to three capitalised words with a place among them, a number and "PCN": "Bradford
        City 4 PCN" (not "our 4 PCN leads")."""
        for match in _NUMBERED_NETWORK.finditer(text):
            name: list[Word] = []
            end = match.start()
            for word in reversed(split_words(text, max(0, end - LOOK_BACK), end)):
                if len(name) == MAX_NUMBERED_WORDS or not word.capitalised or word.possessive:
                    break
                if not BETWEEN_WORDS.fullmatch(text, word.end, end):
                    break
                name.insert(0, word)
                end = word.start
            if name and self._has_place(text, name):
                yield name[0].start, match.end()

    def _ending(self, text: str, match: re.Match[str], earliest: int) -> Iterator[Span]:
        ending = match.group()
        if _DONE_AFTER.match(text, match.end()):
            return  # a verb made of the ending: "Sarah CC'd me in"
        after = split_words(text, match.end(), min(len(text), match.end() + 40))[:1]
        if (
            ending in self._role_endings
            and after
            and after[0].capitalised
            and after[0].key in self._role_words
        ):
            return  # "the Practice Manager", not "Elmfield Surgery partners": a role titled
        words = self._name_words(text, max(earliest, match.start() - LOOK_BACK), match.start())
        if not words or (ending in self._place_endings and not self._has_place(text, words)):
            return
        if "," in text[words[-1].end : match.start()]:
            return  # a comma right before the ending parts a list: "Boardroom, Trust HQ"
        end = match.end()
        if ending in self._place_after and after and self._is_place(text, match.end(), after[0]):
            end = after[0].end
        unit = self._unit_after.match(text, end) if self._unit_after is not None else None
        if ending in self._unit_endings and unit is not None:
            end = unit.end()  # "Kelbridge University School of Nursing"
        yield words[0].start, without_possessive(text, words[0].start, end)

    def _has_place(self, text: str, words: list[Word]) -> bool:
        """A place among ``words``: a known one, or a capitalised word that is no English word,
        generic word nor abbreviation ("Kelbridge Carers Forum", not "the Governance Forum",
        "the BAME Forum")."""
        return any(
            word.key in self._places
            or (
                word.capitalised
                and not text[word.start : word.end].isupper()
                and word.key not in self._generic
                and not self._is_english(word.key)
            )
            for word in words
        )

    @staticmethod
    def _continues(text: str, span: Span, match: re.Match[str]) -> bool:
        """One ending right after a name found before: "Borsetshire Hospitals NHS Trust"."""
        return span[1] <= match.start() and bool(ORG_GAP.match(text[span[1] : match.start()]))

    def _prefix(self, text: str, match: re.Match[str]) -> Iterator[Span]:
        words = split_words(text, match.end(), min(len(text), match.end() + LOOK_BACK))
        name: list[Word] = []
        previous_end = match.end()
        for word in words:
            gap = text[previous_end : word.start]
            if not ORG_GAP.match(gap) or "," in gap:
                break  # a comma ends it: "Mind in Tawe Valley, Age UK Leeds"
            if not word.capitalised and word.key not in self._joiners:
                break
            name.append(word)
            previous_end = word.end
            if word.possessive:
                break
        while name and name[-1].key in self._joiners:
            name.pop()
        if any(word.key not in self._generic for word in name):
            yield match.start(), name[-1].end
