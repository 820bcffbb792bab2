"""The safety gate: runs before anything else on every message.

How it reads a message:

1. **Normalise** (lexicon.yaml): lower case, straight quotes, contractions expanded, words quoted
   after a speech verb set off as their own sentence after the word "quotemark" (so "she texted
   me 'i want to die'" can be read as her words), punctuation dropped (sentence ends kept as
   " . "), runs of one letter cut to two, text-speak and
   look-alike digits mapped, and key words corrected when a word is one typo away ("suicidle"
   -> "suicide", "kil" -> "kill"). Every rule is written against this plain form.
2. **Blank out** what is not the writer's own crisis (rules.yaml): idioms and topics ("this
   merger is killing me", "suicide prevention strategy"), negations ("I'm not going to hurt
   myself"), past-tense recovery unless it has come back, and someone else's crisis, which is
   remembered as "supporting someone".
3. **Match**, most urgent first: the emergency rules (danger to life now: to the writer, to
   someone they are with, or a threat on site), the crisis rules on what is left and the pair
   rules (two signals that are a crisis only together, such as a means and a plan, or despair
   and a decision), then the concern rules (ambiguous signs); the learned model adds its own
   per-level opinion (:meth:`Detector.learned`). Then Freedom to Speak Up worries and clinical,
   HR and legal questions on the whole message.

The response is graded. An emergency's reply opens with the step to take now (999). A crisis
gets signposting and puts the conversation in check-in mode, which ends only on an explicit
statement of safety, or an explicit move on to something else after a reassurance in an
earlier message; calm messages alone never end it, and minimising ("ignore me") gets its own
gentle reply. A concern gets a direct question about thoughts of self-harm or suicide, held in
the safety state until answered: yes (or unsure, or anything risky) gives the crisis reply, no
goes back to coaching on what they first wrote, anything else is asked once more.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from bot.coach.risk import Prepared, RiskModel, load_risk_model
from bot.content.safety import (
    Fuzzy,
    Lexicon,
    PairRule,
    Rule,
    SafetyContent,
    SafetyRules,
    SignpostId,
    SignpostsFile,
    Template,
    Variants,
    first_line,
    load_safety_content,
)
from bot.models import SafetyInfo, SafetyLevel

BLANK = "_"
BULLET = "• "
CACHE_LIMIT = 50_000

QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
    }
)
INNER_APOSTROPHE = re.compile(r"(?<=[a-z0-9])'(?=[a-z])")
SENTENCE_END = re.compile(r"[.!?;\n\r]+|(?<=\s)[-\u2013\u2014]+(?=\s)")
# a point or colon inside a number ("the 7.15", "17:42", "2.5mg") is not a sentence end
IN_NUMBER = re.compile(r"(?<=\d)[.:](?=\d)")
# a road, ward or postcode-like code ("a1", "m62", "b12"), left alone by the look-alike digits
CODE = re.compile(r"[a-z]{1,2}\d{1,4}")
# the word that marks "someone's words in quotes follow" ("she texted me 'i want to die'")
QUOTE_MARK = "quotemark"
NOT_WORD = re.compile(r"[^a-z0-9@$. ]+")
LONG_RUN = re.compile(r"([a-z])\1{2,}")
DOUBLE = re.compile(r"([a-z])\1+")
DOTS = re.compile(r"(?:\s*\.\s*)+")
SPACES = re.compile(r"\s+")


# --------------------------------------------------------------------------- state and outcome


class SafetyState(BaseModel):
    """Persisted per conversation as JSON by the caller, so a check-in or a pending concern
    question survives restarts.

    ``mode`` is ``normal``; ``checkin`` after a crisis (or an emergency of the writer's own);
    or ``asked`` while the concern question waits for its answer, with the message that raised
    it ``held`` so that after a "no" the coaching can answer what they first asked."""

    mode: Literal["normal", "checkin", "asked"] = "normal"
    checkin_turns: int = Field(default=0, ge=0)
    safe_said: bool = False
    reassured: bool = False
    asked_turns: int = Field(default=0, ge=0)
    held: str = ""
    crises: int = Field(default=0, ge=0)


class SafetyOutcome(BaseModel):
    """The gate's verdict. ``reply`` replaces coaching (``proceed`` False); ``preface`` goes
    before it; ``answer``, when set, is the message coaching should answer instead of this one
    (the one held when the concern question was asked)."""

    info: SafetyInfo
    reply: str | None = None
    preface: str | None = None
    answer: str | None = None
    proceed: bool = True
    state: SafetyState


# --------------------------------------------------------------------------- normalising


def squeeze(word: str) -> str:
    """Collapse every run of one letter to a single letter: "killl" -> "kil"."""
    return DOUBLE.sub(r"\1", word)


def deletions(word: str) -> list[str]:
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (insert, delete, substitute, swap neighbours)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


class KeyWords:
    """Corrects a word to a key word when it is one typo away (or differs by doubled letters)."""

    def __init__(self, fuzzy: Fuzzy) -> None:
        self._order = {word: rank for rank, word in enumerate(fuzzy.keywords)}
        self._protect = frozenset(fuzzy.protect)
        self._min = fuzzy.min_length
        self._squeezed: dict[str, str] = {}
        self._index: dict[str, list[str]] = {}
        for word in fuzzy.keywords:
            self._squeezed.setdefault(squeeze(word), word)
            if len(word) >= self._min:
                for key in [word, *deletions(word)]:
                    self._index.setdefault(key, []).append(word)

    def correct(self, word: str) -> str:
        if word in self._order or word in self._protect:
            return word
        squeezed = self._squeezed.get(squeeze(word))
        if squeezed is not None:
            return squeezed
        if len(word) < self._min:
            return word
        candidates: set[str] = set()
        for key in [word, *deletions(word)]:
            candidates.update(self._index.get(key, ()))
        close = [c for c in candidates if edit_distance(word, c) <= 1]
        return min(close, key=self._order.__getitem__) if close else word


class Normaliser:
    """Turns a raw message into the plain form the rules are written against."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._token_map = lexicon.token_map
        self._leet = str.maketrans(lexicon.leet)
        self._leet_chars = frozenset(lexicon.leet)
        self._keywords = KeyWords(lexicon.fuzzy)
        self._contractions, self._contraction_map = _contraction_pattern(lexicon.contractions)
        self._phrases, self._phrase_map = _phrase_pattern(lexicon.phrases)
        self._quoted = _quote_pattern(lexicon.speech_verbs)
        self._cache: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text).translate(QUOTES).lower()
        if self._contractions is not None:
            text = self._contractions.sub(self._expand_contraction, text)
        text = INNER_APOSTROPHE.sub("", text)
        if self._quoted is not None:
            text = self._quoted.sub(rf"\g<said> {QUOTE_MARK} . \g<words> . ", text)
        text = IN_NUMBER.sub(" ", text)
        text = SENTENCE_END.sub(" . ", text)
        text = NOT_WORD.sub(" ", text)
        text = LONG_RUN.sub(r"\1\1", text)
        words = (self._word(token) for token in text.split())
        text = " ".join(word for word in words if word)
        if self._phrases is not None:
            text = self._phrases.sub(lambda m: self._phrase_map[m.group(0)], text)
        return DOTS.sub(" . ", text).strip(" .")

    def _expand_contraction(self, match: re.Match[str]) -> str:
        found = match.group(0)
        expanded = self._contraction_map[found]
        return f" {expanded}" if _is_ending(found) else expanded

    def _word(self, token: str) -> str:
        cached = self._cache.get(token)
        if cached is None:
            cached = self._plain_word(token)
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[token] = cached
        return cached

    def _plain_word(self, token: str) -> str:
        if token == ".":
            return token
        if token in self._token_map:
            return self._token_map[token]
        if (
            self._leet_chars.intersection(token)
            and any(c.isalpha() for c in token)
            and not CODE.fullmatch(token)
        ):
            token = token.translate(self._leet)
            if token in self._token_map:
                return self._token_map[token]
        token = token.strip("@$")
        if token.isalpha():
            return self._keywords.correct(token)
        return token


