"""`anchor demo`: a synthetic programme in a data folder of its own, played through the real
services, then the programme team's themes report and the facilitator's workshop summary.

The demo's settings are the configured ones with everything that could reach real data
replaced: its own folder, SQLite database, generated key and knowledge index, no Chroma server,
the offline composer (no LLM calls), no cohorts. The configured ANCHOR_DATA_DIR is never opened.
"""

from __future__ import annotations

import csv
import functools
import io
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel

from bot.coach.engine import Coach
from bot.coach.leaders import Leaders
from bot.config import Settings
from bot.content.demo import load_demo_programme
from bot.content.flows import load_exercises
from bot.content.workshops import load_workshop_plans
from bot.demo.coaching import CoachingCounts, play_coaching
from bot.demo.folder import require_demo_folder
from bot.demo.script import Script, write_script
from bot.demo.workshop import WorkshopResult, play_workshop
from bot.programme.report import render
from bot.programme.service import Programme, open_programme
from bot.programme.workshop_themes import EngineSummariser
from bot.roles import Roles
from bot.store.open import Stores, open_stores
from bot.workshops import open_workshops

Progress = Callable[[str, int, int], None]
SINCE = "30d"  # the period `anchor themes` reports by default
THEMES_FILE = "themes.html"
LEADERS_FILE = "leaders.csv"
SUMMARY_FILE = "{plan}-summary.{ext}"  # as the Slack app names the files it sends


def _quiet(_step: str, _done: int, _total: int) -> None:
    """No progress shown."""


class DemoFiles(BaseModel):
    folder: Path
    database: Path
    themes_html: Path
    workshop_html: Path
    workshop_csv: Path
    leaders_csv: Path


class ThemeLine(BaseModel):
    keywords: list[str]
    people: int
    trend: str


class ReportSummary(BaseModel):
    """What the demo's themes report shows (already anonymous: key words and counts)."""

    themes: list[ThemeLine]
    people: int
    period: str


class DemoResult(BaseModel):
    files: DemoFiles
    leaders: int
    contributing: int
    weeks: int
    coaching: CoachingCounts
    workshop_title: str
    workshop_participants: int
    report: ReportSummary
    example_leader: str
    seconds: float


def demo_settings(base: Settings, folder: Path, facilitator: str) -> Settings:
    """The configured settings, pointed at the demo folder and nothing else."""
    return base.model_copy(
        update={
            "data_dir": folder,
            "database_url": None,
            "encryption_key": None,
            "index_dir_override": None,
            "chroma_url": None,
            "llm": "offline",
            "cohorts_file": None,
            "programme_team": [],
            "facilitators": [facilitator],
        }
    )


def _leaders_csv(script: Script) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["user", "role", "sector", "contributes_to_themes"])
    for leader in script.leaders:
        writer.writerow(
            [leader.external_id, leader.role, leader.sector, "yes" if leader.contributes else "no"]
        )
    return out.getvalue()


def _themes_report(
    service: Programme, coach: Coach, cfg: Settings, operator: str, progress: Progress
) -> tuple[str, ReportSummary]:
    """The same report, by the same calls, as `anchor themes --format html`."""
    report = service.report(
        operator, SINCE, None, purpose="export", detail={"format": "html"}, progress=progress
    )
    titles = {card_id: card.meta.title for card_id, card in coach.retriever.cards.items()}
    html = render(report, "html", service.texts.report, titles, cfg.prompts_dir, datetime.now(UTC))
    lines = [
        ThemeLine(keywords=theme.keywords, people=theme.people, trend=theme.trend)
        for theme in report.themes.themes
    ]
    return html, ReportSummary(
        themes=lines, people=report.themes.total_people, period=report.window.label
    )


def _play(
    cfg: Settings, stores: Stores, script: Script, operator: str, progress: Progress
) -> tuple[CoachingCounts, WorkshopResult, str, ReportSummary]:
    coach = Coach.from_settings(cfg, progress, stores=stores)
    counts = play_coaching(script, coach, Leaders(stores), progress)
    roles = Roles(cfg.programme_team, cfg.facilitators)
    progress("Running the workshop", 0, 1)
    workshops = open_workshops(
        cfg.prompts_dir,
        stores.engine,
        stores.cipher,
        roles.is_facilitator,
        min_people=cfg.workshop_min_people,
        summariser=functools.partial(EngineSummariser, coach.retriever.embedder),
    )
    shop = play_workshop(script.workshop, workshops)
    progress("Running the workshop", 1, 1)
    service = open_programme(cfg, stores, coach.retriever, roles)
    html, summary = _themes_report(service, coach, cfg, operator, progress)
    return counts, shop, html, summary


def build_demo(
    base: Settings, folder: Path, *, operator: str, progress: Progress | None = None
) -> DemoResult:
    """Fill `folder`, made by `prepare_folder` (DemoRefused for any other, and always for the
    configured data folder), with the demo programme and write its reports there.
    `operator`: who asks for the themes report (audited), e.g. `cli:<login>`."""
    started = time.monotonic()
    progress = progress or _quiet
    target = require_demo_folder(folder, base.data_dir)
    programme = load_demo_programme(base.prompts_dir)
    steps = {e.id: [s.id for s in e.steps] for e in load_exercises(base.prompts_dir).values()}
    plan = load_workshop_plans(base.prompts_dir)[programme.workshop.plan]
    script = write_script(programme, steps, plan, datetime.now(UTC))
    cfg = demo_settings(base, target, script.workshop.facilitator)
    stores = open_stores(cfg)
    try:
        counts, shop, html, summary = _play(cfg, stores, script, operator, progress)
    finally:
        stores.engine.dispose()
    files = DemoFiles(
        folder=target,
        database=target / "anchor.db",
        themes_html=target / THEMES_FILE,
        workshop_html=target / SUMMARY_FILE.format(plan=shop.plan_id, ext="html"),
        workshop_csv=target / SUMMARY_FILE.format(plan=shop.plan_id, ext="csv"),
        leaders_csv=target / LEADERS_FILE,
    )
    files.themes_html.write_text(html, encoding="utf-8")
    files.workshop_html.write_text(shop.html, encoding="utf-8")
    files.workshop_csv.write_text(shop.csv, encoding="utf-8")
    files.leaders_csv.write_text(_leaders_csv(script), encoding="utf-8")
    contributing = [leader for leader in script.leaders if leader.contributes]
    return DemoResult(
        files=files,
        leaders=len(script.leaders),
        contributing=len(contributing),
        weeks=programme.weeks,
        coaching=counts,
        workshop_title=shop.plan_title,
        workshop_participants=shop.participants,
        report=summary,
        example_leader=contributing[0].external_id,
        seconds=time.monotonic() - started,
    )
