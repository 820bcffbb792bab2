"""Presidio recognizers for the scrubber: every one self-contained, offline and explicit.

Each recognizer finds spans with the compiled patterns in ``patterns.py`` (or the readers in
``phone.py`` and ``names.py``) and hands them to Presidio as ``RecognizerResult``s. None of them
needs the NLP engine's output; the optional NER model is Presidio's own ``SpacyRecognizer``.
Presidio's predefined e-mail recognizer is not used on purpose: it validates with
``tldextract``, which fetches the public suffix list over the network on first use.

Class names differ from Presidio's predefined ones ("EmailRecognizer", "UrlRecognizer",
"PhoneRecognizer"): Presidio finds its predefined recognizers by class name among every
subclass loaded, so a clash would make ``load_predefined_recognizers`` build ours instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from presidio_analyzer import LocalRecognizer, RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from bot.privacy import patterns
from bot.privacy.context_names import ContextNameFinder
from bot.privacy.given_names import GivenNameFinder
from bot.privacy.lexicon import Honorifics, Registration
from bot.privacy.names import NameIndex
from bot.privacy.organisation_finder import OrganisationFinder
from bot.privacy.phone import find_phone_numbers

Span = tuple[int, int]

EMAIL, PHONE, NHS, POSTCODE, NINO = (
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "UK_NHS",
    "UK_POSTCODE",
    "UK_NINO",
)
URL, MENTION, PERSON = "URL", "SLACK_MENTION", "PERSON"
ORGANISATION, REG_NUMBER = "ORGANISATION", "REG_NUMBER"

NHS_CHECK_DIGITS = 10
NHS_INVALID_CHECK = 10
NHS_MODULUS = 11


class SpanRecognizer(LocalRecognizer):
    """One entity, one score; subclasses say where the spans are."""

    ENTITY = ""
    SCORE = 0.85

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY], name=type(self).__name__)

    def load(self) -> None:
        """Nothing to load: the patterns were compiled at import."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None
    ) -> list[RecognizerResult]:
        if self.ENTITY not in entities:
            return []
        return [
            RecognizerResult(entity_type=self.ENTITY, start=start, end=end, score=self.SCORE)
            for start, end in self.spans(text)
        ]

    def spans(self, text: str) -> Iterable[Span]:
        raise NotImplementedError


def _all(
    pattern_list: Iterable[re.Pattern[str]], text: str, *, trim: bool = False
) -> Iterator[Span]:
    for pattern in pattern_list:
        for match in pattern.finditer(text):
            start, end = match.span()
            if trim and not text.startswith("<", start):
                end = start + len(text[start:end].rstrip(patterns.URL_TRAILING_PUNCTUATION))
            yield start, end


# --------------------------------------------------------------------------- contact details


class EmailAddressRecognizer(SpanRecognizer):
    ENTITY = EMAIL
    SCORE = 0.95

    def spans(self, text: str) -> Iterable[Span]:
        return _all((patterns.EMAIL, patterns.SLACK_MAILTO), text)


class LinkRecognizer(SpanRecognizer):
    ENTITY = URL
    SCORE = 0.9

    def __init__(
        self, bare_domain_endings: Iterable[str], public_domains: Iterable[str] = ()
    ) -> None:
        super().__init__()
        self._bare = patterns.bare_domain(bare_domain_endings)
        self._public = frozenset(domain.lower() for domain in public_domains)

    def spans(self, text: str) -> Iterable[Span]:
        yield from _all((patterns.SLACK_LINK, patterns.SCHEME_URL), text, trim=True)
        for start, end in _all((self._bare,), text, trim=True):
            if text[start:end].lower() not in self._public:  # "my nhs.net account"
                yield start, end


class SlackMentionRecognizer(SpanRecognizer):
    """``<@U012AB3CD>``, ``<#C123|channel>``, ``<!subteam^S123>`` and ``@handles``.

    ``<!here>``, ``<!channel>`` and ``<!everyone>`` name nobody and are kept.
    """

    ENTITY = MENTION
    SCORE = 0.95

    def spans(self, text: str) -> Iterable[Span]:
        return _all((patterns.SLACK_MENTION, patterns.AT_HANDLE), text)


class PhoneNumberRecognizer(SpanRecognizer):
    """UK numbers in any written format and international numbers; see ``phone.py``."""

    ENTITY = PHONE

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None
    ) -> list[RecognizerResult]:
        if self.ENTITY not in entities:
            return []
        return [
            RecognizerResult(entity_type=self.ENTITY, start=s.start, end=s.end, score=s.score)
            for s in find_phone_numbers(text)
        ]


# --------------------------------------------------------------------------- identifiers