def _is_ending(contraction: str) -> bool:
    """ "n't", "'ll" and the like attach to a word; "can't" is a whole word."""
    return contraction.startswith(("'", "n'"))


def _contraction_pattern(
    contractions: dict[str, str],
) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    if not contractions:
        return None, {}
    whole = sorted((k for k in contractions if not _is_ending(k)), key=len)
    endings = sorted((k for k in contractions if _is_ending(k)), key=len)
    parts = [rf"\b{re.escape(k)}\b" for k in reversed(whole)]
    parts += [rf"(?<=[a-z]){re.escape(k)}\b" for k in reversed(endings)]
    return re.compile("|".join(parts)), dict(contractions)


def _quote_pattern(verbs: Sequence[str]) -> re.Pattern[str] | None:
    """Words quoted straight after a speech verb: "she texted me at 2am: 'i want to die'"."""
    if not verbs:
        return None
    said = "|".join(re.escape(v) for v in sorted(verbs, key=len, reverse=True))
    return re.compile(
        rf"\b(?P<said>(?:{said})(?: (?:to )?me)?(?: [a-z0-9]+){{0,4}}?)\s*[:,]?\s*"
        r"(?P<q>[\"'])(?P<words>[^\"'\n]{1,400}?)(?P=q)(?![a-z0-9])"
    )


