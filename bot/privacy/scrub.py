"""The PII scrubber: Presidio's analyzer with explicit, offline recognizers, and tags for output.

Build one :class:`Scrubber` and reuse it (building loads spaCy and compiles the patterns);
``analyze`` and ``scrub`` are then fast (well under 2 ms for a typical message).

What is found (entity -> tag): ``EMAIL_ADDRESS`` <EMAIL>, ``PHONE_NUMBER`` <PHONE>, ``UK_NHS``
<NHS_NUMBER>, ``UK_POSTCODE`` <POSTCODE>, ``UK_NINO`` <NI_NUMBER>, ``URL`` <URL>,
``SLACK_MENTION`` <MENTION> (user, channel and user-group mentions, @handles),
``REG_NUMBER`` <REG_NUMBER> (GMC numbers and HCPC numbers near a context word, NMC PINs),
``ORGANISATION`` <ORG> (the organisation list and organisation-shaped names), ``PERSON``
<NAME> (deny-list names such as the Slack directory, common given names, title + surname,
and the NER model's people when ``use_ner`` finds one). Findings that overlap are merged into
one span, labelled by the longest (then the highest-scoring) of them, so no part of either
leaks.

What is kept on purpose: helpline and service numbers (999, 112, 111, 101, 116 123 and the
other 116 lines, 0800 1111), since they are not personal and the safety signposts need them;
Slack's ``<!here>``/``<!channel>``; dates, times, money, counts and years. Full-length numbers
are replaced even when they belong to an organisation (NHS Practitioner Health's 0300 0303 300):
from the digits alone a public line cannot be told from someone's direct dial.

Nothing here touches the network: no model download, no suffix-list fetch (see nlp.py and
recognizers.py). Word lists come from ``prompts/privacy/lexicon.yaml`` (lexicon.py), the
organisation list from ``prompts/privacy/organisations.yaml`` or the file passed as
``organisations_path`` (organisation_finder.py), given names from ``given_names.yaml``.

Thread safety: ``add_names`` builds a new name index and swaps it in, so it may run while
other threads call ``analyze``/``scrub``; every other part is immutable after construction.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import (
    ContextAwareEnhancer,
    LemmaContextAwareEnhancer,
)
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import SpacyRecognizer
from pydantic import BaseModel, ConfigDict, Field
from spacy.lang.en.stop_words import STOP_WORDS

from bot.privacy import recognizers as rec
from bot.privacy.context_names import DEFAULT_SURNAMES, ContextNameFinder
from bot.privacy.given_names import DEFAULT_GIVEN_NAMES, GivenNameFinder, load_given_names
from bot.privacy.lexicon import DEFAULT_LEXICON, Lexicon, load_lexicon
from bot.privacy.member_initials import MemberInitials
from bot.privacy.names import NameIndex, name_key
from bot.privacy.nlp import LANGUAGE, NER_SCORE, OfflineSpacyNlpEngine, build_pipeline
from bot.privacy.organisation_finder import OrganisationFinder
from bot.privacy.organisation_list import (
    DEFAULT_ORGANISATIONS,
    OrganisationList,
    load_organisations,
)
from bot.privacy.patterns import NAME_WORD, SENTENCE_START
from bot.privacy.short_forms import DEFAULT_SHORT_FORMS, ShortFormTable, load_short_forms
from bot.privacy.towns import DEFAULT_TOWNS, load_towns
from bot.privacy.word_lists import WordLists, default_word_lists

MIN_SCORE = 0.5
PERSON_FROM_BODY_SCORE = 0.8
BODY_AFTER_NAME_SCORE = 0.8
LOOK_BEFORE = 60  # characters before an organisation searched for "<name> from"
INITIALS_SCORE = 0.8
MIN_INITIALS = 2
MAX_INITIALS = 3
_CAPITALS_TOKEN = re.compile(r"(?<![\w'’&-])[A-Z]{2,3}(?![\w&-])")

TAGS: dict[str, str] = {
    rec.EMAIL: "<EMAIL>",
    rec.PHONE: "<PHONE>",
    rec.NHS: "<NHS_NUMBER>",
    rec.POSTCODE: "<POSTCODE>",
    rec.NINO: "<NI_NUMBER>",
    rec.URL: "<URL>",
    rec.MENTION: "<MENTION>",
    rec.REG_NUMBER: "<REG_NUMBER>",
    rec.ORGANISATION: "<ORG>",
    rec.PERSON: "<NAME>",
}


def tag_for(entity: str) -> str:
    return TAGS.get(entity, f"<{entity}>")


class Finding(BaseModel):
    """Where PII is and what kind; it never holds the matched text itself."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    entity: str
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    score: float = Field(ge=0.0, le=1.0)


