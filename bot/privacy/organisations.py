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
  "wharfedale hospital", "the kirkburton health centre".
- In a message about care homes (``home_cues``), capitalised words before a home's ending
  (``home_endings``): "Larchfield House and Beech Grange both had outbreaks".
- Opening a sentence, a place of the lexicon or a word that is no English word before a
  plural verb (``plural_verbs``) is a body: "Airedale have said" (one person "has").
- One capitalised word that is no English word after "the", before a plural verb or after
  "at", "to", "from" at the end of a phrase: "the Royal have been great", "at the Whitworth,".
- A listed trust's places joined by "and" stand for it, capitalised and not after "the",
  "in", "between" and the like: "put through to Doncaster and Bassetlaw" ("Doncaster and
  Bassetlaw Teaching Hospitals"), not "between Leeds and York".
- Capitalised words that spell a public body's own domain in the same message (``.gov.uk``,
  ``.gov.wales``, ``.gov.scot``, ``.org.uk``) are its name: "the team at Sandbeck? ...
  brokerage@sandbeck.gov.uk", "Umbrella Carers Wirral ... umbrellacarerswirral.org.uk".
- A capitalised number word opens a name before a specific word ("Three Rivers PCN").
- Names on ``not_organisations`` (national bodies, charities) are never reported, alone or
  after a generic word; after a place they are a local body ("Willowmead Carers Trust").
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.config import PROJECT_ROOT
from bot.datafiles import load_yaml_model
from bot.privacy.lexicon import AMPERSAND, OrganisationShapes
from bot.privacy.names import name_key
from bot.privacy.patterns import (
    ORG_GAP,
    ORG_TOKEN,
    POSSESSIVE_ENDINGS,
    SENTENCE_START,
    phrases,
)

DEFAULT_ORGANISATIONS = PROJECT_ROOT / "prompts" / "privacy" / "organisations.yaml"

PLACEHOLDER = "{}"
AND = "and"
OF = "of"
MAX_NAME_WORDS = 8
LOOK_BACK = 120  # characters before an ending searched for the words of a name
MIN_SHORT_FORM = 4  # letters in a word that stands for a name found before in the message
MIN_ACRONYM = 3  # letters of a body's initials taken for it ("STH")
MAX_INITIALS = 5
_WORD_AFTER = re.compile(r"[ \t]+[A-Z]")  # initials opening a longer name: "NHS Property"
_KIND_WORDS = frozenset({"nhs", "foundation", "trust"})  # where a trust's own name ends
# Where the places of a trust's name end: "Doncaster and Bassetlaw Teaching Hospitals".
_TRUST_WORDS = frozenset(
    {"nhs", "foundation", "trust", "teaching", "hospitals", "hospital", "university"}
    | {"partnership", "healthcare", "mental", "community"}
)
_BETWEEN_WORDS = re.compile(r"[ \t]{1,2}")
MAX_NAMED_BEFORE = 3  # capitalised words before a place that name a body
_AND = re.compile(r"(?i)(?<!\w)and(?!\w)|&")
MIN_JOINED_HEAD = 3  # words of a trust's places joined by "and"
# Places, not a body: "between Leeds and York", "in Cheshire and Wirral", "the Leeds and York".
_PLACE_BEFORE = re.compile(
    r"(?i)(?<![\w'’])(?:the|in|across|between|around|near|throughout|within|of)[ \t]+$"
)

Span = tuple[int, int]

_NAME = re.compile(r"^[^\W_](?:[\w'’.&,()-]|\s(?=\S))*$")


def _names(values: list[str]) -> list[str]:
    cleaned = [" ".join(value.split()) for value in values]
    bad = [value for value in cleaned if not _NAME.match(value)]
    if bad:
        raise ValueError(f"not names: {bad}")
    return cleaned


class OrganisationGroup(BaseModel):
    """Names and the forms they are written in: "{} Council" with "Kirklees"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    about: str = ""
    forms: list[str] = Field(min_length=1)
    names: list[str] = Field(min_length=1)

    @field_validator("forms")
    @classmethod
    def _forms(cls, values: list[str]) -> list[str]:
        bad = [value for value in values if value.count(PLACEHOLDER) != 1]
        if bad:
            raise ValueError(f"each form needs one {PLACEHOLDER}: {bad}")
        return [" ".join(value.split()) for value in values]

    @field_validator("names")
    @classmethod
    def _valid_names(cls, values: list[str]) -> list[str]:
        return _names(values)

    def expanded(self) -> Iterator[str]:
        for name in self.names:
            for form in self.forms:
                yield form.replace(PLACEHOLDER, name)


class OrganisationList(BaseModel):
    """The file: names as written, groups of names with their forms, and names to keep."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    organisations: list[str] = Field(default_factory=list)
    groups: list[OrganisationGroup] = Field(default_factory=list)
    capitalised_only: list[str] = Field(default_factory=list)
    not_organisations: list[str] = Field(default_factory=list)

    @field_validator("organisations", "capitalised_only", "not_organisations")
    @classmethod
    def _valid_names(cls, values: list[str]) -> list[str]:
        return _names(values)

    def all_names(self) -> list[str]:
        expanded = (name for group in self.groups for name in group.expanded())
        return list(dict.fromkeys([*self.organisations, *expanded]))