def nhs_checksum_ok(digits: str) -> bool:
    """The NHS number modulus 11 check: weights 10..2, check digit 11 - remainder (11 -> 0)."""
    if len(digits) != NHS_CHECK_DIGITS or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = (NHS_MODULUS - total % NHS_MODULUS) % NHS_MODULUS
    return check != NHS_INVALID_CHECK and check == int(digits[9])


class NhsNumberRecognizer(SpanRecognizer):
    """Ten digits (3-3-4, any or no separators) that pass the modulus 11 check; after "NHS"
    or "NHS no", grouped any way ("nhs no 943 4765 919")."""

    ENTITY = NHS
    SCORE = 1.0

    def spans(self, text: str) -> Iterable[Span]:
        for start, end in _all((patterns.NHS_NUMBER,), text):
            if nhs_checksum_ok("".join(c for c in text[start:end] if c.isdigit())):
                yield start, end
        for match in patterns.NHS_LABELLED.finditer(text):
            if nhs_checksum_ok("".join(c for c in match.group("number") if c.isdigit())):
                yield match.span("number")


class PostcodeRecognizer(SpanRecognizer):
    """All UK postcode formats, any case, with or without the space."""

    ENTITY = POSTCODE
    SCORE = 0.9

    def spans(self, text: str) -> Iterable[Span]:
        for match in patterns.POSTCODE.finditer(text):
            inward = match.group("inward")
            if inward and patterns.ORDINAL_INWARD.match(inward):
                continue  # "M6 2nd", "B1 3rd": an ordinal, not an inward code
            yield match.span()


class NinoRecognizer(SpanRecognizer):
    """National Insurance numbers: "QQ 12 34 56 C", "AB123456C", "ab 12 34 56 c".

    In lower case the shape must be unmistakable (digits in pairs, or all run together with
    the suffix) so that "at 250000 a year" is not read as a number.
    """

    ENTITY = NINO
    SCORE = 0.9

    def spans(self, text: str) -> Iterable[Span]:
        for match in patterns.NINO.finditer(text):
            if _nino_shape_ok(match):
                yield match.span()


def _nino_shape_ok(match: re.Match[str]) -> bool:
    if match.group("prefix").isupper():
        return True
    if match.group("sep"):
        return True
    return not match.group("gap") and bool(match.group("suffix")) and not match.group("suffix_gap")


class RegistrationNumberRecognizer(SpanRecognizer):
    """Professional registration numbers, one tag for all (<REG_NUMBER>).

    NMC PINs ("12A3456E") on their own; GMC numbers (7 digits) and HCPC numbers ("PH123456")
    only with a context word ("GMC", "HCPC", "registration", "reg no"...) on the same line a
    few words before or after, since bare they look like any reference number; an HCPC number
    (a profession's prefix, more particular than 7 digits) also with one anywhere in the same
    message ("check the HCPC number for the OT ... It's OT61734"). The score is above the NI
    number's, so "PH123456" next to "HCPC" is a registration number.
    """

    ENTITY = REG_NUMBER
    SCORE = 0.95

    def __init__(self, registration: Registration) -> None:
        super().__init__()
        self._context = patterns.phrases(registration.context_words, ignore_case=True)
        self._needs_context = [patterns.GMC_NUMBER]
        self._hcpc = (
            patterns.hcpc_number(registration.hcpc_prefixes) if registration.hcpc_prefixes else None
        )
        if self._hcpc is not None:
            self._needs_context.append(self._hcpc)

    def spans(self, text: str) -> Iterable[Span]:
        yield from _all((patterns.NMC_PIN, patterns.NMC_PIN_SPACED), text)
        in_message = self._hcpc is not None and self._context.search(text) is not None
        for start, end in _all(self._needs_context, text):
            if self._has_context(text, start, end):
                yield start, end
        if in_message and self._hcpc is not None:
            yield from _all((self._hcpc,), text)

    def _has_context(self, text: str, start: int, end: int) -> bool:
        before = text[max(0, start - patterns.CONTEXT_BEFORE) : start]
        after = text[end : end + patterns.CONTEXT_AFTER]
        before = patterns.LINE_BREAK.split(before)[-1]
        after = patterns.LINE_BREAK.split(after)[0]
        return bool(self._context.search(before) or self._context.search(after))


# --------------------------------------------------------------------------- organisations


class OrganisationListRecognizer(SpanRecognizer):
    """Organisations on the configured list, in any case; see ``organisation_finder.py``."""

    ENTITY = ORGANISATION
    SCORE = 0.85

    def __init__(self, finder: OrganisationFinder) -> None:
        super().__init__()
        self._finder = finder

    def spans(self, text: str) -> Iterable[Span]:
        return self._finder.find_listed(text)


