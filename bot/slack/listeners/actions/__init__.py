"""Block action listeners: buttons and menus in messages and App Home."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from bot.slack import blocks
from bot.slack.listeners.actions import (
    consent,
    feedback,
    flow_option,
    forget_cancel,
    forget_confirm,
    goal_done,
    home_again,
    home_ask,
    home_pick,
    home_start,
    home_themes,
    mention_continue,
    workshop_answer,
    workshop_control,
)
from bot.slack.programme import HOME_ACTION as HOME_THEMES
from bot.slack.services import SlackServices
from bot.slack.workshops import blocks as workshop_blocks


def register(app: AsyncApp, services: SlackServices) -> None:
    app.action(re.compile(rf"^{blocks.FLOW_OPTION}:\d+$"))(flow_option.handler(services))
    app.action(re.compile(r"^feedback:(helpful|not_helpful)$"))(feedback.handler(services))
    app.action(re.compile(rf"^{blocks.CONSENT_PREFIX}(coaching|themes)$"))(
        consent.handler(services)
    )
    app.action(blocks.FORGET_YES)(forget_confirm.handler(services))
    app.action(blocks.FORGET_NO)(forget_cancel.handler(services))
    app.action(re.compile(r"^home:(grow|exercise|scenario)$"))(home_start.handler(services))
    app.action(re.compile(r"^home:pick_(exercise|scenario)$"))(home_pick.handler(services))
    app.action(blocks.HOME_ASK)(home_ask.handler(services))
    app.action(blocks.HOME_AGAIN)(home_again.handler(services))
    app.action(HOME_THEMES)(home_themes.handler(services))
    app.action(blocks.GOAL_DONE)(goal_done.handler(services))
    app.action(blocks.MENTION_CONTINUE)(mention_continue.handler(services))
    app.action(workshop_blocks.ANSWER)(workshop_answer.handler(services))
    app.action(re.compile(r"^workshop:(next|back|pause|resume|end|status)$"))(
        workshop_control.handler(services)
    )
