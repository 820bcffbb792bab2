"""Safety content from prompts/safety/: signposts and replies, detection rules, and the lexicon.

Three YAML files, each validated by a pydantic model:

- ``signposts.yaml``: the signpost lines (999, Samaritans, NHS 111, NHS Practitioner Health, the
  local employee assistance programme, Freedom to Speak Up) and every reply the safety gate gives.
- ``rules.yaml``: regular expressions over normalised text, grouped by what they detect (emergency,
  crisis and concern levels, exclusions, the concern question's answers, check-in signals). A rule's
  regex may use ``{name}`` macros from the file's ``macros`` table; a pair rule has two regexes
  that must both match close together. Every regex is expanded and compiled once, here, at load
  time.
- ``lexicon.yaml``: how text is normalised (contractions, text-speak, phrases, look-alike digits)
  and the key words that tolerate one typo.

Any problem raises :class:`ContentError` naming the file and the field.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.content.errors import ContentError

SAFETY_DIR = "safety"
SIGNPOSTS_FILE = "signposts.yaml"
RULES_FILE = "rules.yaml"
LEXICON_FILE = "lexicon.yaml"

RULE_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
MACRO = re.compile(r"\{([a-z][a-z0-9_]*)\}")
WORD = re.compile(r"^[a-z0-9]+$")
PHRASE = re.compile(r"^[a-z0-9]+(?: [a-z0-9]+)*$")
MAX_MACRO_DEPTH = 6

SIGNPOST_FACTS: dict[str, tuple[str, ...]] = {
    "emergency": ("999",),
    "samaritans": ("116 123",),
    "nhs111": ("111",),
    "practitioner_health": ("0300 0303 300", "practitionerhealth.nhs.uk"),
    "eap": ("{eap_line}",),
    "ftsu": ("nationalguardian.org.uk",),
}

SignpostId = Literal["emergency", "samaritans", "nhs111", "practitioner_health", "eap", "ftsu"]
M = TypeVar("M", bound=BaseModel)
YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --------------------------------------------------------------------------- templates


def _placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of a str.format template; rejects conversions and format specs."""
    names: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValueError(f"bad template: {exc}") from exc
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"bad placeholder {{{name}}}: use plain names like {{eap_line}}")
        names.add(name)
    return names


def _check_template(text: str, allowed: Iterable[str]) -> str:
    unknown = _placeholders(text) - set(allowed)
    if unknown:
        raise ValueError(
            f"unknown placeholder(s) {sorted(unknown)}; allowed here: {sorted(allowed)}"
        )
    return text


class Signposts(BaseModel):
    """One line per service; ``{eap_line}`` is filled from the ``eap_line`` setting."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    emergency: str = Field(min_length=10)
    samaritans: str = Field(min_length=10)
    nhs111: str = Field(min_length=10)
    practitioner_health: str = Field(min_length=10)
    eap: str = Field(min_length=10)
    ftsu: str = Field(min_length=10)

    @field_validator("*")
    @classmethod
    def _facts(cls, value: str, info: ValidationInfo) -> str:
        _check_template(value, ["eap_line"])
        for fact in SIGNPOST_FACTS[str(info.field_name)]:
            if fact not in value:
                raise ValueError(f"must contain {fact!r}")
        return value

    def line(self, name: SignpostId) -> str:
        return str(getattr(self, name))


class Template(BaseModel):
    """A reply or preface; ``{signposts}`` expands to the listed signpost lines as bullets."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=20)
    signposts: list[SignpostId] = Field(default_factory=list)

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        return _check_template(value, ["signposts", "numbers", "eap_line"])

    @model_validator(mode="after")
    def _signposts_shown(self) -> Template:
        if self.signposts and "signposts" not in _placeholders(self.text):
            raise ValueError("lists signposts but the text has no {signposts} placeholder")
        if not self.signposts and "signposts" in _placeholders(self.text):
            raise ValueError("uses {signposts} but lists none")
        return self