class Scrubber:
    """Finds and replaces personal data in free text, offline."""

    def __init__(
        self,
        *,
        data_dir: Path,
        names: Iterable[str] = (),
        use_ner: bool = False,
        lexicon_path: Path = DEFAULT_LEXICON,
        organisations_path: Path | None = None,
        given_names_path: Path | None = None,
        surnames_path: Path = DEFAULT_SURNAMES,
        short_forms_path: Path = DEFAULT_SHORT_FORMS,
        towns_path: Path = DEFAULT_TOWNS,
    ) -> None:
        """``organisations_path``: a deployment's own organisation list (the same format as
        ``prompts/privacy/organisations.yaml``), used instead of the default list;
        ``short_forms_path``: short forms of given names ("Mo" for Mohammed), by which
        members are found too; ``towns_path``: towns of more than one word, never a person
        ("Barnard Castle")."""
        lexicon = load_lexicon(lexicon_path)
        self._kept_phrases = _phrase_pattern(lexicon.context.kept_phrases)
        self._things = _thing_pattern(lexicon.context.thing_phrases)
        self._eponyms = _eponym_pattern(lexicon.context.eponym_nouns)
        self._conditions = _condition_pattern(lexicon.context.eponym_conditions)
        self._authors = _author_pattern(lexicon.context.eponym_authors)
        self._cited = _cited_pattern(lexicon.context.cited_authors)
        self._eponym_places = _place_pattern(lexicon.context.eponym_places)
        self._eponym_models = _model_pattern(lexicon.context.eponym_models)
        self._rating_colours = frozenset(lexicon.context.rating_colours)
        self._rated = _rated_pattern(lexicon.context.rating_colours, lexicon.context.rating_nouns)
        self._towns = load_towns(towns_path)
        self._journeys = _journey_pattern(lexicon.context.journeys)
        self._services = _service_pattern(
            lexicon.context.eponym_services, lexicon.context.eponym_reports
        )
        self._ordinary_words = frozenset(lexicon.names.common_words)
        word_lists = default_word_lists()
        self._names = _name_index(lexicon, word_lists)
        self._titles = frozenset(name_key(title) for title in lexicon.honorifics.spellings())
        self._members = MemberInitials(
            particles=lexicon.names.particles, titles=lexicon.honorifics.spellings()
        )
        self._short_forms = ShortFormTable(
            load_short_forms(short_forms_path),
            titles=lexicon.honorifics.spellings(),
            ordinary=lexicon.names.common_words,
        )
        names = list(names)
        self._names.add(names, capitalised_only=self._short_forms.of_names(names))
        self._members.add(names)
        organisation_list = load_organisations(organisations_path or DEFAULT_ORGANISATIONS)
        organisations = OrganisationFinder(
            organisation_list,
            lexicon.organisations,
            stop_words=STOP_WORDS,
            places=lexicon.context.places,
            not_bodies=[*lexicon.context.not_names, *lexicon.context.products],
            is_english=word_lists.is_english,
            is_given_name=word_lists.is_given_name,
            towns=self._towns.single_words,
            lower_towns=self._towns.find_lower,
        )
        self._word_lists = word_lists
        self._organisations = organisations
        surnames = load_given_names(surnames_path).all()
        people = _named_people(organisation_list, word_lists, {name_key(n) for n in surnames})
        given = load_given_names(given_names_path or DEFAULT_GIVEN_NAMES).all()
        given = [*given, *_census_given_names(lexicon, word_lists, organisation_list, people)]
        self._given_keys = frozenset(name_key(name) for name in given)
        self._person_verbs = frozenset(name_key(verb) for verb in lexicon.context.person_verbs)
        given_names = _given_name_finder(lexicon, given)
        in_context = _context_finder(
            lexicon,
            self._names,
            given,
            surnames,
            organisation_list,
            word_lists,
            self._members,
            self._towns.single_words,
            people,
        )
        nlp_engine = OfflineSpacyNlpEngine(build_pipeline(data_dir, use_ner=use_ner))
        self.uses_ner: bool = nlp_engine.has_ner
        recognizers = _recognizers(
            lexicon, self._names, organisations, given_names, in_context, with_ner=self.uses_ner
        )
        self._entities = sorted({e for r in recognizers for e in r.supported_entities})
        enhancer = _context_enhancer(recognizers)
        self._analyzer = AnalyzerEngine(
            registry=RecognizerRegistry(recognizers=recognizers, supported_languages=[LANGUAGE]),
            nlp_engine=nlp_engine,
            supported_languages=[LANGUAGE],
            default_score_threshold=MIN_SCORE,
            context_aware_enhancer=enhancer,
        )
        self._no_nlp = _unused_artifacts(nlp_engine, enhancer, with_ner=self.uses_ner)

    def add_names(self, names: Iterable[str]) -> None:
        """Add known people's names (e.g. the Slack directory), and the short forms of their
        given names, to the deny-list.

        Safe to call while other threads scrub: the index is rebuilt aside and swapped in.
        """
        names = list(names)
        self._names.add(names, capitalised_only=self._short_forms.of_names(names))
        self._members.add(names)

    def analyze(self, text: str) -> list[Finding]:
        """Every piece of PII in ``text``, merged where they overlap, in order."""
        if not text.strip():
            return []
        results = self._analyze(text)
        if _shouted(text):  # "PLEASE CALL SARAH OKAFOR": read it as if typed in lower case too
            results.extend(self._analyze(text.lower()))
        results.extend(self._people_from_bodies(text, results))
        results.extend(self._bodies_after_names(text, results))
        kept = self._outside_kept_phrases(text, results)
        return merge([*kept, *self._initials_of_people(text, kept)])

    def _initials_of_people(
        self, text: str, results: list[RecognizerResult]
    ) -> list[RecognizerResult]:
        """The initials of a person named in full elsewhere in the message, in capitals:
        "Anna Maria will chair. AM, can you book the room?" (not initials that are a word:
        "Ian Stone ... IS")."""
        initials: set[str] = set()
        for result in results:
            if result.entity_type == rec.PERSON:
                initials.update(self._initials_of(text[result.start : result.end]))
        found: list[RecognizerResult] = []
        for match in _CAPITALS_TOKEN.finditer(text):
            if match.group() in initials:
                found.append(RecognizerResult(rec.PERSON, *match.span(), INITIALS_SCORE))
        return found

    def _initials_of(self, name: str) -> list[str]:
        """A full name's initials, two or three, without titles, if no word or stop word."""
        words = [
            word
            for m in NAME_WORD.finditer(name)
            if name_key(word := m.group()) not in self._titles and word[:1].isupper()
        ]
        letters = "".join(word[0] for word in words)
        if not MIN_INITIALS <= len(letters) <= MAX_INITIALS:
            return []
        key = letters.lower()
        if key in STOP_WORDS or self._word_lists.is_english(key):
            return []
        return [letters]

    def _analyze(self, text: str) -> list[RecognizerResult]:
        found: list[RecognizerResult] = self._analyzer.analyze(
            text=text, language=LANGUAGE, entities=self._entities, nlp_artifacts=self._no_nlp
        )
        return found

    def _people_from_bodies(
        self, text: str, results: list[RecognizerResult]
    ) -> list[RecognizerResult]:
        """A given name in lower case opening a clause (or after "with", "asked", "told",
        "cc"), then "from" and an organisation found: "hi all - sue from <ORG> asked me",
        "met with mark from <ORG>". The organisation says the word before "from" is one of
        its people (not "one from <ORG>": function words are no names); a name that is also an
        English word needs a person's verb after the organisation ("sue from <ORG> asked",
        not "grant from <ORG> covers it")."""
        people: list[RecognizerResult] = []
        for result in results:
            if result.entity_type != rec.ORGANISATION:
                continue
            before = _GIVEN_FROM.search(text, max(0, result.start - LOOK_BEFORE), result.start)
            if before is None or not self._lower_given_name(before.group("word")):
                continue
            if self._word_lists.is_english(name_key(before.group("word"))) and not (
                self._person_verb_at(text, result.end)
            ):
                continue  # "- grant from <ORG> covers it", but "sue from <ORG> asked me"
            start, end = before.span("word")
            people.append(RecognizerResult(rec.PERSON, start, end, PERSON_FROM_BODY_SCORE))
        return people

    def _bodies_after_names(
        self, text: str, results: list[RecognizerResult]
    ) -> list[RecognizerResult]:
        """Capitalised words after a person or a unit found and "at" or "from": where they
        work, a body ("spoke to callum fraser at Lothian", "Mr Haddad from Swansea Bay rang",
        "Malham Ward at Airedale is closed"); not "at Christmas", "from Monday"."""
        bodies: list[RecognizerResult] = []
        for result in results:
            if result.entity_type not in (rec.PERSON, rec.ORGANISATION):
                continue
            after = _AT_OR_FROM.match(text, result.end)
            if after is None:
                continue
            named = self._organisations.named_after_someone(text, after.end())
            if named is not None:
                bodies.append(RecognizerResult(rec.ORGANISATION, *named, BODY_AFTER_NAME_SCORE))
        return bodies

    def _lower_given_name(self, word: str) -> bool:
        key = name_key(word)
        if key in STOP_WORDS:
            return False
        return (
            key in self._given_keys or self._word_lists.is_given_name(key) or self._names.knows(key)
        )

    def _person_verb_at(self, text: str, start: int) -> bool:
        """Whether a verb only a person does comes next: "<ORG> asked me"."""
        after = _NEXT_WORD.match(text, start)
        return after is not None and name_key(after.group("word")) in self._person_verbs

    def _outside_kept_phrases(
        self, text: str, results: list[RecognizerResult]
    ) -> list[RecognizerResult]:
        """Names inside a kept phrase ("rob Peter to pay Paul") are no findings, nor an ordinary
        word that a thing phrase makes a thing ("Joy is in short supply"), nor the person a
        rule, law or condition is named after ("Martha's Rule", "Paget's disease", unless a
        member is called so), nor a well-known author cited ("as Michael West says"), nor a room
        or street named after someone ("the Jasmine Suite"), nor a list of ordinary words opening
        a sentence whose later items are in lower case ("Hope, joy, grace - our values")."""
        kept = [m.span() for m in self._kept_phrases.finditer(text)] if self._kept_phrases else []
        kept.extend(self._things_in(text))
        kept.extend(self._word_lists_in(text))
        if self._eponyms is not None:
            kept.extend(m.span("word") for m in self._eponyms.finditer(text))
        # an author's surname after a capitalised word may be a colleague's ("Sam Kotter said")
        for pattern, alone in ((self._conditions, False), (self._authors, True)):
            if pattern is not None:
                kept.extend(
                    m.span("word")
                    for m in pattern.finditer(text)
                    if not self._names.knows(name_key(m.group("word")))
                    and not (alone and _after_a_capital(text, m.start()))
                )
        kept.extend(self._named_services(text))
        kept.extend(self._cited_authors(text))
        if self._eponym_places is not None:
            kept.extend(m.span() for m in self._eponym_places.finditer(text))
        kept.extend(self._named_models(text))
        kept.extend(self._rating_colours_in(text))
        kept.extend(self._stations_and_lines(text))
        kept.extend(self._journey_places(text))
        kept.extend(self._months_in_dates(text))
        kept.extend(span for span in self._towns.find(text) if not self._member_named(text, span))
        if not kept:
            return results
        return [
            r
            for r in results
            if r.entity_type != rec.PERSON or not any(s <= r.start and r.end <= e for s, e in kept)
        ]

    def _member_named(self, text: str, span: tuple[int, int]) -> bool:
        """Whether every word of ``span`` is part of a known name (a member "Harold Wood")."""
        return all(self._names.knows(name_key(word)) for word in text[span[0] : span[1]].split())

    def _named_services(self, text: str) -> list[tuple[int, int]]:
        """A full name before a service, award or programme named after someone ("Marie
        Curie nurses"), or a name before a report or review ("the Francis Report"), unless a
        workspace member is called so: every word of the name is a member's (a member "Mary
        Jones" leaves "the Mary Seacole Programme" kept)."""
        if self._services is None:
            return []
        found: list[tuple[int, int]] = []
        for match in self._services.finditer(text):
            group = next(g for g in ("name", "author", "opening") if match.group(g))
            if not all(self._names.knows(name_key(word)) for word in match.group(group).split()):
                found.append(match.span())
        return found

    def _named_models(self, text: str) -> list[tuple[int, int]]:
        """One capitalised word after "the" and before a model or approach named after someone
        ("the Esther model", "the Buurtzorg approach"), unless a workspace member is called
        so."""
        return self._unclaimed(self._eponym_models, text)

    def _rating_colours_in(self, text: str) -> list[tuple[int, int]]:
        """The colours of a rating, in a message that speaks of a RAG rating or names every
        colour ("RAG it for the board. Amber says nothing"), or before a word of rating
        ("Amber Alert for snow"); not a member's name."""
        if not self._rating_colours:
            return []
        # (span kept, its colour): "Amber Alert" whole, as a rule may read it as a full name
        rated = (
            [(m.span(), m.group("colour")) for m in self._rated.finditer(text)]
            if self._rated
            else []
        )
        colours = [
            m for m in _PLAIN_WORD.finditer(text) if m.group().lower() in self._rating_colours
        ]
        named = {m.group().lower() for m in colours}
        if _RAG.search(text) is not None or (colours and named == self._rating_colours):
            rated.extend((m.span(), m.group()) for m in colours)
        return [span for span, colour in rated if not self._names.knows(name_key(colour))]

    def _months_in_dates(self, text: str) -> list[tuple[int, int]]:
        """A month written short in a date ("by Jan 31", "deadline is 3 Jan"), unless a
        member is called so."""
        return [
            span
            for pattern in (_DAY_THEN_MONTH, _MONTH_THEN_DAY)
            for span in self._unclaimed(pattern, text, "month")
        ]

    def _journey_places(self, text: str) -> list[tuple[int, int]]:
        """A capitalised word after a journey and "to" or "from" is a place ("a trip to
        Kenya", "the train from Leon"), unless it has "'s" or a member is called so."""
        return self._unclaimed(self._journeys, text)

    def _stations_and_lines(self, text: str) -> list[tuple[int, int]]:
        """A capitalised word before "line" or "station" in lower case names a railway line or
        a station ("the Elizabeth line is down", "meet at Victoria station"), not a person
        (not before "line manager", nor a member's name); so too a landmark's bridge or wall
        ("the Tamar bridge", "along Hadrian's wall")."""
        return [
            span
            for pattern in (_STATION_OR_LINE, _BRIDGE, _WALL)
            for span in self._unclaimed(pattern, text)
        ]

    def _unclaimed(
        self, pattern: re.Pattern[str] | None, text: str, group: str = "word"
    ) -> list[tuple[int, int]]:
        """The spans of `group` in each match of `pattern` that no workspace member is called."""
        if pattern is None:
            return []
        return [
            match.span(group)
            for match in pattern.finditer(text)
            if not self._names.knows(name_key(match.group(group)))
        ]

    def _cited_authors(self, text: str) -> list[tuple[int, int]]:
        """A well-known author's full name where it is cited ("as Michael West says"), unless
        a workspace member shares a word of it."""
        if self._cited is None:
            return []
        return [
            match.span("name")
            for match in self._cited.finditer(text)
            if (match.group("before") or match.group("after"))
            and not any(self._names.knows(name_key(w)) for w in match.group("name").split())
        ]

    def _word_lists_in(self, text: str) -> list[tuple[int, int]]:
        """A list opening a sentence, capitalised only at its start, of three or more ordinary
        words ("Kindness, courage and hope"): had the writer meant people, the lower-case
        items would be capitalised like the first."""
        found: list[tuple[int, int]] = []
        for match in _WORD_LIST.finditer(text):
            if SENTENCE_START.search(text, 0, match.start()) is None:
                continue
            words = _LIST_WORD.findall(match.group())
            if all(self._is_ordinary(name_key(word)) for word in words):
                found.append(match.span())
        return found

    def _is_ordinary(self, key: str) -> bool:
        return key in self._ordinary_words or self._word_lists.is_english(key)

    def _things_in(self, text: str) -> list[tuple[int, int]]:
        if self._things is None:
            return []
        found: list[tuple[int, int]] = []
        for match in self._things.finditer(text):
            key = name_key(match.group("word"))
            if key in self._ordinary_words or self._word_lists.is_english(key):
                found.append(match.span("word"))
        return found

    def scrub(self, text: str) -> str:
        """``text`` with each finding replaced by its tag, e.g. "call <PHONE>"."""
        return redact(text, self.analyze(text))


