"""The HTML report in a real browser: it renders, and the page logs no errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.config import Settings
from bot.knowledge.retrieve import Retriever
from bot.programme.report import render
from bot.store.open import Stores
from tests.programme.chromium import find_browser, visit
from tests.programme.conftest import MEMBER, NOW, programme_for, write_cohorts

pytestmark = pytest.mark.browser  # headless Chromium

PNG = b"\x89PNG\r\n\x1a\n"


def test_the_html_report_renders_in_headless_chromium_without_console_errors(
    deployment: tuple[Settings, Stores, list[str]], retriever: Retriever, tmp_path: Path
) -> None:
    browser = find_browser()
    if browser is None:
        if os.environ.get("ANCHOR_REQUIRE_CHROMIUM"):
            pytest.fail("Chromium is required here (ANCHOR_REQUIRE_CHROMIUM) but not installed")
        pytest.skip("Chromium is not installed (CI installs it: see .ci/run)")
    settings, stores, _ = deployment
    write_cohorts(settings, {})
    programme = programme_for(settings, stores, retriever)
    report = programme.report(MEMBER, "30d", now=NOW)
    titles = {card_id: card.meta.title for card_id, card in retriever.cards.items()}
    page = tmp_path / "themes.html"
    page.write_text(
        render(report, "html", programme.texts.report, titles, settings.prompts_dir, NOW),
        encoding="utf-8",
    )
    seen = visit(browser, page)
    assert seen.errors == []
    assert seen.screenshot.startswith(PNG) and len(seen.screenshot) > 20_000
    (tmp_path / "themes.png").write_bytes(seen.screenshot)


def test_the_check_catches_a_page_with_errors(tmp_path: Path) -> None:
    browser = find_browser()
    if browser is None:
        pytest.skip("Chromium is not installed")
    page = tmp_path / "broken.html"
    page.write_text(
        "<!doctype html><title>x</title><script>console.error('boom'); nope();</script>",
        encoding="utf-8",
    )
    assert len(visit(browser, page).errors) >= 2