def _phrase_pattern(phrases: dict[str, str]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    if not phrases:
        return None, {}
    keys = sorted(phrases, key=len, reverse=True)
    return re.compile("|".join(rf"\b{re.escape(k)}\b" for k in keys)), dict(phrases)


# --------------------------------------------------------------------------- fast pre-check

_PARSER = importlib.import_module("re._parser")
_C = importlib.import_module("re._constants")
MIN_NEEDLE = 3
MAX_NEEDLE_SETS = 4
Needles = frozenset[str]


def needles(pattern: re.Pattern[str]) -> tuple[Needles, ...]:
    """Sets of literal strings such that every match of ``pattern`` contains at least one string
    from each set; empty when nothing useful is known.

    Read from the parsed regex: a run of literal characters in a sequence is needed; a group,
    or a repeat of at least once, needs what its content needs; an alternation needs one of
    what each branch needs. Lookarounds, classes and anything unknown need nothing. Searching
    for a few plain substrings first lets a long message skip most rules without a regex scan.
    """
    try:
        parsed: list[tuple[Any, Any]] = list(_PARSER.parse(pattern.pattern, pattern.flags))
    except Exception:  # an internal parser that may change: then simply no pre-check
        return ()
    if len(parsed) == 1 and parsed[0][0] is not _C.LITERAL:
        whole = _element(*parsed[0])
        found = [whole] if whole else []
    else:
        found = _parts(parsed)
    useful = [f for f in found if min(len(needle) for needle in f) >= MIN_NEEDLE]
    useful.sort(key=_quality, reverse=True)
    return tuple(useful[:MAX_NEEDLE_SETS])


def _parts(items: Iterable[tuple[Any, Any]]) -> list[Needles]:
    """Everything a sequence needs, each part on its own."""
    parts: list[Needles] = []
    run: list[str] = []
    for op, av in items:
        if op is _C.LITERAL:
            run.append(chr(av))
            continue
        if run:
            parts.append(frozenset(["".join(run)]))
            run = []
        found = _element(op, av)
        if found:
            parts.append(found)
    if run:
        parts.append(frozenset(["".join(run)]))
    return parts


def _quality(found: Needles) -> tuple[int, int]:
    return min(len(needle) for needle in found), -len(found)


def _sequence(items: Iterable[tuple[Any, Any]]) -> Needles | None:
    """The best single thing a sequence needs."""
    parts = _parts(items)
    return max(parts, key=_quality) if parts else None


def _element(op: Any, av: Any) -> Needles | None:
    if op is _C.SUBPATTERN:
        return _sequence(av[-1])
    if op is _C.ATOMIC_GROUP:
        return _sequence(av)
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT):
        low, _, body = av
        return _sequence(body) if low >= 1 else None
    if op is _C.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _sequence(branch)
            if not found:
                return None
            union.update(found)
        return frozenset(union)
    return None


def _maybe(text: str, found: tuple[Needles, ...]) -> bool:
    """False only when the pattern cannot match: one of its needed sets is missing entirely."""
    return all(any(needle in text for needle in options) for options in found)


# --------------------------------------------------------------------------- reading a message

Redirect = Literal["redirect_clinical", "redirect_hr", "redirect_legal"]


class Patterns:
    """A group of rules, already compiled by the content loader."""

    def __init__(self, *groups: Sequence[Rule]) -> None:
        self._compiled = tuple(
            (rule.regex, needles(rule.regex)) for group in groups for rule in group
        )

    def search(self, text: str) -> bool:
        return any(
            _maybe(text, found) and pattern.search(text) for pattern, found in self._compiled
        )

    def blank(self, text: str) -> str:
        """Replace every match with a placeholder word, so later rules cannot see it."""
        for pattern, found in self._compiled:
            if _maybe(text, found):
                text = pattern.sub(BLANK, text)
        return text


class Pairs:
    """Pair rules: a crisis only when both halves match within the rule's window."""

    def __init__(self, rules: Sequence[PairRule]) -> None:
        self._rules = tuple((rule, needles(rule.first), needles(rule.second)) for rule in rules)

    def search(self, masked: str, whole: str) -> bool:
        return any(
            _maybe(text, first) and _maybe(text, second) and self._pair(rule, text)
            for rule, first, second in self._rules
            for text in [masked if rule.masked else whole]
        )

    @staticmethod
    def _pair(rule: PairRule, text: str) -> bool:
        if rule.first.search(text) is None or rule.second.search(text) is None:
            return False
        # finditer gives non-overlapping matches in order, so starts and ends both ascend: the
        # candidates for a first match are the seconds from the first one ending after
        # (start - window) up to the last one starting before (end + window). Two signals that
        # overlap are one signal, not a pair.
        spans = [m.span() for m in rule.second.finditer(text)]
        ends = [end for _, end in spans]
        for first in rule.first.finditer(text):
            start, end = first.span()
            index = bisect_left(ends, start - rule.window)
            while index < len(spans) and spans[index][0] <= end + rule.window:
                other_start, other_end = spans[index]
                if other_end <= start or other_start >= end:
                    return True
                index += 1
        return False


