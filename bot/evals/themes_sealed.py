"""Themes on a sealed corpus: measured, never read.

A sealed themes set is written blind, by someone who has not seen the themes engine, the
scrubber or the in-house corpus. It lives in `evals/sealed/<name>/corpus.yaml`:

    directory: ["Firstname Lastname", ...]      # workspace members: position i is leader i+1
    themes: {theme_id: {title: "..."}}
    messages: [{leader: 1, day: 3, theme: theme_id | null, text: "..."}]   # day 0..~100
    planted: ["exact substrings that must never reach a report"]

It goes through the path a deployment's messages take: each text scrubbed by the deployment's
scrubber with the directory's names added (as the Slack app adds `users.list`), the themes
engine over one window of whole weeks holding every day (k = `ANCHOR_MIN_COHORT`, the
directory's names on the engine's deny-list), then the release of the programme report (noised
counts, themes under k withheld) rendered as JSON, CSV and HTML.

Figures, never a message, a name, a keyword or a theme id:

- **ARI, NMI**: the engine's shown themes against the writer's themes, over the messages that
  have one (null themes left out, as in `anchor eval themes`; messages in no shown theme count
  as one group), beside TF-IDF + KMeans given the true number of themes.
- **themes found**: a planted theme is found when more than half of its messages land in one
  theme of the released report.
- **rare theme**: the planted theme with the fewest distinct leaders (then fewest messages);
  whether it is shown (found, as above, in a reported theme more than half of whose messages
  are its own: a rare theme swallowed by a bigger one is not visible) and whether the k rule
  allows it (leaders >= k).
- **leaks**: planted strings (case-insensitive, as whole words) in any report file, and
  verbatim fragments: runs of 8 consecutive words of a message (raw or scrubbed) found in any
  report file, leaving out runs that the report's own fixed wording holds. Both must be 0.

Each measurement is appended to `evals/sealed/log.jsonl` (`bot.evals.sealed.record`).
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.config import Settings
from bot.evals.sealed import invalid_at
from bot.evals.themes import baseline_labels, leaks, released_report, render_formats
from bot.knowledge.retrieve import Retriever
from bot.themes.cluster import Labels
from bot.themes.engine import ThemeConfig, ThemeEngine
from bot.themes.models import ThemeMessage, ThemeReport

CORPUS_FILE = "corpus.yaml"
START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday: report windows are whole weeks
FRAGMENT_WORDS = 8
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

Scrub = Callable[[str], str]


# --------------------------------------------------------------------------- the set


class SealedTheme(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = ""


class SealedMessage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    leader: int = Field(ge=1)
    day: int = Field(ge=0, le=3650)
    theme: str | None = None
    text: str = Field(min_length=1)


class ThemesCorpus(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    directory: list[str] = Field(default_factory=list)
    themes: dict[str, SealedTheme] = Field(min_length=1)
    messages: list[SealedMessage] = Field(min_length=1)
    planted: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _themes_known(self) -> ThemesCorpus:
        unknown = [n for n, m in enumerate(self.messages) if m.theme and m.theme not in self.themes]
        if unknown:  # places only: a theme id is the writer's word
            raise ValueError(f"messages {unknown[:10]} name a theme missing from `themes`")
        return self


def load_corpus(folder: Path) -> ThemesCorpus:
    """The set in `folder`; an error names the file and the places, never a text."""
    path = folder / CORPUS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"no sealed themes set ({CORPUS_FILE}) in {folder}")
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read as YAML ({type(exc).__name__})") from None
    try:
        return ThemesCorpus.model_validate(data)
    except ValidationError as exc:
        raise invalid_at(path, exc) from None


def directory_names(directory: Iterable[str]) -> list[str]:
    """The names a Slack profile gives the scrubber for each member (`names_of` in
    bot/slack/directory.py): the real name, and its first and last names."""
    names: set[str] = set()
    for full in directory:
        full = full.strip()
        if not full:
            continue
        names.add(full)
        first, _, last = full.partition(" ")
        names.update(n for n in (first, last.strip()) if n)
    return sorted(names)


def pseudonym(leader: int) -> str:
    return f"sealed-leader-{leader:04d}"


def window_of(corpus: ThemesCorpus) -> tuple[datetime, datetime]:
    """One report window of whole weeks from day 0 holding every message's day."""
    last = max(m.day for m in corpus.messages)
    weeks = max(1, math.ceil((last + 1) / 7))
    return START, START + timedelta(days=7 * weeks)


def theme_messages(corpus: ThemesCorpus, scrub: Scrub) -> list[ThemeMessage]:
    """Each message scrubbed, as the Slack app keeps a copy for themes, at its day (spread
    over working hours so messages of one day keep their order)."""
    return [
        ThemeMessage(
            leader=pseudonym(m.leader),
            at=START + timedelta(days=m.day, hours=9, seconds=n % 28800),
            text=scrub(m.text),
        )
        for n, m in enumerate(corpus.messages)
    ]


# --------------------------------------------------------------------------- the figures


