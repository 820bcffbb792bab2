"""The themes engine: scrubbed messages in, an anonymised ThemeReport out. No database, no Slack.

Steps for one window: clean the texts (text.py), count words and find proper nouns
(vocabulary.py), embed and cluster (cluster.py), apply the k-anonymity rule (anonymity.py),
label the shown clusters with c-TF-IDF (labels.py), attach cards (cards.py), and, given the
previous window's messages, match themes across windows for trends (trends.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from bot.knowledge.embed import Embedder, Vectors, WordLlamaEmbedder
from bot.themes.anonymity import Threshold, apply_threshold
from bot.themes.cards import CardMatcher
from bot.themes.cluster import (
    UNTHEMED,
    Cluster,
    ClusterConfig,
    Labels,
    build_clusters,
    cluster_labels,
    embed_all,
)
from bot.themes.labels import keywords as label_keywords
from bot.themes.models import Theme, ThemeMessage, ThemeReport
from bot.themes.text import clean, deny_words
from bot.themes.trends import CHANGE, MATCH_SIMILARITY, classify_trend, match_centroids
from bot.themes.vocabulary import build_vocabulary

_SLUG = re.compile(r"[^a-z0-9]+")


class ThemeConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    min_people: int = Field(default=5, ge=1, description="k: distinct leaders for a theme")
    n_keywords: int = Field(default=5, ge=1, le=6)
    representative_texts: int = Field(default=3, ge=0, le=10, description="sent to CardMatcher")
    match_similarity: float = Field(default=MATCH_SIMILARITY, ge=-1.0, le=1.0)
    trend_change: float = Field(default=CHANGE, gt=0.0, lt=1.0)
    cluster: ClusterConfig = Field(default_factory=ClusterConfig)


@dataclass(frozen=True)
class WindowAnalysis:
    """Everything the engine worked out for one window. Internal: it holds texts and leaders."""

    messages: list[ThemeMessage]
    texts: list[str]  # cleaned scrubbed texts
    labels: Labels  # per message: a cluster label or UNTHEMED
    clusters: list[Cluster]
    threshold: Threshold[Cluster]
    keywords: dict[int, list[str]]
    vectors: Vectors  # one unit vector per message
    mean: Vectors  # mean message vector, for matching across windows

    def shown_labels(self) -> Labels:
        """Per message: its shown theme's label, or UNTHEMED (other, withheld or no theme)."""
        shown = {c.label for c in self.threshold.shown}
        return np.array([lab if lab in shown else UNTHEMED for lab in self.labels], dtype=np.int64)


def _slug(words: Sequence[str], fallback: str) -> str:
    slug = _SLUG.sub("-", "-".join(words[:2]).lower()).strip("-")
    return slug or fallback


