"""`anchor eval retrieval`: how often the right card comes back, per ranking method."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from bot.config import PROJECT_ROOT, Settings
from bot.knowledge.index import KnowledgeIndex
from bot.knowledge.retrieve import Method, Retriever

DEFAULT_SET = PROJECT_ROOT / "evals" / "data" / "retrieval.yaml"
METHODS: tuple[Method, ...] = ("dense", "lexical", "classifier", "neighbours", "hybrid")


class RetrievalItem(BaseModel):
    q: str = Field(min_length=1)
    cards: list[str] = Field(min_length=1)


class MethodScore(BaseModel):
    recall_at_1: float
    recall_at_3: float
    mrr: float


class RetrievalResult(BaseModel):
    questions: int
    methods: dict[str, MethodScore]
    misses: list[str] = Field(default_factory=list, description="hybrid misses at 3")

    def table(self) -> str:
        return "\n".join(
            [f"Retrieval eval: {self.questions} questions", "", *method_rows(self.methods)]
        )


def method_rows(methods: dict[str, MethodScore]) -> list[str]:
    """The header and one row per method: recall@1, recall@3 and MRR."""
    rows = [f"{'method':<10}{'recall@1':>10}{'recall@3':>10}{'MRR':>8}"]
    for name, s in methods.items():
        rows.append(f"{name:<10}{s.recall_at_1:>10.3f}{s.recall_at_3:>10.3f}{s.mrr:>8.3f}")
    return rows


def load_items(path: Path) -> list[RetrievalItem]:
    """A retrieval set (a list of {q, cards}) or a coaching set ({questions: [...]}: its
    questions and their fitting cards)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and "questions" in data:
        data = [{"q": item["q"], "cards": item["cards"]} for item in data["questions"]]
    return [RetrievalItem.model_validate(item) for item in data]


def score(ranked: list[list[str]], items: list[RetrievalItem]) -> MethodScore:
    r1 = r3 = rr = 0.0
    for cards, item in zip(ranked, items, strict=True):
        good = set(item.cards)
        rank = next((i for i, card in enumerate(cards, start=1) if card in good), None)
        if rank is not None:
            r1 += rank == 1
            r3 += rank <= 3
            rr += 1.0 / rank
    n = len(items) or 1
    return MethodScore(recall_at_1=r1 / n, recall_at_3=r3 / n, mrr=rr / n)


def evaluate(retriever: Retriever, items: list[RetrievalItem]) -> RetrievalResult:
    methods: dict[str, MethodScore] = {}
    misses: list[str] = []
    for method in METHODS:
        ranked = [retriever.rank_cards(item.q, method, k=10) for item in items]
        methods[method] = score(ranked, items)
        if method == "hybrid":
            misses = [
                f"{item.q} -> {cards[:3]} (want {item.cards})"
                for cards, item in zip(ranked, items, strict=True)
                if not set(cards[:3]) & set(item.cards)
            ]
    return RetrievalResult(questions=len(items), methods=methods, misses=misses)


def run_retrieval_eval(settings: Settings, path: Path) -> RetrievalResult:
    index = KnowledgeIndex(
        settings.knowledge_dir, settings.index_dir, chroma_url=settings.chroma_url
    )
    return evaluate(Retriever.open(index), load_items(path))
