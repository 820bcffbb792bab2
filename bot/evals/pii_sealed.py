"""Sealed names sets for the scrubber: measured, never read.

A sealed PII set is written by someone who has not seen the scrubber's code, name lists or
evals. It lives in ``evals/sealed/<name>/`` as YAML files in the format of
``evals/data/pii_holdout.yaml`` (a ``directory`` of workspace names and ``items`` of
``{text, entities}``). This runner reports figures only, never a message, a name or a missed
span, and appends each measurement to ``evals/sealed/log.jsonl`` beside the safety sets', so
the record shows how often a set has been used.

Scoring is by word, because a leak is a word: every word (a run of non-space characters) of a
gold entity counts once, and it is *recalled* when all its letters and digits are inside the
scrubber's findings, whatever their type (a name scrubbed as <ORG> is still gone). Figures:

- ``names_recall_by_word``: words of PERSON entities recalled;
- ``overall_recall_by_word``: words of entities of every type recalled;
- ``recall_by_word[TYPE]``: the same per entity type present in the set;
- ``clean_texts_changed``: the share of items without entities whose scrubbed text differs
  from the input (over-scrubbing).

Only the scrubber's public API is used (``Scrubber(data_dir=..., names=...)``, ``analyze``,
``scrub``), so this module can be copied into an older checkout to measure it there.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.config import PROJECT_ROOT
from bot.evals.pii import PiiDataset, PiiItem
from bot.evals.sealed import LOG, commit_of, set_files
from bot.privacy.scrub import Scrubber

PERSON = "PERSON"
_WORD = re.compile(r"\S+")
_KEPT = re.compile(r"\w")


class SealedSetError(ValueError):
    """A sealed set that does not load; the message names places, never the set's text."""


@dataclass
class WordCounts:
    words: Counter[str] = field(default_factory=Counter)  # gold words per entity type
    recalled: Counter[str] = field(default_factory=Counter)
    clean: int = 0  # items without entities
    clean_changed: int = 0
    items: int = 0

    def add(self, other: WordCounts) -> None:
        self.words.update(other.words)
        self.recalled.update(other.recalled)
        self.clean += other.clean
        self.clean_changed += other.clean_changed
        self.items += other.items


@dataclass(frozen=True)
class PiiSealedResult:
    set: str
    counts: WordCounts

    def figures(self) -> dict[str, float]:
        c = self.counts
        words, recalled = sum(c.words.values()), sum(c.recalled.values())
        return {
            "items": c.items,
            "names_recall_by_word": _ratio(c.recalled[PERSON], c.words[PERSON]),
            "overall_recall_by_word": _ratio(recalled, words),
            **{
                f"recall_by_word[{kind}]": _ratio(c.recalled[kind], c.words[kind])
                for kind in sorted(c.words)
            },
            "clean_texts_changed": _ratio(c.clean_changed, c.clean, empty=0.0),
        }

    def table(self) -> str:
        c = self.counts
        words, recalled = sum(c.words.values()), sum(c.recalled.values())
        lines = [
            f"Sealed PII set {self.set} (figures only; the messages stay unread)",
            f"  {c.items} items, {words} entity words ({c.words[PERSON]} in names),"
            f" {c.clean} items without entities",
            f"names recall by word      {_ratio(c.recalled[PERSON], c.words[PERSON]):.3f}"
            f"  ({c.recalled[PERSON]}/{c.words[PERSON]})",
            f"overall recall by word    {_ratio(recalled, words):.3f}  ({recalled}/{words})",
        ]
        for kind in sorted(c.words):
            lines.append(
                f"  {kind:<22}  {_ratio(c.recalled[kind], c.words[kind]):.3f}"
                f"  ({c.recalled[kind]}/{c.words[kind]})"
            )
        lines.append(
            f"clean texts changed       {_ratio(c.clean_changed, c.clean, empty=0.0):.3f}"
            f"  ({c.clean_changed}/{c.clean})"
        )
        return "\n".join(lines)


def _ratio(part: int, whole: int, *, empty: float = 1.0) -> float:
    return round(part / whole, 4) if whole else empty


def load_set_file(path: Path) -> PiiDataset:
    """Validate one file; an error names the file and the item, never the text."""
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SealedSetError(f"{path}: cannot read as YAML ({type(exc).__name__})") from None
    try:
        return PiiDataset.model_validate(data)
    except ValidationError as exc:
        places = sorted({".".join(str(p) for p in e["loc"]) or "document" for e in exc.errors()})
        raise SealedSetError(f"{path}: invalid at {', '.join(places[:10])}") from None


def is_pii_set(folder: Path) -> bool:
    """A PII set's files are mappings with ``items`` (a safety set's are lists)."""
    try:
        files = set_files(folder)
    except FileNotFoundError:
        return False
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not (isinstance(data, dict) and "items" in data):
            return False
    return True


def count_item(item: PiiItem, scrubber: Scrubber) -> WordCounts:
    counts = WordCounts(items=1)
    if not item.entities:
        counts.clean = 1
        counts.clean_changed = int(scrubber.scrub(item.text) != item.text)
        return counts
    covered = {i for f in scrubber.analyze(item.text) for i in range(f.start, f.end)}
    for span in item.spans():
        for word in _WORD.finditer(item.text, span.start, span.end):
            kept = {word.start() + m.start() for m in _KEPT.finditer(word.group())}
            counts.words[span.type] += 1
            counts.recalled[span.type] += int(kept <= covered)
    return counts


def measure_pii(folder: Path, data_dir: Path) -> PiiSealedResult:
    """Scrub every item of the set in ``folder``, each file with its own directory."""
    total = WordCounts()
    for path in set_files(folder):
        dataset = load_set_file(path)
        scrubber = Scrubber(data_dir=data_dir, names=dataset.directory)
        for item in dataset.items:
            total.add(count_item(item, scrubber))
    return PiiSealedResult(set=folder.name, counts=total)


def record_pii(result: PiiSealedResult, note: str, log: Path | None = None) -> None:
    """Append one measurement to the sealed sets' log (figures only), as the safety runner does."""
    log = log or LOG
    entry = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit_of(PROJECT_ROOT),
        "set": result.set,
        "kind": "pii",
        "note": note,
        **result.figures(),
    }
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")