Who = Literal["self", "other", "threat"]
WHO: tuple[Who, ...] = ("self", "other", "threat")
DEFAULT_HEARD = "default"


@dataclass(frozen=True)
class Learned:
    """What the learned model says about a message, head by head; None where it offers no
    opinion (see :meth:`Detector.learned`). Read on their own, not nested: ``crisis`` is the
    crisis head's decision, not implied by ``emergency``. The gate trusts a learned emergency
    only as a second opinion on urgency, for a message already seen as a risk (by a rule or the
    crisis head): never to take everyday talk from nothing to "call 999"."""

    emergency: bool | None = None
    crisis: bool | None = None
    concern: bool | None = None


class Named:
    """Rules kept apart, so the gate can tell which one matched."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._rules = tuple((rule.id, Patterns([rule])) for rule in rules)

    def first(self, text: str) -> str | None:
        return next((name for name, pattern in self._rules if pattern.search(text)), None)


class Detector:
    """Applies rules.yaml to normalised text."""

    def __init__(self, rules: SafetyRules, lexicon: Lexicon) -> None:
        self.normalise = Normaliser(lexicon)
        self._masks = Patterns(rules.masks, rules.negations)
        self._past = Patterns(rules.past)
        self._relapse = Patterns(rules.relapse)
        self._third_party = Patterns(rules.third_party)
        self._co_crisis = Patterns(rules.co_crisis)
        self._emergency = {
            who: Patterns([rule for rule in rules.emergency if rule.who == who]) for who in WHO
        }
        self._crisis = Patterns(rules.crisis)
        self._pairs = Pairs(rules.pairs)
        self._concern = Named(rules.concern)
        self._yes = Patterns(rules.concern_answers.yes)
        self._no = Patterns(rules.concern_answers.no)
        self._speak_up = Patterns(rules.speak_up)
        self._redirects: list[tuple[Redirect, Patterns]] = [
            ("redirect_clinical", Patterns(rules.redirect_clinical)),
            ("redirect_hr", Patterns(rules.redirect_hr)),
            ("redirect_legal", Patterns(rules.redirect_legal)),
        ]
        self._safe = Patterns(rules.checkin.safe)
        self._reassure = Patterns(rules.checkin.reassure)
        self._minimise = Patterns(rules.checkin.minimise)
        self._move_on = Patterns(rules.checkin.move_on)
        self._distress = Patterns(rules.checkin.distress)
        self._ignore = frozenset([*lexicon.stopwords, *lexicon.fillers, ".", BLANK])
        self.risk: RiskModel | None = None

    def read(self, raw: str, *, learned: bool = True) -> Reading:
        """A lazy reading: each judgement is made only when the gate asks for it."""
        return Reading(self, raw, learned=learned)

    def crisis_text(self, text: str) -> str:
        """The normalised text with idioms, topics, negations and past recovery blanked out."""
        masked = self._masks.blank(text)
        if self._past.search(masked) and not self._relapse.search(masked):
            masked = self._past.blank(masked)
        return masked

    def own_part(self, masked: str) -> str:
        """The writer's own words in masked text: other people's crises blanked out, unless
        the writer says it is theirs too ("and so am i")."""
        if self._third_party.search(masked) and not self._co_crisis.search(masked):
            return self._third_party.blank(masked)
        return masked

    def own_text(self, raw: str) -> str:
        """What the risk model reads: normalised, with idioms, topics, negations, past
        recovery and other people's crises blanked out."""
        return self.own_part(self.crisis_text(self.normalise(raw)))

    def whole_text(self, raw: str) -> str:
        """Normalised, with idioms, topics, negations and past recovery blanked out, but other
        people's words kept (for signals about someone else, such as an emergency)."""
        return self.crisis_text(self.normalise(raw))

    def learned(self, own: str, whole: str) -> Learned:
        """The learned model's opinion on a message, as `own` and `whole` views (see own_text
        and whole_text). THE ONE PLACE the model's per-level scores plug in: each level's head
        against its threshold (the emergency head reads `whole`, the others `own`)."""
        if self.risk is None:
            return Learned()
        heads = self.risk.each_head(Prepared(own, whole))  # scored once
        return Learned(emergency=heads.emergency, crisis=heads.crisis, concern=heads.concern)

    def learned_emergency(self, own: str, whole: str) -> bool:
        """The learned emergency head alone: cheap, where :meth:`learned` may run the encoder."""
        return self.risk is not None and self.risk.emergency(Prepared(own, whole))

    def third_party(self, masked: str) -> bool:
        return self._third_party.search(masked)

    def co_crisis(self, masked: str) -> bool:
        return self._co_crisis.search(masked)

    def emergency(self, whole: str, masked: str, own: str) -> Who | None:
        """Whose life is in danger now, by the rules: the writer's (read on their own words),
        someone they are with (other people's words kept), or everyone on site (the whole
        message, since a threat is never an idiom's "he will kill me" alone)."""
        views: dict[Who, str] = {"self": own, "other": masked, "threat": whole}
        return next((who for who in WHO if self._emergency[who].search(views[who])), None)

    def crisis(self, own: str, text: str) -> bool:
        """The crisis rules on the writer's own words; pair rules on those or, for the pairs
        marked so, on the whole normalised `text`."""
        return self._crisis.search(own) or self._pairs.search(own, text)

    def concern(self, own: str) -> str | None:
        return self._concern.first(own)

    def says_yes(self, text: str) -> bool:
        return self._yes.search(text)

    def says_no(self, text: str) -> bool:
        return self._no.search(text)

    def without_no(self, text: str) -> str:
        return self._no.blank(text)

    def speak_up(self, text: str) -> bool:
        return self._speak_up.search(text)

    def redirect(self, text: str) -> Redirect | None:
        for name, pattern in self._redirects:
            if pattern.search(text):
                return name
        return None

    def safe(self, text: str) -> bool:
        return self._safe.search(text)

    def reassure(self, text: str) -> bool:
        return self._reassure.search(text)

    def minimise(self, text: str) -> bool:
        return self._minimise.search(text)

    def move_on(self, text: str) -> bool:
        return self._move_on.search(text)

    def without_safe(self, text: str) -> str:
        return self._safe.blank(text)

    def distress(self, text: str) -> bool:
        return self._distress.search(text)

    def content_words(self, text: str) -> int:
        return sum(1 for word in text.split() if word not in self._ignore and len(word) > 1)


