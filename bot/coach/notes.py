"""Keeping a scrubbed copy of an opted-in leader's own words, for anonymous themes.

Only private messages that say something about the leader's work are kept: not safety
conversations or redirects, not a choice picked from a flow, not one-word replies. The copy is
scrubbed here, before it is stored; the original stays only in the (encrypted) conversation.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.models import SafetyInfo, SafetyLevel
from bot.store.consent import ConsentStore
from bot.store.notes import NoteStore

if TYPE_CHECKING:
    from bot.privacy.scrub import Scrubber

log = logging.getLogger(__name__)
MIN_WORDS = 4


def worth_keeping(text: str, safety: SafetyInfo, picked_option: bool) -> bool:
    return (
        not picked_option
        and safety.level == SafetyLevel.NONE
        and safety.category == "none"
        and len(text.split()) >= MIN_WORDS
    )


class ThemeCollector:
    """Scrubs and stores a copy of a message when its author contributes to themes."""

    def __init__(
        self, consent: ConsentStore, notes: NoteStore, scrubber: Callable[[], Scrubber]
    ) -> None:
        self.consent = consent
        self.notes = notes
        self._make_scrubber = scrubber
        self._scrubber: Scrubber | None = None
        self._names: set[str] = set()
        self._lock = threading.Lock()

    @property
    def scrubber(self) -> Scrubber:
        """Built on first use: Presidio is slow to load and most turns never need it."""
        with self._lock:
            if self._scrubber is None:
                self._scrubber = self._make_scrubber()
                self._scrubber.add_names(self._names)
            return self._scrubber

    @property
    def names(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._names)

    def add_names(self, names: Iterable[str]) -> None:
        """People's names to remove (e.g. the Slack directory), now or when first built."""
        with self._lock:
            names = [n for n in names if n not in self._names]
            self._names.update(names)
            scrubber = self._scrubber
        if scrubber is not None:
            scrubber.add_names(names)

    def collect(self, user_id: int, text: str, safety: SafetyInfo, picked_option: bool) -> bool:
        """Store a scrubbed copy if the leader opted in and the message is worth keeping."""
        if not worth_keeping(text, safety, picked_option):
            return False
        choice = self.consent.get(user_id)
        if choice is None or not choice.themes:
            return False
        self.notes.add(user_id, self.scrubber.scrub(text))
        log.debug("kept a scrubbed copy for themes")
        return True


def make_scrubber(settings: Settings) -> Scrubber:
    """The deployment's scrubber: its organisation list, and a spaCy NER model when one is
    installed (in the data folder or as a package; never downloaded)."""
    from bot.privacy.scrub import Scrubber

    return Scrubber(
        data_dir=settings.data_dir,
        use_ner=ner_model_available(settings.data_dir),
        organisations_path=settings.organisations_file,
    )


def ner_model_available(data_dir: Path) -> bool:
    """Whether a spaCy NER model is on this machine (checked without loading it)."""
    import spacy

    from bot.privacy.nlp import NER_MODEL_DIR, NER_PACKAGES

    if (data_dir / NER_MODEL_DIR / "config.cfg").is_file():
        return True
    return any(spacy.util.is_package(package) for package in NER_PACKAGES)
