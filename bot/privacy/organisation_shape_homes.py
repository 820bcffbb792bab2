"""Care homes: capitalised words before a home's ending, in a message about care homes."""

from __future__ import annotations

from bot.privacy.organisation_shape_words import ShapeWords
from bot.privacy.organisation_words import LOOK_BACK, Span


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
            if words:
                found.append((words[0].start, match.end()))
            previous_end = match.end()
        return found
