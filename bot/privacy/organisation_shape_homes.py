"""Care homes: capitalised words before a home's ending, in a message about care homes."""

from __future__ import annotations

from bot.privacy.organisation_shape_words import ShapeWords
from bot.privacy.organisation_words import LOOK_BACK, Span, Word


class HomeRules(ShapeWords):
    """Care homes named in a message about care homes."""

    def _homes(self, text: str) -> list[Span]:
        """In a message about care homes, capitalised words before a home's ending: "Larchfield
        House and Beech Grange both had outbreaks", "the placement at Rowan Court"."""
        if self._home_endings is None or self._home_cue is None or not self._home_cue.search(text):
            return []
        found: list[Span] = []
        previous_end = 0
        for match in self._home_endings.finditer(text):
            earliest = max(previous_end, match.start() - LOOK_BACK)
            words = self._name_words(text, earliest, match.start())
            if words and (match.group()[0].isupper() or any(map(self._names_a_home, words))):
                found.append((words[0].start, match.end()))
            previous_end = match.end()
        return found

    def _names_a_home(self, word: Word) -> bool:
        """Before a lower-case ending ("care home"), a word that is no English word, place or
        nationality: "Bron y Garth care home", not "Covid care home", "Scottish care home"."""
        return (
            word.capitalised
            and not self._is_english(word.key)
            and not self.is_place(word.key)
            and word.key not in self._nationalities
        )
