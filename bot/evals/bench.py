"""`anchor bench`: index build, `anchor ask` cold start, per-turn latency (plain turns and
coaching flows), the slow-LLM fallback, the safety gate (per message, and on long hostile
inputs), scrubbing, themes, and peak memory.

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

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
FLOW_ANSWERS = {
    "text": "I rushed it because the diary was full and I wanted to look in control.",
    "commitment": "I will book a one-to-one with the council director by next Friday.",
    "scale": "6",
    "choice": "2",
}
LLM_TIMEOUT_S = 0.3
# Long messages made of one phrase repeated: the shapes most likely to make a safety rule
# backtrack (half-matches of crisis phrasings, exclusions, quoted speech, dates, numbers).
LONG_MESSAGE_CHARS = 50_000
LONG_MESSAGE_UNITS = [
    "The restructure has been brutal and the board keeps asking for more. ",
    "years ago i was suicidal and ",
    "in 2015 we had a dark period and ",
    "she said 'hello ",
    "if one more and another ",
    "hopeless nothing left ",
    "my colleague told me ",
    "the fast trains the tracks ",
]


class Figure(BaseModel):
    key: str
    label: str
    value: float
    unit: str
    budget: float | None = None
    at_least: bool = False  # the budget is a floor (a rate), not a ceiling
    note: str = ""

    @property
    def ok(self) -> bool:
        if self.budget is None:
            return True
        return self.value >= self.budget if self.at_least else self.value <= self.budget


class BenchResult(BaseModel):
    cards: int
    turns: int
    flow_turns: int
    figures: list[Figure]

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)

    def table(self) -> str:
        lines = [
            f"Anchor bench ({self.cards} cards, {self.turns} turns, {self.flow_turns} flow turns)"
        ]
        for f in self.figures:
            verdict = "    " if f.budget is None else ("ok  " if f.ok else "OVER")
            floor = ">= " if f.at_least else ""
            budget = f"budget {floor}{f.budget:g} {f.unit}" if f.budget is not None else ""
            value = f"{f.value:.2f} {f.unit}"
            lines.append(f"{verdict} {f.label:<30}{value:>12}   {budget:<17}{f.note}".rstrip())
        return "\n".join(lines)


def percentile_ms(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def rss_mb(usage: int) -> float:
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


class SlowModel:
    """Stands in for a provider that never answers in time."""

    def invoke(self, _messages: Any) -> Any:
        time.sleep(LLM_TIMEOUT_S * 4)
        return '{"reply": "too late?", "cited_card_ids": []}'


@contextmanager
def scratch_settings(settings: Settings) -> Iterator[tuple[Settings, Path]]:
    workdir = Path(tempfile.mkdtemp(prefix="anchor-bench-"))
    try:
        yield (
            settings.model_copy(
                update={
                    "data_dir": workdir,
                    "index_dir_override": workdir / "index",
                    "database_url": None,
                    "llm": "offline",
                }
            ),
            workdir,
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def cold_start(workdir: Path) -> tuple[float, float, float]:
    """Median wall time of a bare python start and of `anchor ask`, and the ask's peak RSS."""
    env = {
        **os.environ,
        "ANCHOR_DATA_DIR": str(workdir),
        "ANCHOR_INDEX_DIR": str(workdir / "index"),
    }
    python = statistics.median(
        timed(partial(subprocess.run, [sys.executable, "-c", "pass"], check=True)) for _ in range(3)
    )
    ask = [sys.executable, "-m", "bot", "ask", "how do I rebuild trust with the council?", "--json"]
    run = partial(subprocess.run, ask, env=env, check=True, capture_output=True)
    run()  # warm the OS file cache
    cold = statistics.median(timed(run) for _ in range(3))
    return python, cold, child_peak_mb(ask, env)


def child_peak_mb(command: list[str], env: dict[str, str]) -> float:
    """Peak RSS of `command` alone. It is started from a small Python wrapper: a child forked
    straight from this (large) process would count this process's pages as its own."""
    wrapper = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *command],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return rss_mb(int(done.stdout.split()[-1]))