def load_organisations(path: Path = DEFAULT_ORGANISATIONS) -> OrganisationList:
    """Read and validate a list; any problem is a ContentError naming the file and field."""
    return load_yaml_model(path, OrganisationList)


# --------------------------------------------------------------------------- words


# A public body's own address: "sandbeck.gov.uk", "brokerage@sandbeck.gov.uk".
_BODY_DOMAIN = re.compile(
    r"(?<![\w-])(?P<label>[a-z][a-z-]*[a-z])\.(?:gov\.uk|gov\.wales|gov\.scot|org\.uk)\b",
    re.IGNORECASE,
)
MIN_DOMAIN_LABEL = 4
MAX_DOMAIN_WORDS = 4
_NUMBER_WORDS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"})
# A lower-case prefix before a capitalised name is no part of it: "ex-Barts", "non-Leeds".
_CONSONANT = "[b-df-hj-np-tv-z]"  # lower-case abbreviations have no vowel: "lypft", "ltht"
_SAINT_CUE = re.compile(r"(?i)(?<![\w'’])(?:at|from|to|into|with|via|in|the)[ \t]+$")
_LOWER_PREFIX = re.compile(r"[a-z]+-(?=[A-Z])")
# Between the parts of a list of bodies: "Spectrum CIC and Nova Wakefield", "A, B & C". A
# comma alone joins only inside a list that goes on: "A, B and C", not "Lister Pharmacy, Tomasz".
_AND_GAP = r"[ \t]*,?[ \t]+(?:and|&)[ \t]+|[ \t]*&[ \t]*"
_LIST_AFTER = re.compile(rf"(?P<gap>{_AND_GAP}|(?P<comma>,[ \t]*))(?=\w)")
_LIST_BEFORE = re.compile(rf"(?:{_AND_GAP}|(?P<comma>,[ \t]*))$")
_LIST_GOES_ON = re.compile(rf"(?:{_AND_GAP}|,[ \t]*)(?=[A-Z])")
MAX_LISTED_WORDS = 4
MAX_LIST_ROUNDS = 3


@dataclass(frozen=True, slots=True)
class _Word:
    start: int
    end: int  # without a possessive ending
    key: str
    capitalised: bool
    possessive: bool


def _words(text: str, start: int = 0, end: int | None = None) -> list[_Word]:
    found: list[_Word] = []
    for match in ORG_TOKEN.finditer(text, start, len(text) if end is None else end):
        word = match.group()
        first = match.start()
        prefix = _LOWER_PREFIX.match(word) if "-" in word else None
        if prefix:
            word = word[prefix.end() :]
            first += prefix.end()
        cut = 2 if len(word) > 2 and word.endswith(POSSESSIVE_ENDINGS) else 0
        key = AND if word == AMPERSAND else name_key(word[: len(word) - cut])
        found.append(_Word(first, match.end() - cut, key, word[:1].isupper(), cut > 0))
    return found


@functools.lru_cache(maxsize=16)
def _text_words(text: str) -> tuple[_Word, ...]:
    """All the words of ``text``, kept for the few finders that read a message whole."""
    return tuple(_words(text))


def _joined(text: str, left: _Word, right: _Word) -> bool:
    gap = text[left.end : right.start]
    if left.possessive:
        gap = gap[2:]  # the "'s" ending sits between the two words
    return bool(ORG_GAP.match(gap))


def _joined_in_item(text: str, left: _Word, right: _Word) -> bool:
    """Two words of one item of a list: joined, with no comma between them."""
    return (
        not left.possessive
        and "," not in text[left.end : right.start]
        and _joined(text, left, right)
    )


def _keys(name: str) -> tuple[str, ...]:
    return tuple(word.key for word in _words(name))


# --------------------------------------------------------------------------- the list


class _Node:
    """One word of the trie of listed names; ``complete`` when a name ends here."""

    __slots__ = ("children", "complete", "possessive")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.complete = False
        self.possessive = False  # the name ends in "'s": "Sheffield Children's"


