"""`anchor eval pii`: recall and precision of the PII scrubber per entity type, beside Presidio.

Two systems are scored on the same labelled sentences (``evals/data/pii.yaml``):

- **ours**: :class:`bot.privacy.scrub.Scrubber`, given the file's ``directory`` (the Slack
  workspace's member names) through ``add_names``, as the Slack layer does with users.list.
- **presidio**: Presidio's predefined recognizers alone, exactly as
  ``RecognizerRegistry().load_predefined_recognizers()`` loads them (UK postcode and NI number
  recognizers ship disabled), with the same offline blank spaCy pipeline (so no NER, no
  download) and Presidio's default score threshold. Only the entity types that map onto ours
  are asked for (Presidio's DATE_TIME, IBAN... are not PII in this set, so not counted against
  it); the types it has no recognizer for score 0 recall. ``tldextract`` (used by Presidio's
  e-mail validator) is pointed at its bundled suffix-list snapshot for the run: no fetch.

Matching rule (character based, so the boundary conventions of either system do not matter):

- A gold entity is *recalled* when the findings of its type together cover at least
  ``MIN_COVERAGE`` (75%) of its non-space characters: "Dr Adeyemi" is recalled by a finding
  over "Adeyemi" or "Dr Adeyemi", a phone number is not recalled by its first half.
- A finding is a *true positive* for its type when it overlaps a gold entity of that type.
- The overall row ignores types: a gold entity is recalled when findings of any type cover it
  (it is redacted, whatever the tag), and a finding is correct when it overlaps any gold entity.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

import spacy
import tldextract
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from bot.config import PROJECT_ROOT
from bot.datafiles import load_yaml_model
from bot.privacy.nlp import LANGUAGE, OfflineSpacyNlpEngine
from bot.privacy.scrub import Scrubber

DEFAULT_SET = PROJECT_ROOT / "evals" / "data" / "pii.yaml"
HOLDOUT_SET = PROJECT_ROOT / "evals" / "data" / "pii_holdout.yaml"

EntityType = Literal[
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "UK_NHS",
    "UK_POSTCODE",
    "UK_NINO",
    "URL",
    "SLACK_MENTION",
    "ORGANISATION",
    "REG_NUMBER",
]
ENTITY_TYPES: tuple[str, ...] = get_args(EntityType)
OVERALL = "overall"
MIN_COVERAGE = 0.75
MAX_LISTED = 40

# Presidio's entity names -> ours. MEDICAL_LICENSE is the US DEA number, its nearest kind.
PRESIDIO_TYPES: dict[str, str] = {
    "PERSON": "PERSON",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "UK_NHS": "UK_NHS",
    "UK_POSTCODE": "UK_POSTCODE",
    "UK_NINO": "UK_NINO",
    "URL": "URL",
    "ORGANIZATION": "ORGANISATION",
    "MEDICAL_LICENSE": "REG_NUMBER",
}

_SPACE = re.compile(r"\s")


# --------------------------------------------------------------------------- the data


class GoldEntity(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: EntityType
    text: str = Field(min_length=1)
    occurrence: int = Field(default=1, ge=1)


class PiiItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1)
    entities: list[GoldEntity] = Field(default_factory=list)

    @model_validator(mode="after")
    def _entities_occur(self) -> PiiItem:
        for entity in self.entities:
            if self.text.count(entity.text) < entity.occurrence:
                raise ValueError(
                    f"{entity.text!r} does not occur {entity.occurrence} time(s) in {self.text!r}"
                )
        return self

    def spans(self) -> list[Span]:
        """Where each gold entity is in the text."""
        return [Span(e.type, *_locate(self.text, e.text, e.occurrence)) for e in self.entities]


class PiiDataset(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    directory: list[str] = Field(default_factory=list)
    items: list[PiiItem] = Field(min_length=1)


def load_dataset(path: Path) -> PiiDataset:
    """Read and validate a PII set; any problem is a ContentError naming the file and field."""
    return load_yaml_model(path, PiiDataset)


def _locate(text: str, fragment: str, occurrence: int) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = text.index(fragment, start + 1)
    return start, start + len(fragment)


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Span:
    type: str
    start: int
    end: int

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


Detector = Callable[[str], list[Span]]


class TypeScore(BaseModel):
    support: int = 0  # gold entities of this type
    recalled: int = 0
    findings: int = 0  # findings of this type
    correct_findings: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float:
        return self.recalled / self.support if self.support else 1.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float:
        return self.correct_findings / self.findings if self.findings else 1.0


class SystemScore(BaseModel):
    name: str
    by_type: dict[str, TypeScore]
    overall: TypeScore
    misses: list[str] = Field(default_factory=list)  # "TYPE 'text' in: sentence"
    false_alarms: list[str] = Field(default_factory=list)  # "TYPE 'text' in: sentence"

    def score(self, entity: str) -> TypeScore:
        """The row for an entity type, or ``OVERALL``."""
        return self.overall if entity == OVERALL else self.by_type[entity]

    def recall(self, entity: str) -> float:
        return self.score(entity).recall

    def precision(self, entity: str) -> float:
        return self.score(entity).precision


class PiiReport(BaseModel):
    data_path: str
    items: int
    entities: int
    ours: SystemScore
    presidio: SystemScore


def score(name: str, items: Sequence[PiiItem], detect: Detector) -> SystemScore:
    """Score one detector on ``items`` by the matching rule in the module docstring."""
    by_type = {entity: TypeScore() for entity in ENTITY_TYPES}
    overall = TypeScore()
    result = SystemScore(name=name, by_type=by_type, overall=overall)
    for item in items:
        gold = item.spans()
        found = detect(item.text)
        for entity in gold:
            typed = by_type[entity.type]
            typed.support += 1
            overall.support += 1
            same_type = [f for f in found if f.type == entity.type]
            if _coverage(item.text, entity, same_type) >= MIN_COVERAGE:
                typed.recalled += 1
            else:
                result.misses.append(_describe(item.text, entity))
            if _coverage(item.text, entity, found) >= MIN_COVERAGE:
                overall.recalled += 1
        for finding in found:
            typed = by_type.setdefault(finding.type, TypeScore())
            typed.findings += 1
            overall.findings += 1
            if any(g.type == finding.type and g.overlaps(finding) for g in gold):
                typed.correct_findings += 1
            else:
                result.false_alarms.append(_describe(item.text, finding))
            if any(g.overlaps(finding) for g in gold):
                overall.correct_findings += 1
    return result


def _coverage(text: str, entity: Span, findings: Sequence[Span]) -> float:
    """The share of the entity's non-space characters inside ``findings``."""
    wanted = _non_space(text, entity)
    covered = {i for f in findings if f.overlaps(entity) for i in range(f.start, f.end)}
    return len(wanted & covered) / len(wanted) if wanted else 1.0