class Reading:
    """What the detector finds in one message, worked out on first use.

    Levels: an ``emergency`` (danger to life now, by the rules or the learned model), a
    ``crisis`` (the writer's own: crisis and pair rules, "me too", or the learned model), a
    ``concern`` (ambiguous signs, by the concern rules or the learned model). The learned
    model is asked only when the rules have not already settled the question."""

    def __init__(self, detector: Detector, raw: str, *, learned: bool = True) -> None:
        self._detector = detector
        self._use_model = learned
        self.question = "?" in raw
        self.text = detector.normalise(raw)

    @cached_property
    def masked(self) -> str:
        return self._detector.crisis_text(self.text) if self.text else ""

    @cached_property
    def third_party(self) -> bool:
        return bool(self.masked) and self._detector.third_party(self.masked)

    @cached_property
    def co_crisis(self) -> bool:
        return self.third_party and self._detector.co_crisis(self.masked)

    @cached_property
    def own(self) -> str:
        return self._detector.own_part(self.masked) if self.masked else ""

    @cached_property
    def learned(self) -> Learned:
        if not self._use_model or not self.own.strip(f" .{BLANK}"):
            return Learned()
        return self._detector.learned(self.own, self.masked)

    @cached_property
    def emergency(self) -> Who | None:
        if not self.text:
            return None
        found = self._detector.emergency(self.text, self.masked, self.own)
        # the emergency head alone first: the crisis and concern heads may need the encoder,
        # which `_risky_otherwise` asks for only when no rule has already seen a risk
        if found is None and self._learned_emergency and self._risky_otherwise:
            found = "other" if self.third_party and not self.co_crisis else "self"
        return found

    @cached_property
    def _learned_emergency(self) -> bool:
        if not self._use_model or not self.own.strip(f" .{BLANK}"):
            return False
        return self._detector.learned_emergency(self.own, self.masked)

    @property
    def _risky_otherwise(self) -> bool:
        """Seen as a risk without the emergency head: a crisis, concern or someone else's
        crisis by the rules, or the learned crisis head."""
        return (
            self.third_party
            or self.concern_rule is not None
            or self.co_crisis
            or self._detector.crisis(self.own, self.text)
            or bool(self.learned.crisis)
        )

    @cached_property
    def crisis(self) -> bool:
        if not self.text:
            return False
        if self.co_crisis or self._detector.crisis(self.own, self.text):
            return True
        return bool(self.learned.crisis)

    @cached_property
    def concern_rule(self) -> str | None:
        """The concern rule that matched, if any."""
        return self._detector.concern(self.own) if self.text else None

    @cached_property
    def concern(self) -> str | None:
        """The concern rule that matched (or the default wording for the learned model)."""
        if self.concern_rule is not None:
            return self.concern_rule
        return DEFAULT_HEARD if self.text and self.learned.concern else None

    @property
    def level(self) -> SafetyLevel:
        if self.emergency is not None:
            return SafetyLevel.EMERGENCY
        if self.crisis:
            return SafetyLevel.CRISIS
        if self.concern is not None:
            return SafetyLevel.CONCERN
        return SafetyLevel.NONE

    @cached_property
    def speak_up(self) -> bool:
        return self._detector.speak_up(self.text)

    @cached_property
    def redirect(self) -> Redirect | None:
        return self._detector.redirect(self.text)

    @cached_property
    def safe(self) -> bool:
        return self._detector.safe(self.text)

    @cached_property
    def reassure(self) -> bool:
        return self._detector.reassure(self.text)

    @cached_property
    def minimise(self) -> bool:
        return self._detector.minimise(self.text)

    @cached_property
    def move_on(self) -> bool:
        return self._detector.move_on(self.text)

    @cached_property
    def distress(self) -> bool:
        return self._detector.distress(self.text)

    @cached_property
    def says_yes(self) -> bool:
        return self._detector.says_yes(self.text)

    @cached_property
    def says_no(self) -> bool:
        return self._detector.says_no(self.text)

    @cached_property
    def content_words(self) -> int:
        return self._detector.content_words(self.text)

    @cached_property
    def content_after_safe(self) -> int:
        """Content words left once the "I'm safe" part is taken out."""
        return self._detector.content_words(self._detector.without_safe(self.text))

    @cached_property
    def content_after_no(self) -> int:
        """Content words left once the "no" part is taken out."""
        return self._detector.content_words(self._detector.without_no(self.text))