class OrganisationIndex:
    """Listed names in a trie of words; immutable once built, so safe across threads.

    Lookup walks the text's words once, so its cost grows with the text, not the list.
    """

    def __init__(self, organisations: OrganisationList) -> None:
        self._capitalised_first = frozenset(
            keys[0] for keys in map(_keys, organisations.capitalised_only) if keys
        )
        self._root = _Node()
        self.size = 0
        for name in organisations.all_names():
            node = self._root
            words = _words(name)
            for word in words:
                node = node.children.setdefault(word.key, _Node())
            if node is not self._root and not node.complete:
                node.complete = True
                self.size += 1
            if words and words[-1].possessive:
                node.possessive = True

    def find(self, text: str) -> list[Span]:
        words = _text_words(text)
        spans: list[Span] = []
        index = 0
        while index < len(words):
            length, possessive = self._match_at(text, words, index)
            if length:
                last = words[index + length - 1]
                end = last.end + (2 if possessive and last.possessive else 0)
                spans.append((words[index].start, end))
                index += length
            else:
                index += 1
        return spans

    def _match_at(self, text: str, words: Sequence[_Word], index: int) -> tuple[int, bool]:
        """How many words from ``index`` make the longest listed name (0 if none), and
        whether that name ends in "'s" as written ("Sheffield Children's people")."""
        first = words[index]
        if first.key in self._capitalised_first and not first.capitalised:
            return 0, False
        node = self._root.children.get(first.key)
        best = 0
        possessive = False
        position = index
        while node is not None:
            if node.complete:
                best = position - index + 1
                possessive = node.possessive
            word = words[position]
            position += 1
            if word.possessive or position >= len(words):
                break
            if not _joined(text, word, words[position]):
                break
            node = node.children.get(words[position].key)
        return best, possessive


# --------------------------------------------------------------------------- shapes