def _describe(text: str, span: Span) -> str:
    return f"{span.type} {text[span.start : span.end]!r} in: {text}"


def _non_space(text: str, span: Span) -> set[int]:
    return {i for i in range(span.start, span.end) if not _SPACE.match(text[i])}


# --------------------------------------------------------------------------- the two systems


def scrubber_detector(scrubber: Scrubber) -> Detector:
    def detect(text: str) -> list[Span]:
        return [Span(f.entity, f.start, f.end) for f in scrubber.analyze(text)]

    return detect


@contextmanager
def offline_tldextract() -> Iterator[None]:
    """Point ``tldextract.extract`` at the suffix list bundled with it: no fetch, no cache."""
    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    original = tldextract.extract
    setattr(tldextract, "extract", extractor)  # noqa: B010 - a module attribute, restored below
    try:
        yield
    finally:
        setattr(tldextract, "extract", original)  # noqa: B010


def presidio_default_analyzer() -> AnalyzerEngine:
    """Presidio's predefined recognizers with an offline blank spaCy pipeline (no NER)."""
    nlp_engine = OfflineSpacyNlpEngine(spacy.blank(LANGUAGE))
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.load_predefined_recognizers(languages=[LANGUAGE], nlp_engine=nlp_engine)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE])


def presidio_detector(analyzer: AnalyzerEngine) -> Detector:
    supported = set(analyzer.get_supported_entities(language=LANGUAGE))
    entities = sorted(supported & PRESIDIO_TYPES.keys())

    def detect(text: str) -> list[Span]:
        results = analyzer.analyze(text=text, language=LANGUAGE, entities=entities)
        return [Span(PRESIDIO_TYPES[r.entity_type], r.start, r.end) for r in results]

    return detect