class ConcernTemplate(Template):
    """The concern question; ``{heard}`` names what was heard (from ``concern_heard``)."""

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        return _check_template(value, ["signposts", "numbers", "eap_line", "heard"])


class Variants(BaseModel):
    """Several wordings of one message; the gate rotates through them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    variants: list[str] = Field(min_length=2)

    @field_validator("variants")
    @classmethod
    def _texts(cls, values: list[str]) -> list[str]:
        for value in values:
            if len(value.strip()) < 20:
                raise ValueError(f"variant too short: {value!r}")
            _check_template(value, ["numbers", "eap_line"])
        if len(set(values)) != len(values):
            raise ValueError("variants must differ")
        return values


def first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0]


class Replies(BaseModel):
    """Every reply the gate gives. The emergency replies put the immediate step (999) on their
    first line; the concern question asks directly about thoughts of self-harm or suicide."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    emergency_self: Template
    emergency_other: Template
    emergency_threat: Template
    crisis: Template
    concern: ConcernTemplate
    concern_heard: dict[str, str]
    concern_again: Variants
    concern_no: Variants
    concern_no_open: Variants
    concern_unanswered: Variants
    checkin: Variants
    checkin_safe: Variants
    checkin_topic: Variants
    checkin_minimise: Variants
    checkin_exit: Variants
    supporting_someone: Template
    speak_up: Template
    redirect_clinical: Template
    redirect_legal: Template
    redirect_hr: Template

    @field_validator("crisis")
    @classmethod
    def _crisis(cls, value: Template) -> Template:
        needed = {"emergency", "samaritans", "nhs111", "practitioner_health", "eap"}
        missing = needed - set(value.signposts)
        if missing:
            raise ValueError(f"the crisis reply must list signposts {sorted(missing)}")
        if "?" not in value.text:
            raise ValueError("the crisis reply must ask whether the person is safe right now")
        return value

    @field_validator("emergency_self", "emergency_other", "emergency_threat")
    @classmethod
    def _emergency(cls, value: Template) -> Template:
        top = first_line(value.text)
        if "999" not in top or "{" in top:
            raise ValueError("an emergency reply's first line must be the 999 step itself")
        if "?" not in value.text:
            raise ValueError("an emergency reply must end by checking in (a question)")
        return value

    @field_validator("concern")
    @classmethod
    def _concern(cls, value: Template) -> Template:
        if "?" not in value.text or not value.signposts:
            raise ValueError("the concern reply must ask its question and say where help is")
        return value

    @field_validator("concern_heard")
    @classmethod
    def _heard(cls, value: dict[str, str]) -> dict[str, str]:
        if "default" not in value:
            raise ValueError("needs a 'default' line for concern rules without their own")
        for key, line in value.items():
            if len(line.strip()) < 10 or "{" in line:
                raise ValueError(f"{key}: a plain line of at least 10 characters")
        return value

    @field_validator("speak_up")
    @classmethod
    def _speak_up(cls, value: Template) -> Template:
        if "ftsu" not in value.signposts:
            raise ValueError("the speak-up preface must list the ftsu signpost")
        return value


class SignpostsFile(BaseModel):
    """prompts/safety/signposts.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    signposts: Signposts
    numbers: str = Field(min_length=20, description="The key numbers on one line.")
    eap_default: str = Field(
        min_length=10, description="Used for {eap_line} when the eap_line setting is empty."
    )
    replies: Replies

    @field_validator("numbers")
    @classmethod
    def _numbers(cls, value: str) -> str:
        _check_template(value, ["eap_line"])
        for fact in ("116 123", "999", "111", "0300 0303 300", "{eap_line}"):
            if fact not in value:
                raise ValueError(f"must contain {fact!r}")
        if "\n" in value.strip():
            raise ValueError("must be a single line")
        return value


# --------------------------------------------------------------------------- rules


def expand_macros(pattern: str, macros: dict[str, str]) -> str:
    """Replace ``{name}`` with the macro's fragment (wrapped in a group), recursively."""
    for _ in range(MAX_MACRO_DEPTH):
        names = MACRO.findall(pattern)
        if not names:
            return pattern
        unknown = sorted({n for n in names if n not in macros})
        if unknown:
            raise ValueError(f"unknown macro(s) {unknown}")
        pattern = MACRO.sub(lambda m: f"(?:{macros[m.group(1)]})", pattern)
    raise ValueError(f"macros nested more than {MAX_MACRO_DEPTH} deep (a cycle?)")


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"bad regex: {exc}") from exc
    if compiled.search("") is not None or compiled.search(" . ") is not None:
        raise ValueError("matches empty text, so it would fire on every message")
    return compiled


