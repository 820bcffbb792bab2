"""The word sets and patterns the shape rules share, and how they cut a name from the words before
an ending.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from bot.privacy.lexicon import AMPERSAND, OrganisationShapes
from bot.privacy.names import name_key
from bot.privacy.organisation_words import AND, MAX_NAME_WORDS, OF, Span, Word, split_words
from bot.privacy.patterns import ORG_GAP, phrases

_NUMBER_WORDS = frozenset(
    {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
)
_CONSONANT = "[b-df-hj-np-tv-z]"
_AMPERSAND = "&"  # lower-case abbreviations have no vowel: "lypft", "ltht"


class ShapeWords:
    """Word lists and patterns of the shapes, and the words of a name before an ending."""

    def __init__(
        self,
        shapes: OrganisationShapes,
        *,
        stop_words: Collection[str],
        places: Collection[str] = (),
        not_bodies: Collection[str] = (),
        is_english: Callable[[str], bool] | None = None,
        is_given_name: Callable[[str], bool] | None = None,
        named_places: Collection[str] = (),
        towns: Collection[str] = (),
        lower_towns: Callable[[str], list[Span]] | None = None,
    ) -> None:
        """``places``: place names (``name_key`` form) that make a local body after a
        ``place_prefixes`` word ("Healthwatch Wakefield", "Royal Oldham") or before other
        capitalised words ("Kirklees Refugee Welcome"). ``not_bodies``: words that never
        name a body after "at" or a place ("Christmas", "Teams"). ``is_english``: whether a
        word is an English word; without it no lower-case body is found. ``named_places``:
        the lexicon's own places (``name_key`` form), bodies before a plural verb. ``towns``:
        towns of a gazetteer, which name a charity's branch or a council's department after
        them ("truro mind") when they are no English word. ``lower_towns``: where towns of
        more than one word are written in lower case, which name a body before a kind of body
        in lower case ("the hebden bridge practice"). ``is_given_name``: whether a word is a
        given name; a given name's possessive before a department is a hospital's nickname
        ("Benny's ED"), even when the name is also an English word."""
        self._lower_towns = lower_towns
        self._is_english = is_english or (lambda _key: True)
        self._is_given_name = is_given_name or (lambda _key: False)
        verbs = "|".join(re.escape(verb).replace("'", "['’]") for verb in shapes.plural_verbs)
        self._named_places = frozenset(named_places)
        self._lower_ending = (
            phrases(shapes.lower_endings, ignore_case=False) if shapes.lower_endings else None
        )
        self._home_endings = (
            phrases(shapes.home_endings, ignore_case=False) if shapes.home_endings else None
        )
        self._home_cue = phrases(shapes.home_cues, ignore_case=True) if shapes.home_cues else None
        self._national = frozenset(shapes.national_abbreviations)
        self._nationalities = frozenset(shapes.nationalities)
        self._instruments = frozenset(shapes.instruments)
        self._station_words = frozenset(shapes.station_words)
        self._street_descriptors = frozenset(shapes.street_descriptors)
        self._shorthand = frozenset(shapes.clinical_shorthand)
        self._department_keys = frozenset(name_key(word) for word in shapes.departments)
        departments = "|".join(map(re.escape, shapes.departments))
        self._department = (
            re.compile(
                rf"(?<![\w'’&-])(?P<word>[A-Z][a-z][^\W\d_]*|[A-Z]{{3,4}})"
                rf"(?P<possessive>['’]s)?[ \t]+(?P<department>{departments})(?![\w&])"
            )
            if departments
            else None
        )
        self._plural_abbreviation = (
            re.compile(
                r"(?<![\w'’&-])(?P<word>[A-Z]{3,5})[ \t]+"
                rf"(?:{verbs}|said[ \t]+they|say[ \t]+they)(?![\w'’])"
            )
            if verbs
            else None
        )
        self._plural_subject = (
            re.compile(
                r"(?<![\w'’&-])(?P<word>[A-Z][a-z][^\W\d_]*)"
                r"(?P<more>(?:[ \t]+[A-Z][a-z][^\W\d_]*){0,2})[ \t]+"
                rf"(?:{verbs})(?![\w'’])"
            )
            if verbs
            else None
        )
        self._after_town = (
            re.compile(
                _optional_words(shapes.lower_kinds, before=False, name="kinds")
                + rf"[ \t]+(?:{'|'.join(map(re.escape, shapes.lower_endings))})(?![\w'’-])"
            )
            if shapes.lower_endings
            else None
        )
        self._lower_endings = (
            re.compile(
                r"(?<![\w'’-])"
                + _optional_words(shapes.place_openers, before=True, name="opener")
                + r"(?P<word>[^\W\d_][^\W\d_'’-]{3,})(?:['’]s)?"
                + _optional_words(shapes.lower_kinds, before=False, name="kinds")
                + rf"[ \t]+(?:{'|'.join(map(re.escape, shapes.lower_endings))})"
                + r"(?:(?=['’]s(?!\w))|(?![\w'’]))"  # "kelbridge city council's cabinet"
            )
            if shapes.lower_endings
            else None
        )
        self._unknown_place_prefix = (
            phrases(shapes.unknown_place_prefixes, ignore_case=False)
            if shapes.unknown_place_prefixes
            else None
        )
        self._endings = phrases(shapes.endings, ignore_case=False)
        self._prefixes = phrases(shapes.prefixes, ignore_case=False)
        self._place_prefixes = (
            phrases(shapes.place_prefixes, ignore_case=False) if shapes.place_prefixes else None
        )
        self._lower_place_prefix = (
            phrases(shapes.lower_place_prefixes, ignore_case=True)
            if shapes.lower_place_prefixes
            else None
        )
        self._clause_place_prefix = (
            phrases(shapes.clause_place_prefixes, ignore_case=True)
            if shapes.clause_place_prefixes
            else None
        )
        self._plural_verb_next = (
            re.compile(rf"[ \t]+(?:{verbs})(?![\w'’])", re.IGNORECASE) if verbs else None
        )
        self._place_suffix_body = _place_suffix_pattern(shapes.place_suffix_bodies)
        self._places = frozenset(places)
        # Words that only open a place ("St Helens", "North Tyneside") make no run alone.
        self._run_places = self._places - frozenset(shapes.not_short_forms)
        self._not_short = frozenset(shapes.not_short_forms)
        self._branch_places = self._run_places | frozenset(
            key for key in map(name_key, towns) if not self._is_english(key)
        )
        stops = frozenset(name_key(word) for word in stop_words)
        self._generic = frozenset(shapes.generic_words) | stops
        self._leading = frozenset(shapes.lead_words) | stops
        self._joiners = frozenset(AND if j == AMPERSAND else j for j in shapes.joiners)
        self._role_endings = frozenset(shapes.role_endings)
        self._role_words = frozenset(shapes.role_words)
        self._place_after = frozenset(shapes.place_after)
        self._unit_endings = frozenset(shapes.unit_endings)
        self._unit_after = _unit_pattern(shapes.units_after)
        self._place_endings = frozenset(shapes.place_endings)
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
                rf"(?i)(?<![\w'’])(?:{'|'.join(map(re.escape, shapes.at_cues))})"
                r"[ \t]+(?:(?:over|up|down|out)[ \t]+)?at[ \t]+"  # "the folks over at"
            )
            if shapes.at_cues
            else None
        )
        endings = "|".join(map(re.escape, shapes.abbreviation_endings))
        lower_endings = endings.lower()
        forms = [f"[A-Z]{{1,5}}(?:{endings})", f"{_CONSONANT}{{1,5}}(?:{lower_endings})"]
        forms = forms if shapes.abbreviation_endings else []
        if shapes.capital_abbreviation_endings:
            capitals = "|".join(map(re.escape, shapes.capital_abbreviation_endings))
            forms.append(f"{_CONSONANT.upper()}{{1,4}}(?:{capitals})")
        self._abbreviation = (
            re.compile(rf"(?<![\w-])(?:{'|'.join(forms)})(?![\w-])") if forms else None
        )
        self._streets = frozenset(shapes.street_words)
        self._place_suffixes = frozenset(shapes.place_suffixes)
        self._site_unit = (
            phrases(shapes.site_units, ignore_case=False) if shapes.site_units else None
        )
        self._grouping = (
            phrases(shapes.named_groupings, ignore_case=False) if shapes.named_groupings else None
        )
        kinds = "|".join(
            re.escape(kind).replace(r"\ ", r"[ \t]+") for kind in shapes.described_kinds
        )
        self._described = (
            re.compile(
                r"\([ \t]*(?:(?:the|a|an|our|their)[ \t]+)?(?:[a-z][\w'’-]*[ \t]+){0,3}?"
                rf"(?:{kinds})(?=[ \t]*(?:[),;]|(?:not|that|which|who|in|for|from|on)\b))"
            )
            if kinds
            else None
        )
        not_after_saint = "|".join(map(re.escape, shapes.not_after_saint))
        self._saint = re.compile(
            r"(?<![\w'’])(?:[A-Z][^\W\d_]+['’]s[ \t]+(?:and|&)[ \t]+)?"  # "Guy's and"
            r"(?:(?:St|Saint)\.?[ \t]+[A-Z][^\W\d_]+(?:['’]s|(?<=s)['’])"
            r"|Our[ \t]+Lady(?:['’]s|[ \t]+of[ \t]+[A-Z][^\W\d_]+))"  # "Our Lady's"
            + (rf"(?![ \t]+(?i:{not_after_saint})(?!\w))" if not_after_saint else "")
        )

    def is_place(self, key: str) -> bool:
        """Whether a word (its ``name_key``) is a place that may open a body's name."""
        return key in self._run_places

    def is_generic(self, key: str) -> bool:
        """Whether a word (its ``name_key``) names no place or body on its own."""
        return key in self._generic or key in self._leading

    def _a_station(self, run: Collection[Word]) -> bool:
        """Words after a place that name its railway station: "Piccadilly", "New" (Street)."""
        return bool(run) and all(word.key in self._station_words for word in run)

    def _name_words(self, text: str, after: int, before: int) -> list[Word]:
        """The words of the name between ``after`` and ``before``, or [] if not specific."""
        window = split_words(text, after, before)
        name: list[Word] = []
        following: int = before
        for word in reversed(window):
            gap = text[word.end + (2 if word.possessive else 0) : following]
            initials = not gap and _AMPERSAND in (text[word.start : word.end], text[following])
            if len(name) >= MAX_NAME_WORDS or not (initials or ORG_GAP.match(gap)):
                break  # initials may join without spaces: "H&K ICB"
            if "," in gap and text[word.start : word.end].isupper():
                break  # a list of abbreviations: "ICB, LA, VCSE, PCN"
            if "," in gap and name and name[0].key in self._joiners:
                break  # "Adult Social Services, the DPH and the Chair of the ICB"
            if not word.capitalised and word.key not in self._joiners:
                break
            name.insert(0, word)
            following = word.start
        name = self._without_office(self._without_leading(_after_abbreviations(text, name)))
        if not any(word.key not in self._generic and word.capitalised for word in name):
            return []
        return name

    def _without_leading(self, name: list[Word]) -> list[Word]:
        while name and (name[0].key in self._joiners or name[0].key in self._leading):
            if self._numbered(name):
                break
            name = name[1:]
        return name

    def _numbered(self, name: list[Word]) -> bool:
        """A capitalised number word before a specific word opens the name: "Three Rivers
        PCN", "Five Valleys Surgery", "One Kelbridge Housing Group" (but "Three PCNs", "the
        three Trusts", "One Trust" lose it)."""
        return (
            len(name) > 1
            and name[0].capitalised
            and name[0].key in _NUMBER_WORDS
            and name[1].capitalised
            and name[1].key not in self._generic
            and name[1].key not in self._leading
        )

    def _without_office(self, name: list[Word]) -> list[Word]:
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
    def _new_phrase_after(name: list[Word], index: int) -> bool:
        """Whether "the" follows "and": offices, then another body ("the Leader and the ICB
        chair"), not one name ("Nursing and Midwifery Council")."""
        return index + 1 < len(name) and name[index + 1].key == "the"

    def _is_place(self, text: str, end: int, word: Word) -> bool:
        return (
            word.capitalised
            and not word.possessive
            and word.key not in self._generic
            and word.key not in self._leading
            and bool(ORG_GAP.match(text[end : word.start]))
            and word.start - end <= 2
        )


