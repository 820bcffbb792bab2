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
3. **Match** the crisis rules on what is left, and the pair rules (two signals that are a crisis
   only together, such as a means and a plan, or despair and a decision); then Freedom to Speak
   Up worries and clinical, HR and legal questions on the whole message.

Crisis replies put the conversation in check-in mode, which a bare "I'm fine" does not end: it
ends when the person says they are safe and moves to another topic, or after two calm,
substantive messages in a row.
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

from bot.coach.risk import RiskModel, load_risk_model
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
    """Persisted per conversation as JSON by the caller."""

    mode: Literal["normal", "checkin"] = "normal"
    checkin_turns: int = Field(default=0, ge=0)
    calm_turns: int = Field(default=0, ge=0)
    crises: int = Field(default=0, ge=0)


class SafetyOutcome(BaseModel):
    info: SafetyInfo
    reply: str | None = None
    preface: str | None = None
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


class Detector:
    """Applies rules.yaml to normalised text."""

    def __init__(self, rules: SafetyRules, lexicon: Lexicon) -> None:
        self.normalise = Normaliser(lexicon)
        self._masks = Patterns(rules.masks, rules.negations)
        self._past = Patterns(rules.past)
        self._relapse = Patterns(rules.relapse)
        self._third_party = Patterns(rules.third_party)
        self._co_crisis = Patterns(rules.co_crisis)
        self._crisis = Patterns(rules.crisis)
        self._pairs = Pairs(rules.pairs)
        self._speak_up = Patterns(rules.speak_up)
        self._redirects: list[tuple[Redirect, Patterns]] = [
            ("redirect_clinical", Patterns(rules.redirect_clinical)),
            ("redirect_hr", Patterns(rules.redirect_hr)),
            ("redirect_legal", Patterns(rules.redirect_legal)),
        ]
        self._safe = Patterns(rules.checkin.safe)
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

    def crisis_signals(self, text: str, *, learned: bool = True) -> tuple[bool, bool]:
        """(the writer's own crisis, someone else's crisis) in normalised text."""
        masked = self.crisis_text(text)
        third_party = self._third_party.search(masked)
        if third_party:
            if self._co_crisis.search(masked):
                return True, True
            masked = self._third_party.blank(masked)
        own = self._crisis.search(masked) or self._pairs.search(masked, text)
        if not own and learned and self.risk is not None:  # the learned second opinion
            own = self.risk.flags(masked)
        return own, third_party

    def own_text(self, raw: str) -> str:
        """What the risk model reads: normalised, with idioms, topics, negations, past
        recovery and other people's crises blanked out."""
        masked = self.crisis_text(self.normalise(raw))
        if self._third_party.search(masked) and not self._co_crisis.search(masked):
            masked = self._third_party.blank(masked)
        return masked

    def speak_up(self, text: str) -> bool:
        return self._speak_up.search(text)

    def redirect(self, text: str) -> Redirect | None:
        for name, pattern in self._redirects:
            if pattern.search(text):
                return name
        return None

    def safe(self, text: str) -> bool:
        return self._safe.search(text)

    def without_safe(self, text: str) -> str:
        return self._safe.blank(text)

    def distress(self, text: str) -> bool:
        return self._distress.search(text)

    def content_words(self, text: str) -> int:
        return sum(1 for word in text.split() if word not in self._ignore and len(word) > 1)


