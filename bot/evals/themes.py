"""`anchor eval themes`: the themes engine against a synthetic corpus with planted themes and PII.

The corpus (:func:`synthetic_corpus`) is built from ``evals/data/themes_corpus.yaml`` with a fixed
seed: leaders write about two to four of ten planted themes, in lower case, with typos, and some
messages carry planted personal data (names, emails, phones, NHS numbers, organisations, Slack
mentions). Housekeeping chit-chat is labelled ``noise``; it is kept in the engine's input but
left out of the ARI/NMI scores (it belongs to no planted theme), and the share of it that lands
in a shown theme is reported.

:func:`run_themes_eval` scrubs the raw texts with the real Scrubber, runs the engine, and scores
the clustering (ARI and NMI against the planted labels) beside a baseline of TF-IDF + KMeans that
is *given the true number of themes* (a generous baseline: the engine must find k itself). It
also checks that no planted PII string reaches the serialised report and that no shown theme has
fewer than ``min_people`` people. :func:`bench_themes` times the engine on a scaled corpus in a
subprocess and reports its peak RSS.
"""

from __future__ import annotations

import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from bot.config import PROJECT_ROOT
from bot.knowledge.embed import Embedder, WordLlamaEmbedder
from bot.knowledge.retrieve import Retriever
from bot.privacy.scrub import Scrubber
from bot.themes.cluster import UNTHEMED
from bot.themes.engine import ThemeConfig, ThemeEngine, WindowAnalysis
from bot.themes.models import ThemeMessage, ThemeReport

if TYPE_CHECKING:
    from bot.programme.service import ProgrammeReport

DEFAULT_CORPUS = PROJECT_ROOT / "evals" / "data" / "themes_corpus.yaml"
NOISE = "noise"
SEED = 20240611
WINDOW_START = datetime(2025, 1, 6, tzinfo=UTC)
WINDOW_DAYS = 28
EVAL_EPSILON = 10.0  # the default ANCHOR_PRIVACY_EPSILON, for the rendered reports
# How a theme message is put together: chances of an opener, a second core sentence of the same
# theme, a follow-on fragment and a closer.
OPENER_RATE = 0.3
SECOND_RATE = 0.4
MORE_RATE = 0.5
CLOSER_RATE = 0.3


# --------------------------------------------------------------------------- the corpus


