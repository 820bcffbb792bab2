"""The scrubber's word lists, read from ``prompts/privacy/lexicon.yaml`` and validated.

Patterns are code (``patterns.py``); the words they are built from are data, kept in YAML so
they can be reviewed and extended without a code change. The list of organisation names is a
file of its own (``organisation_list.py``), and so is the list of given names (``given_names.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.config import PROJECT_ROOT
from bot.datafiles import ContentError, load_yaml_model

DEFAULT_LEXICON = PROJECT_ROOT / "prompts" / "privacy" / "lexicon.yaml"

_WORD = re.compile(r"^[^\W\d_]+$")
_WORDISH = re.compile(r"^[^\W\d_]+(?:['’][^\W\d_]+)*$")  # "children's"
_PHRASE = re.compile(r"^[^\W\d_]+(?:['’]?[ -][^\W\d_]+|['’][^\W\d_]+)*$")  # "GMC no"
_DOMAIN_ENDING = re.compile(r"^[a-z]{2,24}$")
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}$")
_PREFIX = re.compile(r"^[A-Z]{2,4}$")
AMPERSAND = "&"


LexiconError = ContentError  # the lexicon fails like any other data file: file, field, message


def _words(
    values: list[str], shape: re.Pattern[str] = _WORD, what: str = "single words"
) -> list[str]:
    cleaned = [value.strip() for value in values]
    bad = [value for value in cleaned if not shape.match(value)]
    if bad:
        raise ValueError(f"not {what}: {bad}")
    return cleaned


def _phrases(values: list[str]) -> list[str]:
    return [" ".join(value.split()) for value in _words(values, _PHRASE, "words or phrases")]


def _folded(values: list[str]) -> list[str]:
    return [value.casefold() for value in _words(values, _WORDISH, "single words")]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Honorifics(_Section):
    titles: list[str] = Field(min_length=1)
    also_lower_case: list[str] = Field(default_factory=list)
    also_upper_case: list[str] = Field(default_factory=list)
    not_names: list[str] = Field(default_factory=list)

    @field_validator("titles", "also_lower_case", "also_upper_case", "not_names")
    @classmethod
    def _single_words(cls, values: list[str]) -> list[str]:
        return _words(values)

    def spellings(self) -> list[str]:
        """Every accepted spelling of a title, longest first (so "Mrs" is tried before "Mr")."""
        forms = {*self.titles, *self.also_lower_case, *self.also_upper_case}
        return sorted(forms, key=lambda form: (-len(form), form))

    def is_lower_case_title(self, title: str) -> bool:
        return title in self.also_lower_case


class Names(_Section):
    common_words: list[str] = Field(default_factory=list)
    particles: list[str] = Field(default_factory=list)
    words_after_a_name: list[str] = Field(default_factory=list)
    not_after: list[str] = Field(default_factory=list)
    time_words: list[str] = Field(default_factory=list)
    time_words_then: list[str] = Field(default_factory=list)

    @field_validator(
        "common_words",
        "particles",
        "words_after_a_name",
        "not_after",
        "time_words",
        "time_words_then",
    )
    @classmethod
    def _single_words(cls, values: list[str]) -> list[str]:
        return _folded(values)


class Urls(_Section):
    bare_domain_endings: list[str] = Field(min_length=1)
    public_domains: list[str] = Field(default_factory=list)

    @field_validator("public_domains")
    @classmethod
    def _domains(cls, values: list[str]) -> list[str]:
        return [value.lower() for value in _words(values, _DOMAIN, "domains")]

    @field_validator("bare_domain_endings")
    @classmethod
    def _endings(cls, values: list[str]) -> list[str]:
        cleaned = [value.strip().lower() for value in values]
        bad = [value for value in cleaned if not _DOMAIN_ENDING.match(value)]
        if bad:
            raise ValueError(f"not domain endings: {bad}")
        return cleaned


class Registration(_Section):
    context_words: list[str] = Field(min_length=1)
    hcpc_prefixes: list[str] = Field(default_factory=list)

    @field_validator("context_words")
    @classmethod
    def _context(cls, values: list[str]) -> list[str]:
        return _phrases(values)

    @field_validator("hcpc_prefixes")
    @classmethod
    def _prefixes(cls, values: list[str]) -> list[str]:
        return [value.upper() for value in _words(values, _PREFIX, "2 to 4 capital letters")]


class OrganisationShapes(_Section):
    endings: list[str] = Field(min_length=1)
    generic_words: list[str] = Field(default_factory=list)
    lead_words: list[str] = Field(default_factory=list)
    role_endings: list[str] = Field(default_factory=list)
    role_words: list[str] = Field(default_factory=list)
    place_after: list[str] = Field(default_factory=list)
    units_after: list[str] = Field(default_factory=list)
    unit_endings: list[str] = Field(default_factory=list)
    place_endings: list[str] = Field(default_factory=list)
    joiners: list[str] = Field(default_factory=list)
    prefixes: list[str] = Field(default_factory=list)
    place_prefixes: list[str] = Field(default_factory=list)
    lower_place_prefixes: list[str] = Field(default_factory=list)
    clause_place_prefixes: list[str] = Field(default_factory=list)
    place_suffix_bodies: list[str] = Field(default_factory=list)
    offices: list[str] = Field(default_factory=list)
    not_short_forms: list[str] = Field(default_factory=list)
    clipped_heads: list[str] = Field(default_factory=list)
    place_run_stops: list[str] = Field(default_factory=list)
    at_cues: list[str] = Field(default_factory=list)
    abbreviation_endings: list[str] = Field(default_factory=list)
    not_after_saint: list[str] = Field(default_factory=list)
    lower_endings: list[str] = Field(default_factory=list)
    home_endings: list[str] = Field(default_factory=list)
    home_cues: list[str] = Field(default_factory=list)
    plural_verbs: list[str] = Field(default_factory=list)
    lower_kinds: list[str] = Field(default_factory=list)
    place_openers: list[str] = Field(default_factory=list)
    unknown_place_prefixes: list[str] = Field(default_factory=list)
    street_words: list[str] = Field(default_factory=list)
    capital_abbreviation_endings: list[str] = Field(default_factory=list)
    place_suffixes: list[str] = Field(default_factory=list)
    named_groupings: list[str] = Field(default_factory=list)
    site_units: list[str] = Field(default_factory=list)
    described_kinds: list[str] = Field(default_factory=list)
    national_abbreviations: list[str] = Field(default_factory=list)
    nationalities: list[str] = Field(default_factory=list)
    instruments: list[str] = Field(default_factory=list)
    station_words: list[str] = Field(default_factory=list)
    street_descriptors: list[str] = Field(default_factory=list)
    departments: list[str] = Field(default_factory=list)
    clinical_shorthand: list[str] = Field(default_factory=list)

    @field_validator(
        "endings",
        "role_endings",
        "place_after",
        "units_after",
        "unit_endings",
        "place_endings",
        "prefixes",
        "place_prefixes",
        "lower_place_prefixes",
        "clause_place_prefixes",
        "place_suffix_bodies",
        "lower_endings",
        "home_endings",
        "home_cues",
        "unknown_place_prefixes",
        "described_kinds",
        "named_groupings",
        "site_units",
    )
    @classmethod
    def _phrases(cls, values: list[str]) -> list[str]:
        return _phrases(values)

    @field_validator(
        "generic_words",
        "lead_words",
        "role_words",
        "offices",
        "not_short_forms",
        "clipped_heads",
        "place_run_stops",
        "at_cues",
        "not_after_saint",
        "plural_verbs",
        "lower_kinds",
        "place_openers",
        "street_words",
        "place_suffixes",
        "national_abbreviations",
        "nationalities",
        "instruments",
        "station_words",
        "street_descriptors",
        "clinical_shorthand",
    )
    @classmethod
    def _single_words(cls, values: list[str]) -> list[str]:
        return _folded(values)

    @field_validator("abbreviation_endings", "capital_abbreviation_endings")
    @classmethod
    def _abbreviation_endings(cls, values: list[str]) -> list[str]:
        return [value.upper() for value in _words(values, _PREFIX, "2 to 4 capital letters")]

    @field_validator("joiners")
    @classmethod
    def _joiners(cls, values: list[str]) -> list[str]:
        words = [value.strip() for value in values if value.strip() != AMPERSAND]
        return [*_folded(words), *([AMPERSAND] if len(words) < len(values) else [])]

    @model_validator(mode="after")
    def _known_endings(self) -> OrganisationShapes:
        unknown = {
            *self.role_endings,
            *self.place_after,
            *self.unit_endings,
            *self.place_endings,
        } - set(self.endings)
        if unknown:
            raise ValueError(f"not among the endings: {sorted(unknown)}")
        return self


class Context(_Section):
    """Where the words around a word say it is a name (see ``context_names.py``)."""

    cues: list[str] = Field(default_factory=list)
    strong_cues: list[str] = Field(default_factory=list)
    light_cues: list[str] = Field(default_factory=list)
    light_cues_before_to: list[str] = Field(default_factory=list)
    journeys: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    greetings: list[str] = Field(default_factory=list)
    sign_offs: list[str] = Field(default_factory=list)
    not_names: list[str] = Field(default_factory=list)
    places: list[str] = Field(default_factory=list)
    world_places: list[str] = Field(default_factory=list)
    products: list[str] = Field(default_factory=list)
    person_verbs: list[str] = Field(default_factory=list)
    verb_helpers: list[str] = Field(default_factory=list)
    add_verbs: list[str] = Field(default_factory=list)
    person_states: list[str] = Field(default_factory=list)
    action_verbs: list[str] = Field(default_factory=list)
    verbs_before_to: list[str] = Field(default_factory=list)
    done_verbs: list[str] = Field(default_factory=list)
    gatherings: list[str] = Field(default_factory=list)
    name_then: list[str] = Field(default_factory=list)
    kept_phrases: list[str] = Field(default_factory=list)
    thing_phrases: list[str] = Field(default_factory=list)
    after_contraction: list[str] = Field(default_factory=list)
    duty_words: list[str] = Field(default_factory=list)
    requests: list[str] = Field(default_factory=list)
    not_initials: list[str] = Field(default_factory=list)
    family_nouns: list[str] = Field(default_factory=list)
    person_nouns: list[str] = Field(default_factory=list)
    personal_events: list[str] = Field(default_factory=list)
    eponym_nouns: list[str] = Field(default_factory=list)
    eponym_services: list[str] = Field(default_factory=list)
    eponym_reports: list[str] = Field(default_factory=list)
    eponym_conditions: list[str] = Field(default_factory=list)
    eponym_places: list[str] = Field(default_factory=list)
    eponym_models: list[str] = Field(default_factory=list)
    eponym_authors: list[str] = Field(default_factory=list)
    cited_authors: list[str] = Field(default_factory=list)
    rating_colours: list[str] = Field(default_factory=list)
    rating_nouns: list[str] = Field(default_factory=list)

    @field_validator(
        "cues",
        "strong_cues",
        "light_cues",
        "light_cues_before_to",
        "journeys",
        "greetings",
        "sign_offs",
        "person_states",
        "personal_events",
        "kept_phrases",
        "thing_phrases",
        "cited_authors",
    )
    @classmethod
    def _phrases(cls, values: list[str]) -> list[str]:
        return [value.casefold() for value in _phrases(values)]

    @field_validator(
        "not_names",
        "languages",
        "places",
        "world_places",
        "products",
        "person_verbs",
        "verb_helpers",
        "action_verbs",
        "verbs_before_to",
        "done_verbs",
        "add_verbs",
        "gatherings",
        "name_then",
        "after_contraction",
        "duty_words",
        "requests",
        "not_initials",
        "family_nouns",
        "person_nouns",
        "eponym_nouns",
        "eponym_services",
        "eponym_reports",
        "eponym_conditions",
        "eponym_places",
        "eponym_models",
        "eponym_authors",
        "rating_colours",
        "rating_nouns",
    )
    @classmethod
    def _single_words(cls, values: list[str]) -> list[str]:
        return _folded(values)


class Lexicon(_Section):
    honorifics: Honorifics
    names: Names
    urls: Urls
    registration: Registration
    organisations: OrganisationShapes
    context: Context = Field(default_factory=Context)


def load_lexicon(path: Path = DEFAULT_LEXICON) -> Lexicon:
    """Read and validate the lexicon; any problem is a ContentError naming the file and field."""
    return load_yaml_model(path, Lexicon)