MIN_SHOUTED_WORDS = 3
SHOUTED_SHARE = 0.8  # of the letters in capitals
_CAPITALS_WORD = re.compile(r"(?<![\w'’])[A-Z]{3,}(?![\w'’])")


def _shouted(text: str) -> bool:
    """Whether ``text`` is written in capitals ("PLEASE CALL SARAH OKAFOR BACK"): three or more
    words of capitals and four fifths of its letters capitals; lower-casing must keep every
    character where it is."""
    letters = [char for char in text if char.isalpha()]
    if not letters or len(_CAPITALS_WORD.findall(text)) < MIN_SHOUTED_WORDS:
        return False
    share = sum(char.isupper() for char in letters) / len(letters)
    return share >= SHOUTED_SHARE and len(text.lower()) == len(text)


# A capitalised word, then two or more lower-case words joined by commas or a last "and":
# "Hope, joy, grace", "Kindness, courage and hope".
_LIST_SEPARATOR = r"(?:,[ \t]*|,?[ \t]+(?:and|&)[ \t]+)"
_WORD_LIST = re.compile(
    rf"(?<![\w'’])[A-Z][a-z]+(?:{_LIST_SEPARATOR}[a-z]+){{2,}}(?![\w'’-])(?![ \t]+[a-z])"
)
_LIST_WORD = re.compile(r"\b(?!and\b)[A-Za-z]+")


