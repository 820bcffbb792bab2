"""What `anchor demo` says when it finishes: what it made, where, and the commands to try next.

A setting that points somewhere other than the data folder (a database URL, a key, an index
folder, a Chroma server) would send those commands to real data instead of the demo's, so each
one that is set is unset in the commands shown."""

from __future__ import annotations

import shlex
from pathlib import Path

from bot.config import Settings
from bot.demo.build import DemoResult

ELSEWHERE: dict[str, str] = {
    "database_url": "ANCHOR_DATABASE_URL",
    "encryption_key": "ANCHOR_ENCRYPTION_KEY",
    "index_dir_override": "ANCHOR_INDEX_DIR",
    "chroma_url": "ANCHOR_CHROMA_URL",
}


def set_elsewhere(settings: Settings) -> list[str]:
    """The environment variables that would point the commands away from the demo folder."""
    return [name for field, name in ELSEWHERE.items() if getattr(settings, field) is not None]


def next_commands(folder: Path, example_leader: str, unset: list[str]) -> list[str]:
    """Ready-to-paste commands for the programme team's, a facilitator's and a leader's views."""
    prefix = "".join(f"env -u {name} " for name in unset)
    data = f"{prefix}ANCHOR_DATA_DIR={shlex.quote(str(folder))}"
    return [
        f"{data} anchor themes --format html --out themes.html",
        f"{data} anchor audit",
        f"{data} anchor goals --all --user {shlex.quote(example_leader)}",
        f"{data} anchor chat",
    ]


def describe(made: DemoResult, folder: Path, unset: list[str]) -> list[str]:
    """The lines to print: counts, the report's themes, the files, the next commands.
    `folder` as the person typed it, so the commands work from where they are."""
    counts, report, files = made.coaching, made.report, made.files
    lines = [
        f"Made a demo programme in {made.seconds:.0f}s: {made.leaders} leaders "
        f"({made.contributing} contributing to themes), {counts.messages} messages over "
        f"{made.weeks} weeks, {counts.exercises} exercises ({counts.goals_done} goals done), "
        f"one workshop with {made.workshop_participants} participants.",
        "",
        f"Themes report ({report.period}, {report.people} leaders):",
    ]
    lines += [
        f"  {', '.join(theme.keywords)}: {theme.people} leaders, {theme.trend}"
        for theme in report.themes
    ]
    lines += ["", "Files:"]
    lines += [
        f"  {label}: {path}"
        for label, path in (
            ("data folder", files.folder),
            ("themes report", files.themes_html),
            ("workshop summary", files.workshop_html),
            ("workshop summary (CSV)", files.workshop_csv),
            ("the invented leaders", files.leaders_csv),
        )
    ]
    lines += ["", "Try next:"]
    lines += [f"  {c}" for c in next_commands(folder, made.example_leader, unset)]
    return lines
