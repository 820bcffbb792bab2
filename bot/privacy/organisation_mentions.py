"""A body found, mentioned again: its first word, its initials, a place before it."""

from __future__ import annotations

import itertools
import re

from bot.privacy.names import name_key
from bot.privacy.organisation_listing import MIN_ACRONYM
from bot.privacy.organisation_shapes import ShapeFinder
from bot.privacy.organisation_words import AND, BETWEEN_WORDS, Span, split_words, text_words

# Two bodies' first words joined before a kind of body in lower case: a merger of the two,
# "the Beacon & Elm partnership" after "Beacon Surgery" and "Elm Tree Practice".
_MERGED = re.compile(
    r"(?<![\w'’&-])(?P<first>[A-Z][^\W\d_]+)[ \t]+(?:&|and)[ \t]+(?P<second>[A-Z][^\W\d_]+)"
    r"[ \t]+(?:partnership|alliance|federation|group|practice|merger|collaborative|network)"
    r"(?![\w'’-])"
)
MIN_SHORT_FORM = 4  # letters in a word that stands for a name found before in the message
_KIND_WORDS = frozenset({"nhs", "foundation", "trust"})  # where a trust's own name ends


class MentionRules:
    """Other mentions of the bodies found in a message."""

    shapes: ShapeFinder
    _not_short: frozenset[str]

    def _places_before(self, text: str, bodies: list[Span]) -> list[Span]:
        """A capitalised place right before a body found belongs to it: "Hull York Medical
        School" after "York Medical School"."""
        if not bodies:
            return []
        words = text_words(text)
        before = {word.start: previous for previous, word in itertools.pairwise(words)}
        found: list[Span] = []
        for start, end in bodies:
            place = before.get(start)
            if (
                place is not None
                and place.capitalised
                and not place.possessive
                and self.shapes.is_place(place.key)
                and BETWEEN_WORDS.fullmatch(text, place.end, start)
            ):
                found.append((place.start, end))
        return found

    def _short_forms(self, text: str, found: list[Span]) -> list[Span]:
        """A shaped name's first word, capitalised, elsewhere in the message: in "Calderbrook
        General Hospital ... the Calderbrook team", the second "Calderbrook" is the same body."""
        heads = {
            words[0].key
            for words in (split_words(text, *span) for span in found)
            if words
            and len(words[0].key) >= MIN_SHORT_FORM
            and not self.shapes.is_generic(words[0].key)
            and words[0].key not in self._not_short
        }
        if not heads:
            return []
        return [
            (word.start, word.end)
            for word in text_words(text)
            if word.capitalised
            and word.key in heads
            and not any(start <= word.start < end for start, end in found)
        ]

    def _acronyms(self, text: str, bodies: list[Span]) -> list[Span]:
        """The initials of a body found, elsewhere in the message in capitals: "Sheffield
        Teaching Hospitals NHS Foundation Trust ... STH now want" ("STH", "STHFT", "STHT")."""
        forms: set[str] = set()
        for span in bodies:
            keys = [w.key for w in split_words(text, *span) if w.key != AND and w.key != "the"]
            cut = next((i for i, key in enumerate(keys) if key in _KIND_WORDS), len(keys))
            head = "".join(key[0] for key in keys[:cut])
            if len(head) < MIN_ACRONYM:
                continue
            every = "".join(key[0] for key in keys if key != "nhs")
            forms.update(form.upper() for form in (head, f"{head}t", f"{head}ft", every))
        if not forms:
            return []
        return [
            (word.start, word.end)
            for word in text_words(text)
            if text[word.start : word.end] in forms
            and not any(start <= word.start < end for start, end in bodies)
        ]

    def _merged(self, text: str, bodies: list[Span]) -> list[Span]:
        """Two bodies found, called by their first words joined before a kind of body in
        lower case: "Beacon Surgery and Elm Tree Practice ... the Beacon & Elm partnership"."""
        heads = {words[0].key for words in (split_words(text, *span) for span in bodies) if words}
        heads -= {word for word in heads if self.shapes.is_generic(word)}
        return [
            match.span()
            for match in _MERGED.finditer(text)
            if name_key(match.group("first")) in heads and name_key(match.group("second")) in heads
        ]
