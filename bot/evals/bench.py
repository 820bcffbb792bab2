"""`anchor bench`: index build time, `anchor ask` cold start, per-turn latency and peak memory.

Timings on a shared machine are noisy, so each figure is reported beside a baseline measured
in the same run (a bare Python start; a bare retrieval call) as well as against its budget.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from pydantic import BaseModel

from bot.config import Settings
from bot.evals.retrieval import DEFAULT_SET as RETRIEVAL_SET
from bot.evals.retrieval import load_items as load_questions
from bot.evals.safety import DEFAULT_SET as SAFETY_SET
from bot.evals.safety import load_items as load_safety

FOLLOWUPS = [
    "tell me more",
    "what about with clinicians?",
    "and with the council?",
    "thanks",
    "go on",
]
BUDGETS = {
    "index_build_s": 10.0,
    "ask_cold_start_s": 4.0,
    "turn_p95_ms": 25.0,
    "peak_rss_mb": 300.0,
}


class BenchResult(BaseModel):
    cards: int
    index_build_s: float
    python_start_s: float
    ask_cold_start_s: float
    ask_peak_rss_mb: float
    turns: int
    turn_p50_ms: float
    turn_p95_ms: float
    turn_max_ms: float
    search_p50_ms: float
    peak_rss_mb: float

    def verdicts(self) -> dict[str, bool]:
        rss = max(self.peak_rss_mb, self.ask_peak_rss_mb)
        figures = {
            "index_build_s": self.index_build_s,
            "ask_cold_start_s": self.ask_cold_start_s,
            "turn_p95_ms": self.turn_p95_ms,
            "peak_rss_mb": rss,
        }
        return {name: figures[name] <= budget for name, budget in BUDGETS.items()}

    def table(self) -> str:
        ok = self.verdicts()
        rss = max(self.peak_rss_mb, self.ask_peak_rss_mb)
        rows = [
            ("index_build_s", "index build (fresh)", f"{self.index_build_s:.2f} s", "s", ""),
            (
                "ask_cold_start_s",
                "anchor ask cold start",
                f"{self.ask_cold_start_s:.2f} s",
                "s",
                f"{self.ask_cold_start_s / self.python_start_s:.1f}x a bare python start"
                f" ({self.python_start_s:.2f} s)",
            ),
            (
                "turn_p95_ms",
                "turn latency p95",
                f"{self.turn_p95_ms:.2f} ms",
                "ms",
                f"p50 {self.turn_p50_ms:.2f} ms, max {self.turn_max_ms:.2f} ms; p50 is"
                f" {self.turn_p50_ms / self.search_p50_ms:.1f}x a bare hybrid search"
                f" ({self.search_p50_ms:.2f} ms)",
            ),
            (
                "peak_rss_mb",
                "peak RSS",
                f"{rss:.1f} MB",
                "MB",
                f"bench process {self.peak_rss_mb:.1f} MB,"
                f" anchor ask {self.ask_peak_rss_mb:.1f} MB",
            ),
        ]
        lines = [f"Anchor bench ({self.cards} cards, {self.turns} turns)"]
        for key, label, value, unit, note in rows:
            verdict = "ok  " if ok[key] else "OVER"
            budget = f"budget {BUDGETS[key]:g} {unit}"
            lines.append(f"{verdict} {label:<24}{value:>12}   {budget:<16} {note}".rstrip())
        return "\n".join(lines)


def _ms(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def _rss_mb(usage: int) -> float:
    return usage / 1024 if sys.platform != "darwin" else usage / 1024 / 1024


def conversation_script(turns: int) -> list[tuple[str, str]]:
    """(user, message) pairs: questions, follow-ups, safety messages and small talk, varied."""
    questions = [item.q for item in load_questions(RETRIEVAL_SET)]
    others = [item.text for item in load_safety(SAFETY_SET)]
    script: list[tuple[str, str]] = []
    i = 0
    while len(script) < turns:
        user = f"bench:{i % 40}"
        script.append((user, questions[i % len(questions)]))
        script.append((user, FOLLOWUPS[i % len(FOLLOWUPS)]))
        if i % 3 == 0:
            script.append((user, others[i % len(others)]))
        i += 1
    return script[:turns]


def run_bench(settings: Settings, turns: int = 500) -> BenchResult:
    from bot.coach.engine import Coach
    from bot.knowledge.cards import card_files
    from bot.knowledge.embed import WordLlamaEmbedder
    from bot.knowledge.index import KnowledgeIndex

    workdir = Path(tempfile.mkdtemp(prefix="anchor-bench-"))
    try:
        # a full, fresh build, loading the embedding model included: what `anchor index` costs
        build_s = _timed(
            lambda: KnowledgeIndex(
                settings.knowledge_dir, workdir / "index", embedder=WordLlamaEmbedder()
            ).build()
        )

        env = {
            **os.environ,
            "ANCHOR_DATA_DIR": str(workdir),
            "ANCHOR_INDEX_DIR": str(workdir / "index"),
        }
        python_start = statistics.median(
            _timed(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True))
            for _ in range(3)
        )
        ask = [
            sys.executable,
            "-m",
            "bot",
            "ask",
            "how do I rebuild trust with the council?",
            "--json",
        ]
        subprocess.run(ask, env=env, check=True, capture_output=True)  # warm the OS file cache
        cold = statistics.median(
            _timed(lambda: subprocess.run(ask, env=env, check=True, capture_output=True))
            for _ in range(3)
        )
        ask_rss = _rss_mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)

        local = settings.model_copy(
            update={
                "data_dir": workdir,
                "index_dir_override": workdir / "index",
                "database_url": None,
            }
        )
        coach = Coach.from_settings(local)
        script = conversation_script(turns)
        samples = [_timed(partial(coach.respond, user, message)) for user, message in script]
        searches = [
            _timed(partial(coach.retriever.search, message, k=settings.top_k))
            for _, message in script[:200]
        ]
        return BenchResult(
            cards=len(card_files(settings.knowledge_dir)),
            index_build_s=build_s,
            python_start_s=python_start,
            ask_cold_start_s=cold,
            ask_peak_rss_mb=ask_rss,
            turns=len(samples),
            turn_p50_ms=_ms(samples, 0.5),
            turn_p95_ms=_ms(samples, 0.95),
            turn_max_ms=max(samples) * 1000,
            search_p50_ms=_ms(searches, 0.5),
            peak_rss_mb=_rss_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