class ShapeFinder:
    """Names that are not listed, recognised by their shape (see the module docstring)."""

    def __init__(
        self,
        shapes: OrganisationShapes,
        *,
        stop_words: Collection[str],
        places: Collection[str] = (),
        not_bodies: Collection[str] = (),
        is_english: Callable[[str], bool] | None = None,
        named_places: Collection[str] = (),
    ) -> None:
        """``places``: place names (``name_key`` form) that make a local body after a
        ``place_prefixes`` word ("Healthwatch Wakefield", "Royal Oldham") or before other
        capitalised words ("Kirklees Refugee Welcome"). ``not_bodies``: words that never
        name a body after "at" or a place ("Christmas", "Teams"). ``is_english``: whether a
        word is an English word; without it no lower-case body is found. ``named_places``:
        the lexicon's own places (``name_key`` form), bodies before a plural verb."""
        self._is_english = is_english or (lambda _key: True)
        verbs = "|".join(re.escape(verb).replace("'", "['’]") for verb in shapes.plural_verbs)
        self._named_places = frozenset(named_places)
        self._lower_ending = (
            phrases(shapes.lower_endings, ignore_case=False) if shapes.lower_endings else None
        )
        self._home_endings = (
            phrases(shapes.home_endings, ignore_case=False) if shapes.home_endings else None
        )
        self._home_cue = phrases(shapes.home_cues, ignore_case=True) if shapes.home_cues else None
        self._plural_subject = (
            re.compile(
                r"(?<![\w'’&-])(?P<word>[A-Z][a-z][^\W\d_]*)"
                r"(?P<more>(?:[ \t]+[A-Z][a-z][^\W\d_]*){0,2})[ \t]+"
                rf"(?:{verbs})(?![\w'’])"
            )
            if verbs
            else None
        )
        self._lower_endings = (
            re.compile(
                r"(?<![\w'’-])(?P<word>[^\W\d_][^\W\d_'’-]{3,})[ \t]+"
                rf"(?:{'|'.join(map(re.escape, shapes.lower_endings))})(?![\w'’])"
            )
            if shapes.lower_endings
            else None
        )
        self._endings = phrases(shapes.endings, ignore_case=False)
        self._prefixes = phrases(shapes.prefixes, ignore_case=False)
        self._place_prefixes = (
            phrases(shapes.place_prefixes, ignore_case=False) if shapes.place_prefixes else None
        )
        self._places = frozenset(places)
        # Words that only open a place ("St Helens", "North Tyneside") make no run alone.
        self._run_places = self._places - frozenset(shapes.not_short_forms)
        self._not_short = frozenset(shapes.not_short_forms)
        stops = frozenset(name_key(word) for word in stop_words)
        self._generic = frozenset(shapes.generic_words) | stops
        self._leading = frozenset(shapes.lead_words) | stops
        self._joiners = frozenset(AND if j == AMPERSAND else j for j in shapes.joiners)
        self._role_endings = frozenset(shapes.role_endings)
        self._role_words = frozenset(shapes.role_words)
        self._place_after = frozenset(shapes.place_after)
        self._offices = frozenset(shapes.offices)
        # A body's own kind of word goes on a name: "Bolton Community Housing".
        self._not_bodies = (
            frozenset(name_key(word) for word in not_bodies) - self._generic
        ) | stops
        self._run_stops = frozenset(shapes.place_run_stops) | self._not_bodies | self._leading
        self._stops = stops
        self._prefix_words = frozenset(
            name_key(prefix) for prefix in shapes.place_prefixes if " " not in prefix
        )
        self._verb_after = re.compile(rf"[ \t]+(?:{verbs})(?![\w'’])") if verbs else None
        self._the_one = re.compile(
            r"(?<![\w'’])(?P<cue>(?:at|to|from|into)[ \t]+)?the[ \t]+"
            r"(?P<word>[A-Z][a-z][^\W\d_]*)(?![\w'’-])"
            + (rf"(?P<verb>[ \t]+(?:{verbs})(?![\w'’]))?" if verbs else "")
        )
        self._at_cue = (
            re.compile(
                rf"(?i)(?<![\w'’])(?:{'|'.join(map(re.escape, shapes.at_cues))})[ \t]+at[ \t]+"
            )
            if shapes.at_cues
            else None
        )
        endings = "|".join(map(re.escape, shapes.abbreviation_endings))
        lower_endings = endings.lower()
        self._abbreviation = (
            re.compile(
                rf"(?<![\w-])(?:[A-Z]{{1,5}}(?:{endings})|{_CONSONANT}{{1,5}}(?:{lower_endings}))"
                r"(?![\w-])"
            )
            if shapes.abbreviation_endings
            else None
        )
        not_after_saint = "|".join(map(re.escape, shapes.not_after_saint))
        self._saint = re.compile(
            r"(?<![\w'’])(?:[A-Z][^\W\d_]+['’]s[ \t]+(?:and|&)[ \t]+)?"  # "Guy's and"
            r"(?:St|Saint)\.?[ \t]+[A-Z][^\W\d_]+(?:['’]s|(?<=s)['’])"
            + (rf"(?![ \t]+(?i:{not_after_saint})(?!\w))" if not_after_saint else "")
        )

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        previous_end = 0  # a name never reaches back past the previous ending
        for match in self._endings.finditer(text):
            found = list(self._ending(text, match, previous_end))
            if found:
                spans.extend(found)
            elif spans and self._continues(text, spans[-1], match):
                spans[-1] = (spans[-1][0], _without_possessive(text, spans[-1][0], match.end()))
            previous_end = match.end()
        spans.extend(
            span for match in self._prefixes.finditer(text) for span in self._prefix(text, match)
        )
        spans.extend(self._before_places(text))
        spans.extend(self._place_runs(text))
        spans.extend(self._after_at_cues(text))
        spans.extend(self._abbreviations(text))
        spans.extend(self._saints(text))
        spans.extend(self._named_by_domain(text))
        spans.extend(self._lower_case_bodies(text))
        spans.extend(self._before_lower_endings(text))
        spans.extend(self._named_before_places(text))
        spans.extend(self._homes(text))
        spans.extend(self._plural_subjects(text))
        spans.extend(self._the_ones(text))
        return spans

    def _the_ones(self, text: str) -> list[Span]:
        """One capitalised word after "the" that names a hospital or body: before a plural
        verb ("the Royal have been brilliant", "the Whitworth have"), or after "at", "to" or
        "from" and before no lower-case noun ("moved to Ward 7 at the Whitworth, please");
        the word is no English word ("Royal": a place prefix), so not "the Board are", "from
        the Irish office", "the Tories have"."""
        found: list[Span] = []
        for match in self._the_one.finditer(text):
            key = name_key(match.group("word"))
            if key in self._generic or key in self._leading or key in self._not_bodies:
                continue
            if self._is_english(key) and key not in self._prefix_words:
                continue
            if match.group("verb") or (match.group("cue") and self._ends_phrase(text, match.end())):
                found.append(match.span("word"))
        return found

    def _ends_phrase(self, text: str, end: int) -> bool:
        """No lower-case content word follows: punctuation, the end, or a stop word."""
        after = _words(text, end, min(len(text), end + 30))[:1]
        if not after or not ORG_GAP.match(text[end : after[0].start]):
            return True
        return after[0].key in self._stops

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

    def _plural_subjects(self, text: str) -> list[Span]:
        """Opening a sentence, a place or a word that is no English word, and up to two more
        capitalised words, before a plural verb: "Airedale have said", "Incommunities have
        agreed", "Ordsall Park want" (one person "has")."""
        if self._plural_subject is None:
            return []
        found: list[Span] = []
        for match in self._plural_subject.finditer(text):
            key = name_key(match.group("word"))
            if key in self._generic or key in self._leading or key in self._not_bodies:
                continue
            if not (key in self._named_places or not self._is_english(key)):
                continue  # "Bath were great": a place of the list's groups may be a place
            more = [name_key(word) for word in match.group("more").split()]
            if any(word in self._not_bodies or word in self._leading for word in more):
                continue
            if SENTENCE_START.search(text, 0, match.start()):
                found.append((match.start(), match.end("more")))
        return found

    def _named_before_places(self, text: str) -> list[Span]:
        """Capitalised words inside a sentence and a place after them name a local body:
        "the Forward Leeds launch", "off to the Bright Futures Oldham launch" (not "West
        Leeds", "Thanks Leeds", a sentence opening "Visiting Leeds" or "Victoria Derbyshire")."""
        words = _text_words(text)
        found: list[Span] = []
        for index, place in enumerate(words):
            if not (index and place.capitalised and place.key in self._run_places):
                continue
            first = index
            while first > 0 and index - first < MAX_NAMED_BEFORE:
                word, after = words[first - 1], words[first]
                gap = text[word.end : after.start]
                if not (word.capitalised and not word.possessive and _BETWEEN_WORDS.fullmatch(gap)):
                    break
                if word.key in self._run_stops or word.key in self._generic:
                    break
                if word.key in self._places or word.key in self._not_short:
                    break
                first -= 1
            if first == index:
                continue
            if SENTENCE_START.search(text, 0, words[first].start) is None:
                found.append((words[first].start, place.end))  # not "Victoria Derbyshire said"
        return found

    def _before_lower_endings(self, text: str) -> list[Span]:
        """Capitalised words before a kind of body in lower case: "the Grange Park surgery",
        "Oakwood practice" (not "Hip surgery" opening a sentence, "Christmas surgery hours")."""
        if self._lower_ending is None:
            return []
        found: list[Span] = []
        previous_end = 0
        for match in self._lower_ending.finditer(text):
            earliest = max(previous_end, match.start() - LOOK_BACK)
            previous_end = match.end()
            words = self._name_words(text, earliest, match.start())
            if not words or any(word.key in self._not_bodies for word in words):
                continue
            opens = SENTENCE_START.search(text, 0, words[0].start) is not None
            if opens and all(self._is_english(word.key) for word in words):
                continue
            found.append((words[0].start, match.end()))
        return found

    def _lower_case_bodies(self, text: str) -> list[Span]:
        """A word that is no English word (a place: "reading" is a word) before a kind of body
        in lower case: "wharfedale hospital", "the kirkburton health centre"."""
        if self._lower_endings is None:
            return []
        found: list[Span] = []
        for match in self._lower_endings.finditer(text):
            key = name_key(match.group("word"))
            if key in self._generic or key in self._leading or key in self._not_bodies:
                continue
            if not self._is_english(key):
                found.append(match.span())  # not "reading council papers"
        return found

    def _place_runs(self, text: str) -> list[Span]:
        """A place and the capitalised words after it: "Kirklees Refugee Welcome", "Sheffield
        Teaching", "Wakefield District Housing" (not "Leeds Plan" or "Leeds in March")."""
        if not self._places:
            return []
        words = _text_words(text)
        found: list[Span] = []
        for index, place in enumerate(words):
            if not (place.capitalised and place.key in self._run_places) or place.possessive:
                continue
            end = self._run_end(text, words, index + 1, place.end)
            if end > place.end:
                found.append((place.start, end))
        return found

    def _run_end(self, text: str, words: Sequence[_Word], index: int, end: int) -> int:
        """The end of the capitalised words from ``words[index]`` joined to ``end``."""
        for word in words[index : index + MAX_NAME_WORDS]:
            gap = text[end : word.start]
            if not (ORG_GAP.match(gap) and "," not in gap and word.capitalised):
                break
            if word.key in self._run_stops or word.key in self._places:
                break
            end = word.end
            if word.possessive:
                break
        return end

    def _after_at_cues(self, text: str) -> list[Span]:
        """Capitalised words after someone "at" them: "deputy DoN at Airedale", "someone at
        Roshni Ghar", "he's at Leeds Teaching now" (not "at Christmas")."""
        if self._at_cue is None:
            return []
        found: list[Span] = []
        for match in self._at_cue.finditer(text):
            words = _words(text, match.end(), min(len(text), match.end() + LOOK_BACK))
            if not words or words[0].start != match.end():
                continue
            first = words[0]
            if not first.capitalised or first.key in self._run_stops or first.key in self._generic:
                continue  # "at Christmas", "a contact at NHS Property Services"
            end = self._run_end(text, words, 1, first.end)
            found.append((first.start, end))
        return found

    def _saints(self, text: str) -> list[Span]:
        """A saint's name with "'s" or "'" after "at", "from", "to" or before a plural verb: a
        hospital, hospice or church ("at St Thomas'", "from Guy's and St Thomas'", "St
        Luke's have offered beds"), not a place opening a sentence ("St Mary's and St Helens
        are nearby") nor a day ("St Patrick's Day")."""
        return [
            match.span()
            for match in self._saint.finditer(text)
            if _SAINT_CUE.search(text, max(0, match.start() - LOOK_BACK), match.start())
            or (self._verb_after is not None and self._verb_after.match(text, match.end()))
        ]

    def _abbreviations(self, text: str) -> list[Span]:
        """A local trust's abbreviation: "MFT", "LYPFT", "GSTT", "ltht"."""
        if self._abbreviation is None:
            return []
        return [
            match.span()
            for match in self._abbreviation.finditer(text)
            if match.group().casefold() not in self._generic
        ]

    def _before_places(self, text: str) -> list[Span]:
        """A place prefix and capitalised place words: "Carers Leeds", "Royal Oldham"."""
        if self._place_prefixes is None:
            return []
        found: list[Span] = []
        for match in self._place_prefixes.finditer(text):
            end = match.end()
            for word in _words(text, end, min(len(text), end + LOOK_BACK)):
                gap = text[end : word.start]
                if not (ORG_GAP.match(gap) and "," not in gap and word.capitalised):
                    break
                if word.key not in self._places:
                    break
                end = word.end
                if word.possessive:
                    break
            if end > match.end():
                found.append((match.start(), end))
        return found

    def _named_by_domain(self, text: str) -> list[Span]:
        """Capitalised words spelling a public body's own domain in the same message: "the
        team at Sandbeck? ... brokerage@sandbeck.gov.uk"."""
        labels = {
            match.group("label").lower()
            for match in _BODY_DOMAIN.finditer(text)
            if len(match.group("label")) >= MIN_DOMAIN_LABEL
        }
        labels -= self._generic | self._leading
        if not labels:
            return []
        words = _text_words(text)
        found: list[Span] = []
        for index, first in enumerate(words):
            if not first.capitalised or first.key in self._leading:
                continue
            spelled = ""
            last = first
            for word in words[index : index + MAX_DOMAIN_WORDS]:
                joined = word is first or ORG_GAP.fullmatch(text[last.end : word.start])
                if not (word.capitalised and joined):
                    break
                spelled += word.key.replace("'", "")
                last = word
                if spelled in labels:
                    found.append((first.start, word.end))
                    break
        return found

    def is_place(self, key: str) -> bool:
        """Whether a word (its ``name_key``) is a place that may open a body's name."""
        return key in self._run_places

    def is_generic(self, key: str) -> bool:
        """Whether a word (its ``name_key``) names no place or body on its own."""
        return key in self._generic or key in self._leading

    def _ending(self, text: str, match: re.Match[str], earliest: int) -> Iterator[Span]:
        ending = match.group()
        after = _words(text, match.end(), min(len(text), match.end() + 40))[:1]
        if ending in self._role_endings and after and after[0].key in self._role_words:
            return
        words = self._name_words(text, max(earliest, match.start() - LOOK_BACK), match.start())
        if not words:
            return
        end = match.end()
        if ending in self._place_after and after and self._is_place(text, match.end(), after[0]):
            end = after[0].end
        yield words[0].start, _without_possessive(text, words[0].start, end)

    @staticmethod
    def _continues(text: str, span: Span, match: re.Match[str]) -> bool:
        """One ending right after a name found before: "Borsetshire Hospitals NHS Trust"."""
        return span[1] <= match.start() and bool(ORG_GAP.match(text[span[1] : match.start()]))

    def _name_words(self, text: str, after: int, before: int) -> list[_Word]:
        """The words of the name between ``after`` and ``before``, or [] if not specific."""
        window = _words(text, after, before)
        name: list[_Word] = []
        following: int = before
        for word in reversed(window):
            gap = text[word.end + (2 if word.possessive else 0) : following]
            if len(name) >= MAX_NAME_WORDS or not ORG_GAP.match(gap):
                break
            if "," in gap and text[word.start : word.end].isupper():
                break  # a list of abbreviations: "ICB, LA, VCSE, PCN"
            if "," in gap and name and name[0].key in self._joiners:
                break  # "Adult Social Services, the DPH and the Chair of the ICB"
            if not word.capitalised and word.key not in self._joiners:
                break
            name.insert(0, word)
            following = word.start
        name = self._without_office(self._without_leading(name))
        if not any(word.key not in self._generic and word.capitalised for word in name):
            return []
        return name

    def _without_leading(self, name: list[_Word]) -> list[_Word]:
        while name and (name[0].key in self._joiners or name[0].key in self._leading):
            if self._numbered(name):
                break
            name = name[1:]
        return name

    def _numbered(self, name: list[_Word]) -> bool:
        """A capitalised number word before a specific word opens the name: "Three Rivers
        PCN", "Five Valleys Surgery" (but "Three PCNs", "the three Trusts" lose it)."""
        return (
            len(name) > 1
            and name[0].capitalised
            and name[0].key in _NUMBER_WORDS
            and name[1].capitalised
            and name[1].key not in self._generic
            and name[1].key not in self._leading
        )

    def _without_office(self, name: list[_Word]) -> list[_Word]:
        """Drop a title before "of": "Leader of the Council", "Chair of Kirklees Council",
        also after other words: "DPH and the Chair of the ICB"; and offices before "and the":
        "the Leader and the ICB chair"."""
        for index in range(len(name) - 1, 0, -1):
            if name[index].key == OF and name[index - 1].key in self._offices:
                return self._without_leading(name[index + 1 :])
        for index, word in enumerate(name):
            if word.key == OF and index:
                return self._without_leading(name[index + 1 :])
            if word.key == AND and index and self._new_phrase_after(name, index):
                return self._without_leading(name[index + 1 :])  # "the Leader and the ICB"
            if word.key not in self._offices and word.key not in self._leading:
                return name
        return name

    @staticmethod
    def _new_phrase_after(name: list[_Word], index: int) -> bool:
        """Whether "the" follows "and": offices, then another body ("the Leader and the ICB
        chair"), not one name ("Nursing and Midwifery Council")."""
        return index + 1 < len(name) and name[index + 1].key == "the"

    def _prefix(self, text: str, match: re.Match[str]) -> Iterator[Span]:
        words = _words(text, match.end(), min(len(text), match.end() + LOOK_BACK))
        name: list[_Word] = []
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

    def _is_place(self, text: str, end: int, word: _Word) -> bool:
        return (
            word.capitalised
            and not word.possessive
            and word.key not in self._generic
            and word.key not in self._leading
            and bool(ORG_GAP.match(text[end : word.start]))
            and word.start - end <= 2
        )