def run_bench(settings: Settings, turns: int = 500, themes_messages: int = 100_000) -> BenchResult:
    from bot.coach.engine import Coach
    from bot.coach.llm import LLMResponder
    from bot.coach.polish import Polisher
    from bot.content.llm_prompts import load_llm_prompts
    from bot.evals.style import load_set
    from bot.knowledge.cards import card_files
    from bot.knowledge.embed import WordLlamaEmbedder
    from bot.knowledge.index import KnowledgeIndex

    with scratch_settings(settings) as (local, workdir):
        # a full, fresh build, loading the embedding model included: what `anchor index` costs
        build = timed(
            lambda: KnowledgeIndex(
                local.knowledge_dir, local.index_dir, embedder=WordLlamaEmbedder()
            ).build()
        )
        python_start, ask_cold, ask_rss = cold_start(workdir)

        coach = Coach.from_settings(local)
        script = conversation_script(turns)
        plain = [timed(partial(coach.respond, user, message)) for user, message in script]
        searches = [
            timed(partial(coach.retriever.search, message, k=local.top_k))
            for _, message in script[:200]
        ]

        flow = []
        starts = [f"exercise {e.title}" for e in coach.flows.exercises.values()]
        starts += [f"scenario {s.title}" for s in coach.flows.scenarios.values()]
        grow = next(c for c in load_set().conversations if c.name == "grow session")
        for n, start in enumerate(starts):
            user = f"bench:timed:{n}"
            flow += [timed(partial(coach.respond, user, m)) for m in flow_messages(coach, start)]
        flow += [timed(partial(coach.respond, "bench:grow", m)) for m in grow.turns]

        prompts = load_llm_prompts(local.prompts_dir)
        coach.polisher = Polisher(
            LLMResponder(SlowModel(), prompts, LLM_TIMEOUT_S), coach.retriever, coach.flows, None
        )
        fallback = [
            timed(partial(coach.respond, f"bench:llm:{n}", message)) - LLM_TIMEOUT_S
            for n, (_, message) in enumerate(script[:20])
        ]
        gate_figures = safety_gate_figures(local, percentile_ms(searches, 0.5))
        peak = rss_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        scrub_rate, scrub_baseline = scrub_rates(local)
        directory_s = directory_names_seconds(local)
    from bot.evals.themes import bench_themes  # after the coach's peak: it loads scikit-learn

    themes = bench_themes(themes_messages) if themes_messages else None

    search_p50 = percentile_ms(searches, 0.5)
    plain_p50 = percentile_ms(plain, 0.5)
    return BenchResult(
        cards=len(card_files(settings.knowledge_dir)),
        turns=len(plain),
        flow_turns=len(flow),
        figures=[
            Figure(
                key="index_build_s", label="index build (fresh)", value=build, unit="s", budget=10
            ),
            Figure(
                key="ask_cold_start_s",
                label="anchor ask cold start",
                value=ask_cold,
                unit="s",
                budget=4,
                note=f"{ask_cold / python_start:.1f}x a bare python start ({python_start:.2f} s)",
            ),
            Figure(
                key="turn_p95_ms",
                label="turn latency p95",
                value=percentile_ms(plain, 0.95),
                unit="ms",
                budget=25,
                note=f"p50 {plain_p50:.2f} ms = {plain_p50 / search_p50:.1f}x a bare hybrid"
                f" search ({search_p50:.2f} ms)",
            ),
            Figure(
                key="flow_turn_p95_ms",
                label="GROW/exercise/scenario p95",
                value=percentile_ms(flow, 0.95),
                unit="ms",
                budget=25,
                note=f"p50 {percentile_ms(flow, 0.5):.2f} ms",
            ),
            Figure(
                key="llm_fallback_overhead_ms",
                label="slow-LLM fallback overhead",
                value=percentile_ms(fallback, 0.95),
                unit="ms",
                budget=100,
                note=f"p95 of reply time minus the {LLM_TIMEOUT_S:g} s LLM timeout",
            ),
            *gate_figures,
            Figure(
                key="peak_rss_mb",
                label="peak RSS",
                value=max(peak, ask_rss),
                unit="MB",
                budget=300,
                note=f"bench process {peak:.1f} MB, anchor ask {ask_rss:.1f} MB",
            ),
            Figure(
                key="scrub_rate_per_s",
                label="scrubbing (messages/s)",
                value=scrub_rate,
                unit="msg/s",
                budget=500,
                at_least=True,
                note=f"{scrub_rate / scrub_baseline:.2f}x Presidio's default recognizers alone"
                f" ({scrub_baseline:.0f}/s); one core, the PII eval's sentences",
            ),
            Figure(
                key="directory_names_s",
                label="5,500 directory names added",
                value=directory_s,
                unit="s",
                budget=5,
                note=f"{directory_s * scrub_rate:.0f}x scrubbing one message;"
                " 5,000 at once, then 500 one at a time as people join",
            ),
            *theme_figures(themes, themes_messages),
        ],
    )