def run_pii_eval(data_path: Path, data_dir: Path) -> PiiReport:
    """Score our scrubber and Presidio's defaults on the set at ``data_path``."""
    dataset = load_dataset(data_path)
    scrubber = Scrubber(data_dir=data_dir, names=dataset.directory)
    return evaluate(dataset, scrubber, data_path=data_path)


def evaluate(dataset: PiiDataset, scrubber: Scrubber, *, data_path: Path) -> PiiReport:
    """Score an already built scrubber (its names are the caller's business) and Presidio."""
    ours = score("ours", dataset.items, scrubber_detector(scrubber))
    with offline_tldextract():
        presidio = score("presidio", dataset.items, presidio_detector(presidio_default_analyzer()))
    return PiiReport(
        data_path=str(data_path),
        items=len(dataset.items),
        entities=sum(len(item.entities) for item in dataset.items),
        ours=ours,
        presidio=presidio,
    )


# --------------------------------------------------------------------------- output and speed


def format_pii_report(report: PiiReport, *, show_errors: bool = True) -> str:
    """A plain-text table: one row per entity type and overall, ours beside Presidio."""
    header = (
        f"{'entity':<15}{'ours R':>8}{'ours P':>8}{'presidio R':>12}{'presidio P':>12}"
        f"{'support':>9}"
    )
    lines = [
        f"PII eval: {report.items} sentences, {report.entities} entities ({report.data_path})",
        header,
        "-" * len(header),
    ]
    ours, theirs = report.ours, report.presidio
    for entity in (*ENTITY_TYPES, OVERALL):
        lines.append(
            f"{entity:<15}{ours.recall(entity):>8.3f}{_precision(ours, entity):>8}"
            f"{theirs.recall(entity):>12.3f}{_precision(theirs, entity):>12}"
            f"{ours.score(entity).support:>9}"
        )
    lines.extend(
        [
            "R: gold entities >= 75% covered by findings of the same type (overall: any type).",
            "P: findings overlapping a gold entity of their type (overall: of any type);",
            "   '-' where a system found nothing of that type.",
        ]
    )
    if show_errors:
        lines.extend(_listed("ours missed", report.ours.misses))
        lines.extend(_listed("ours flagged wrongly", report.ours.false_alarms))
    return "\n".join(lines)


def _precision(system: SystemScore, entity: str) -> str:
    return f"{system.precision(entity):.3f}" if system.score(entity).findings else "-"


def _listed(title: str, entries: Sequence[str]) -> list[str]:
    if not entries:
        return []
    shown = [f"  {entry}" for entry in entries[:MAX_LISTED]]
    more = [f"  ... and {len(entries) - MAX_LISTED} more"] if len(entries) > MAX_LISTED else []
    return [f"{title} ({len(entries)}):", *shown, *more]


def measure_scrub_rate(
    scrubber: Scrubber,
    texts: Sequence[str],
    repeat: int = 5,
    *,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Messages scrubbed per second, over ``repeat`` passes of ``texts`` after one warm-up.

    Wall time by default; pass ``clock=time.process_time`` for CPU time, steadier on a busy
    shared machine (scrubbing is single-threaded, so that is the rate of one core).
    """
    if not texts or repeat < 1:
        raise ValueError("need at least one text and one pass")
    for text in texts:
        scrubber.scrub(text)
    started = clock()
    for _ in range(repeat):
        for text in texts:
            scrubber.scrub(text)
    elapsed = clock() - started
    return len(texts) * repeat / elapsed if elapsed > 0 else float("inf")
