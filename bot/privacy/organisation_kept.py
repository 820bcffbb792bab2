"""Names that are never organisations (national bodies, charities), alone or in a list."""

from __future__ import annotations

from bot.privacy.organisation_shapes import ShapeFinder
from bot.privacy.organisation_words import AND, Span, Word, split_words


class KeptNames:
    """Whether a span found is a name on ``not_organisations``."""

    shapes: ShapeFinder
    _kept: frozenset[tuple[str, ...]]

    def _is_kept(self, text: str, span: Span) -> bool:
        """A national name, alone or after one generic word ("Thanks Carers Trust"); a place
        before it makes a local body of its own: "Willowmead Carers Trust" is found."""
        words = split_words(text, *span)
        keys = tuple(word.key for word in words)
        if keys in self._kept:
            return True
        if len(keys) > 1 and keys[1:] in self._kept and self.shapes.is_generic(keys[0]):
            return True
        return self._ends_listing_kept(text, words)

    def _ends_listing_kept(self, text: str, words: list[Word]) -> bool:
        """Bodies listed before a national one: "DHSC, NHS England and the Local Government
        Association" names no local body."""
        for cut in range(1, len(words)):
            tail = words[cut + 1 :] if words[cut].key == "the" else words[cut:]
            if tuple(word.key for word in tail) not in self._kept:
                continue
            before = words[cut - 1]
            if before.key == AND or "," in text[before.end : words[cut].start]:
                return True
        return False