# A lower-case word opening a clause or after a cue, then "from" (and perhaps "the"), right
# before an organisation: "- sue from ", "met with mark from the ".
_GIVEN_FROM = re.compile(
    r"(?:^|[.!?:;\n>,–—(-]|(?<![\w'’])(?:with|asked|told|ask|tell|cc))[ \t]*"
    r"(?P<word>[a-z]{2,})[ \t]+from[ \t]+(?:the[ \t]+)?$"
)

_MONTH_SHORT = r"(?P<month>Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
_DAY = r"(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
# A day, then a month written short: "3 Jan", "21st Feb".
_DAY_THEN_MONTH = re.compile(rf"(?<![\w'’.:/-]){_DAY}[ \t]+{_MONTH_SHORT}(?![\w'’-])")
# A month written short, then a day not before a plural noun: "by Jan 31" (not "Jan 3 cases").
_MONTH_THEN_DAY = re.compile(
    rf"(?<![\w'’-]){_MONTH_SHORT}[ \t]+{_DAY}(?![\w/-]|[:.,]\d)(?![ \t]+[a-z]+s\b)"
)
# A capitalised word, then "line" or "station" in lower case (not "line manager"): "the
# Victoria line", "Elizabeth line", "Victoria station".
_STATION_OR_LINE = re.compile(
    r"(?<![\w'’-])(?P<word>[A-Z][a-z]+)[ \t]+(?:line|station)(?![\w'’-])(?![ \t]+manag)"
)
# After "the", a capitalised word before "bridge" in lower case names the bridge: "on the
# Tamar bridge", "the Clifton suspension bridge" (not "can Amy bridge the gap").
_BRIDGE = re.compile(
    r"(?<=(?<![\w'’-])[Tt]he[ \t])(?P<word>[A-Z][a-z]+)[ \t]+(?:suspension[ \t]+)?bridge(?![\w'’-])"
)
# After "along", a capitalised word's wall is a landmark: "a walk along Hadrian's wall".
_WALL = re.compile(r"(?<=(?<![\w'’-])along[ \t])(?P<word>[A-Z][a-z]+)['’]s[ \t]+wall(?![\w'’-])")
_NEXT_WORD = re.compile(r"[ \t]+(?P<word>[a-z]+)")
# A RAG rating named: "RAG", "BRAG", "RAG-rated", "RAG'd", "rag rating", "rag status".
_RAG = re.compile(r"(?<![\w'’])(?:B?RAG(?![a-z])|[Rr]ag[ -](?:rat\w*|status))")
_PLAIN_WORD = re.compile(r"(?<![\w'’-])[A-Za-z]+(?![\w'’-])")
_AT_OR_FROM = re.compile(r"[ \t]+(?:at|from)[ \t]+")


