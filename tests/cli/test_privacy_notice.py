"""Issue 13, attack 8: the privacy notices (Slack and the terminal) state the real retention
periods, from the settings, instead of "until you delete it"."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from bot.cli import app
from bot.config import PROJECT_ROOT
from bot.content.coaching import load_flow_words
from bot.content.slack import load_slack_texts
from bot.slack import blocks

PROMPTS = PROJECT_ROOT / "prompts"


def test_the_slack_notice_states_the_configured_periods() -> None:
    texts = load_slack_texts(PROMPTS).with_retention(200, 90)
    shown = json.dumps(blocks.notice_blocks(texts)) + json.dumps(blocks.privacy_blocks(None, texts))
    assert "deleted 200 days after" in shown and "after 90 days" in shown
    assert "until you delete it" not in shown and "{days}" not in shown


def test_the_terminal_notice_states_the_configured_periods() -> None:
    notice = load_flow_words(PROMPTS).help.terminal.privacy_notice(200, 90)
    assert "deleted 200 days after" in notice and "after 90 days" in notice


def test_privacy_in_anchor_chat_reads_the_settings(tmp_path, index_dir) -> None:  # type: ignore[no-untyped-def]
    env = {
        "ANCHOR_DATA_DIR": str(tmp_path / "data"),
        "ANCHOR_INDEX_DIR": str(index_dir),
        "ANCHOR_RETENTION_DAYS": "120",
        "ANCHOR_THEME_RETENTION_DAYS": "60",
    }
    result = CliRunner().invoke(app, ["chat"], input="/privacy\n/quit\n", env=env)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "deleted 120 days after they were last used" in said and "after 60 days" in said
