"""Block Kit builders stay within Slack's limits whatever the coach says."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from bot.config import Settings
from bot.content.slack import SlackTexts, load_slack_texts
from bot.models import Citation, FlowInfo, Reply, ReplyOption, Source
from bot.slack import blocks
from bot.store.consent import Consent
from bot.store.goals import Goal


@pytest.fixture(scope="module")
def texts() -> SlackTexts:
    return load_slack_texts(Settings().prompts_dir)


def elements(blocks_: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for block in blocks_:
        found += block.get("elements", [])
        if "accessory" in block:
            found.append(block["accessory"])
    return found


def assert_within_limits(blocks_: list[dict[str, Any]], max_blocks: int = 50) -> None:
    assert 0 < len(blocks_) <= max_blocks
    for block in blocks_:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
            assert all(len(e["text"]) <= 3000 for e in block["elements"])
    for element in elements(blocks_):
        if element["type"] == "button":
            assert len(element["text"]["text"]) <= 75
            assert len(element.get("value", "")) <= 2000
        if element["type"] == "static_select":
            assert len(element["options"]) <= 100
            assert all(len(o["text"]["text"]) <= 75 for o in element["options"])
    ids = [b["block_id"] for b in blocks_ if "block_id" in b]
    assert len(ids) == len(set(ids))


def citation(n: int) -> Citation:
    source = Source(
        author="West M, Eckert R",
        year=2014,
        title="Developing collective leadership for health care",
        publisher="The King's Fund",
        url="https://www.kingsfund.org.uk/",
    )
    return Citation(
        card_id=f"card-number-{n}-" + "x" * 60, title=f"Card <{n}> & more", sources=[source]
    )


def test_a_huge_reply_is_split_and_capped(texts: SlackTexts) -> None:
    paragraph = "A sentence about trust between partners. " * 120  # ~5,000 characters
    reply = Reply(
        reply="\n\n".join([paragraph] * 40) + "\n\nSources: [1] Something (West et al, 2014).",
        citations=[citation(n) for n in range(14)],
        options=[ReplyOption(value=str(n), label="An option label " * 10) for n in range(30)],
    )
    built = blocks.reply_blocks(reply, texts, sources_heading="Sources", offer_dm=True)
    assert_within_limits(built)
    assert built[-1]["block_id"] == "offer"
    assert "Sources: [1]" not in str(built)


def test_an_answer_has_sources_and_feedback_and_escapes_what_people_typed(
    texts: SlackTexts,
) -> None:
    reply = Reply(
        reply="You said <!channel> & <@U123>.\n\nSources: [1] Card (West et al, 2014).",
        citations=[citation(1)],
    )
    built = blocks.reply_blocks(reply, texts, sources_heading="Sources")
    assert_within_limits(built)
    assert built[0]["text"]["text"] == "You said &lt;!channel&gt; &amp; &lt;@U123&gt;."
    assert [b.get("block_id") for b in built[1:]] == ["sources", "feedback"]
    sources = built[1]["elements"][1]["text"]
    assert sources.startswith("[1] <https://www.kingsfund.org.uk/|Card &lt;1&gt; &amp; more>")
    assert "West et al, 2014" in sources
    value = built[2]["elements"][0]["value"]
    assert citation(1).card_id in value


def test_a_flow_step_shows_progress_and_choices_but_no_feedback_yet(texts: SlackTexts) -> None:
    reply = Reply(
        reply="Step 1 of 8: how much control do you have?",
        citations=[citation(1)],
        options=[ReplyOption(value=str(n), label=str(n)) for n in range(1, 11)],
        flow=FlowInfo(kind="exercise", id="abc-check", title="ABC check", step=1, total=8),
    )
    built = blocks.reply_blocks(reply, texts, sources_heading="Sources")
    assert_within_limits(built)
    ids = [b.get("block_id", b["type"]) for b in built]
    assert ids == ["section", "context", "flow_options:0"]
    assert built[1]["elements"][0]["text"] == "ABC check: step 1 of 8"
    chosen = blocks.chosen(built, "7", texts)
    assert [b.get("block_id", b["type"]) for b in chosen] == ["section", "context", "context"]
    assert chosen[2]["elements"][0]["text"] == "You chose: 7"


def test_app_home_fits_with_many_goals_and_long_menus(texts: SlackTexts) -> None:
    goals = [
        Goal(
            id=n,
            text="Meet the council director about the discharge funding " * 4,
            due=date(2025, 1, 1 + n % 28),
            status="open",
            source="exercise:abc-check",
            created_at=datetime(2025, 1, 1),
            followed_up=False,
        )
        for n in range(60)
    ]
    exercises = {f"exercise-{n}": "A long exercise title " * 6 for n in range(150)}
    consent = Consent(choice="themes", notified_at=datetime(2025, 1, 1), updated_at=None)
    view = blocks.home_view(texts, consent, goals, exercises, {}, date(2025, 1, 10))
    assert view["type"] == "home"
    assert_within_limits(view["blocks"], max_blocks=100)
    assert "…and 40 more" in str(view["blocks"])


def test_texts_for_every_surface_fit(texts: SlackTexts) -> None:
    for built in (
        blocks.notice_blocks(texts),
        blocks.privacy_blocks(None, texts),
        blocks.usage_blocks(texts, "/anchor", unknown="x" * 500),
        blocks.forget_confirm_blocks(texts),
        blocks.goals_blocks([], texts),
        blocks.ask_modal(texts)["blocks"],
    ):
        assert_within_limits(built)
    assert blocks.forget_done_text({"user": 0}, texts) == texts.forget.nothing


def test_split_text_keeps_paragraphs_and_cuts_long_ones_at_spaces() -> None:
    long = "word " * 1000
    pieces = blocks.split_text(f"short one\n\n{long}\n\nshort two", limit=1000)
    assert all(len(p) <= 1000 for p in pieces)
    assert pieces[0] == "short one"
    assert pieces[-1].endswith("short two")
    assert "".join(pieces).replace("\n", "").replace(" ", "") == (
        "shortone" + "word" * 1000 + "shorttwo"
    )