def _alternation(phrases: Sequence[str], gap: str) -> str:
    """The phrases as one regex alternation, the words of each joined by `gap`."""
    return "|".join(gap.join(map(re.escape, phrase.split())) for phrase in phrases)


def _journey_pattern(journeys: Sequence[str]) -> re.Pattern[str] | None:
    """A journey of ``journeys`` (any case), "to" or "from" and one capitalised word, without
    "'s": "trip to Kenya"."""
    if not journeys:
        return None
    heads = _alternation(journeys, r"[ \t]+")
    return re.compile(
        rf"(?<![\w'’])(?i:{heads})[ \t]+(?i:to|from)[ \t]+"
        r"(?P<word>[A-Z][^\W\d_]+)(?![\w'’-])"
    )


def _phrase_pattern(phrases: Sequence[str]) -> re.Pattern[str] | None:
    """Any of ``phrases``, whole words, any case; "and" in a phrase also matches "&"."""
    if not phrases:
        return None
    parts = (r"\s+".join(_phrase_word(word) for word in p.split()) for p in phrases)
    return re.compile(rf"(?i)(?<!\w)(?:{'|'.join(parts)})(?!\w)")


def _phrase_word(word: str) -> str:
    return "(?:and|&)" if word == "and" else re.escape(word)


# A word of degree before or inside the phrase: "Patience is wearing very thin", "Joy is
# really in short supply".
_DEGREE = r"(?:very|really|pretty|rather|quite|so|a\s+bit|a\s+little|getting)"


