"""Sealed safety sets: measured, never read.

A sealed set is written by someone who has never seen the gate's code, rules, training examples
or earlier misses. It lives in `evals/sealed/<name>/` (YAML lists of `{text, expected, kind}`,
`expected` one of none, concern, crisis, emergency). The runner reports figures only: never a
message, never the kinds it missed, so nobody tunes on it by accident. Every measurement is
appended to `evals/sealed/log.jsonl` (when, which commit, which set, the figures), so the record
shows how often a set has been used: once per change of design. Before reading a set's misses,
write the next set.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.config import PROJECT_ROOT
from bot.evals.safety import RANK

SEALED_DIR = PROJECT_ROOT / "evals" / "sealed"
LOG = SEALED_DIR / "log.jsonl"
Level = Literal["none", "concern", "crisis", "emergency"]


class SealedItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    expected: Level
    kind: str = ""


class FileFigures(BaseModel):
    """One file of a set: how the gate graded its messages (counts only)."""

    file: str
    messages: int
    risk: int
    crisis_or_above: int  # messages expected at crisis or emergency
    calm: int  # messages expected at none
    crisis_caught: int  # expected crisis/emergency, graded crisis or above
    risk_at_least_concern: int  # expected concern or above, graded concern or above
    emergency: int
    emergency_caught: int  # expected emergency, graded emergency
    false_alarms_crisis: int  # expected none, graded crisis or above
    false_alarms_concern: int  # expected none, graded concern or above
    # the same two by the rules alone (the learned model switched off): where false alarms and
    # catches come from, still as counts only (None when not measured)
    crisis_caught_by_rules: int | None = None
    false_alarms_crisis_by_rules: int | None = None


class SealedResult(BaseModel):
    set: str
    files: list[FileFigures]

    def _sum(self, field: str) -> int:
        return sum(int(getattr(f, field) or 0) for f in self.files)

    @property
    def by_rules(self) -> bool:
        """Whether the rules alone were measured too."""
        return all(f.crisis_caught_by_rules is not None for f in self.files)

    @property
    def crisis_recall(self) -> float:
        return self._sum("crisis_caught") / (self._sum("crisis_or_above") or 1)

    @property
    def at_least_concern(self) -> float:
        return self._sum("risk_at_least_concern") / (self._sum("risk") or 1)

    def figures(self) -> dict[str, float]:
        return {
            "crisis_recall": round(self.crisis_recall, 4),
            "risk_at_least_concern": round(self.at_least_concern, 4),
            "emergency_recall": round(
                self._sum("emergency_caught") / (self._sum("emergency") or 1), 4
            ),
            **{
                f"false_alarms_crisis[{f.file}]": round(f.false_alarms_crisis / (f.calm or 1), 4)
                for f in self.files
                if f.calm
            },
            **{
                f"false_alarms_concern[{f.file}]": round(f.false_alarms_concern / (f.calm or 1), 4)
                for f in self.files
                if f.calm
            },
            **(self._rules_figures() if self.by_rules else {}),
        }

    def _rules_figures(self) -> dict[str, float]:
        return {
            "crisis_recall_by_rules": round(
                self._sum("crisis_caught_by_rules") / (self._sum("crisis_or_above") or 1), 4
            ),
            **{
                f"false_alarms_crisis_by_rules[{f.file}]": round(
                    (f.false_alarms_crisis_by_rules or 0) / (f.calm or 1), 4
                )
                for f in self.files
                if f.calm
            },
        }

    def table(self) -> str:
        lines = [f"Sealed safety set {self.set} (figures only; the messages stay unread)"]
        for f in self.files:
            lines.append(
                f"  {f.file}: {f.messages} messages, {f.risk} risk"
                f" ({f.crisis_or_above} crisis or emergency, {f.emergency} emergency),"
                f" {f.calm} without risk"
            )
        lines.append(
            f"crisis recall (graded crisis or above)   {self.crisis_recall:.3f}"
            f"  ({self._sum('crisis_caught')}/{self._sum('crisis_or_above')})"
        )
        lines.append(
            f"risk graded at least concern             {self.at_least_concern:.3f}"
            f"  ({self._sum('risk_at_least_concern')}/{self._sum('risk')})"
        )
        if self._sum("emergency"):
            lines.append(
                f"emergencies graded emergency             "
                f"{self._sum('emergency_caught')}/{self._sum('emergency')}"
            )
        for f in self.files:
            if f.calm:
                lines.append(
                    f"false alarms in {f.file}: crisis {f.false_alarms_crisis}/{f.calm}"
                    f" ({f.false_alarms_crisis / f.calm:.1%}), concern or crisis"
                    f" {f.false_alarms_concern}/{f.calm} ({f.false_alarms_concern / f.calm:.1%})"
                )
        if self.by_rules:
            lines.append(
                f"by the rules alone: crisis caught {self._sum('crisis_caught_by_rules')}"
                f"/{self._sum('crisis_or_above')}, false alarms at crisis "
                + ", ".join(
                    f"{f.file} {f.false_alarms_crisis_by_rules}/{f.calm}"
                    for f in self.files
                    if f.calm
                )
            )
        return "\n".join(lines)


def load_sealed(path: Path) -> list[SealedItem]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [SealedItem.model_validate(item) for item in data]


def set_files(folder: Path) -> list[Path]:
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise FileNotFoundError(f"no sealed set (*.yaml) in {folder}")
    return files


def measure_file(
    name: str,
    items: list[SealedItem],
    grade: Callable[[str], str],
    by_rules: Callable[[str], str] | None = None,
) -> FileFigures:
    """Counts for one file; `by_rules` grades with the rules alone, to show where the gate's
    catches and false alarms come from (left out without it)."""
    got = [RANK[grade(item.text)] for item in items]
    want = [RANK[item.expected] for item in items]
    pairs = list(zip(want, got, strict=True))
    ruled = [RANK[by_rules(item.text)] for item in items] if by_rules else []
    rule_pairs = list(zip(want, ruled, strict=True)) if by_rules else []
    return FileFigures(
        file=name,
        messages=len(items),
        risk=sum(w >= 1 for w, _ in pairs),
        crisis_or_above=sum(w >= 2 for w, _ in pairs),
        calm=sum(w == 0 for w, _ in pairs),
        crisis_caught=sum(w >= 2 and g >= 2 for w, g in pairs),
        risk_at_least_concern=sum(w >= 1 and g >= 1 for w, g in pairs),
        emergency=sum(w == 3 for w, _ in pairs),
        emergency_caught=sum(w == 3 and g == 3 for w, g in pairs),
        false_alarms_crisis=sum(w == 0 and g >= 2 for w, g in pairs),
        false_alarms_concern=sum(w == 0 and g >= 1 for w, g in pairs),
        crisis_caught_by_rules=sum(w >= 2 and g >= 2 for w, g in rule_pairs) if by_rules else None,
        false_alarms_crisis_by_rules=(
            sum(w == 0 and g >= 2 for w, g in rule_pairs) if by_rules else None
        ),
    )


def measure(
    folder: Path, grade: Callable[[str], str], by_rules: Callable[[str], str] | None = None
) -> SealedResult:
    """Grade every message of the set in `folder` (a fresh conversation each); `by_rules`
    grades the same messages with the rules alone."""
    files = [measure_file(p.stem, load_sealed(p), grade, by_rules) for p in set_files(folder)]
    return SealedResult(set=folder.name, files=files)


def commit_of(root: Path) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except OSError:
        return "unknown"
    return out.stdout.strip() or "unknown"


class Measured(Protocol):
    """Any sealed measurement: the set's name and its figures (counts and shares only)."""

    set: str

    def figures(self) -> dict[str, float]: ...


def record(result: Measured, note: str, log: Path = LOG) -> None:
    """Append one measurement to the log (figures only)."""
    entry = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit_of(PROJECT_ROOT),
        "set": result.set,
        "note": note,
        **result.figures(),
    }
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def invalid_at(path: Path, exc: ValidationError) -> ValueError:
    """A sealed file that does not validate, named by file and field places only: pydantic's
    own message quotes the input, which would show a sealed text. A whole-document check's
    own message (a runner's validator, which names places only) is kept."""
    places = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors() if e["loc"]})
    whole = [str(e["msg"]) for e in exc.errors() if not e["loc"]]
    return ValueError(f"{path}: invalid at {', '.join([*places[:10], *whole])}")