class CorpusTheme(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    core: list[str] = Field(min_length=10)
    more: list[str] = Field(min_length=3)


class CorpusPii(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    directory: list[str] = Field(min_length=10)
    outsiders: list[str] = Field(default_factory=list)
    places: list[str] = Field(min_length=2)
    org_kinds: list[str] = Field(min_length=2)
    email_domains: list[str] = Field(min_length=1)
    snippets: list[str] = Field(min_length=5)


class CorpusSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    openers: list[str]
    closers: list[str]
    themes: dict[str, CorpusTheme] = Field(min_length=8)
    noise: list[str]
    pii: CorpusPii


class PlantedMessage(NamedTuple):
    """A message with RAW text, its planted theme (or "noise") and the PII planted in it."""

    message: ThemeMessage
    label: str
    pii: tuple[str, ...]


def load_corpus_spec(path: Path = DEFAULT_CORPUS) -> CorpusSpec:
    import yaml

    return CorpusSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def nhs_number(rng: random.Random) -> str:
    """A random NHS number with a valid modulus-11 check digit, spaced 3-3-4."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        digits[0] = rng.randint(4, 9)
        total = sum(d * (10 - i) for i, d in enumerate(digits))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            text = "".join(map(str, [*digits, check]))
            return f"{text[:3]} {text[3:6]} {text[6:]}"


def _phone(rng: random.Random) -> str:
    tail = rng.randint(0, 999)
    forms = [f"07700 900{tail:03d}", f"07700900{tail:03d}", f"+44 7700 900{tail:03d}"]
    return rng.choice(forms)


def _slack_id(rng: random.Random) -> str:
    return "U0" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(8))


class _Pii(NamedTuple):
    text: str
    tagged: str
    planted: tuple[str, ...]


def _person_parts(name: str) -> tuple[str, ...]:
    parts = [p for p in re.split(r"[\s\-]+", name) if len(p) >= 3]
    return (name, *parts)


def _plant(spec: CorpusPii, rng: random.Random) -> _Pii:
    """One snippet with one piece of personal data: its raw text, tagged text, planted strings."""
    template = rng.choice(spec.snippets)
    people = spec.directory + spec.outsiders
    person = rng.choice(people)
    first, surname = person.split(" ", 1)[0], person.rsplit(" ", 1)[-1]
    place = rng.choice(spec.places)
    org = rng.choice(spec.org_kinds).format(place=place)
    if rng.random() < 0.2:
        org = org.lower()
    email_user = f"{first}.{surname}".lower().replace("'", "")
    values = {
        "person": (person, "<NAME>", _person_parts(person)),
        "person_lower": (person.lower(), "<NAME>", _person_parts(person)),
        "first": (first, "<NAME>", (first,)),
        "surname": (surname, "<NAME>", (surname,)),
        "mention": (f"<@{_slack_id(rng)}>", "<MENTION>", ()),
        "phone": (_phone(rng), "<PHONE>", ()),
        "email": (f"{email_user}@{rng.choice(spec.email_domains)}", "<EMAIL>", ()),
        "nhs": (nhs_number(rng), "<NHS_NUMBER>", ()),
        "org": (org, org, (org, place)),
    }
    field = re.search(r"\{(\w+)\}", template)
    if field is None:
        return _Pii(template, template, ())
    raw, tag, extra = values[field.group(1)]
    planted = extra if field.group(1) in ("person", "person_lower", "first", "surname") else ()
    planted = (*planted, raw) if raw not in planted else planted
    if field.group(1) == "org":
        planted = (org, place)
    if field.group(1) == "surname":
        raw = surname
    text = template.replace(field.group(0), raw)
    tagged = template.replace(field.group(0), tag)
    if template.startswith("Dr "):
        tagged = tagged.replace("Dr <NAME>", "<NAME>")
    return _Pii(text, tagged, tuple(dict.fromkeys(p for p in planted if p)))


_APOSTROPHES = {"don't": "dont", "can't": "cant", "i'm": "im", "it's": "its", "that's": "thats"}


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind < 0.7:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def _slackify(text: str, rng: random.Random, typo_rate: float) -> str:
    """Lower-case most messages, drop some apostrophes, add typos: how people type in Slack."""
    if rng.random() < 0.7:
        text = text.lower()
        if rng.random() < 0.5:
            for full, short in _APOSTROPHES.items():
                text = text.replace(full, short)
    else:
        text = text[:1].upper() + text[1:]
    words = text.split(" ")
    return " ".join(
        _typo(w, rng) if "{" not in w and rng.random() < typo_rate else w for w in words
    )


def _leader_themes(
    n_leaders: int, themes: Sequence[str], rng: random.Random
) -> list[dict[str, float]]:
    """Each leader writes about two to four themes, with their own weights."""
    plans: list[dict[str, float]] = []
    for i in range(n_leaders):
        count = rng.choice((2, 3, 3, 4))
        chosen = [themes[i % len(themes)]]
        chosen += rng.sample([t for t in themes if t != chosen[0]], count - 1)
        plans.append({t: rng.uniform(0.5, 2.0) for t in chosen})
    return plans


def synthetic_corpus(
    n_messages: int = 1200,
    n_leaders: int = 48,
    seed: int = SEED,
    *,
    spec: CorpusSpec | None = None,
    noise_rate: float = 0.05,
    pii_rate: float = 0.3,
    typo_rate: float = 0.03,
    theme_weights: Mapping[str, float] | None = None,
    start: datetime = WINDOW_START,
    days: int = WINDOW_DAYS,
    tagged: bool = False,
) -> list[PlantedMessage]:
    """A deterministic corpus of leaders' Slack messages with planted themes and PII.

    ``theme_weights`` scales how often each theme is written about (0 drops it), for trend
    tests. ``tagged=True`` writes each planted piece of PII as the scrubber's tag instead, so
    large corpora (the speed bench) need no scrubbing; the planted strings are still returned.
    """
    spec = spec or load_corpus_spec()
    rng = random.Random(seed)
    names = list(spec.themes)
    plans = _leader_themes(n_leaders, names, rng)
    if theme_weights is not None:
        plans = [{t: w * theme_weights.get(t, 1.0) for t, w in plan.items()} for plan in plans]
    activity = [rng.lognormvariate(0.0, 0.5) for _ in range(n_leaders)]
    leaders = [f"leader-{i:05d}" for i in range(n_leaders)]
    out: list[PlantedMessage] = []
    while len(out) < n_messages:
        who = rng.choices(range(n_leaders), weights=activity)[0]
        plan = {t: w for t, w in plans[who].items() if w > 0}
        at = start + timedelta(seconds=rng.uniform(0, days * 86400))
        if rng.random() < noise_rate or not plan:
            planted: tuple[str, ...] = ()
            text, label = rng.choice(spec.noise), NOISE
        else:
            label = rng.choices(list(plan), weights=list(plan.values()))[0]
            text, planted = _theme_text(
                spec, spec.themes[label], rng, (pii_rate, typo_rate), tagged
            )
        message = ThemeMessage(leader=leaders[who], at=at, text=text)
        out.append(PlantedMessage(message, label, planted))
    return out


def _theme_text(
    spec: CorpusSpec,
    theme: CorpusTheme,
    rng: random.Random,
    rates: tuple[float, float],
    tagged: bool,
) -> tuple[str, tuple[str, ...]]:
    pii_rate, typo_rate = rates
    parts: list[str] = []
    if rng.random() < OPENER_RATE:
        parts.append(rng.choice(spec.openers))
    first = rng.choice(theme.core)
    parts.append(first)
    if rng.random() < SECOND_RATE:
        parts.append(". " + rng.choice([c for c in theme.core if c != first]))
    if rng.random() < MORE_RATE:
        parts.append(". " + rng.choice(theme.more))
    if rng.random() < CLOSER_RATE:
        parts.append(rng.choice(spec.closers))
    body = _slackify(" ".join(parts).replace(" . ", ". "), rng, typo_rate)
    planted: tuple[str, ...] = ()
    if rng.random() < pii_rate:
        pii = _plant(spec.pii, rng)
        snippet = pii.tagged if tagged else pii.text
        body = f"{snippet} {body}" if rng.random() < 0.4 else f"{body}. {snippet}"
        planted = pii.planted
    return body, planted


# --------------------------------------------------------------------------- the evaluation

ABSENT_BEFORE = "data_digital"  # planted as missing from the previous window, for trends
MIN_VERBATIM_WORDS = 4


class TrendCheck(BaseModel):
    """Trends on a planted change: ``absent`` is not written about in the previous window."""

    absent: str
    absent_is_new: bool = Field(description="its theme now is 'new'")
    matched: int = Field(description="other planted themes matched to the previous window")
    others: int
    absent_faded_when_reversed: bool = Field(
        description="with the windows swapped, it is in `faded`"
    )


class ThemesEvalReport(BaseModel):
    messages: int
    leaders: int
    planted_themes: int
    noise_messages: int
    themes_found: int
    ari: float
    nmi: float
    baseline: str
    baseline_ari: float
    baseline_nmi: float
    dense_kmeans_ari: float = Field(description="WordLlama vectors + KMeans given the true k")
    noise_in_themes: float = Field(description="share of noise messages placed in a shown theme")
    pii_planted: int
    pii_surviving_scrub: int = Field(description="planted strings still in the scrubbed texts")
    pii_leaks: list[str] = Field(default_factory=list, description="planted strings in output")
    format_leaks: dict[str, list[str]] = Field(
        default_factory=dict, description="planted strings in each rendered format"
    )
    verbatim_leaks: int
    pseudonym_leaks: int
    sub_threshold_themes: int
    min_people: int
    trend: TrendCheck
    seconds: float
    themes: ThemeReport


def _contains(haystack: str, needle: str) -> bool:
    pattern = rf"(?<!\w){re.escape(needle.lower())}(?!\w)"
    return re.search(pattern, haystack.lower()) is not None


def leaks(report: ThemeReport, planted: Sequence[str], text: str | None = None) -> list[str]:
    """Planted strings found (case-insensitive, as whole words) in the report's JSON (or in
    `text`, the report as rendered)."""
    text = report.model_dump_json() if text is None else text
    return sorted({p for p in planted if p and _contains(text, p)})


def rendered(report: ThemeReport, prompts_dir: Path) -> dict[str, str]:
    """The report as the programme team receives it: JSON, CSV and HTML (bot/programme)."""
    return render_formats(released_report(report, prompts_dir), prompts_dir)


def released_report(report: ThemeReport, prompts_dir: Path) -> ProgrammeReport:
    """The engine's report released as the programme service releases one: counts noised
    (seeded), themes whose noisy count falls below k withheld, no engagement figures."""
    from bot.programme.figures import release_figures
    from bot.programme.service import Privacy, ProgrammeReport
    from bot.programme.texts import load_programme_texts
    from bot.programme.windows import Window
    from bot.store.engagement import EngagementData

    start = report.window_start or WINDOW_START
    end = report.window_end or start + timedelta(days=WINDOW_DAYS)
    window = Window(start=start, end=end, days=max(7, (end - start).days // 7 * 7))
    nothing = EngagementData(
        active_by_week={},
        flows_started={},
        flows_finished={},
        flow_use={},
        card_helpful={},
        card_unhelpful={},
    )
    released = release_figures(
        report, nothing, window, report.min_people, lambda tally: tally.release(EVAL_EPSILON, 0)
    )
    texts = load_programme_texts(prompts_dir)
    privacy = Privacy(  # one release, as if it were the month's only one
        statement=texts.report.privacy,
        epsilon=released.noise.epsilon,
        noise_scale=released.noise.scale,
        budget=EVAL_EPSILON,
        spent=released.noise.epsilon,
        period=f"{end:%Y-%m}",
        renews=end.date(),
        released_at=end,
    )
    return ProgrammeReport(
        window=window, themes=released.themes, engagement=released.engagement, privacy=privacy
    )


def render_formats(full: ProgrammeReport, prompts_dir: Path) -> dict[str, str]:
    """A released report in the three formats the programme team can ask for."""
    from bot.programme.report import render
    from bot.programme.texts import load_programme_texts

    words = load_programme_texts(prompts_dir).report
    made = full.window.end
    return {fmt: render(full, fmt, words, {}, prompts_dir, made) for fmt in ("json", "csv", "html")}


def verbatim_leaks(report: ThemeReport, texts: Sequence[str]) -> int:
    """Messages whose (cleaned) text of MIN_VERBATIM_WORDS+ words appears in the report."""
    from bot.themes.text import clean

    dumped = report.model_dump_json().lower()
    found = 0
    for text in texts:
        cleaned = clean(text).lower()
        if len(cleaned.split()) >= MIN_VERBATIM_WORDS and cleaned in dumped:
            found += 1
    return found


def _scrubbed(items: Sequence[PlantedMessage], scrubber: Scrubber) -> list[ThemeMessage]:
    return [i.message.model_copy(update={"text": scrubber.scrub(i.message.text)}) for i in items]


def _majority(analysis: WindowAnalysis, labels: Sequence[str]) -> list[str]:
    """The planted label most of each shown theme's messages carry, in report order."""
    from collections import Counter

    return [
        Counter(labels[i] for i in cluster.members).most_common(1)[0][0]
        for cluster in analysis.threshold.shown
    ]


def _trend_check(
    engine: ThemeEngine,
    current: list[ThemeMessage],
    current_report: ThemeReport,
    analysis: WindowAnalysis,
    labels: list[str],
    scrubber: Scrubber,
    spec: CorpusSpec,
    seed: int,
    n_messages: int,
    n_leaders: int,
) -> TrendCheck:
    previous_items = synthetic_corpus(
        n_messages,
        n_leaders,
        seed + 1,
        spec=spec,
        theme_weights={ABSENT_BEFORE: 0.0},
        start=WINDOW_START - timedelta(days=WINDOW_DAYS),
    )
    previous = _scrubbed(previous_items, scrubber)
    with_trends = engine.report(current, previous=previous)
    majority = _majority(analysis, labels)
    absent_new = any(
        planted == ABSENT_BEFORE and theme.trend == "new"
        for planted, theme in zip(majority, with_trends.themes, strict=True)
    )
    others = [
        theme.trend != "new"
        for planted, theme in zip(majority, with_trends.themes, strict=True)
        if planted not in (ABSENT_BEFORE, NOISE)
    ]
    reversed_report = engine.report(previous, previous=current)
    faded_words = {w for theme in reversed_report.faded for w in theme.keywords}
    absent_theme = next(
        (t for p, t in zip(majority, current_report.themes, strict=True) if p == ABSENT_BEFORE),
        None,
    )
    faded_ok = absent_theme is not None and bool(faded_words & set(absent_theme.keywords[:3]))
    return TrendCheck(
        absent=ABSENT_BEFORE,
        absent_is_new=absent_new,
        matched=sum(others),
        others=len(others),
        absent_faded_when_reversed=faded_ok,
    )


def baseline_labels(texts: Sequence[str], k: int, seed: int = 0) -> npt.NDArray[np.int64]:
    """TF-IDF (English stop words, sublinear tf) + KMeans with the TRUE number of themes."""
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2).fit_transform(texts)
    labels: npt.NDArray[np.int64] = KMeans(k, n_init=10, random_state=seed).fit(matrix).labels_
    return labels.astype(np.int64)


