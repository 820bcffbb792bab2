"""`anchor eval facts`: dated fact checks hold on the real cards, and catch an old error planted
back into a copy of them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from time_machine import TimeMachineFixture

from bot.config import PROJECT_ROOT
from bot.datafiles import ContentError
from bot.evals import facts
from bot.knowledge.cards import load_cards

KNOWLEDGE = PROJECT_ROOT / "knowledge"


def run_cli(knowledge: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANCHOR_")}
    env |= {"ANCHOR_KNOWLEDGE_DIR": str(knowledge), "ANCHOR_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "eval", "facts"],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "200"},
        timeout=120,
    )


def test_every_fact_check_passes_on_the_real_cards() -> None:
    checks = facts.load_checks()
    assert len(checks) >= 20
    result = facts.evaluate(load_cards(KNOWLEDGE), checks)
    assert result.ok, result.table()
    assert result.passed == result.checks == len(checks)


def test_the_checks_cover_each_corrected_error_of_issue_15() -> None:
    ids = {check.id for check in facts.load_checks()}
    assert {
        "ics-count-dated",
        "call-in-date",
        "four-purposes-source",
        "heifetz-loss-technical",
        "heifetz-loss-emotions",
        "ftsu-national-guardian",
        "act-procurement",
        "pseudo-teams-associations",
        "place-count-dated",
        "tall-poppy-samples",
    } <= ids


@pytest.mark.parametrize(
    ("card", "correct", "error", "check"),
    [
        (
            "health-and-care-act-2022",
            "There were 42 ICSs at launch in July 2022;",
            "There are 42 ICSs in England;",
            "ics-count-dated",
        ),
        (
            "technical-vs-adaptive",
            "Heifetz and Linsky (2002) add that what people push back against is seldom change "
            "in itself; it is what the change threatens to take from them.",
            "Heifetz (1994) also observes that people do not resist change as such; they resist "
            "loss.",
            "heifetz-loss-technical",
        ),
    ],
)
def test_a_planted_error_fails_the_eval_naming_its_check(
    tmp_path: Path, card: str, correct: str, error: str, check: str
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    path = knowledge / f"{card}.md"
    text = path.read_text(encoding="utf-8")
    assert text.count(correct) == 1
    path.write_text(text.replace(correct, error), encoding="utf-8")

    result = facts.evaluate(load_cards(knowledge), facts.load_checks())
    assert not result.ok
    assert [failure.id for failure in result.failures] == [check]
    assert any("corrected error is back" in p for p in result.failures[0].problems)

    cli = run_cli(knowledge, tmp_path)
    assert cli.returncode == 1, cli.stdout + cli.stderr
    assert f"FAIL {check} ({card}" in cli.stdout
    assert "Traceback" not in cli.stderr


@pytest.mark.slow  # `anchor` as a process
def test_the_cli_passes_on_the_real_cards(tmp_path: Path) -> None:
    cli = run_cli(KNOWLEDGE, tmp_path)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert "passed" in cli.stdout and "FAIL" not in cli.stdout


def test_a_policy_check_needs_the_card_to_carry_as_of(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    path = knowledge / "freedom-to-speak-up.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("as_of: 2026-12\n", "", 1), encoding="utf-8"
    )
    result = facts.evaluate(load_cards(knowledge), facts.load_checks())
    (failure,) = result.failures
    assert failure.id == "ftsu-national-guardian"
    assert failure.problems == ["states policy that changes but has no `as_of` date"]


def test_checks_older_than_the_review_period_are_listed_not_failed(
    time_machine: TimeMachineFixture,
) -> None:
    checks = facts.load_checks()
    newest = max(check.checked for check in checks)
    time_machine.move_to(datetime(newest.year + 2, 1, 1, tzinfo=UTC), tick=False)
    result = facts.evaluate(load_cards(KNOWLEDGE), checks, review_months=12)
    assert result.ok
    assert set(result.stale) == {check.id for check in checks}
    assert "Due for re-checking" in result.table()
    assert facts.evaluate(load_cards(KNOWLEDGE), checks, today=newest).stale == []


def test_a_bad_data_file_is_named_with_its_field(tmp_path: Path) -> None:
    bad = tmp_path / "facts.yaml"
    check = {
        "id": "some-check",
        "card": "health-and-care-act-2022",
        "question": "How many?",
        "answer": "Forty-two at launch.",
        "must": ["(unclosed"],
        "checked": date(2026, 12, 6).isoformat(),
        "source": "a source",
    }
    bad.write_text(yaml.safe_dump({"checks": [check]}), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        facts.load_checks(bad)
    assert "checks.0.must" in str(err.value) and "bad regex" in str(err.value)

    bad.write_text(yaml.safe_dump({"checks": [check | {"must": []}]}), encoding="utf-8")
    with pytest.raises(ContentError, match="needs `must`, `must_not` or `needs_as_of`"):
        facts.load_checks(bad)

    bad.write_text(yaml.safe_dump({"checks": [check | {"must": ["x"]}] * 2}), encoding="utf-8")
    with pytest.raises(ContentError, match="duplicate check id"):
        facts.load_checks(bad)
