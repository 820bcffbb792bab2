"""The themes bars: planted themes recovered (ARI >= 0.8, better than the baseline), no planted
PII and no small group in the output, and the synthetic corpus is what it claims to be."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.evals.themes import (
    NOISE,
    ThemesEvalReport,
    bench_themes,
    format_themes_report,
    load_corpus_spec,
    nhs_number,
    run_themes_eval,
    synthetic_corpus,
)
from bot.knowledge.retrieve import Retriever
from bot.privacy.recognizers import nhs_checksum_ok

pytestmark = pytest.mark.slow  # clusters the 1,200-message corpus and runs the themes bench


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory, retriever: Retriever) -> ThemesEvalReport:
    return run_themes_eval(tmp_path_factory.mktemp("themes-eval"), retriever)


def test_the_corpus_is_big_varied_and_deterministic() -> None:
    items = synthetic_corpus()
    assert len(items) >= 1000
    labels = Counter(i.label for i in items)
    assert len(set(labels) - {NOISE}) >= 8
    assert len({i.message.leader for i in items}) >= 40
    per_leader: dict[str, set[str]] = {}
    for item in items:
        if item.label != NOISE:
            per_leader.setdefault(item.message.leader, set()).add(item.label)
    assert all(len(themes) <= 4 for themes in per_leader.values())
    assert sum(len(themes) >= 2 for themes in per_leader.values()) >= 0.8 * len(per_leader)
    assert len({i.message.text for i in items}) > 0.8 * len(items)  # varied phrasings
    assert sum(bool(i.pii) for i in items) > 200
    assert [i.message.text for i in synthetic_corpus()[:50]] == [i.message.text for i in items[:50]]


def test_planted_pii_is_of_many_kinds() -> None:
    spec = load_corpus_spec()
    planted = {p for i in synthetic_corpus() for p in i.pii}
    assert any("@" in p for p in planted)  # emails
    assert any(p.startswith("<@U") for p in planted)  # Slack mentions
    assert any(p.replace(" ", "").startswith(("07700", "+447700")) for p in planted)
    assert any(p in spec.pii.places for p in planted)  # organisations
    assert len(set(spec.pii.directory) & planted) >= 10  # names of many origins


def test_planted_nhs_numbers_are_valid() -> None:
    import random

    rng = random.Random(1)
    for _ in range(50):
        assert nhs_checksum_ok(nhs_number(rng).replace(" ", ""))


def test_the_engine_recovers_the_planted_themes_better_than_the_baseline(
    result: ThemesEvalReport,
) -> None:
    assert result.ari >= 0.8, format_themes_report(result)
    assert result.ari > result.baseline_ari
    assert result.nmi > result.baseline_nmi
    assert 8 <= result.themes_found <= 14


def test_no_planted_pii_text_or_small_group_reaches_the_report(result: ThemesEvalReport) -> None:
    assert result.pii_surviving_scrub > 0  # so the engine's own rules were tested too
    assert result.pii_leaks == []
    assert set(result.format_leaks) == {"json", "csv", "html"}
    assert all(found == [] for found in result.format_leaks.values())
    assert result.verbatim_leaks == 0
    assert result.pseudonym_leaks == 0
    assert result.sub_threshold_themes == 0
    assert all(t.people >= result.min_people for t in result.themes.themes)


def test_trends_on_a_planted_change(result: ThemesEvalReport) -> None:
    assert result.trend.absent_is_new
    assert result.trend.absent_faded_when_reversed
    assert result.trend.matched >= result.trend.others - 2


def test_the_report_reads_well(result: ThemesEvalReport) -> None:
    text = format_themes_report(result)
    assert "ARI" in text and "baseline" in text
    assert str(result.themes_found) in text


def test_the_bench_runs_in_a_child_process() -> None:
    figures = bench_themes(2000)
    assert figures["messages"] == 2000
    assert figures["seconds"] > 0 and figures["peak_rss_mb"] > 0
    assert figures["themes"] >= 5
