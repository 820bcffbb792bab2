"""Optional LLM theme labels: from key words only, checked, and never required."""

from __future__ import annotations

import json
import time
from typing import Any

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from bot.config import PROJECT_ROOT, Settings
from bot.datafiles import load_yaml_model
from bot.knowledge.retrieve import Retriever
from bot.privacy.scrub import Scrubber
from bot.programme.labels import PROMPT, LabelPrompt, ThemeLabeller, make_labeller
from bot.programme.report import render
from bot.store.open import Stores
from tests.programme.conftest import MEMBER, NOW, programme_for, write_cohorts

WORDS = ["discharge", "beds", "winter", "care", "waiting"]


def prompt() -> LabelPrompt:
    return load_yaml_model(PROJECT_ROOT / "prompts" / PROMPT, LabelPrompt)


def labeller(*answers: str, scrubber: Scrubber | None = None) -> ThemeLabeller:
    changes = (lambda text: scrubber.scrub(text) != text) if scrubber else (lambda _t: False)
    return ThemeLabeller(FakeListChatModel(responses=list(answers)), prompt(), 2.0, changes)


class Recording:
    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.seen: list[Any] = []

    def invoke(self, messages: Any) -> Any:
        self.seen.append(messages)
        return self.answer


class Sleepy:
    def invoke(self, _messages: Any) -> Any:
        time.sleep(3)
        return '{"label": "late"}'


def test_a_good_label_is_used_and_only_key_words_are_sent() -> None:
    model = Recording(json.dumps({"label": "Winter discharge delays"}))
    got = ThemeLabeller(model, prompt(), 2.0).label(WORDS)
    assert got == "Winter discharge delays"
    sent = json.dumps(model.seen)
    assert "discharge, beds, winter, care, waiting" in sent


def test_unsafe_or_malformed_labels_are_refused(scrubber: Scrubber) -> None:
    for answer in (
        "no json here",
        '{"label": "x"}',
        '{"label": "A label that is far too long to be a useful theme name"}',
        '{"label": "Beds <NAME> asked about"}',
        '{"label": "Winter 2026 pressures"}',
        '{"label": "Dr Adeyemi and the winter beds"}',
    ):
        assert labeller(answer, scrubber=scrubber).label(WORDS) is None, answer


def test_a_slow_or_failing_provider_leaves_the_key_words() -> None:
    # a good label, but too late: had the labeller waited, it would have used it
    assert ThemeLabeller(Sleepy(), prompt(), 0.3).label(WORDS) is None


def test_offline_there_is_no_labeller(settings: Settings) -> None:
    assert make_labeller(settings) is None


def test_labels_appear_in_the_report(
    deployment: tuple[Settings, Stores, list[str]], retriever: Retriever
) -> None:
    settings, stores, _ = deployment
    write_cohorts(settings, {})
    programme = programme_for(settings, stores, retriever)
    programme.labeller = labeller(*[json.dumps({"label": "A readable theme name"})] * 30)
    report = programme.report(MEMBER, "30d", now=NOW)
    assert report.themes.themes and all(
        t.label == "A readable theme name" for t in report.themes.themes
    )
    html = render(report, "html", programme.texts.report, {}, settings.prompts_dir, NOW)
    assert "A readable theme name (" in html