def _pattern(value: Any, info: ValidationInfo) -> re.Pattern[str]:
    """A rule's regex: macros expanded, compiled, and refused if it matches empty text."""
    if isinstance(value, re.Pattern):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string")
    macros: dict[str, str] = (info.context or {}).get("macros", {})
    return _compile(expand_macros(value, macros))


class RuleBase(BaseModel):
    """What every rule has: an id, an optional note and the messages it is meant to catch."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    note: str = ""
    examples: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not RULE_ID.match(value):
            raise ValueError("must be lower case words joined by '_' or '-'")
        return value


class Rule(RuleBase):
    """One detection pattern over normalised text (lower case, words separated by spaces)."""

    regex: re.Pattern[str]

    @field_validator("regex", mode="before")
    @classmethod
    def _regex(cls, value: Any, info: ValidationInfo) -> re.Pattern[str]:
        return _pattern(value, info)


class PairRule(RuleBase):
    """Two patterns that mark a crisis only together: both must match within ``window``
    characters of each other, e.g. a means ("a hosepipe") and a plan ("thought it through"),
    or despair ("nothing will get better") and a decision ("i have decided").

    ``masked`` says which text is searched: the text with idioms, topics, negations, past
    recovery and other people's crises blanked out (the default), or the whole normalised
    message (for threats such as "he will kill me", which the idiom masks would hide).
    """

    first: re.Pattern[str]
    second: re.Pattern[str]
    window: int = Field(default=300, ge=10, le=5000)
    masked: bool = True

    @field_validator("first", "second", mode="before")
    @classmethod
    def _regex(cls, value: Any, info: ValidationInfo) -> re.Pattern[str]:
        return _pattern(value, info)


class EmergencyRule(Rule):
    """Danger to life now. ``who`` is in danger: the writer (``self``, read on the writer's own
    text, like the crisis rules), someone they are with or responsible for (``other``, read
    with other people's words kept), or everyone present (``threat``: violence on site now,
    read on the whole normalised message)."""

    who: Literal["self", "other", "threat"]


class CheckinRules(BaseModel):
    """How a message is read while the conversation is in check-in mode."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    safe: list[Rule] = Field(min_length=1)
    reassure: list[Rule] = Field(min_length=1)
    minimise: list[Rule] = Field(min_length=1)
    move_on: list[Rule] = Field(min_length=1)
    distress: list[Rule] = Field(min_length=1)
    min_content_words: int = Field(default=3, ge=1, le=20)


class ConcernAnswers(BaseModel):
    """How the answer to the concern question is read: ``yes`` (or unsure) and ``no``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    yes: list[Rule] = Field(min_length=1)
    no: list[Rule] = Field(min_length=1)


class SafetyRules(BaseModel):
    """prompts/safety/rules.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    macros: dict[str, str] = Field(default_factory=dict)
    masks: list[Rule] = Field(min_length=1)
    past: list[Rule] = Field(default_factory=list)
    relapse: list[Rule] = Field(default_factory=list)
    negations: list[Rule] = Field(default_factory=list)
    third_party: list[Rule] = Field(min_length=1)
    co_crisis: list[Rule] = Field(default_factory=list)
    emergency: list[EmergencyRule] = Field(min_length=1)
    crisis: list[Rule] = Field(min_length=1)
    pairs: list[PairRule] = Field(default_factory=list)
    concern: list[Rule] = Field(default_factory=list)
    concern_answers: ConcernAnswers
    speak_up: list[Rule] = Field(min_length=1)
    redirect_clinical: list[Rule] = Field(min_length=1)
    redirect_legal: list[Rule] = Field(min_length=1)
    redirect_hr: list[Rule] = Field(min_length=1)
    checkin: CheckinRules

    def groups(self) -> dict[str, Sequence[RuleBase]]:
        """Every rule list by its field path, e.g. ``crisis`` or ``checkin.safe``."""
        found: dict[str, Sequence[RuleBase]] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, list):
                found[name] = value
        for name in type(self.checkin).model_fields:
            value = getattr(self.checkin, name)
            if isinstance(value, list):
                found[f"checkin.{name}"] = value
        found["concern_answers.yes"] = self.concern_answers.yes
        found["concern_answers.no"] = self.concern_answers.no
        return found


