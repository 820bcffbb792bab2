"""The words of programme reports and refusals (prompts/programme/messages.yaml)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bot.datafiles import load_yaml_model

MESSAGES = Path("programme") / "messages.yaml"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Refusals(Strict):
    not_allowed: str
    unknown_cohort: str
    too_few: str
    overlap: str
    budget_spent: str


class Trends(Strict):
    new: str
    growing: str
    steady: str
    fading: str


class ReportWords(Strict):
    title: str
    intro: str
    privacy: str
    privacy_figures: str
    period: str
    cohort: str
    whole_programme: str
    people: str
    themes_heading: str
    no_themes: str
    theme_column: str
    people_column: str
    share_column: str
    trend_column: str
    previous_column: str
    cards_column: str
    other: str
    suppressed: str
    faded_heading: str
    chart_sizes: str
    chart_trends: str
    this_period: str
    previous_period: str
    trends: Trends
    engagement_heading: str
    active_heading: str
    week_column: str
    flows_heading: str
    kind_column: str
    started_column: str
    finished_column: str
    used_heading: str
    cards_heading: str
    card_column: str
    helpful_column: str
    not_helpful_column: str
    rate_column: str
    withheld: str
    none: str
    footer: str


class ProgrammeTexts(Strict):
    refusals: Refusals
    report: ReportWords


def load_programme_texts(prompts_dir: Path) -> ProgrammeTexts:
    return load_yaml_model(prompts_dir / MESSAGES, ProgrammeTexts)
