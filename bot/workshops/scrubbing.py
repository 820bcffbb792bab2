"""Free text is scrubbed before any keyword is counted, whichever summariser counts it.

`ScrubbingSummariser` wraps a summariser (the keyword counter, the themes engine, or the
engine with its keyword fallback for small steps) so that every path sees only scrubbed text:

1. Each answer goes through the PII scrubber (the deployment's, which knows the Slack
   directory's names); its tags (``<NAME>``, ``<EMAIL>``...) become sentence breaks, so a tag
   is never counted as a word and the words either side never join into a phrase.
2. Every word of a directory name left in the text, in any case ("gareth" as well as
   "Gareth"), becomes a sentence break too: a name that is also an ordinary word may pass the
   scrubber in some sentences.
3. Whatever keywords come back, one holding a word of a directory name is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from bot.privacy.text_scrubber import TextScrubber, default_scrubber
from bot.workshops.models import ThemeCount
from bot.workshops.summarise import WORD, FreeTextSummariser

TAG = re.compile(r"<[A-Z][A-Z_]*>")


def name_words(names: Iterable[str]) -> frozenset[str]:
    """Every word (three letters or more) of every name, case-folded."""
    return frozenset(
        match.group().casefold()
        for name in names
        for match in WORD.finditer(name)
        if len(match.group()) >= 3
    )


class ScrubbingSummariser:
    """A summariser that only ever sees scrubbed answers and never returns a known name."""

    def __init__(
        self,
        inner: FreeTextSummariser,
        scrubber: Callable[[], TextScrubber] = default_scrubber,
        deny: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        self.inner = inner
        self.scrubber = scrubber
        self.deny = deny

    def clean(self, answers: Sequence[str], names: frozenset[str]) -> list[str]:
        """Scrubbed answers, their tags and every word of a directory name (in any case)
        turned into sentence breaks."""
        scrubber = self.scrubber()

        def unnamed(match: re.Match[str]) -> str:
            word = match.group().replace("’", "'").removesuffix("'s").casefold()
            return ". " if word in names else match.group()

        return [WORD.sub(unnamed, TAG.sub(". ", scrubber.scrub(text))) for text in answers]

    def themes(self, answers: Sequence[str], min_people: int) -> list[ThemeCount]:
        names = name_words(self.deny())
        found = self.inner.themes(self.clean(answers, names), min_people)
        return [
            theme
            for theme in found
            if not any(
                match.group().casefold().removesuffix("'s") in names
                for match in WORD.finditer(theme.keyword.replace("’", "'"))
            )
        ]