class ThemesSealedResult(BaseModel):
    set: str
    messages: int
    leaders: int
    planted_themes: int
    reported_themes: int
    min_people: int
    ari: float
    nmi: float
    baseline_ari: float
    baseline_nmi: float
    themes_found: int
    rare_theme_leaders: int
    rare_theme_allowed: bool
    rare_theme_shown: bool
    planted_strings: int
    planted_surviving_scrub: int
    planted_leaks: int
    verbatim_fragments: int
    messages_quoted: int

    def figures(self) -> dict[str, float]:
        return {
            "messages": self.messages,
            "leaders": self.leaders,
            "planted_themes": self.planted_themes,
            "reported_themes": self.reported_themes,
            "min_people": self.min_people,
            "ari": round(self.ari, 4),
            "nmi": round(self.nmi, 4),
            "baseline_ari": round(self.baseline_ari, 4),
            "baseline_nmi": round(self.baseline_nmi, 4),
            "themes_found": self.themes_found,
            "rare_theme_leaders": self.rare_theme_leaders,
            "rare_theme_allowed": int(self.rare_theme_allowed),
            "rare_theme_shown": int(self.rare_theme_shown),
            "planted_strings": self.planted_strings,
            "planted_surviving_scrub": self.planted_surviving_scrub,
            "planted_leaks": self.planted_leaks,
            "verbatim_fragments": self.verbatim_fragments,
            "messages_quoted": self.messages_quoted,
        }

    @property
    def rare_theme_ok(self) -> bool:
        """Never shown when the k rule forbids it."""
        return self.rare_theme_allowed or not self.rare_theme_shown

    @property
    def leak_free(self) -> bool:
        return self.planted_leaks == 0 and self.verbatim_fragments == 0

    def table(self) -> str:
        rare = "shown" if self.rare_theme_shown else "suppressed"
        allowed = "allowed" if self.rare_theme_allowed else "NOT allowed"
        return "\n".join(
            [
                f"Sealed themes set {self.set} (figures only; the messages stay unread)",
                f"  {self.messages} messages from {self.leaders} leaders,"
                f" {self.planted_themes} planted themes; k = {self.min_people}",
                "",
                f"{'method':<44}{'ARI':>8}{'NMI':>8}",
                f"{'Anchor engine (' + str(self.reported_themes) + ' themes reported)':<44}"
                f"{self.ari:>8.3f}{self.nmi:>8.3f}",
                f"{'baseline: TF-IDF + KMeans given the true k':<44}"
                f"{self.baseline_ari:>8.3f}{self.baseline_nmi:>8.3f}",
                "",
                f"planted themes found                  {self.themes_found}/{self.planted_themes}",
                f"rare theme ({self.rare_theme_leaders} leaders)"
                f"{'':<{max(1, 17 - len(str(self.rare_theme_leaders)))}}"
                f"{rare} ({allowed} by the k rule){'' if self.rare_theme_ok else '  BREACH'}",
                f"planted strings                       {self.planted_strings}"
                f" ({self.planted_surviving_scrub} survive the scrubber)",
                f"planted strings in a report file      {self.planted_leaks}  (must be 0)",
                f"verbatim {FRAGMENT_WORDS}-word fragments in a file   "
                f"{self.verbatim_fragments} from {self.messages_quoted} messages  (must be 0)",
            ]
        )


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def fragments(text: str, n: int = FRAGMENT_WORDS) -> set[tuple[str, ...]]:
    """Every run of `n` consecutive words of `text` (lower-cased)."""
    words = _words(text)
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def readable(fmt: str, text: str) -> str:
    """A report file as a reader sees it: HTML entities decoded, JSON strings unescaped."""
    if fmt == "json":
        return json.dumps(json.loads(text), ensure_ascii=False)
    return html.unescape(text)


def quoted(
    messages: Sequence[Sequence[str]], files: Iterable[str], fixed: Iterable[str]
) -> tuple[int, int]:
    """(distinct verbatim fragments, messages with one) of `messages` (each given in one or
    more forms, e.g. raw and scrubbed) in `files`, leaving out fragments that the report's own
    fixed wording (`fixed`) already holds."""
    shown: set[tuple[str, ...]] = set()
    for text in files:
        shown |= fragments(text)
    for text in fixed:
        shown -= fragments(text)
    found: set[tuple[str, ...]] = set()
    quoting = 0
    for forms in messages:
        hits = set().union(*(fragments(text) for text in forms)) & shown
        found |= hits
        quoting += bool(hits)
    return len(found), quoting


def _home(labels: Labels, members: list[int], kept: set[int]) -> int | None:
    """The kept cluster holding more than half of a planted theme's messages (`members`)."""
    counts = Counter(int(labels[i]) for i in members if int(labels[i]) in kept)
    if not counts:
        return None
    label, count = counts.most_common(1)[0]
    return label if count * 2 > len(members) else None


def _majority(labels: Labels, truth: Sequence[str | None], cluster: int) -> str | None:
    """The planted theme that more than half of a cluster's messages carry, if any."""
    counts = Counter(t for t, label in zip(truth, labels, strict=True) if int(label) == cluster)
    if not counts:
        return None
    theme, count = counts.most_common(1)[0]
    return theme if count * 2 > sum(counts.values()) else None


