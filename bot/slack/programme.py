"""Programme team surfaces in Slack: `/anchor themes` sends the HTML report privately, and
App Home shows programme members a short themes summary. The service decides who may see what
(and audits it); this module only translates."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.content.slack import ProgrammeSlackTexts
from bot.programme.report import render, theme_name
from bot.programme.service import ProgrammeReport, Refused
from bot.slack import blocks
from bot.slack.conversation import dm_channel, once, person
from bot.slack.services import SlackServices

log = logging.getLogger(__name__)
Block = dict[str, Any]
REPORT_FILE = "anchor-themes-{since}.html"
HOME_THEMES = 5
HOME_ACTION = "home:themes"


def summary_blocks(report: ProgrammeReport, words: ProgrammeSlackTexts) -> list[Block]:
    """A few lines for App Home: the biggest themes, with people and trend (no text ever)."""
    themes = report.themes
    out: list[Block] = [
        {"type": "divider"},
        blocks.section(words.home_heading),
        blocks.context(
            blocks.escape(
                words.home_intro.format(
                    people=themes.total_people, period=report.window.label, k=themes.min_people
                )
            )
        ),
    ]
    if not themes.themes:
        out.append(blocks.context(blocks.escape(words.home_none.format(k=themes.min_people))))
    for theme in themes.themes[:HOME_THEMES]:
        line = words.home_item.format(
            keywords=theme_name(theme), people=theme.people, trend=theme.trend
        )
        out.append(blocks.section(blocks.escape(line)))
    out.append(blocks.actions("themes", [blocks.button(words.report_button, HOME_ACTION, "30d")]))
    return out


async def home_section(services: SlackServices, user_id: str) -> list[Block]:
    """For programme members, the themes of the last 30 days (an audited view); else nothing."""
    who = person(user_id)
    if not services.roles.is_programme(who):
        return []
    try:
        report = await services.work.run(services.programme.report, who, "30d")
    except Refused as refusal:
        return [
            {"type": "divider"},
            blocks.section(services.texts.programme.home_heading),
            blocks.context(blocks.escape(refusal.message)),
        ]
    return summary_blocks(report, services.texts.programme)


async def send_report(
    services: SlackServices,
    client: AsyncWebClient,
    user_id: str,
    since: str,
    cohort: str | None,
) -> tuple[bool, str]:
    """Build the report (if the service allows) and upload it to the person's DM; whether it
    was sent, and what to tell them."""
    words = services.texts.programme
    who = person(user_id)
    try:
        report = await services.work.run(
            services.programme.report,
            who,
            since,
            cohort,
            "export",
            {"format": "html", "via": "slack"},
        )
    except Refused as refusal:
        return False, refusal.message
    titles = {card_id: card.meta.title for card_id, card in services.coach.retriever.cards.items()}
    html = await services.work.run(
        render,
        report,
        "html",
        services.programme.texts.report,
        titles,
        services.settings.prompts_dir,
        datetime.now(UTC),
    )
    channel = await dm_channel(client, user_id)
    name = REPORT_FILE.format(since=since)
    await services.outbox.queue(  # the report is encrypted while it waits
        "files_upload_v2",
        channel=channel,
        owner=who,
        key=f"report:{once()}",
        content=html,
        filename=name,
        title=name,
        initial_comment=words.file_comment.format(
            period=report.window.label, people=report.themes.total_people
        ),
    )
    return True, words.sent
