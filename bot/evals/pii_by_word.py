"""`anchor eval pii --by-word`: the sealed sets' word figures on every in-house PII set.

The same scoring as :mod:`bot.evals.pii_sealed` (a gold word is recalled when all its letters
and digits are scrubbed, under any tag; a clean text is changed when scrubbing alters it), run
on the labelled sets in ``evals/data`` that anyone may read, each file with its own directory
of workspace names. Unlike the sealed runner it may show what was missed: ``misses`` lists the
words left standing and the clean texts that changed, for tuning on the sets that allow it
(``pii_context_holdout.yaml`` is for reporting only).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.evals.pii import PiiItem
from bot.evals.pii_sealed import PERSON, PiiSealedResult, WordCounts, count_item, load_set_file
from bot.privacy.scrub import Scrubber

DATA = PROJECT_ROOT / "evals" / "data"
ORGANISATION = "ORGANISATION"
_WORD = re.compile(r"\S+")  # as the sealed runner counts them
_KEPT = re.compile(r"\w")
IN_HOUSE_SETS: tuple[Path, ...] = tuple(
    DATA / name
    for name in (
        "pii.yaml",
        "pii_holdout.yaml",
        "pii_context.yaml",
        "pii_context_holdout.yaml",
        "pii_dev_blind.yaml",
        "pii_dev_blind2.yaml",
        "pii_dev_blind3.yaml",
        "pii_dev_blind4.yaml",
        "pii_dev_blind5.yaml",
        "pii_dev_blind6.yaml",
        "pii_dev_blind7.yaml",
        "pii_dev_blind8.yaml",
        "pii_dev_blind9.yaml",
        "pii_dev_blind10.yaml",
        "pii_dev_blind11.yaml",
        "pii_dev_blind12.yaml",
        "pii_dev_blind13.yaml",
        "pii_dev_blind14.yaml",
        "pii_dev_blind15.yaml",
        "pii_dev_blind16.yaml",
        "pii_dev_blind17.yaml",
    )
)


@dataclass
class SetResult:
    path: Path
    result: PiiSealedResult
    misses: list[str] = field(default_factory=list)  # "TYPE 'word' in: text"
    changed: list[str] = field(default_factory=list)  # "text -> scrubbed"


def _item_misses(item: PiiItem, scrubber: Scrubber) -> list[str]:
    covered = {i for f in scrubber.analyze(item.text) for i in range(f.start, f.end)}
    missed: list[str] = []
    for span in item.spans():
        for word in _WORD.finditer(item.text, span.start, span.end):
            letters = {word.start() + i for i, char in enumerate(word.group()) if _KEPT.match(char)}
            if not letters <= covered:
                missed.append(f"{span.type} {word.group()!r} in: {item.text}")
    return missed


def measure_file(path: Path, data_dir: Path) -> SetResult:
    """Scrub every item of one labelled set with a scrubber given its directory."""
    dataset = load_set_file(path)
    scrubber = Scrubber(data_dir=data_dir, names=dataset.directory)
    total = WordCounts()
    found = SetResult(path=path, result=PiiSealedResult(set=path.name, counts=total))
    for item in dataset.items:
        counts = count_item(item, scrubber)
        total.add(counts)
        if sum(counts.recalled.values()) < sum(counts.words.values()):
            found.misses.extend(_item_misses(item, scrubber))
        if counts.clean_changed:
            found.changed.append(f"{item.text} -> {scrubber.scrub(item.text)}")
    return found


def _figure(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "-"


def format_by_word(results: Sequence[SetResult], *, misses: bool = False) -> str:
    """One row per set: names, organisations and all types recalled by word; clean changed."""
    header = (
        f"{'set':<26}{'items':>6}  {'names':<19}{'organisations':<19}{'overall':<19}clean changed"
    )
    lines = [header, "-" * len(header)]
    for found in results:
        c = found.result.counts
        words, recalled = sum(c.words.values()), sum(c.recalled.values())
        lines.append(
            f"{found.path.name:<26}{c.items:>6}  {_figure(c.recalled[PERSON], c.words[PERSON]):<19}"
            f"{_figure(c.recalled[ORGANISATION], c.words[ORGANISATION]):<19}"
            f"{_figure(recalled, words):<19}{_figure(c.clean_changed, c.clean)}"
        )
    lines.append(
        "A word is recalled when all its letters and digits are scrubbed (under any tag);"
        " clean changed: texts without personal data that scrubbing altered."
    )
    if misses:
        for found in results:
            lines.extend(f"  missed {found.path.name}: {line}" for line in found.misses)
            lines.extend(f"  changed {found.path.name}: {line}" for line in found.changed)
    return "\n".join(lines)