def _kept_clusters(engine_report: ThemeReport, released: ThemeReport, shown: list[int]) -> set[int]:
    """The clusters whose theme survived the release (matched by key words and cards: the
    release changes only ids and counts)."""
    left = Counter((tuple(t.keywords), tuple(t.card_ids)) for t in released.themes)
    kept: set[int] = set()
    for label, theme in zip(shown, engine_report.themes, strict=True):
        key = (tuple(theme.keywords), tuple(theme.card_ids))
        if left[key] > 0:
            left[key] -= 1
            kept.add(label)
    return kept


def _rare_theme(corpus: ThemesCorpus) -> tuple[str, int]:
    leaders: dict[str, set[int]] = {}
    counts: Counter[str] = Counter()
    for m in corpus.messages:
        if m.theme:
            leaders.setdefault(m.theme, set()).add(m.leader)
            counts[m.theme] += 1
    rare = min(leaders, key=lambda t: (len(leaders[t]), counts[t], t))
    return rare, len(leaders[rare])


def measure_themes(
    name: str, corpus: ThemesCorpus, scrub: Scrub, engine: ThemeEngine, prompts_dir: Path
) -> ThemesSealedResult:
    """Scrub, find themes, release and render the report; score it (see the module doc)."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from bot.themes.text import clean

    k = engine.config.min_people
    messages = theme_messages(corpus, scrub)
    start, end = window_of(corpus)
    report, analysis = engine.report_with_analysis(messages, window_start=start, window_end=end)
    full = released_report(report, prompts_dir)
    files = {fmt: readable(fmt, text) for fmt, text in render_formats(full, prompts_dir).items()}
    empty = ThemeReport(window_start=start, window_end=end, min_people=k)
    fixed = render_formats(released_report(empty, prompts_dir), prompts_dir)

    truth = [m.theme for m in corpus.messages]
    themed = np.array([t is not None for t in truth])
    planted_k = len({t for t in truth if t is not None})
    ours = analysis.shown_labels()
    cleaned = [clean(m.text) for m in messages]
    base = baseline_labels(cleaned, planted_k, seed=0)
    gold = np.array([t or "" for t in truth])[themed]

    shown = [c.label for c in analysis.threshold.shown]
    kept = _kept_clusters(report, full.themes, shown)
    by_theme: dict[str, list[int]] = {}
    for i, t in enumerate(truth):
        if t is not None:
            by_theme.setdefault(t, []).append(i)
    homes = {t: _home(ours, members, kept) for t, members in by_theme.items()}
    found = {t for t, home in homes.items() if home is not None}
    rare, rare_leaders = _rare_theme(corpus)
    rare_home = homes[rare]
    rare_shown = rare_home is not None and _majority(ours, truth, rare_home) == rare

    planted = sorted({p for p in corpus.planted if p.strip()})
    scrubbed_all = "\n".join(m.text for m in messages)
    forms = [(m.text, text) for m, text in zip(corpus.messages, cleaned, strict=True)]
    fragments_found, messages_quoted = quoted(
        forms, files.values(), (readable(f, t) for f, t in fixed.items())
    )
    leaked = set().union(*(leaks(report, planted, text) for text in files.values()))
    return ThemesSealedResult(
        set=name,
        messages=len(messages),
        leaders=len({m.leader for m in messages}),
        planted_themes=planted_k,
        reported_themes=len(full.themes.themes),
        min_people=k,
        ari=float(adjusted_rand_score(gold, ours[themed])),
        nmi=float(normalized_mutual_info_score(gold, ours[themed])),
        baseline_ari=float(adjusted_rand_score(gold, base[themed])),
        baseline_nmi=float(normalized_mutual_info_score(gold, base[themed])),
        themes_found=len(found),
        rare_theme_leaders=rare_leaders,
        rare_theme_allowed=rare_leaders >= k,
        rare_theme_shown=rare_shown,
        planted_strings=len(planted),
        planted_surviving_scrub=len(leaks(report, planted, scrubbed_all)),
        planted_leaks=len(leaked),
        verbatim_fragments=fragments_found,
        messages_quoted=messages_quoted,
    )


def run_sealed_themes(settings: Settings, folder: Path, retriever: Retriever) -> ThemesSealedResult:
    """Measure a sealed set with the deployment's scrubber, engine and cards."""
    from bot.coach.notes import make_scrubber
    from bot.themes.cards import RetrieverCardMatcher

    corpus = load_corpus(folder)
    names = directory_names(corpus.directory)
    scrubber = make_scrubber(settings)
    scrubber.add_names(names)
    engine = ThemeEngine(
        retriever.embedder,
        cards=RetrieverCardMatcher(retriever),
        config=ThemeConfig(min_people=settings.min_cohort),
        deny=names,
    )
    return measure_themes(folder.name, corpus, scrubber.scrub, engine, settings.prompts_dir)