class OrganisationShapeRecognizer(SpanRecognizer):
    """Capitalised names with an organisation's ending: "Parkside Surgery", "Hull CCG"."""

    ENTITY = ORGANISATION
    SCORE = 0.7

    def __init__(self, finder: OrganisationFinder) -> None:
        super().__init__()
        self._finder = finder

    def spans(self, text: str) -> Iterable[Span]:
        return self._finder.find_shaped(text)


# --------------------------------------------------------------------------- people


class NameListRecognizer(SpanRecognizer):
    """Known people's names from a deny-list; see ``names.py`` for the rules."""

    ENTITY = PERSON
    SCORE = 0.9

    def __init__(self, index: NameIndex) -> None:
        super().__init__()
        self.index = index

    def spans(self, text: str) -> Iterable[Span]:
        return ((span.start, span.end) for span in self.index.find(text))


class GivenNameRecognizer(SpanRecognizer):
    """Common given names not in the directory ("my PA Bernadette"); see ``given_names.py``.

    Scored below organisations, so "George Eliot Hospital" stays one organisation.
    """

    ENTITY = PERSON
    SCORE = 0.6

    def __init__(self, finder: GivenNameFinder) -> None:
        super().__init__()
        self._finder = finder

    def spans(self, text: str) -> Iterable[Span]:
        return self._finder.find(text)


class ContextNameRecognizer(SpanRecognizer):
    """Names found by the words around them ("met with Hope", "hi dawn,", "Joy Adeyemi");
    see ``context_names.py``. Names found by the list and given-name recognizers are passed in,
    so that a name listed beside them is found too ("Priya and Tolu")."""

    ENTITY = PERSON
    SCORE = 0.8

    def __init__(
        self, finder: ContextNameFinder, index: NameIndex, given_names: GivenNameFinder
    ) -> None:
        super().__init__()
        self._finder = finder
        self._index = index
        self._given_names = given_names

    def spans(self, text: str) -> Iterable[Span]:
        known = [(span.start, span.end) for span in self._index.find(text)]
        known.extend(self._given_names.find(text))
        return self._finder.find(text, known)


class HonorificRecognizer(SpanRecognizer):
    """A title and a surname: "Dr Adeyemi", "Mr O'Brien", "Prof. Nkemelu", "dr a. adeyemi".

    The span covers the title, up to three initials, surname particles ("van der") and one or
    two name words; a possessive ending stays outside. The name must be capitalised unless
    the title itself was written in lower case.
    """

    ENTITY = PERSON
    SCORE = 0.85
    MAX_INITIALS = 3
    MAX_PARTICLES = 2

    def __init__(self, honorifics: Honorifics, particles: Iterable[str]) -> None:
        super().__init__()
        self._honorifics = honorifics
        self._title = patterns.title_then_space(honorifics.spellings())
        self._not_names = frozenset(w.casefold() for w in honorifics.not_names) | STOP_WORDS
        self._particles = frozenset(particles)

    def spans(self, text: str) -> Iterable[Span]:
        for match in self._title.finditer(text):
            lower = self._honorifics.is_lower_case_title(match.group("title"))
            end = self._name_end(text, match.end(), lower)
            if end is not None:
                yield match.start(), end

    def _name_end(self, text: str, position: int, lower_title: bool) -> int | None:
        position = self._skip_initials_and_particles(text, position)
        first = patterns.NAME_WORD.match(text, position)
        if first is None or not self._is_name(first.group(), lower_title):
            return None
        end, possessive = _without_possessive(first)
        if possessive:
            return end
        gap = patterns.SPACES.match(text, end)
        second = patterns.NAME_WORD.match(text, gap.end()) if gap else None
        if second and second.group()[0].isupper() and self._is_name(second.group(), False):
            end, _ = _without_possessive(second)
        return end

    def _skip_initials_and_particles(self, text: str, position: int) -> int:
        for _ in range(self.MAX_INITIALS):
            initial = patterns.INITIAL.match(text, position)
            if initial is None:
                break
            position = initial.end()
        for _ in range(self.MAX_PARTICLES):
            word = patterns.NAME_WORD.match(text, position)
            gap = patterns.SPACES.match(text, word.end()) if word else None
            if word is None or gap is None or word.group() not in self._particles:
                break
            position = gap.end()
        return position

    def _is_name(self, word: str, lower_title: bool) -> bool:
        if word.casefold() in self._not_names:
            return False
        return word[0].isupper() or lower_title


def _without_possessive(match: re.Match[str]) -> tuple[int, bool]:
    word = match.group()
    for ending in patterns.POSSESSIVE_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending):
            return match.end() - len(ending), True
    return match.end(), False