def _thing_pattern(phrases: Sequence[str]) -> re.Pattern[str] | None:
    """A word, "is" or "was", and a phrase that makes the word a thing."""
    if not phrases:
        return None
    gap = rf"\s+(?:{_DEGREE}\s+)?"
    parts = (gap.join(re.escape(word) for word in p.split()) for p in phrases)
    return re.compile(
        rf"(?i)(?<![\w'’])(?P<word>[^\W\d_]+)(?:\s+(?:is|was)\s+|['’]s\s+)"
        rf"(?:{_DEGREE}\s+)?(?:{'|'.join(parts)})(?!\w)"
    )


_VERB_OBJECTS = "it|this|that|these|those|back|to|on|them|him|her|in|up|the|a|an|any|all|and"
_COUNT = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twelve)"


def _eponym_pattern(nouns: Sequence[str]) -> re.Pattern[str] | None:
    """A capitalised word, "'s" and a capitalised noun of the list: "Martha's Rule"."""
    if not nouns:
        return None
    heads = "|".join(re.escape(noun[:1].upper()) + re.escape(noun[1:]) for noun in nouns)
    return re.compile(rf"(?<![\w'’])(?P<word>[^\W\d_]+)['’]s[ \t]+(?:{heads})(?!\w)")


def _condition_pattern(nouns: Sequence[str]) -> re.Pattern[str] | None:
    """A capitalised word, "'s" and a lower-case noun of the list, perhaps after a number or
    a lower-case word: "Occam's razor", "Kotter's eight steps", "Goleman's leadership
    styles"."""
    if not nouns:
        return None
    return re.compile(
        rf"(?<![\w'’])(?P<word>[A-Z][^\W\d_]+)['’]s[ \t]+(?:(?:{_COUNT}|[a-z]+)[ \t]+)?"
        rf"(?:{'|'.join(map(re.escape, nouns))})(?![\w'’-])"
    )


def _author_pattern(authors: Sequence[str]) -> re.Pattern[str] | None:
    """An author of the list with "'s" or before a word in lower case: "Lewin's
    unfreeze-change-refreeze", "Tuckman would call it storming" (not after a capitalised word,
    which may be a colleague's given name: "Sam Kotter said", see ``_after_a_capital``)."""
    if not authors:
        return None
    heads = "|".join(re.escape(author[:1].upper()) + re.escape(author[1:]) for author in authors)
    return re.compile(rf"(?<![\w'’])(?P<word>{heads})(?:['’]s(?!\w)|(?=[ \t]+[a-z]))")


_CITING_BEFORE = r"(?:by|as|like|read|reading|per|from)"
_CITING_AFTER = (
    r"(?:says|said|argues|argued|writes|wrote|calls|called|puts|put|would|describes|described"
    r"|suggests|suggested|talks|reminds|draws|drew|distinguishes|notes|observes)"
)


def _cited_pattern(authors: Sequence[str]) -> re.Pattern[str] | None:
    """A cited author's full name, with "'s" (or "'" after an "s"), before a verb of saying or
    after "by", "as"...: "Kim Scott's Radical Candor", "as Michael West says", "Radical Candor
    by Kim Scott", "William Bridges' distinction"."""
    if not authors:
        return None
    names = _alternation(authors, r"\s+")
    return re.compile(
        rf"(?i)(?<![\w'’])(?:(?P<before>{_CITING_BEFORE})\s+)?(?P<name>{names})(?!\w)"
        rf"(?=(?P<after>['’]s(?!\w)|(?<=s)['’](?!\w)|\s+{_CITING_AFTER}(?!\w))?)"
    )


_CAPITAL_BEFORE = re.compile(r"(?<![\w'’])[A-Z][\w'’-]*[ \t]+$")


def _after_a_capital(text: str, start: int) -> bool:
    """Whether a capitalised word (not opening a sentence) comes right before ``start``."""
    before = _CAPITAL_BEFORE.search(text, max(0, start - 40), start)
    return before is not None and SENTENCE_START.search(text, 0, before.start()) is None


def _place_pattern(places: Sequence[str]) -> re.Pattern[str] | None:
    """One or two capitalised words before a capitalised room or street of the list: "the
    Jasmine Suite", "Baker Street"."""
    if not places:
        return None
    heads = "|".join(re.escape(place[:1].upper()) + re.escape(place[1:]) for place in places)
    return re.compile(
        r"(?<![\w'’])(?P<word>[A-Z][^\W\d_]+(?:[ \t]+[A-Z][^\W\d_]+)?)[ \t]+"
        rf"(?:{heads})(?![\w'’])"
    )


def _rated_pattern(colours: Sequence[str], nouns: Sequence[str]) -> re.Pattern[str] | None:
    """A colour of ``colours`` right before a noun of ``nouns``, any case: "Amber Alert"."""
    if not colours or not nouns:
        return None
    return re.compile(
        rf"(?i)(?<![\w'’-])(?P<colour>{'|'.join(map(re.escape, colours))})[ \t]+"
        rf"(?:{'|'.join(map(re.escape, nouns))})(?![\w'’-])"
    )


def _model_pattern(nouns: Sequence[str]) -> re.Pattern[str] | None:
    """ "the", one capitalised word and a noun of ``nouns`` in lower case: "the Esther model"."""
    if not nouns:
        return None
    return re.compile(
        r"(?<![\w'’])[Tt]he[ \t]+(?P<word>[A-Z][^\W\d_]+)[ \t]+"
        rf"(?:{'|'.join(map(re.escape, nouns))})(?![\w'’])"
    )


