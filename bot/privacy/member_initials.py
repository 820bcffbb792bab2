"""Workspace members' initials and surname initials, as colleagues write them.

Leaders shorten colleagues they all know: "GO-B and RH to take the workstream", "who is 'DW'
on the action log?", "mark s and I met the CD", "chloe b's leaving do". A word that is a
member's initials, or a member's given name followed by the initial of that member's surname,
is that member, whatever the word ("will p" for Will Penrose), so these are looked up here
from the directory, not guessed from the word.

Forms of "Grace Okonkwo-Bell": "GOB", "GO-B"; of "Rosa de Souza": "RS", "RdS", "RDS"; of
"Lucy-Mae Ashworth": "LMA", "L-MA", "LA" (the first part of a hyphenated given name alone).
Titles are dropped ("Dr Amara Nwachukwu": "AN").
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from bot.privacy.names import name_key
from bot.privacy.patterns import WORD

MIN_INITIALS = 2


@dataclass(frozen=True)
class _Table:
    initials: frozenset[str] = frozenset()  # as written, case kept: "GO-B", "RdS"
    surname_initials: dict[str, frozenset[str]] = field(default_factory=dict)  # "will": {"p"}


class MemberInitials:
    """Initials of the directory's members; replaced whole on ``add``, so safe across threads."""

    def __init__(self, *, particles: Collection[str] = (), titles: Collection[str] = ()) -> None:
        self._particles = frozenset(name_key(word) for word in particles)
        self._titles = frozenset(name_key(word) for word in titles)
        self._table = _Table()
        self._lock = threading.Lock()

    def add(self, names: Iterable[str]) -> None:
        initials: set[str] = set()
        surnames: dict[str, set[str]] = {}
        for name in names:
            parts = self._parts(name)
            if len(parts) < MIN_INITIALS:
                continue
            initials.update(self._forms(parts))
            given = name_key(parts[0])
            for given_part in {given, given.split("-")[0]}:
                surnames.setdefault(given_part, set()).add(name_key(parts[-1])[0])
        if not initials:
            return
        with self._lock:
            old = self._table
            merged = {key: frozenset(value) for key, value in old.surname_initials.items()}
            for key, letters in surnames.items():
                merged[key] = merged.get(key, frozenset()) | letters
            self._table = _Table(old.initials | initials, merged)

    def is_initials(self, written: str) -> bool:
        """Whether ``written`` ("RH", "GO-B", "RdS") is a member's initials, case as written."""
        return written in self._table.initials

    def surname_initials(self, given: str) -> frozenset[str]:
        """The initials (lower case) of the surnames of members called ``given`` (a name_key)."""
        return self._table.surname_initials.get(given, frozenset())

    def _parts(self, name: str) -> list[str]:
        """The name's words, hyphenated parts kept whole, without leading titles."""
        parts = [part for part in name.replace("’", "'").split() if WORD.search(part)]
        while parts and name_key(parts[0].rstrip(".")) in self._titles:
            parts.pop(0)
        return parts

    def _forms(self, parts: list[str]) -> set[str]:
        plain: list[str] = []  # per part, e.g. "O-B"
        with_particles: list[str] = []  # particles lower-case: "d"
        for part in parts:
            letters = [piece[0] for piece in part.split("-") if piece and piece[0].isalpha()]
            if not letters:
                continue
            if name_key(part) in self._particles:
                with_particles.append(letters[0].lower())
                continue
            joined = "-".join(letter.upper() for letter in letters)
            plain.append(joined)
            with_particles.append(joined)
        forms: set[str] = set()
        for words in (plain, with_particles, [plain[0][0], *plain[1:]] if plain else []):
            hyphened = "".join(words)
            forms.update({hyphened, hyphened.replace("-", "")})
        forms.update({form.upper() for form in forms})
        return {form for form in forms if sum(char.isalpha() for char in form) >= MIN_INITIALS}
