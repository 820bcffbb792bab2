"""The sealed retrieval and themes runners print and log figures only, on small synthetic sets
in the sealed formats (tests/evals/sealed_fixtures.py; the real sealed sets are never opened
here), and the themes runner's leak check fails when the scrubber is bypassed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.evals.coaching import load_coaching_set
from bot.evals.retrieval import evaluate
from bot.evals.retrieval_sealed import measure_retrieval, retrieval_items
from bot.evals.sealed import Measured, record
from bot.evals.themes_sealed import (
    ThemesSealedResult,
    directory_names,
    load_corpus,
    measure_themes,
    quoted,
)
from bot.knowledge.embed import Embedder
from bot.knowledge.retrieve import Retriever
from bot.privacy.scrub import Scrubber
from bot.themes.engine import ThemeConfig, ThemeEngine
from tests.evals.sealed_fixtures import (
    DIRECTORY,
    OUTSIDER,
    THEMES,
    TITLES,
    retrieval_set,
    themes_corpus,
    write,
)

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Measured, str]]:
    """What the CLI would append to evals/sealed/log.jsonl (the real log stays untouched)."""
    found: list[tuple[Measured, str]] = []
    monkeypatch.setattr(
        "bot.evals.sealed.record", lambda result, note: found.append((result, note))
    )
    return found


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, index_dir: Path) -> None:
    monkeypatch.setenv("ANCHOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ANCHOR_INDEX_DIR", str(index_dir))


def texts_of(data: dict[str, Any]) -> list[str]:
    return [m["text"] for m in data["messages"]]


# --------------------------------------------------------------------------- retrieval


def test_sealed_retrieval_scores_the_in_scope_questions_with_the_retrieval_eval(
    retriever: Retriever, tmp_path: Path
) -> None:
    folder = write(tmp_path / "coaching-synthetic", "questions.yaml", retrieval_set())
    found = measure_retrieval(folder, retriever)
    items = retrieval_items(load_coaching_set(folder))
    assert (
        found.questions == 2 == len(items)
    )  # the question without cards and out of scope left out
    assert found.methods == evaluate(retriever, items).methods  # the same metric code
    assert set(found.methods) == {"dense", "lexical", "classifier", "neighbours", "hybrid"}
    figures = found.figures()
    assert figures["questions"] == 2 and 0.0 <= figures["mrr[hybrid]"] <= 1.0
    log = tmp_path / "log.jsonl"
    record(found, "test", log)
    entry = json.loads(log.read_text(encoding="utf-8"))
    assert entry["set"] == "coaching-synthetic" and "recall_at_3[lexical]" in entry
    shown = log.read_text(encoding="utf-8") + found.table()
    for item in retrieval_set()["questions"]:
        assert item["q"] not in shown
        assert not any(card in shown for card in item["cards"])


def test_anchor_eval_retrieval_sealed_prints_figures_and_logs_them(
    cli_env: None, captured: list[tuple[Measured, str]], tmp_path: Path
) -> None:
    folder = write(tmp_path / "coaching-synthetic", "questions.yaml", retrieval_set())
    result = CliRunner().invoke(
        app, ["eval", "retrieval", "--sealed", str(folder), "--note", "why", "--json"]
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["questions"] == 2 and "recall_at_1[dense]" in printed
    assert [(r.set, note) for r, note in captured] == [("coaching-synthetic", "why")]
    assert "bed plan" not in result.output


def test_a_broken_sealed_set_is_refused_without_quoting_it(
    cli_env: None, captured: list[tuple[Measured, str]], tmp_path: Path
) -> None:
    secret = "a sealed question that must not be printed"
    broken = {"questions": [{"q": secret, "cards": "not-a-list", "mood": "x"}]}
    folder = write(tmp_path / "broken", "questions.yaml", broken)
    result = CliRunner().invoke(app, ["eval", "retrieval", "--sealed", str(folder)])
    assert result.exit_code == 2 and "questions.0" in result.output
    assert secret not in result.output and captured == []
    corpus = themes_corpus()
    corpus["messages"][0]["theme"] = "no-such-theme"
    folder = write(tmp_path / "broken-themes", "corpus.yaml", corpus)
    result = CliRunner().invoke(app, ["eval", "themes", "--sealed", str(folder)])
    assert result.exit_code == 2 and "messages [0]" in result.output
    assert (
        corpus["messages"][0]["text"] not in result.output and "no-such-theme" not in result.output
    )
    assert captured == []


# --------------------------------------------------------------------------- themes


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    return write(tmp_path / "themes-synthetic", "corpus.yaml", themes_corpus())


def measure(
    folder: Path, embedder: Embedder, tmp_path: Path, *, bypass: bool
) -> ThemesSealedResult:
    corpus = load_corpus(folder)
    names = directory_names(corpus.directory)
    scrubber = Scrubber(data_dir=tmp_path / "data", names=names)
    engine = ThemeEngine(embedder, config=ThemeConfig(min_people=5), deny=names)
    scrub = (lambda text: text) if bypass else scrubber.scrub
    return measure_themes(folder.name, corpus, scrub, engine, PROMPTS)


def test_directory_names_are_given_as_a_slack_profile_gives_them() -> None:
    assert directory_names(["Amara Okafor", "Mary Ann Jones", " "]) == [
        "Amara",
        "Amara Okafor",
        "Ann Jones",
        "Mary",
        "Mary Ann Jones",
        "Okafor",
    ]


def test_the_themes_runner_scores_the_engine_and_finds_no_leak(
    corpus_dir: Path, embedder: Embedder, tmp_path: Path
) -> None:
    found = measure(corpus_dir, embedder, tmp_path, bypass=False)
    assert (found.messages, found.leaders, found.planted_themes) == (84, 14, 4)
    assert found.themes_found >= 3 and found.reported_themes >= 3
    assert found.ari > 0.5 and 0.0 <= found.nmi <= 1.0
    assert found.baseline_ari > 0.5  # the baseline is given the true number of themes
    # the rare theme has 3 leaders: under k = 5 it must not be shown on its own
    assert found.rare_theme_leaders == 3 and not found.rare_theme_allowed
    assert not found.rare_theme_shown and found.rare_theme_ok
    assert found.planted_strings == 4 and found.planted_leaks == 0
    assert found.verbatim_fragments == 0 and found.messages_quoted == 0 and found.leak_free
    shown = found.table() + json.dumps(found.figures())
    data = themes_corpus()
    for text in [*texts_of(data), *DIRECTORY, *THEMES, *TITLES.values(), OUTSIDER]:
        assert text not in shown


def test_the_leak_check_fails_when_the_scrubber_is_bypassed(
    corpus_dir: Path, embedder: Embedder, tmp_path: Path
) -> None:
    found = measure(corpus_dir, embedder, tmp_path, bypass=True)
    assert found.planted_surviving_scrub >= 3
    assert found.planted_leaks >= 1 and not found.leak_free  # the outsider's name is a key word
    assert "must be 0" in found.table()


def test_verbatim_fragments_are_runs_of_eight_words_not_the_reports_own_words() -> None:
    message = "the discharge lounge is full of patients waiting for care packages today"
    eight = "lounge is full of patients waiting for care"
    assert quoted([(message,)], [f"<td>{eight}</td>"], []) == (1, 1)
    assert quoted([(message,)], ["lounge is full of patients waiting for"], []) == (0, 0)
    assert quoted([(message,)], [eight.upper()], [f"Fixed wording: {eight}."]) == (0, 0)
    whole = f"x {message} y"
    assert quoted([(message, message.upper())], [whole], []) == (5, 1)


def test_anchor_eval_themes_sealed_prints_figures_and_logs_them(
    cli_env: None, captured: list[tuple[Measured, str]], corpus_dir: Path
) -> None:
    result = CliRunner().invoke(
        app, ["eval", "themes", "--sealed", str(corpus_dir), "--note", "engine change"]
    )
    assert result.exit_code == 0, result.output
    assert "Sealed themes set themes-synthetic" in result.output
    assert "planted strings in a report file      0" in result.output
    assert [(r.set, note) for r, note in captured] == [("themes-synthetic", "engine change")]
    figures = captured[0][0].figures()
    assert figures["planted_leaks"] == 0 and figures["verbatim_fragments"] == 0
    for text in texts_of(themes_corpus()):
        assert text not in result.output