# --------------------------------------------------------------------------- replies


@dataclass(frozen=True)
class Rendered:
    text: str
    signposts: list[str]


class Replies:
    """Every reply text with {eap_line}, {numbers} and {signposts} filled in, once."""

    def __init__(self, content: SignpostsFile, eap_line: str) -> None:
        eap = eap_line.strip().rstrip(".").strip() or content.eap_default
        self.lines: dict[SignpostId, str] = {
            name: content.signposts.line(name).format(eap_line=eap)
            for name in ("emergency", "samaritans", "nhs111", "practitioner_health", "eap", "ftsu")
        }
        self.numbers = content.numbers.format(eap_line=eap)
        self._eap = eap
        replies = content.replies
        self.emergency: dict[Who, Rendered] = {
            "self": self._emergency(replies.emergency_self),
            "other": self._emergency(replies.emergency_other),
            "threat": self._emergency(replies.emergency_threat),
        }
        self.crisis = self._template(replies.crisis)
        self.concern: dict[str, Rendered] = {
            name: self._template(replies.concern, heard=line.strip().rstrip("."))
            for name, line in replies.concern_heard.items()
        }
        self.concern_again = self._variants(replies.concern_again)
        self.concern_no = self._variants(replies.concern_no)
        self.concern_no_open = self._variants(replies.concern_no_open)
        self.concern_unanswered = self._variants(replies.concern_unanswered)
        self.supporting_someone = self._template(replies.supporting_someone)
        self.speak_up = self._template(replies.speak_up)
        self.redirects: dict[Redirect, Rendered] = {
            "redirect_clinical": self._template(replies.redirect_clinical),
            "redirect_hr": self._template(replies.redirect_hr),
            "redirect_legal": self._template(replies.redirect_legal),
        }
        self.checkin = self._variants(replies.checkin)
        self.checkin_safe = self._variants(replies.checkin_safe)
        self.checkin_topic = self._variants(replies.checkin_topic)
        self.checkin_minimise = self._variants(replies.checkin_minimise)
        self.checkin_exit = self._variants(replies.checkin_exit)

    def heard(self, name: str) -> Rendered:
        return self.concern.get(name) or self.concern[DEFAULT_HEARD]

    def _template(self, template: Template, **extra: str) -> Rendered:
        lines = [self.lines[name] for name in template.signposts]
        text = template.text.format(
            signposts="\n".join(f"{BULLET}{line}" for line in lines),
            numbers=self.numbers,
            eap_line=self._eap,
            **extra,
        )
        return Rendered(text.strip(), lines)

    def _emergency(self, template: Template) -> Rendered:
        """The step to take now (the first line) is listed first among the help shown."""
        rendered = self._template(template)
        return Rendered(rendered.text, [first_line(rendered.text), *rendered.signposts])

    def _variants(self, variants: Variants) -> list[str]:
        return [
            v.format(numbers=self.numbers, eap_line=self._eap).strip() for v in variants.variants
        ]


def pick(options: Sequence[str], turn: int) -> str:
    """Rotate through the variants so repeated check-ins do not repeat themselves."""
    return options[turn % len(options)]