class Reading:
    """What the detector finds in one message, worked out on first use."""

    def __init__(self, detector: Detector, raw: str, *, learned: bool = True) -> None:
        self._detector = detector
        self._learned = learned
        self.question = "?" in raw
        self.text = detector.normalise(raw)

    @cached_property
    def _crisis_signals(self) -> tuple[bool, bool]:
        if not self.text:
            return False, False
        return self._detector.crisis_signals(self.text, learned=self._learned)

    @property
    def crisis(self) -> bool:
        return self._crisis_signals[0]

    @property
    def third_party(self) -> bool:
        return self._crisis_signals[1]

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
    def distress(self) -> bool:
        return self._detector.distress(self.text)

    @cached_property
    def content_words(self) -> int:
        return self._detector.content_words(self.text)

    @cached_property
    def content_after_safe(self) -> int:
        """Content words left once the "I'm safe" part is taken out."""
        return self._detector.content_words(self._detector.without_safe(self.text))


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
        self.crisis = self._template(replies.crisis)
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
        self.checkin_exit = self._variants(replies.checkin_exit)

    def _template(self, template: Template) -> Rendered:
        lines = [self.lines[name] for name in template.signposts]
        text = template.text.format(
            signposts="\n".join(f"{BULLET}{line}" for line in lines),
            numbers=self.numbers,
            eap_line=self._eap,
        )
        return Rendered(text.strip(), lines)

    def _variants(self, variants: Variants) -> list[str]:
        return [
            v.format(numbers=self.numbers, eap_line=self._eap).strip() for v in variants.variants
        ]


def pick(options: Sequence[str], turn: int) -> str:
    """Rotate through the variants so repeated check-ins do not repeat themselves."""
    return options[turn % len(options)]


# --------------------------------------------------------------------------- the gate


class SafetyGate:
    """Decides, before any coaching, whether a message needs signposting, a check-in or a
    redirect."""

    def __init__(
        self, content: SafetyContent, eap_line: str, risk: RiskModel | None = None
    ) -> None:
        self.content = content
        self.detector = Detector(content.rules, content.lexicon)
        self.detector.risk = risk
        self.replies = Replies(content.signposts, eap_line)
        self._calm_needed = content.rules.checkin.calm_turns_to_leave
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
            gate.detector.risk = load_risk_model(prompts_dir, gate.detector.own_text, cache_dir)
        return gate

    def assess(self, text: str, state: SafetyState, *, free_text: bool = True) -> SafetyOutcome:
        """Read one message in the light of the conversation's safety state; never mutates it.
        A message that only picks one of the options Anchor offered (`free_text=False`) is
        read by the rules alone: the learned model is for what people write themselves."""
        reading = self.detector.read(text or "", learned=free_text)
        if reading.crisis:
            return self._crisis(state)
        if state.mode == "checkin":
            return self._checkin(reading, state)
        return self._normal(reading, state.model_copy())

    # ----------------------------------------------------------------- outcomes

    def _crisis(self, state: SafetyState) -> SafetyOutcome:
        reply = self.replies.crisis
        return SafetyOutcome(
            info=SafetyInfo(level=SafetyLevel.CRISIS, category="crisis", signposts=reply.signposts),
            reply=reply.text,
            proceed=False,
            state=SafetyState(mode="checkin", crises=state.crises + 1),
        )

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
        turn = state.checkin_turns + 1
        if self._moves_on(reading):
            return self._leave_checkin(reading, state, turn)
        calm = self._calm(reading)
        calm_turns = state.calm_turns + 1 if calm else 0
        if calm_turns >= self._calm_needed:
            return self._leave_checkin(reading, state, turn)
        if reading.safe and not reading.distress:
            options = self.replies.checkin_safe
        elif calm:
            options = self.replies.checkin_topic
        else:
            options = self.replies.checkin
        return SafetyOutcome(
            info=SafetyInfo(
                level=SafetyLevel.CRISIS, category="checkin", signposts=[self.replies.numbers]
            ),
            reply=pick(options, turn),
            proceed=False,
            state=SafetyState(
                mode="checkin", checkin_turns=turn, calm_turns=calm_turns, crises=state.crises
            ),
        )

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

    def _moves_on(self, reading: Reading) -> bool:
        """Says they are safe and, in the same message, brings something else to talk about."""
        if not reading.safe or reading.distress:
            return False
        needed = self._min_content - 1 if reading.question else self._min_content
        return reading.content_after_safe >= max(needed, 1)

    def _calm(self, reading: Reading) -> bool:
        """A calm message with substance: a safe signal, or a new topic without distress."""
        if reading.distress or not reading.text:
            return False
        return reading.safe or reading.content_words >= self._min_content
