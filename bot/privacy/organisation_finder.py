"""Organisation names: a configurable list, and the shapes of names that are not on it.

- The list (``prompts/privacy/organisations.yaml`` by default, or a deployment's own file) is
  matched word by word, ignoring case, accents and curly apostrophes, with "&" read as "and"
  and a comma or hyphen allowed between words; the longest name wins. A name whose first word
  is an ordinary English word (``capitalised_only``) matches only when capitalised.
- Shapes (word lists in ``lexicon.yaml``, ``organisations``): capitalised words before an
  ending written as listed ("Parkside Surgery", "Bradford Districts CCG", "Kirklees Council"),
  joined by small words ("Guy's and St Thomas' NHS Foundation Trust"). Leading stop words and
  greetings, days and months are dropped ("The", "Thanks", "Monday"), and at least one word
  must be specific: "the County Council", "Day Surgery" and "Best Practice" are not names.
  After "Practice" or "Surgery" a role word ("Practice Manager") means no name; after
  "Hospital" one more place word belongs to it ("Queen Elizabeth Hospital Birmingham"). A
  prefix such as "London Borough of" takes the capitalised words after it. An office before
  "of" is a title, not part of the name: "the Leader of the Council" is kept, and in "the Chair
  of Kirklees Council" only "Kirklees Council" is an organisation.
- A shaped name's first word stands for it elsewhere in the same message, capitalised ("the
  Calderbrook team" after "Calderbrook General Hospital"), unless it is generic or on
  ``not_short_forms`` ("North", "Royal").
- In lower case (``lower_endings``), a word that is no English word before a kind of body:
  "wharfedale hospital", "the kirkburton health centre", with kinds between (``lower_kinds``:
  "kelbridge city council"), an opener before (``place_openers``: "north harrowmere pcn") and
  another such place joined by "and" or "&" ("brackendale & eskham ft"). Capitalised words
  before a lower-case kind open a sentence when the last is a street: "Moss Lane practice".
- ``unknown_place_prefixes`` before capitalised words that are no English word make a body:
  "NHS Strathmorven", "NHS Lochardie and Strathmorven".
- A place or a word that is no English word before a ``place_suffixes`` word is a hospital:
  "Kelbridge Royal is on black"; capitalised words described in brackets as one of
  ``described_kinds`` are a body: "Harrowmere Pathways (the recovery charity)".
- Two or more capitalised words, one of them no English word, before a ``named_groupings``
  word in lower case are a grouping of practices: "the Ystrad Tawel cluster".
- In a message about care homes (``home_cues``), capitalised words before a home's ending
  (``home_endings``): "Larchfield House and Beech Grange both had outbreaks".
- Opening a sentence or a reported clause ("says", "said", "heard"), a place of the lexicon
  or a word that is no English word before a plural verb (``plural_verbs``) is a body:
  "Airedale have said" (one person "has"), "Hamish says Kelbridge are pulling out".
- After a place (or a gazetteer town that is no English word), in any case, a national
  charity's branch or a council's department (``place_suffix_bodies``): "leeds mind",
  "sheffield children's services", "truro mind".
- Two bodies found, called by their first words joined before a kind of body in lower case:
  "the Beacon & Elm partnership" after "Beacon Surgery" and "Elm Tree Practice".
- One capitalised word that is no English word after "the", before a plural verb or after
  "at", "to", "from" at the end of a phrase: "the Royal have been great", "at the Whitworth,".
- A listed trust's places joined by "and" stand for it, capitalised and not after "the",
  "in", "between" and the like: "put through to Doncaster and Bassetlaw" ("Doncaster and
  Bassetlaw Teaching Hospitals"), not "between Leeds and York".
- Capitalised words that spell a public body's own domain in the same message (``.gov.uk``,
  ``.gov.wales``, ``.gov.scot``, ``.org.uk``) are its name: "the team at Sandbeck? ...
  brokerage@sandbeck.gov.uk", "Umbrella Carers Wirral ... umbrellacarerswirral.org.uk".
- A capitalised number word opens a name before a specific word ("Three Rivers PCN").
- A listed name opening with a ``clipped_heads`` word, called by that word and the start of
  its next word: "the Royal Vic" (Royal Victoria Infirmary), "the Royal Hallamshire".
- Names on ``not_organisations`` (national bodies, charities) are never reported, alone or
  after a generic word; after a place they are a local body ("Willowmead Carers Trust").
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Collection

from bot.privacy.lexicon import OrganisationShapes
from bot.privacy.names import name_key
from bot.privacy.organisation_clipped import ClippedNames
from bot.privacy.organisation_index import OrganisationIndex
from bot.privacy.organisation_list import OrganisationList
from bot.privacy.organisation_listing import ListRules
from bot.privacy.organisation_mentions import MentionRules
from bot.privacy.organisation_shapes import ShapeFinder
from bot.privacy.organisation_trust_heads import TrustHeadRules, joined_heads
from bot.privacy.organisation_words import LOOK_BACK, Span, are_joined, name_keys, split_words

MAX_LIST_ROUNDS = 3
_JOINING = frozenset({"and", "of"})  # inside a short name: "Cardiff and Vale"


class OrganisationFinder(ListRules, MentionRules, TrustHeadRules):
    """The list and the shapes together, minus the names that are never organisations."""

    def __init__(
        self,
        organisations: OrganisationList,
        shapes: OrganisationShapes,
        *,
        stop_words: Collection[str],
        places: Collection[str] = (),
        not_bodies: Collection[str] = (),
        is_english: Callable[[str], bool] | None = None,
        is_given_name: Callable[[str], bool] | None = None,
        towns: Collection[str] = (),
        lower_towns: Callable[[str], list[Span]] | None = None,
    ) -> None:
        """``places``: place names besides the one-word places of the list's groups;
        ``towns``: a gazetteer's towns, which name local branches ("truro mind");
        ``lower_towns``: where its towns of more than one word are in lower case;
        ``not_bodies``: words that never name a body by context ("Christmas", "Teams");
        ``is_english``: whether a word (its ``name_key``) is an English word;
        ``is_given_name``: whether it is a given name."""
        self.index = OrganisationIndex(organisations)
        self.shapes = ShapeFinder(
            shapes,
            stop_words=stop_words,
            places=_places(organisations, places),
            not_bodies=not_bodies,
            is_english=is_english,
            is_given_name=is_given_name,
            named_places=[name_key(place) for place in places],
            towns=towns,
            lower_towns=lower_towns,
        )
        self._clipped = ClippedNames(
            organisations,
            heads=shapes.clipped_heads,
            is_english=is_english or (lambda _key: True),
        )
        self._kept = frozenset(name_keys(name) for name in organisations.not_organisations)
        self._not_short = frozenset(shapes.not_short_forms)
        self._joined_heads = OrganisationIndex(
            OrganisationList(organisations=joined_heads(organisations))
        )
        self._short_names = frozenset(
            name_keys(name) for group in organisations.groups for name in group.names
        )
        self._longest_short_name = max((len(keys) for keys in self._short_names), default=0)
        # Both recognizers read the listed names of a message: found once, kept for the other.
        self._listed = functools.lru_cache(maxsize=16)(self._find_listed)

    def find_listed(self, text: str) -> list[Span]:
        return list(self._listed(text))

    def _find_listed(self, text: str) -> tuple[Span, ...]:
        return tuple(span for span in self.index.find(text) if not self._is_kept(text, span))

    def find_shaped(self, text: str) -> list[Span]:
        found = [span for span in self.shapes.find(text) if not self._is_kept(text, span)]
        listed = self._listed_with(text, [*found, *self.find_listed(text)])
        for _ in range(MAX_LIST_ROUNDS):  # "A Council, B and C": C follows B, found by A
            if not listed:
                break
            found.extend(listed)
            listed = [span for span in self._listed_with(text, listed) if span not in found]
        found.extend(self._trust_heads(text))
        found.extend(span for span in self._clipped.find(text) if not self._is_kept(text, span))
        found.extend(self._places_before(text, [*found, *self.find_listed(text)]))
        bodies = [*found, *self.find_listed(text)]
        return [
            *found,
            *self._short_forms(text, found),
            *self._acronyms(text, bodies),
            *self._merged(text, bodies),
        ]

    def named_after_someone(self, text: str, start: int) -> Span | None:
        """The body named at ``start`` after someone "at" or "from" it: "callum at Lothian",
        a short name of the list's groups in full ("from Swansea Bay", though "Bay" ends a
        place's name elsewhere)."""
        span = self.shapes.named_at(text, start)
        if span is None or self._is_kept(text, span):
            return None
        return self._group_name_at(text, start) or span

    def _group_name_at(self, text: str, start: int) -> Span | None:
        """The longest short name of the list's groups written capitalised from ``start``."""
        words = split_words(text, start, min(len(text), start + LOOK_BACK))
        best: Span | None = None
        for count in range(1, min(len(words), self._longest_short_name) + 1):
            run = words[:count]
            if not all(word.capitalised or word.key in _JOINING for word in run):
                break
            if not all(are_joined(text, a, b) for a, b in itertools.pairwise(run)):
                break
            if tuple(word.key for word in run) in self._short_names:
                best = (run[0].start, run[-1].end)
        return best


def _places(organisations: OrganisationList, places: Collection[str]) -> frozenset[str]:
    """Place words: ``places`` and the one-word names of the list's groups ("Oldham")."""
    listed = (name for group in organisations.groups for name in group.names)
    one_word = (keys[0] for keys in map(name_keys, listed) if len(keys) == 1)
    return frozenset([*(name_key(place) for place in places), *one_word])