def run_themes_eval(
    data_dir: Path,
    retriever: Retriever | None = None,
    *,
    embedder: Embedder | None = None,
    corpus: Path = DEFAULT_CORPUS,
    n_messages: int = 1200,
    n_leaders: int = 48,
    seed: int = SEED,
    min_people: int = 5,
) -> ThemesEvalReport:
    """Scrub the synthetic corpus, run the engine, and score it against the planted labels.

    ``data_dir`` is where the scrubber keeps its spaCy pipeline; ``retriever`` (optional)
    attaches cards to themes, and its embedder is used unless ``embedder`` is given.
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from bot.themes.cards import RetrieverCardMatcher
    from bot.themes.text import clean

    spec = load_corpus_spec(corpus)
    items = synthetic_corpus(n_messages, n_leaders, seed, spec=spec)
    scrubber = Scrubber(data_dir=data_dir, names=spec.pii.directory)
    messages = _scrubbed(items, scrubber)
    embedder = embedder or (retriever.embedder if retriever is not None else None)
    engine = ThemeEngine(
        embedder,
        cards=RetrieverCardMatcher(retriever) if retriever is not None else None,
        config=ThemeConfig(min_people=min_people),
        deny=spec.pii.directory,
    )
    started = time.perf_counter()
    report, analysis = engine.report_with_analysis(messages)
    seconds = time.perf_counter() - started

    labels = [i.label for i in items]
    themed = np.array([label != NOISE for label in labels])
    truth = np.array(labels)[themed]
    ours = analysis.shown_labels()
    cleaned = [clean(m.text) for m in messages]
    true_k = len({label for label in labels if label != NOISE})
    base = baseline_labels(cleaned, true_k, seed=0)
    dense = KMeans(true_k, n_init=10, random_state=0).fit(analysis.vectors).labels_

    planted = sorted({p for i in items for p in i.pii})
    scrubbed_text = "\n".join(m.text for m in messages)
    noise = ~themed
    trend = _trend_check(
        engine, messages, report, analysis, labels, scrubber, spec, seed, n_messages, n_leaders
    )
    return ThemesEvalReport(
        messages=len(items),
        leaders=len({i.message.leader for i in items}),
        planted_themes=true_k,
        noise_messages=int(noise.sum()),
        themes_found=len(report.themes),
        ari=round(float(adjusted_rand_score(truth, ours[themed])), 4),
        nmi=round(float(normalized_mutual_info_score(truth, ours[themed])), 4),
        baseline=f"TF-IDF + KMeans given the true k={true_k}",
        baseline_ari=round(float(adjusted_rand_score(truth, base[themed])), 4),
        baseline_nmi=round(float(normalized_mutual_info_score(truth, base[themed])), 4),
        dense_kmeans_ari=round(float(adjusted_rand_score(truth, dense[themed])), 4),
        noise_in_themes=round(float((ours[noise] != UNTHEMED).mean()) if noise.any() else 0.0, 4),
        pii_planted=len(planted),
        pii_surviving_scrub=sum(_contains(scrubbed_text, p) for p in planted),
        pii_leaks=leaks(report, planted),
        format_leaks={
            fmt: leaks(report, planted, text)
            for fmt, text in rendered(report, PROJECT_ROOT / "prompts").items()
        },
        verbatim_leaks=verbatim_leaks(report, [m.text for m in messages]),
        pseudonym_leaks=len(leaks(report, sorted({m.leader for m in messages}))),
        sub_threshold_themes=sum(t.people < min_people for t in report.themes)
        + sum((t.previous_people or min_people) < min_people for t in report.faded),
        min_people=min_people,
        trend=trend,
        seconds=round(seconds, 3),
        themes=report,
    )


def format_themes_report(result: ThemesEvalReport) -> str:
    """A plain-text summary of the eval, then the themes found."""
    t = result.trend
    lines = [
        f"Themes eval: {result.messages} messages from {result.leaders} leaders, "
        f"{result.planted_themes} planted themes (+{result.noise_messages} noise messages, "
        "left out of the scores)",
        "",
        f"{'method':<44}{'ARI':>8}{'NMI':>8}",
        f"{'Anchor engine (k from the data: ' + str(result.themes_found) + ' themes)':<44}"
        f"{result.ari:>8.3f}{result.nmi:>8.3f}",
        f"{'baseline: ' + result.baseline:<44}{result.baseline_ari:>8.3f}"
        f"{result.baseline_nmi:>8.3f}",
        f"{'WordLlama + KMeans given the true k':<44}{result.dense_kmeans_ari:>8.3f}",
        "",
        f"noise messages placed in a shown theme  {result.noise_in_themes:.1%}",
        f"planted PII strings                     {result.pii_planted} "
        f"({result.pii_surviving_scrub} survive the scrubber; the engine must keep them out)",
        f"planted PII strings in the report       {len(result.pii_leaks)}",
        "planted PII strings per format          "
        + ", ".join(f"{fmt} {len(found)}" for fmt, found in result.format_leaks.items()),
        f"verbatim messages in the report         {result.verbatim_leaks}",
        f"pseudonyms in the report                {result.pseudonym_leaks}",
        f"themes under {result.min_people} people                  {result.sub_threshold_themes}",
        f"trend: '{t.absent}' new this window      {'yes' if t.absent_is_new else 'NO'}; "
        f"other themes matched {t.matched}/{t.others}; faded when reversed "
        f"{'yes' if t.absent_faded_when_reversed else 'NO'}",
        f"engine time                             {result.seconds:.2f} s",
        "",
        f"{'people':>6}  keywords  [cards]",
    ]
    for theme in result.themes.themes:
        cards = f"  [{', '.join(theme.card_ids)}]" if theme.card_ids else ""
        lines.append(f"{theme.people:>6}  {', '.join(theme.keywords)}{cards}")
    if result.themes.other_people:
        lines.append(f"{result.themes.other_people:>6}  (other, small themes pooled)")
    if result.pii_leaks:
        lines.append(f"LEAKED: {result.pii_leaks}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- the speed bench


def _bench_child(n_messages: int) -> dict[str, float]:
    started = time.perf_counter()
    items = synthetic_corpus(n_messages, max(48, n_messages // 25), tagged=True)
    messages = [i.message for i in items]
    del items
    generated = time.perf_counter() - started
    engine = ThemeEngine(WordLlamaEmbedder())
    started = time.perf_counter()
    report = engine.report(messages)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {
        "messages": float(n_messages),
        "seconds": round(seconds, 3),
        "generate_seconds": round(generated, 3),
        "peak_rss_mb": round(peak, 1),
        "themes": float(len(report.themes)),
    }


def bench_themes(n_messages: int = 100_000) -> dict[str, float]:
    """Time the engine on ``n_messages`` synthetic (already tagged) messages in a fresh process.

    Returns seconds (the engine alone, after loading the model), generate_seconds (building the
    corpus), peak_rss_mb (the whole child process, corpus included) and themes found.
    """
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.json"
        subprocess.run(
            [sys.executable, "-m", "bot.evals.themes", "--bench", str(n_messages), str(out)],
            check=True,
            cwd=PROJECT_ROOT,
        )
        result: dict[str, float] = json.loads(out.read_text(encoding="utf-8"))
    return result


def main(argv: Sequence[str]) -> int:
    if len(argv) == 3 and argv[0] == "--bench":
        result = _bench_child(int(argv[1]))
        Path(argv[2]).write_text(json.dumps(result), encoding="utf-8")
        return 0
    print("usage: python -m bot.evals.themes --bench N OUT.json", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