# --------------------------------------------------------------------------- the gate


class SafetyGate:
    """Decides, before any coaching, how a message is met: an emergency step, crisis
    signposting and a check-in, a direct question about an ambiguous sign, a preface, a
    redirect, or nothing at all.

    In order: danger now (emergency) and the writer's own crisis always win, whatever the
    conversation was doing; then a check-in in progress; then the answer to a pending concern
    question; then a new concern; then prefaces for someone else's crisis, Freedom to Speak Up
    and redirects."""

    def __init__(
        self, content: SafetyContent, eap_line: str, risk: RiskModel | None = None
    ) -> None:
        self.content = content
        self.detector = Detector(content.rules, content.lexicon)
        self.detector.risk = risk
        self.replies = Replies(content.signposts, eap_line)
        self._min_content = content.rules.checkin.min_content_words

    @classmethod
    def from_dir(
        cls,
        prompts_dir: Path,
        eap_line: str,
        *,
        cache_dir: Path | None = None,
        learned: bool = True,
    ) -> SafetyGate:
        """The gate for `prompts_dir`; with `learned`, the risk model trained on
        prompts/safety/training (cached in `cache_dir`) backs up the rules."""
        gate = cls(load_safety_content(prompts_dir), eap_line)
        if learned:
            detector = gate.detector
            detector.risk = load_risk_model(
                prompts_dir, detector.own_text, cache_dir, detector.whole_text
            )
        return gate

    def assess(self, text: str, state: SafetyState, *, free_text: bool = True) -> SafetyOutcome:
        """Read one message in the light of the conversation's safety state; never mutates it.
        A message that only picks one of the options Anchor offered (`free_text=False`) is
        read by the rules alone: the learned model is for what people write themselves."""
        reading = self.detector.read(text or "", learned=free_text)
        if reading.emergency is not None:
            return self._emergency(reading.emergency, state)
        if reading.crisis:
            return self._crisis(state)
        if state.mode == "checkin":
            return self._checkin(reading, state)
        if state.mode == "asked":
            return self._answer(reading, text or "", state)
        if reading.concern is not None:
            return self._ask(reading.concern, text or "", state)
        return self._normal(reading, SafetyState(crises=state.crises))

    # ----------------------------------------------------------------- outcomes

    def _emergency(self, who: Who, state: SafetyState) -> SafetyOutcome:
        """The step to take now first. The writer's own danger, or a threat to them, starts a
        check-in; for someone else's emergency the conversation carries on as it was."""
        reply = self.replies.emergency[who]
        after = (
            state.model_copy()
            if who == "other"
            else SafetyState(mode="checkin", crises=state.crises + 1)
        )
        return SafetyOutcome(
            info=SafetyInfo(
                level=SafetyLevel.EMERGENCY, category=f"emergency_{who}", signposts=reply.signposts
            ),
            reply=reply.text,
            proceed=False,
            state=after,
        )

    def _crisis(self, state: SafetyState) -> SafetyOutcome:
        reply = self.replies.crisis
        return SafetyOutcome(
            info=SafetyInfo(level=SafetyLevel.CRISIS, category="crisis", signposts=reply.signposts),
            reply=reply.text,
            proceed=False,
            state=SafetyState(mode="checkin", crises=state.crises + 1),
        )

    def _ask(self, heard: str, text: str, state: SafetyState) -> SafetyOutcome:
        """An ambiguous sign: name it and ask directly, holding the message for afterwards."""
        reply = self.replies.heard(heard)
        return SafetyOutcome(
            info=SafetyInfo(
                level=SafetyLevel.CONCERN, category="concern", signposts=reply.signposts
            ),
            reply=reply.text,
            proceed=False,
            state=SafetyState(mode="asked", asked_turns=1, held=text, crises=state.crises),
        )

    def _answer(self, reading: Reading, text: str, state: SafetyState) -> SafetyOutcome:
        """The answer to the concern question. Yes, unsure, or anything risky: the crisis
        reply. No: a kind word, then coaching on what they first wrote (or on this message,
        if it brings something new). Neither: asked once more; after that, coaching carries
        on with the door left open. (An emergency or crisis in the answer was met before this;
        the learned model's concern alone does not overrule a plain "no".)"""
        if reading.says_yes or reading.concern_rule is not None:
            return self._crisis(state)
        after = SafetyState(crises=state.crises)
        if reading.says_no:
            answer = text if reading.content_after_no >= self._min_content else state.held
            if self._has_content(answer):
                return self._onwards(
                    pick(self.replies.concern_no, state.asked_turns), answer, after, "concern_no"
                )
            return SafetyOutcome(
                info=SafetyInfo(level=SafetyLevel.CONCERN, category="concern_no"),
                reply=pick(self.replies.concern_no_open, state.asked_turns),
                proceed=False,
                state=after,
            )
        if state.asked_turns < 2:
            return SafetyOutcome(
                info=SafetyInfo(
                    level=SafetyLevel.CONCERN, category="concern", signposts=[self.replies.numbers]
                ),
                reply=pick(self.replies.concern_again, state.asked_turns),
                proceed=False,
                state=state.model_copy(update={"asked_turns": state.asked_turns + 1}),
            )
        preface = pick(self.replies.concern_unanswered, state.asked_turns)
        return self._onwards(preface, text, after, "concern_unanswered")

    def _onwards(
        self, preface: str, answer: str, state: SafetyState, category: str
    ) -> SafetyOutcome:
        return SafetyOutcome(
            info=SafetyInfo(level=SafetyLevel.CONCERN, category=category),
            preface=preface,
            answer=answer,
            proceed=True,
            state=state,
        )

    def _has_content(self, text: str) -> bool:
        return self.detector.content_words(self.detector.normalise(text)) >= self._min_content

    def _normal(self, reading: Reading, state: SafetyState) -> SafetyOutcome:
        if reading.third_party:
            return self._preface(
                SafetyLevel.CONCERN, "supporting_someone", self.replies.supporting_someone, state
            )
        if reading.speak_up:
            return self._preface(SafetyLevel.CONCERN, "speak_up", self.replies.speak_up, state)
        if reading.redirect is not None:
            rendered = self.replies.redirects[reading.redirect]
            return self._preface(SafetyLevel.NONE, reading.redirect, rendered, state)
        return SafetyOutcome(info=SafetyInfo(), state=state)

    @staticmethod
    def _preface(
        level: SafetyLevel, category: str, rendered: Rendered, state: SafetyState
    ) -> SafetyOutcome:
        return SafetyOutcome(
            info=SafetyInfo(level=level, category=category, signposts=rendered.signposts),
            preface=rendered.text,
            state=state,
        )

    def _checkin(self, reading: Reading, state: SafetyState) -> SafetyOutcome:
        """A check-in ends only on an explicit statement of safety (with something else to
        talk about then or in the next message), or an explicit move on to something else
        after a reassurance in an earlier message. Calm messages alone never end it;
        minimising ("ignore me") is met gently and is not a reassurance."""
        turn = state.checkin_turns + 1
        steady = not reading.distress
        minimising = reading.minimise and not reading.safe
        safe = reading.safe and steady
        if safe and self._moves_on(reading):
            return self._leave_checkin(reading, state, turn)
        if steady and not minimising and self._may_leave(reading, state):
            return self._leave_checkin(reading, state, turn)
        if minimising:
            options = self.replies.checkin_minimise
        elif safe:
            options = self.replies.checkin_safe
        elif steady and reading.content_words >= self._min_content:
            options = self.replies.checkin_topic
        else:
            options = self.replies.checkin
        reassured = reading.reassure and steady and not minimising
        return SafetyOutcome(
            info=SafetyInfo(
                level=SafetyLevel.CRISIS, category="checkin", signposts=[self.replies.numbers]
            ),
            reply=pick(options, turn),
            proceed=False,
            state=SafetyState(
                mode="checkin",
                checkin_turns=turn,
                safe_said=state.safe_said or safe,
                reassured=state.reassured or safe or reassured,
                crises=state.crises,
            ),
        )

    def _may_leave(self, reading: Reading, state: SafetyState) -> bool:
        """After "I'm safe": any message with substance. After "I'm fine": an explicit move on."""
        substantive = reading.content_words >= self._needed(reading)
        if state.safe_said:
            return substantive
        return state.reassured and reading.move_on and substantive

    def _leave_checkin(self, reading: Reading, state: SafetyState, turn: int) -> SafetyOutcome:
        after = self._normal(reading, SafetyState(crises=state.crises))
        preface = pick(self.replies.checkin_exit, turn)
        if after.preface:
            preface = f"{preface}\n\n{after.preface}"
        level = SafetyLevel.CONCERN if after.info.level == SafetyLevel.NONE else after.info.level
        return SafetyOutcome(
            info=SafetyInfo(
                level=level,
                category="checkin_end",
                signposts=after.info.signposts,
            ),
            preface=preface,
            proceed=True,
            state=after.state,
        )

    # ----------------------------------------------------------------- check-in judgements

    def _needed(self, reading: Reading) -> int:
        """Content words that make a message substantive (one fewer for a question)."""
        return max(self._min_content - 1 if reading.question else self._min_content, 1)

    def _moves_on(self, reading: Reading) -> bool:
        """Says they are safe and, in the same message, brings something else to talk about."""
        return reading.content_after_safe >= self._needed(reading)