def _either_case(noun: str) -> str:
    """A lower-case noun, or the same capitalised: "programme", "Programme"."""
    return f"[{re.escape(noun[:1])}{re.escape(noun[:1].upper())}]{re.escape(noun[1:])}"


def _service_pattern(nouns: Sequence[str], reports: Sequence[str]) -> re.Pattern[str] | None:
    """Two or three capitalised words and a noun of ``nouns`` ("Marie Curie nurses", "the
    Mary Seacole Programme"), or one or two capitalised words and a capitalised one of
    ``reports`` ("the Francis Report")."""
    parts: list[str] = []
    if nouns:
        parts.append(
            r"(?P<name>[A-Z][^\W\d_]+(?:[ \t]+[A-Z][^\W\d_]+){1,2})[ \t]+"
            rf"(?:{'|'.join(map(_either_case, nouns))})"
        )
    if reports:
        heads = "|".join(re.escape(noun[:1].upper()) + re.escape(noun[1:]) for noun in reports)
        parts.append(r"(?P<author>[A-Z][^\W\d_]+(?:[ \t]+[A-Z][^\W\d_]+)?)[ \t]+" rf"(?:{heads})")
        lower = "|".join(map(re.escape, reports))
        parts.append(  # lower case only opening the text or after "the": "Francis report"
            r"(?:(?<![^\n])|(?<=[Tt]he[ \t]))"
            r"(?P<opening>[A-Z][^\W\d_]+(?:[ \t]+[A-Z][^\W\d_]+)?)[ \t]+"
            rf"(?:{lower})"
            rf"(?![ \t]+(?:{_VERB_OBJECTS})(?!\w))"  # a verb: "Sarah report it to Datix"
        )
    if not parts:
        return None
    return re.compile(rf"(?<![\w'’])(?:{'|'.join(parts)})(?![\w'’])")


def redact(text: str, findings: Sequence[Finding]) -> str:
    """Replace non-overlapping, ordered ``findings`` in ``text`` by their tags."""
    parts: list[str] = []
    cursor = 0
    for finding in findings:
        parts.append(text[cursor : finding.start])
        parts.append(tag_for(finding.entity))
        cursor = finding.end
    parts.append(text[cursor:])
    return "".join(parts)


def merge(results: Iterable[RecognizerResult]) -> list[Finding]:
    """Overlapping results become one finding over their union, named by the longest."""
    ordered = sorted(results, key=lambda r: (r.start, -r.end))
    clusters: list[list[RecognizerResult]] = []
    cluster_end = -1
    for result in ordered:
        if clusters and result.start < cluster_end:
            clusters[-1].append(result)
        else:
            clusters.append([result])
        cluster_end = max(cluster_end, result.end)
    return [_finding(cluster) for cluster in clusters]


def _finding(cluster: list[RecognizerResult]) -> Finding:
    winner = max(cluster, key=lambda r: (r.end - r.start, r.score))
    return Finding(
        entity=winner.entity_type,
        start=min(r.start for r in cluster),
        end=max(r.end for r in cluster),
        score=round(float(winner.score), 4),
    )


def _context_enhancer(recognizers: Sequence[EntityRecognizer]) -> ContextAwareEnhancer:
    """Presidio's context-word booster, only when some recognizer has context words.

    Otherwise results pass through unchanged: the lemma enhancer deep-copies every result,
    a fifth of the time of a typical message, for nothing when no context is set.
    """
    if any(recognizer.context for recognizer in recognizers):
        return LemmaContextAwareEnhancer()
    return _NoContext()


def _unused_artifacts(
    nlp_engine: OfflineSpacyNlpEngine, enhancer: ContextAwareEnhancer, *, with_ner: bool
) -> NlpArtifacts | None:
    """Empty NLP artifacts handed to Presidio when nothing reads them (no NER model, no context
    words; the span recognizers work on the text), so spaCy does not tokenise every message
    for nothing (about a quarter of the time of a scan); ``None`` (Presidio runs spaCy) else."""
    if with_ner or not isinstance(enhancer, _NoContext):
        return None
    artifacts: NlpArtifacts = nlp_engine.process_text("", LANGUAGE)
    return artifacts


class _NoContext(ContextAwareEnhancer):
    def __init__(self) -> None:
        super().__init__(
            context_similarity_factor=0,
            min_score_with_context_similarity=0,
            context_prefix_count=0,
            context_suffix_count=0,
        )

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        return raw_results


def _name_index(lexicon: Lexicon, word_lists: WordLists) -> NameIndex:
    return NameIndex(
        is_ordinary=word_lists.is_english,
        ambiguous=[*lexicon.names.common_words, *STOP_WORDS, *lexicon.names.time_words],
        time_words=lexicon.names.time_words,
        time_words_then=lexicon.names.time_words_then,
        particles=lexicon.names.particles,
        titles=lexicon.honorifics.spellings(),
        function_words=STOP_WORDS - set(lexicon.names.words_after_a_name),
        name_verbs=[*lexicon.names.words_after_a_name, *lexicon.context.person_verbs],
    )


def _given_name_finder(lexicon: Lexicon, given: list[str]) -> GivenNameFinder:
    shapes = lexicon.organisations
    return GivenNameFinder(
        given,
        ordinary=[
            *lexicon.names.common_words,
            *STOP_WORDS,
            *lexicon.names.particles,
            *lexicon.honorifics.spellings(),
            *shapes.lead_words,
            *shapes.generic_words,
        ],
        not_after=[*lexicon.names.not_after, *lexicon.honorifics.spellings()],
    )


