"""`anchor safety cv`: the safety gate measured writer by writer, on writers it was not trained on.

A model scored on its own writer's examples learns that writer's habits (their apologies, their
sentence length, how often they write "it") as much as risk, and looks better than it is. Here
each writer's examples are graded by the whole gate (rules and learned model) with a model
trained on every *other* writer's examples: leave one writer out. This is the in-house figure to
compare designs by; the sealed sets (`anchor eval safety --sealed`) stay the final word.

A writer is a file's author: `writer-<x>.yaml` in prompts/safety/training is writer X, and every
other file there (the first writer's parts, everyday and reflection files) is writer A.
Training takes a few seconds per writer left out (scikit-learn, in process).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from bot.coach.risk import Prepared, RiskModel
from bot.coach.safety import SafetyGate, SafetyState
from bot.content.training import Example, ExampleFile, training_files
from bot.datafiles import load_yaml_model
from bot.evals.safety import RANK

FIRST_WRITER = "A"
# a training label's rank among the gate's levels
WANT: dict[str, int] = {"non_crisis": 0, "concern": 1, "crisis": 2, "emergency": 3}


def writer_of(path: Path) -> str:
    stem = path.stem
    return stem.removeprefix("writer-").upper() if stem.startswith("writer-") else FIRST_WRITER


@dataclass
class Written:
    writer: str
    example: Example


def load_by_writer(prompts_dir: Path, extra: Sequence[Path] = ()) -> list[Written]:
    """Every training example with its writer; `extra` files join as writers of their own
    (to see how a new writer's examples fare before adding them)."""
    found: list[Written] = []
    for path in [*training_files(prompts_dir), *extra]:
        writer = writer_of(path)
        found += [Written(writer, e) for e in load_yaml_model(path, ExampleFile).root]
    return found


class WriterFigures(BaseModel):
    """How the gate graded one writer's examples, trained without them (counts)."""

    writer: str
    messages: int = 0
    crisis_or_above: int = 0
    crisis_caught: int = 0
    risk: int = 0
    risk_at_least_concern: int = 0
    emergency: int = 0
    emergency_caught: int = 0
    calm: int = 0
    false_alarms_crisis: int = 0
    false_alarms_concern: int = 0

    def add(self, want: int, got: int) -> None:
        self.messages += 1
        if want >= 2:
            self.crisis_or_above += 1
            self.crisis_caught += got >= 2
        if want >= 1:
            self.risk += 1
            self.risk_at_least_concern += got >= 1
        if want == 3:
            self.emergency += 1
            self.emergency_caught += got == 3
        if want == 0:
            self.calm += 1
            self.false_alarms_crisis += got >= 2
            self.false_alarms_concern += got >= 1

    def merged(self, other: WriterFigures, writer: str) -> WriterFigures:
        counts = {
            name: getattr(self, name) + getattr(other, name)
            for name in WriterFigures.model_fields
            if name != "writer"
        }
        return WriterFigures(writer=writer, **counts)

    def line(self) -> str:
        def share(part: int, whole: int) -> str:
            return f"{part / whole:.3f} ({part}/{whole})" if whole else "-"

        return (
            f"{self.writer:>5}  {self.messages:5d}"
            f"  {share(self.crisis_caught, self.crisis_or_above):>17}"
            f"  {share(self.risk_at_least_concern, self.risk):>17}"
            f"  {share(self.emergency_caught, self.emergency):>15}"
            f"  {share(self.false_alarms_crisis, self.calm):>15}"
            f"  {share(self.false_alarms_concern, self.calm):>15}"
        )


class CrossValidation(BaseModel):
    writers: list[WriterFigures] = Field(default_factory=list)

    @property
    def total(self) -> WriterFigures:
        total = WriterFigures(writer="all")
        for figures in self.writers:
            total = total.merged(figures, "all")
        return total

    def table(self) -> str:
        header = (
            "writer  msgs      crisis recall    risk >= concern      emergencies"
            "   false alarms     false alarms\n"
            "                                                                       "
            "     (crisis)        (concern)"
        )
        rows = [f.line() for f in [*self.writers, self.total]]
        return "\n".join(
            [
                "Leave one writer out: each writer graded by the gate trained on the others",
                header,
                *rows,
            ]
        )


def cross_validate(
    gate: SafetyGate,
    written: Sequence[Written],
    progress: Callable[[str], None] = lambda _: None,
) -> CrossValidation:
    """Grade each writer's examples with a model trained on the other writers' examples.
    The gate's own model is put back afterwards."""
    detector = gate.detector
    views = {
        w.example.text: Prepared(
            detector.own_text(w.example.text), detector.whole_text(w.example.text)
        )
        for w in written
    }
    shipped = detector.risk
    result = CrossValidation()
    try:
        for writer in sorted({w.writer for w in written}):
            progress(writer)
            train = [w.example for w in written if w.writer != writer]
            model, _ = RiskModel.train([views[e.text] for e in train], [e.label for e in train])
            detector.risk = model
            figures = WriterFigures(writer=writer)
            for w in written:
                if w.writer == writer:
                    got = RANK[str(gate.assess(w.example.text, SafetyState()).info.level)]
                    figures.add(WANT[w.example.label], got)
            result.writers.append(figures)
    finally:
        detector.risk = shipped
    return result