_ABBREVIATION = re.compile(r"[A-Z]{2,}s?")  # "CD", "GPs"
_PHRASE_JOINERS = frozenset({"and", "in"})


def _after_abbreviations(text: str, name: list[Word]) -> list[Word]:
    """Abbreviations, then "and the" or "in the", are a phrase of their own, not the start of
    the body after them: "a PCN CD and the ICB", "GPs in the ICS" keep only "the ICB"."""
    for index in range(1, len(name) - 1):
        if name[index].key not in _PHRASE_JOINERS or name[index + 1].key != "the":
            continue
        if all(_ABBREVIATION.fullmatch(text, word.start, word.end) for word in name[:index]):
            return name[index + 2 :]
    return name


def _optional_words(words: Collection[str], *, before: bool, name: str) -> str:
    """A regex group of any of ``words`` (lower case), each with a space on the name's side:
    before the name one word at most ("north "), after it any number (" city")."""
    if not words:
        return ""
    alternatives = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    if before:
        return rf"(?:(?P<{name}>(?:{alternatives}))[ \t]+)?"
    return rf"(?P<{name}>(?:[ \t]+(?:{alternatives}))*)"


def _place_suffix_pattern(bodies: Collection[str]) -> re.Pattern[str] | None:
    """A word (the place) and one of ``bodies``, in any case, apostrophes optional."""
    if not bodies:
        return None
    alternatives = "|".join(
        r"[ \t]+".join(re.escape(part).replace("'", "['’]?") for part in body.split())
        for body in sorted(bodies, key=len, reverse=True)
    )
    return re.compile(
        rf"(?<![\w'’&-])(?P<place>[^\W\d_]{{4,}})[ \t]+(?:{alternatives})(?![\w&'’-])",
        re.IGNORECASE,
    )


def _unit_pattern(units: list[str]) -> re.Pattern[str] | None:
    """A body's unit right after its name: "School of Nursing and Midwifery", "Business
    School"; a unit ending in "of" or "for" needs capitalised words after it."""
    if not units:
        return None
    alternatives = "|".join(map(re.escape, sorted(units, key=len, reverse=True)))
    words = r"(?:[ \t]+(?:(?:and|&)[ \t]+)?[A-Z][\w'’-]*)"
    return re.compile(
        rf"[ \t]+(?:(?:{alternatives})(?<=of|or){words}+|(?:{alternatives})(?<!of|or)(?![\w'’]))"
    )