def _unique(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def in_window(
    messages: Iterable[ThemeMessage],
    start: datetime | None = None,
    end: datetime | None = None,
    cohort: str | None = None,
) -> list[ThemeMessage]:
    """Messages with ``start <= at < end`` (either bound optional) and, if given, of ``cohort``."""
    return [
        m
        for m in messages
        if (start is None or m.at >= start)
        and (end is None or m.at < end)
        and (cohort is None or m.cohort == cohort)
    ]


class ThemeEngine:
    """Builds theme reports; reuse one engine (it holds the loaded embedding model)."""

    def __init__(
        self,
        embedder: Embedder | None = None,
        *,
        cards: CardMatcher | None = None,
        config: ThemeConfig | None = None,
        deny: Iterable[str] = (),
    ) -> None:
        self._embedder = embedder
        self.cards = cards
        self.config = config or ThemeConfig()
        self.deny = deny_words(deny)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = WordLlamaEmbedder()
        return self._embedder

    def analyse(self, messages: Sequence[ThemeMessage]) -> WindowAnalysis:
        """Cluster, threshold and label one window's messages."""
        cfg = self.config
        messages = list(messages)
        texts = [clean(m.text) for m in messages]
        leaders = [m.leader for m in messages]
        vocabulary = build_vocabulary(texts, self.deny)
        vectors = embed_all(self.embedder, texts, cfg.cluster.batch_size)
        labels = cluster_labels(vectors, vocabulary.stem_counts, cfg.cluster, cfg.min_people)
        clusters = build_clusters(labels, leaders, vectors)
        threshold = apply_threshold(clusters, cfg.min_people)
        wanted = [c.label for c in threshold.shown]
        words = label_keywords(vocabulary, labels, leaders, cfg.min_people, wanted, cfg.n_keywords)
        mean = vectors.mean(axis=0) if len(vectors) else np.zeros(self.embedder.dim, np.float32)
        return WindowAnalysis(
            messages, texts, labels, clusters, threshold, words, vectors, mean.astype(np.float32)
        )

    def _cards(self, analysis: WindowAnalysis, cluster: Cluster) -> list[str]:
        if self.cards is None:
            return []
        n = self.config.representative_texts
        closest: list[str] = []
        if n:
            order = np.argsort(-(analysis.vectors[cluster.members] @ cluster.centroid))[:n]
            closest = [analysis.texts[int(cluster.members[i])] for i in order]
        return self.cards.match(analysis.keywords.get(cluster.label, []), closest, cluster.centroid)

    def report(
        self,
        messages: Sequence[ThemeMessage],
        *,
        previous: Sequence[ThemeMessage] = (),
        window_start: datetime | None = None,
        window_end: datetime | None = None,
        cohort: str | None = None,
    ) -> ThemeReport:
        """The anonymised themes of ``messages`` (within the window and cohort, if given)."""
        return self.report_with_analysis(
            messages,
            previous=previous,
            window_start=window_start,
            window_end=window_end,
            cohort=cohort,
        )[0]

    def report_with_analysis(
        self,
        messages: Sequence[ThemeMessage],
        *,
        previous: Sequence[ThemeMessage] = (),
        window_start: datetime | None = None,
        window_end: datetime | None = None,
        cohort: str | None = None,
    ) -> tuple[ThemeReport, WindowAnalysis]:
        """The report and the internal analysis behind it (for evaluation; never show it)."""
        cfg = self.config
        current = in_window(messages, window_start, window_end, cohort)
        earlier = in_window(previous, cohort=cohort)
        analysis = self.analyse(current)
        before = self.analyse(earlier) if earlier else None
        total_people = len({m.leader for m in current})
        shown = analysis.threshold.shown
        matches: dict[int, int] = {}
        if before is not None and shown and before.threshold.shown:
            weight = len(current) / (len(current) + len(earlier))
            origin = weight * analysis.mean + (1 - weight) * before.mean
            matches = match_centroids(
                np.stack([c.centroid for c in shown]),
                np.stack([c.centroid for c in before.threshold.shown]),
                origin.astype(np.float32),
                cfg.match_similarity,
            )
        taken: set[str] = set()
        themes: list[Theme] = []
        for i, cluster in enumerate(shown):
            words = analysis.keywords.get(cluster.label, [])
            previous_people = (
                before.threshold.shown[matches[i]].people
                if before is not None and i in matches
                else None
            )
            themes.append(
                Theme(
                    id=_unique(_slug(words, f"theme-{i + 1}"), taken),
                    keywords=words,
                    people=cluster.people,
                    share=round(cluster.people / total_people, 4) if total_people else 0.0,
                    card_ids=self._cards(analysis, cluster),
                    trend=classify_trend(cluster.people, previous_people, cfg.trend_change),
                    previous_people=previous_people,
                )
            )
        faded: list[Theme] = []
        if before is not None:
            matched = set(matches.values())
            for j, old in enumerate(before.threshold.shown):
                if j in matched:
                    continue
                words = before.keywords.get(old.label, [])
                faded.append(
                    Theme(
                        id=_unique(_slug(words, f"faded-{j + 1}"), taken),
                        keywords=words,
                        people=0,
                        share=0.0,
                        card_ids=self._cards(before, old),
                        trend="fading",
                        previous_people=old.people,
                    )
                )
        dates = [m.at for m in current]
        report = ThemeReport(
            window_start=window_start or (min(dates) if dates else None),
            window_end=window_end or (max(dates) if dates else None),
            cohort=cohort,
            themes=themes,
            other_people=analysis.threshold.other_people,
            suppressed_count=analysis.threshold.suppressed_count,
            total_people=total_people,
            min_people=cfg.min_people,
            faded=faded,
        )
        return report, analysis


def build_themes(
    messages: Sequence[ThemeMessage],
    *,
    previous: Sequence[ThemeMessage] = (),
    embedder: Embedder | None = None,
    cards: CardMatcher | None = None,
    config: ThemeConfig | None = None,
    deny: Iterable[str] = (),
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    cohort: str | None = None,
) -> ThemeReport:
    """One-call form of :meth:`ThemeEngine.report`."""
    engine = ThemeEngine(embedder, cards=cards, config=config, deny=deny)
    return engine.report(
        messages,
        previous=previous,
        window_start=window_start,
        window_end=window_end,
        cohort=cohort,
    )
