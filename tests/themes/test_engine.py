"""The engine end to end on a small synthetic corpus, with the real (offline) WordLlama model."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from bot.evals.themes import WINDOW_DAYS, WINDOW_START, PlantedMessage, synthetic_corpus
from bot.knowledge.embed import Embedder, Vectors
from bot.knowledge.retrieve import Retriever
from bot.themes import (
    RetrieverCardMatcher,
    Theme,
    ThemeConfig,
    ThemeEngine,
    ThemeMessage,
    ThemeReport,
    build_themes,
)
from bot.themes.text import clean

K = 5


class RecordingCards:
    def __init__(self) -> None:
        self.texts: list[str] = []

    def match(self, keywords: Sequence[str], texts: Sequence[str], centroid: Vectors) -> list[str]:
        self.texts.extend(texts)
        return ["card-one", "card-two"]


@pytest.fixture(scope="module")
def corpus() -> list[ThemeMessage]:
    return [item.message for item in synthetic_corpus(720, 36, seed=7, tagged=True)]


@pytest.fixture(scope="module")
def engine(embedder: Embedder) -> ThemeEngine:
    return ThemeEngine(embedder, config=ThemeConfig(min_people=K))


@pytest.fixture(scope="module")
def report(engine: ThemeEngine, corpus: list[ThemeMessage]) -> ThemeReport:
    return engine.report(corpus)


def test_themes_are_found_with_counts_of_distinct_people(
    engine: ThemeEngine, corpus: list[ThemeMessage]
) -> None:
    report, analysis = engine.report_with_analysis(corpus)
    assert len(report.themes) >= 5
    assert "messages" not in report.model_dump_json()  # people are counted, never messages
    assert report.total_people == len({m.leader for m in corpus})
    for theme, cluster in zip(report.themes, analysis.threshold.shown, strict=True):
        assert theme.people == len({corpus[i].leader for i in cluster.members}) >= K
        assert theme.share == pytest.approx(theme.people / report.total_people, abs=1e-4)
        assert 1 <= len(theme.keywords) <= 6
    assert len({t.id for t in report.themes}) == len(report.themes)


def test_the_report_holds_no_message_text_and_no_pseudonym(
    report: ThemeReport, corpus: list[ThemeMessage]
) -> None:
    dumped = report.model_dump_json().lower()
    for message in corpus:
        assert message.leader.lower() not in dumped
        words = re.findall(r"\w+", clean(message.text).lower())
        for i in range(len(words) - 2):  # not even three words in a row
            assert " ".join(words[i : i + 3]) not in dumped
    assert set(Theme.model_fields) == {
        "id",
        "keywords",
        "people",
        "share",
        "card_ids",
        "trend",
        "previous_people",
        "label",  # optional: an LLM name from the key words, or the cards' titles (programme)
    }
    assert all(theme.label is None for theme in report.themes)  # the engine never writes one


def test_a_small_group_is_never_shown(engine: ThemeEngine, corpus: list[ThemeMessage]) -> None:
    few = [m for m in corpus if m.leader in {"leader-00000", "leader-00001", "leader-00002"}]
    report = engine.report(few)
    assert report.themes == []
    assert report.other_people == 0
    assert report.suppressed_count >= 1
    assert report.total_people == 3


def test_nothing_in_gives_an_empty_report(engine: ThemeEngine) -> None:
    report = engine.report([])
    assert report.themes == [] and report.total_people == 0 and report.window_start is None


def test_window_and_cohort_select_the_messages(
    engine: ThemeEngine, corpus: list[ThemeMessage]
) -> None:
    tagged = [
        m.model_copy(update={"cohort": "north" if i % 2 else "south"}) for i, m in enumerate(corpus)
    ]
    north = engine.report(tagged, cohort="north")
    assert north.cohort == "north"
    assert north.total_people == len({m.leader for m in tagged if m.cohort == "north"})
    end = WINDOW_START + timedelta(days=7)
    week = engine.report(corpus, window_start=WINDOW_START, window_end=end)
    assert week.total_people == len({m.leader for m in corpus if m.at < end})
    assert (week.window_start, week.window_end) == (WINDOW_START, end)


def test_cards_see_representative_texts_but_only_ids_reach_the_report(
    embedder: Embedder, corpus: list[ThemeMessage]
) -> None:
    cards = RecordingCards()
    report = build_themes(corpus, embedder=embedder, cards=cards)
    assert report.themes and all(t.card_ids == ["card-one", "card-two"] for t in report.themes)
    assert cards.texts
    dumped = report.model_dump_json()
    assert not any(text in dumped for text in cards.texts)


def test_trends_new_growing_and_faded(engine: ThemeEngine, corpus: list[ThemeMessage]) -> None:
    earlier = [
        item.message
        for item in synthetic_corpus(
            720,
            36,
            seed=8,
            tagged=True,
            theme_weights={"data_digital": 0.0},
            start=WINDOW_START - timedelta(days=WINDOW_DAYS),
        )
    ]
    now = engine.report(corpus, previous=earlier)
    data = [t for t in now.themes if "data" in t.keywords]
    assert data and data[0].trend == "new" and data[0].previous_people is None
    matched = [t for t in now.themes if t.previous_people is not None]
    assert len(matched) >= 4
    for theme in matched:
        assert theme.previous_people is not None and theme.previous_people >= K
        assert theme.trend in ("growing", "steady", "fading")
    back = engine.report(earlier, previous=corpus)
    assert any("data" in t.keywords for t in back.faded)
    for theme in back.faded:
        assert theme.people == 0 and theme.trend == "fading"
        assert theme.previous_people is not None and theme.previous_people >= K


def test_retriever_cards_for_a_theme(retriever: Retriever) -> None:
    matcher = RetrieverCardMatcher(retriever)
    words = ["clinicians", "engage", "doctors", "consultants"]
    centroid = retriever.embedder.embed([" ".join(words)])[0]
    cards = matcher.match(words, ["how do you get GPs to engage with the strategy"], centroid)
    assert 1 <= len(cards) <= 3
    assert "engaging-clinicians" in cards
    assert set(cards) <= set(retriever.cards)
    assert np.isfinite(centroid).all()


def test_names_found_by_context_never_reach_a_theme(engine: ThemeEngine, tmp_path: Path) -> None:
    # Every message of one planted theme carries names only their context gives away: in a
    # greeting, after a cue, an English word before a surname, a sign-off. Unscrubbed they are
    # that theme's most distinctive words; scrubbed as Anchor stores messages, none is left.
    from bot.privacy.scrub import Scrubber

    planted = synthetic_corpus(720, 36, seed=7, tagged=True)
    busiest = Counter(p.label for p in planted if p.label != "noise").most_common(1)[0][0]
    names = {"dawn", "grace", "okafor", "virtue", "okonkwo", "mark"}

    def signed(p: PlantedMessage) -> ThemeMessage:
        if p.label != busiest:
            return p.message
        text = f"hi dawn, {p.message.text} spoke with grace okafor and Virtue Okonkwo. cheers, mark"
        return p.message.model_copy(update={"text": text})

    def words(report: ThemeReport) -> set[str]:
        return {w.lower() for t in report.themes for w in [*t.keywords, t.id, t.label or ""]}

    raw = [signed(p) for p in planted]
    assert names & words(engine.report(raw))
    scrubber = Scrubber(data_dir=tmp_path, names=["Dawn Hargreaves", "Mark Ellison"])
    scrubbed = [m.model_copy(update={"text": scrubber.scrub(m.text)}) for m in raw]
    assert not names & {part for w in words(engine.report(scrubbed)) for part in re.split(r"\W", w)}