def long_message(unit: str) -> str:
    return (unit * (LONG_MESSAGE_CHARS // len(unit) + 1))[:LONG_MESSAGE_CHARS]


def safety_gate_figures(settings: Settings, search_p50_ms: float) -> list[Figure]:
    """The whole gate (rules and learned model) on every message of the safety eval, best of
    three passes: the mean per message, and the p95 over messages of each one's best time; and
    the slowest of the long repeated-phrase messages."""
    from bot.coach.safety import SafetyGate, SafetyState

    gate = SafetyGate.from_dir(settings.prompts_dir, settings.eap_line)
    texts = [item.text for item in load_safety(SAFETY_SET)]

    def one_pass() -> list[float]:
        return [timed(partial(gate.assess, text, SafetyState())) for text in texts]

    def encoder_calls() -> int:
        risk = gate.detector.risk
        encoder = None if risk is None else risk.encoder
        return encoder.get().calls if encoder is not None and encoder.loaded else 0

    used: list[bool] = []  # which messages needed the encoder
    for text in texts:  # also warms caches
        before = encoder_calls()
        gate.assess(text, SafetyState())
        used.append(encoder_calls() > before)
    passes = [one_pass() for _ in range(3)]
    per_message = min(sum(times) for times in passes) / len(texts) * 1000
    best = [min(times) for times in zip(*passes, strict=True)]
    p95 = percentile_ms(best, 0.95)
    without = [t for t, u in zip(best, used, strict=True) if not u] or [0.0]
    encoder_note = (
        f"; {sum(used)} needed the encoder, the other {len(without)} p95"
        f" {percentile_ms(without, 0.95):.2f} ms"
        if any(used)
        else ""
    )
    longest = max(
        timed(partial(gate.assess, long_message(u), SafetyState())) for u in LONG_MESSAGE_UNITS
    )
    return [
        Figure(
            key="safety_gate_ms",
            label="safety gate per message",
            value=per_message,
            unit="ms",
            budget=1,
            note=f"{per_message / search_p50_ms:.2f}x a bare hybrid search; {len(texts)} messages",
        ),
        Figure(
            key="safety_gate_p95_ms",
            label="safety gate p95 per message",
            value=p95,
            unit="ms",
            budget=2,
            note=f"{p95 / search_p50_ms:.2f}x a bare hybrid search; each message's best of 3"
            + encoder_note,
        ),
        Figure(
            key="safety_gate_long_ms",
            label="safety gate, 50,000 chars",
            value=longest * 1000,
            unit="ms",
            budget=800,
            note=f"slowest of {len(LONG_MESSAGE_UNITS)} repeated-phrase messages",
        ),
    ]


def directory_names_seconds(settings: Settings) -> float:
    """Seconds to teach the scrubber a 5,000-person Slack directory, then 500 joiners."""
    from bot.privacy.given_names import load_given_names
    from bot.privacy.scrub import Scrubber

    given = load_given_names().all()
    surnames = ["Okafor", "Nowak", "Begum", "Murphy", "Chen", "Patel", "Evans", "Mensah"]
    names = [f"{given[i % len(given)]} {surnames[i // len(given) % 8]}" for i in range(5000)]
    scrubber = Scrubber(data_dir=settings.data_dir)

    def add() -> None:
        scrubber.add_names(names)
        for name in names[:500]:
            scrubber.add_names([name])

    return timed(add)


def scrub_rates(settings: Settings) -> tuple[float, float]:
    """Messages per second through our scrubber, and through Presidio's default recognizers
    (the same-run baseline), on the PII eval's sentences."""
    from bot.evals.pii import (
        DEFAULT_SET,
        load_dataset,
        measure_scrub_rate,
        offline_tldextract,
        presidio_default_analyzer,
    )
    from bot.privacy.scrub import Scrubber

    texts = [item.text for item in load_dataset(DEFAULT_SET).items]
    ours = measure_scrub_rate(Scrubber(data_dir=settings.data_dir), texts, repeat=3)
    with offline_tldextract():
        analyzer = presidio_default_analyzer()
        started = time.perf_counter()
        for text in texts * 3:
            analyzer.analyze(text=text, language="en")
        baseline = len(texts) * 3 / (time.perf_counter() - started)
    return ours, baseline


def theme_figures(found: dict[str, float] | None, messages: int) -> list[Figure]:
    if found is None:
        return []
    return [
        Figure(
            key="themes_s",
            label=f"themes, {messages:,} messages",
            value=found["seconds"],
            unit="s",
            budget=60,
            note=f"{found['themes']:.0f} themes; building the synthetic corpus took "
            f"{found['generate_seconds']:.1f} s more",
        ),
        Figure(
            key="themes_rss_mb",
            label="themes peak RSS",
            value=found["peak_rss_mb"],
            unit="MB",
            budget=1024,
            note="the whole child process, the corpus included",
        ),
    ]


def flow_messages(coach: Any, start: str) -> list[str]:
    """The messages a cooperative leader sends through one flow, worked out on a dry run."""
    from bot.evals.style import run_flow

    return [message for message, _ in run_flow(coach, f"bench:dry:{start}", start, FLOW_ANSWERS)]