def _without_possessive(text: str, start: int, end: int) -> int:
    for ending in POSSESSIVE_ENDINGS:
        if text.endswith(ending, start, end):
            return end - len(ending)
    return end


class OrganisationFinder:
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
    ) -> None:
        """``places``: place names besides the one-word places of the list's groups;
        ``not_bodies``: words that never name a body by context ("Christmas", "Teams");
        ``is_english``: whether a word (its ``name_key``) is an English word."""
        self.index = OrganisationIndex(organisations)
        self.shapes = ShapeFinder(
            shapes,
            stop_words=stop_words,
            places=_places(organisations, places),
            not_bodies=not_bodies,
            is_english=is_english,
            named_places=[name_key(place) for place in places],
        )
        self._kept = frozenset(_keys(name) for name in organisations.not_organisations)
        self._not_short = frozenset(shapes.not_short_forms)
        self._joined_heads = OrganisationIndex(
            OrganisationList(organisations=_joined_heads(organisations))
        )
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
        found.extend(self._places_before(text, [*found, *self.find_listed(text)]))
        bodies = [*found, *self.find_listed(text)]
        return [*found, *self._short_forms(text, found), *self._acronyms(text, bodies)]

    def _places_before(self, text: str, bodies: list[Span]) -> list[Span]:
        """A capitalised place right before a body found belongs to it: "Hull York Medical
        School" after "York Medical School"."""
        if not bodies:
            return []
        words = _text_words(text)
        before = {word.start: previous for previous, word in itertools.pairwise(words)}
        found: list[Span] = []
        for start, end in bodies:
            place = before.get(start)
            if (
                place is not None
                and place.capitalised
                and not place.possessive
                and self.shapes.is_place(place.key)
                and _BETWEEN_WORDS.fullmatch(text, place.end, start)
            ):
                found.append((place.start, end))
        return found

    def _trust_heads(self, text: str) -> list[Span]:
        """A listed trust's places joined by "and", capitalised, standing for the trust:
        "put through to Doncaster and Bassetlaw", "York and Scarborough are" (not "between
        Leeds and York", "in Cheshire and Wirral")."""
        if _AND.search(text) is None:
            return []
        found: list[Span] = []
        for start, end in self._joined_heads.find(text):
            words = _words(text, start, end)
            if not all(word.capitalised or word.key == AND for word in words):
                continue
            before = _PLACE_BEFORE.search(text, max(0, start - 20), start)
            if before is None:
                found.append((start, end))
        return found

    def _listed_with(self, text: str, bodies: list[Span]) -> list[Span]:
        """Capitalised words listed beside a body found: in "Wakefield District Housing,
        Spectrum CIC and Nova Wakefield", "Nova Wakefield" is a body too."""
        if not bodies:
            return []
        found: list[Span] = []
        for start, end in sorted(bodies):
            gap = _LIST_AFTER.match(text, end)
            if gap:
                words = _words(text, gap.end(), gap.end() + LOOK_BACK)
                run = self._list_item(text, words, abbreviation=not gap.group("comma"))
                if run and (not gap.group("comma") or _LIST_GOES_ON.match(text, run[-1].end)):
                    found.append((run[0].start, run[-1].end))
            item = self._list_item_before(text, start, end)
            if item:
                found.append(item)
        return [span for span in found if not self._is_kept(text, span)]

    def _list_item(
        self, text: str, words: list[_Word], *, abbreviation: bool = False
    ) -> list[_Word]:
        """The capitalised words opening ``words``, if they can name a body; with
        ``abbreviation`` (after "and"), also one body's initials: "Wigan Council and WWL"."""
        if abbreviation and words and self._initials(text, words[0]):
            return words[:1]
        run: list[_Word] = []
        for word in words[:MAX_LISTED_WORDS]:
            if run and not _joined_in_item(text, run[-1], word):
                break
            if not word.capitalised or (not run and self.shapes.is_generic(word.key)):
                break
            run.append(word)
            if word.possessive:
                break
        if all(text[w.start : w.end].isupper() for w in run):
            return []  # abbreviations: "ICB, LA, VCSE"
        return run

    def _initials(self, text: str, word: _Word) -> bool:
        """A body's initials, ending a list item: "WWL" (not "ICB", "the LA")."""
        letters = text[word.start : word.end]
        return (
            MIN_ACRONYM <= len(letters) <= MAX_INITIALS
            and letters.isalpha()
            and letters.isupper()
            and not word.possessive
            and not self.shapes.is_generic(word.key)
            and not _WORD_AFTER.match(text, word.end)
        )

    def _list_item_before(self, text: str, start: int, end: int) -> Span | None:
        """The capitalised words right before the body at ``start``-``end`` across a list
        gap, if any."""
        gap = _LIST_BEFORE.search(text, max(0, start - 8), start)
        if gap is None or (gap.group("comma") and not _LIST_GOES_ON.match(text, end)):
            return None
        words = _words(text, max(0, gap.start() - LOOK_BACK), gap.start())
        if not words or words[-1].end != gap.start():
            return None
        run: list[_Word] = []
        for word in reversed(words[-MAX_LISTED_WORDS:]):
            if run and not _joined_in_item(text, word, run[0]):
                break
            if not word.capitalised:
                break
            run.insert(0, word)
        while run and self.shapes.is_generic(run[0].key):
            run = run[1:]
        if not run or all(text[w.start : w.end].isupper() for w in run):
            return None
        return run[0].start, run[-1].end

    def _short_forms(self, text: str, found: list[Span]) -> list[Span]:
        """A shaped name's first word, capitalised, elsewhere in the message: in "Calderbrook
        General Hospital ... the Calderbrook team", the second "Calderbrook" is the same body."""
        heads = {
            words[0].key
            for words in (_words(text, *span) for span in found)
            if words
            and len(words[0].key) >= MIN_SHORT_FORM
            and not self.shapes.is_generic(words[0].key)
            and words[0].key not in self._not_short
        }
        if not heads:
            return []
        return [
            (word.start, word.end)
            for word in _text_words(text)
            if word.capitalised
            and word.key in heads
            and not any(start <= word.start < end for start, end in found)
        ]

    def _acronyms(self, text: str, bodies: list[Span]) -> list[Span]:
        """The initials of a body found, elsewhere in the message in capitals: "Sheffield
        Teaching Hospitals NHS Foundation Trust ... STH now want" ("STH", "STHFT", "STHT")."""
        forms: set[str] = set()
        for span in bodies:
            keys = [w.key for w in _words(text, *span) if w.key != AND and w.key != "the"]
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
            for word in _text_words(text)
            if text[word.start : word.end] in forms
            and not any(start <= word.start < end for start, end in bodies)
        ]

    def _is_kept(self, text: str, span: Span) -> bool:
        """A national name, alone or after one generic word ("Thanks Carers Trust"); a place
        before it makes a local body of its own: "Willowmead Carers Trust" is found."""
        words = _words(text, *span)
        keys = tuple(word.key for word in words)
        if keys in self._kept:
            return True
        if len(keys) > 1 and keys[1:] in self._kept and self.shapes.is_generic(keys[0]):
            return True
        return self._ends_listing_kept(text, words)

    def _ends_listing_kept(self, text: str, words: list[_Word]) -> bool:
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


def _joined_heads(organisations: OrganisationList) -> list[str]:
    """The places before a listed trust's kind of body, when joined by "and": "Doncaster and
    Bassetlaw" of "Doncaster and Bassetlaw Teaching Hospitals NHS Foundation Trust"."""
    heads: list[str] = []
    for name in organisations.all_names():
        words = name.split()
        keys = [name_key(word.strip(",")) for word in words]
        cut = next((i for i, key in enumerate(keys) if key in _TRUST_WORDS), 0)
        if cut >= MIN_JOINED_HEAD and AND in keys[:cut] and keys[0] != AND:
            heads.append(" ".join(words[:cut]).rstrip(","))
    return list(dict.fromkeys(heads))


def _places(organisations: OrganisationList, places: Collection[str]) -> frozenset[str]:
    """Place words: ``places`` and the one-word names of the list's groups ("Oldham")."""
    listed = (name for group in organisations.groups for name in group.names)
    one_word = (keys[0] for keys in map(_keys, listed) if len(keys) == 1)
    return frozenset([*(name_key(place) for place in places), *one_word])
