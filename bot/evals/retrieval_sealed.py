"""Retrieval on a sealed coaching set: measured, never read.

The sealed coaching sets (`evals/sealed/<name>/questions.yaml`, read by
`bot.evals.coaching.load_coaching_set`) name, for each leader question, the cards that fit it.
This runner asks the shipped retrieval for each in-scope question that names at least one card
(out-of-scope requests have no fitting card and are left out) and scores dense, lexical and
hybrid ranking with the same code as `anchor eval retrieval` (`bot.evals.retrieval.evaluate`):
recall@1, recall@3 and MRR over the top 10 cards. Figures only: never a question, a card id or
a miss; each measurement is appended to `evals/sealed/log.jsonl` by `bot.evals.sealed.record`.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from bot.config import Settings
from bot.evals.coaching import CoachingSet, load_coaching_set
from bot.evals.retrieval import MethodScore, RetrievalItem, evaluate, method_rows
from bot.evals.sealed import invalid_at
from bot.knowledge.index import KnowledgeIndex
from bot.knowledge.retrieve import Retriever


class SealedRetrieval(BaseModel):
    set: str
    questions: int  # in-scope questions that name a fitting card
    methods: dict[str, MethodScore]

    def figures(self) -> dict[str, float]:
        found: dict[str, float] = {"questions": self.questions}
        for name, s in self.methods.items():
            found[f"recall_at_1[{name}]"] = round(s.recall_at_1, 4)
            found[f"recall_at_3[{name}]"] = round(s.recall_at_3, 4)
            found[f"mrr[{name}]"] = round(s.mrr, 4)
        return found

    def table(self) -> str:
        lines = [
            f"Sealed retrieval set {self.set} (figures only; the questions stay unread)",
            f"  {self.questions} in-scope questions with fitting cards",
            "",
            *method_rows(self.methods),
        ]
        return "\n".join(lines)


def retrieval_items(data: CoachingSet) -> list[RetrievalItem]:
    """The in-scope questions that name at least one fitting card, as retrieval items."""
    return [RetrievalItem(q=item.q, cards=item.cards) for item in data.questions if item.cards]


def load_questions(folder: Path) -> CoachingSet:
    """The set's questions; an error names the file and the places, never a question."""
    path = folder / "questions.yaml"
    try:
        return load_coaching_set(folder)
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read as YAML ({type(exc).__name__})") from None
    except ValidationError as exc:
        raise invalid_at(path, exc) from None


def measure_retrieval(folder: Path, retriever: Retriever) -> SealedRetrieval:
    """Score each ranking method on the set in `folder` (its misses are dropped unread)."""
    items = retrieval_items(load_questions(folder))
    if not items:
        raise FileNotFoundError(f"no in-scope question with fitting cards in {folder}")
    result = evaluate(retriever, items)
    return SealedRetrieval(set=folder.name, questions=result.questions, methods=result.methods)


def run_sealed_retrieval(settings: Settings, folder: Path) -> SealedRetrieval:
    index = KnowledgeIndex(
        settings.knowledge_dir, settings.index_dir, chroma_url=settings.chroma_url
    )
    return measure_retrieval(folder, Retriever.open(index))
