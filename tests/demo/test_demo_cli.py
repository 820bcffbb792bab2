"""`anchor demo` run the way a user runs it, then the commands it suggests."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.content.demo import load_demo_programme
from bot.content.workshops import load_workshop_plans

pytestmark = pytest.mark.slow  # plays eight weeks of a 36-leader programme (about 20 s)

K = 5
PROMPTS = PROJECT_ROOT / "prompts"


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def env(tmp_path: Path, index_dir: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ANCHOR_")}
    return {
        **clean,
        "PYTHONPATH": str(PROJECT_ROOT),
        "ANCHOR_DATA_DIR": str(tmp_path / "real"),
        "ANCHOR_INDEX_DIR": str(index_dir),  # the real deployment's index: never the demo's
        "COLUMNS": "200",
    }


def test_demo_makes_a_real_themes_report_and_summary_and_never_touches_real_data(
    env: dict[str, str], tmp_path: Path
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "anchor.db").write_bytes(b"the real deployment's data")
    before = snapshot(real)

    made = run(["demo"], env, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    demo = tmp_path / ".anchor-demo"
    summary = demo / "conflict-on-the-partnership-board-summary.html"
    for path in (demo / "themes.html", summary, demo / "leaders.csv"):
        assert path.is_file() and str(path) in made.stdout
    # the suggested commands leave the real deployment's index setting out
    suggested = "env -u ANCHOR_INDEX_DIR ANCHOR_DATA_DIR=.anchor-demo anchor themes --format html"
    assert suggested in made.stdout
    assert snapshot(real) == before

    # the programme team's view, exactly as suggested
    demo_env = {k: v for k, v in env.items() if k != "ANCHOR_INDEX_DIR"}
    demo_env["ANCHOR_DATA_DIR"] = ".anchor-demo"
    # the report's counts carry OpenDP noise; a seed makes them the same on every run
    demo_env["ANCHOR_PRIVACY_NOISE_SEED"] = "13"
    report = run(["themes", "--format", "json"], demo_env, cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    themes = json.loads(report.stdout)["themes"]
    big = [t for t in themes["themes"] if t["people"] >= K]
    assert len(big) >= 3 and len(big) == len(themes["themes"])
    assert themes["total_people"] >= 25
    assert "<svg" in (demo / "themes.html").read_text(encoding="utf-8")

    # the facilitator's summary: totals and key words, nobody named, nothing quoted
    html = summary.read_text(encoding="utf-8")
    with (demo / "leaders.csv").open(encoding="utf-8") as rows:
        people = [row["user"] for row in csv.DictReader(rows)]
    assert len(people) >= 30
    assert not [p for p in people if p.removeprefix("slack:") in html]
    shop = load_demo_programme(PROMPTS).workshop
    plan = load_workshop_plans(PROMPTS)[shop.plan]
    free_text = [step.id for step in plan.steps if step.answer.type == "free_text"]
    written = [str(answer) for step in free_text for answer in shop.answers[step]]
    assert written and not [answer for answer in written if answer in html]
    assert "10 people answered" in html

    # a second run keeps the demo and says how to rebuild it
    again = run(["demo"], env, cwd=tmp_path)
    assert again.returncode == 1
    assert "already holds an Anchor demo" in again.stderr and "--force" in again.stderr
    # the real data folder and a folder the demo did not make are refused
    refused = run(["demo", "--dir", "real", "--force"], env, cwd=tmp_path)
    assert refused.returncode == 1 and "real data folder" in refused.stderr
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("not a demo", encoding="utf-8")
    not_ours = run(["demo", "--dir", "notes", "--force"], env, cwd=tmp_path)
    assert not_ours.returncode == 1 and "not an Anchor demo folder" in not_ours.stderr
    assert (other / "mine.txt").read_text(encoding="utf-8") == "not a demo"
    assert snapshot(real) == before
    assert "Traceback" not in again.stderr + refused.stderr + not_ours.stderr