# --------------------------------------------------------------------------- lexicon


class Fuzzy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_length: int = Field(default=5, ge=3, le=12)
    keywords: list[str] = Field(min_length=1)
    protect: list[str] = Field(default_factory=list)

    @field_validator("keywords", "protect")
    @classmethod
    def _words(cls, values: list[str]) -> list[str]:
        for value in values:
            if not value.isalpha() or value != value.lower():
                raise ValueError(f"{value!r} must be a lower-case word")
        if len(set(values)) != len(values):
            dupes = sorted({v for v in values if values.count(v) > 1})
            raise ValueError(f"duplicates: {dupes}")
        return values

    @model_validator(mode="after")
    def _disjoint(self) -> Fuzzy:
        both = sorted(set(self.keywords) & set(self.protect))
        if both:
            raise ValueError(f"words both key words and protected: {both}")
        return self


class Lexicon(BaseModel):
    """prompts/safety/lexicon.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    contractions: dict[str, str] = Field(default_factory=dict)
    token_map: dict[str, str] = Field(default_factory=dict)
    phrases: dict[str, str] = Field(default_factory=dict)
    leet: dict[str, str] = Field(default_factory=dict)
    fuzzy: Fuzzy
    speech_verbs: list[str] = Field(
        default_factory=list,
        description="Words after which a quotation is someone's speech (\"she said 'i ...'\").",
    )
    stopwords: list[str] = Field(default_factory=list)
    fillers: list[str] = Field(default_factory=list)

    @field_validator("contractions")
    @classmethod
    def _contractions(cls, values: dict[str, str]) -> dict[str, str]:
        for key, value in values.items():
            if "'" not in key or not re.fullmatch(r"[a-z']+", key):
                raise ValueError(f'{key!r} must be a contraction with an apostrophe, e.g. "n\'t"')
            if not PHRASE.match(value):
                raise ValueError(f"{key}: {value!r} must be lower-case words")
        return values

    @field_validator("token_map")
    @classmethod
    def _token_map(cls, values: dict[str, str]) -> dict[str, str]:
        for key, value in values.items():
            if not WORD.match(key):
                raise ValueError(f"key {key!r} must be one lower-case word")
            if not PHRASE.match(value):
                raise ValueError(f"{key}: {value!r} must be lower-case words")
        return values

    @field_validator("phrases")
    @classmethod
    def _phrases(cls, values: dict[str, str]) -> dict[str, str]:
        for key, value in values.items():
            if not PHRASE.match(key) or not PHRASE.match(value):
                raise ValueError(f"{key!r}: {value!r} must be lower-case words")
        return values

    @field_validator("leet")
    @classmethod
    def _leet(cls, values: dict[str, str]) -> dict[str, str]:
        for key, value in values.items():
            if len(key) != 1 or key.isalpha() or len(value) != 1 or not value.isalpha():
                raise ValueError(f"{key!r}: {value!r} must map one symbol to one letter")
        return values

    @field_validator("speech_verbs")
    @classmethod
    def _speech(cls, values: list[str]) -> list[str]:
        for value in values:
            if not PHRASE.match(value):
                raise ValueError(f"{value!r} must be lower-case words")
        return values

    @field_validator("stopwords", "fillers")
    @classmethod
    def _plain(cls, values: list[str]) -> list[str]:
        for value in values:
            if not WORD.match(value):
                raise ValueError(f"{value!r} must be one lower-case word")
        return values


# --------------------------------------------------------------------------- loading


class SafetyContent(BaseModel):
    """Everything the safety gate needs from prompts/safety/."""

    model_config = ConfigDict(frozen=True)

    signposts: SignpostsFile
    rules: SafetyRules
    lexicon: Lexicon


def _display(path: Path, prompts_dir: Path) -> str:
    try:
        return str(path.relative_to(prompts_dir.parent))
    except ValueError:
        return str(path)


def _read_yaml(path: Path, shown: str) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except FileNotFoundError as exc:
        raise ContentError(shown, "file", "not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(shown, "file", f"cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ContentError(shown, "yaml", f"invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ContentError(shown, "document", "must be a mapping of fields")
    return data


def _validate(model: type[M], data: dict[str, Any], shown: str, context: dict[str, Any]) -> M:
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        field = ".".join(str(p) for p in first["loc"]) or "document"
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise ContentError(shown, field, f"{first['msg']}{more}") from exc


def _macros(data: dict[str, Any], shown: str) -> dict[str, str]:
    raw = data.get("macros", {}) or {}
    if not isinstance(raw, dict):
        raise ContentError(shown, "macros", "must be a mapping of name: regex fragment")
    macros: dict[str, str] = {}
    for name, fragment in raw.items():
        field = f"macros.{name}"
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise ContentError(shown, field, "macro names are lower-case words")
        if not isinstance(fragment, str) or not fragment:
            raise ContentError(shown, field, "must be a non-empty regex fragment")
        macros[name] = fragment
    for name in macros:
        try:
            re.compile(expand_macros(f"{{{name}}}", macros))
        except (ValueError, re.error) as exc:
            raise ContentError(shown, f"macros.{name}", f"bad regex: {exc}") from exc
    return macros


def _unique_ids(rules: SafetyRules, shown: str) -> None:
    seen: dict[str, str] = {}
    for group, items in rules.groups().items():
        for index, rule in enumerate(items):
            where = f"{group}.{index}.id"
            if rule.id in seen:
                raise ContentError(shown, where, f"duplicate id {rule.id!r} (also {seen[rule.id]})")
            seen[rule.id] = where


def load_rules(path: Path, shown: str | None = None) -> SafetyRules:
    shown = shown or str(path)
    data = _read_yaml(path, shown)
    rules = _validate(SafetyRules, data, shown, {"macros": _macros(data, shown)})
    _unique_ids(rules, shown)
    return rules


def load_signposts(path: Path, shown: str | None = None) -> SignpostsFile:
    shown = shown or str(path)
    return _validate(SignpostsFile, _read_yaml(path, shown), shown, {})


def load_lexicon(path: Path, shown: str | None = None) -> Lexicon:
    shown = shown or str(path)
    return _validate(Lexicon, _read_yaml(path, shown), shown, {})


def load_safety_content(prompts_dir: Path) -> SafetyContent:
    """Load and validate prompts/safety/*.yaml; raises ContentError with file and field."""
    folder = prompts_dir / SAFETY_DIR

    def shown(name: str) -> str:
        return _display(folder / name, prompts_dir)

    signposts = load_signposts(folder / SIGNPOSTS_FILE, shown(SIGNPOSTS_FILE))
    rules = load_rules(folder / RULES_FILE, shown(RULES_FILE))
    unknown = sorted(set(signposts.replies.concern_heard) - {"default"} - concern_ids(rules))
    if unknown:
        raise ContentError(
            shown(SIGNPOSTS_FILE), "replies.concern_heard", f"no concern rule has id {unknown}"
        )
    return SafetyContent(
        signposts=signposts,
        rules=rules,
        lexicon=load_lexicon(folder / LEXICON_FILE, shown(LEXICON_FILE)),
    )


def concern_ids(rules: SafetyRules) -> set[str]:
    return {rule.id for rule in rules.concern}