def _organisation_words(
    organisations: OrganisationList, people: Collection[str] = frozenset()
) -> set[str]:
    """Every word of the listed names but ``people`` (given names a body is named after)."""
    return {
        key
        for name in organisations.all_names()
        for m in NAME_WORD.finditer(name)
        if (key := name_key(m.group())) not in people
    }


_ROYAL_TITLES = frozenset({"prince", "princess", "queen", "king", "royal"})


def _named_people(
    organisations: OrganisationList, word_lists: WordLists, surnames: Collection[str]
) -> frozenset[str]:
    """Given names a listed body is named after, still a person's name elsewhere: before a
    surname or another given name ("William Harvey Hospital", "Robert Jones and Agnes Hunt",
    "Royal Albert Edward Infirmary") or after a royal title ("Prince Charles Hospital"), and
    never otherwise in a listed name ("Blackpool Victoria Hospital" leaves "Victoria" a
    place, however "Queen Victoria Hospital" reads)."""
    people: set[str] = set()
    places: set[str] = set()
    for name in organisations.all_names():
        words = [name_key(m.group()) for m in NAME_WORD.finditer(name)]
        for before, word, after in zip(["", *words[:-1]], words, [*words[1:], ""], strict=True):
            if not _given_not_english(word, word_lists) or word in _ROYAL_TITLES:
                continue
            named = before in _ROYAL_TITLES or after in surnames
            named = named or _given_not_english(after, word_lists)
            (people if named else places).add(word)
    return frozenset(people - places)


def _given_not_english(key: str, word_lists: WordLists) -> bool:
    return key in word_lists.given_names and not word_lists.is_english(key)


def _census_given_names(
    lexicon: Lexicon,
    word_lists: WordLists,
    organisations: OrganisationList,
    people: Collection[str] = frozenset(),
) -> list[str]:
    """The census's given names that are no English word, place, organisation word (but the
    ``people`` a body is named after) or word never a name by context (months: "January")."""
    shapes = lexicon.organisations
    places = {
        name_key(word)
        for word in [
            *lexicon.context.places,
            *lexicon.context.not_names,
            *lexicon.context.products,
            *shapes.lead_words,
            *shapes.generic_words,
            *shapes.offices,
            *shapes.role_words,
            *STOP_WORDS,
        ]
    } | _organisation_words(organisations, people)
    return sorted(
        name
        for name in word_lists.given_names
        if name not in places and not word_lists.is_english(name)
    )


def _context_finder(
    lexicon: Lexicon,
    names: NameIndex,
    given: list[str],
    surnames: list[str],
    organisations: OrganisationList,
    word_lists: WordLists,
    members: MemberInitials,
    towns: Iterable[str] = (),
    people: Collection[str] = frozenset(),
) -> ContextNameFinder:
    """``towns``: towns of one word, never a name by context unless also a known name or an
    English word ("Mere"); so are places abroad (``context.world_places``: "Sweden") unless
    also a known name ("Georgia")."""
    shapes = lexicon.organisations
    word_names = lexicon.names.common_words
    known = {name_key(word) for word in [*given, *surnames, *word_names]}
    places = {key for key in _organisation_words(organisations, people) if key not in known}
    places |= {
        key for key in map(name_key, towns) if key not in known and not word_lists.is_english(key)
    }
    places |= {key for key in map(name_key, lexicon.context.world_places) if key not in known}
    return ContextNameFinder(
        lexicon.context,
        given_names=given,
        ordinary_words=word_names,
        surnames=surnames,
        never_names=[
            *places,
            *(STOP_WORDS - set(word_names)),
            *shapes.lead_words,
            *shapes.generic_words,
            *shapes.role_words,
            *shapes.offices,
            *lexicon.names.not_after,
            *lexicon.honorifics.spellings(),
            *lexicon.context.languages,
        ],
        particles=lexicon.names.particles,
        function_words=STOP_WORDS - set(lexicon.context.name_then),
        verbs_after_a_name=lexicon.names.words_after_a_name,
        in_directory=names.knows,
        word_lists=word_lists,
        not_after=lexicon.names.not_after,
        members=members,
        time_words=lexicon.names.time_words,
    )


def _recognizers(
    lexicon: Lexicon,
    names: NameIndex,
    organisations: OrganisationFinder,
    given_names: GivenNameFinder,
    in_context: ContextNameFinder,
    *,
    with_ner: bool,
) -> list[EntityRecognizer]:
    recognizers: list[EntityRecognizer] = [
        rec.EmailAddressRecognizer(),
        rec.LinkRecognizer(lexicon.urls.bare_domain_endings, lexicon.urls.public_domains),
        rec.SlackMentionRecognizer(),
        rec.PhoneNumberRecognizer(),
        rec.NhsNumberRecognizer(),
        rec.PostcodeRecognizer(),
        rec.NinoRecognizer(),
        rec.RegistrationNumberRecognizer(lexicon.registration),
        rec.OrganisationListRecognizer(organisations),
        rec.OrganisationShapeRecognizer(organisations),
        rec.NameListRecognizer(names),
        rec.GivenNameRecognizer(given_names),
        rec.ContextNameRecognizer(in_context, names, given_names),
        rec.HonorificRecognizer(lexicon.honorifics, lexicon.names.particles),
    ]
    if with_ner:
        recognizers.append(SpacyRecognizer(supported_entities=[rec.PERSON], ner_strength=NER_SCORE))
    return recognizers
