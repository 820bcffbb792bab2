"""Loading and linting knowledge cards."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.knowledge.cards import CardError, load_cards, parse_card
from bot.knowledge.lint import check_directory
from tests.helpers import write_card

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def test_the_real_knowledge_base_is_clean_and_large_enough() -> None:
    cards, problems = check_directory(KNOWLEDGE)
    assert problems == []
    assert len(cards) >= 45
    for card in cards:
        assert card.meta.sources, card.id
        assert len(card.meta.reflection_questions) >= 2, card.id
        assert 150 <= card.word_count <= 500, card.id


def test_cards_cover_the_themes_leaders_need() -> None:
    ids = {card.id for card in load_cards(KNOWLEDGE)}
    for needed in [
        "collective-vs-heroic-leadership",
        "four-compassionate-behaviours",
        "abc-of-core-work-needs",
        "leading-without-authority",
        "forward-view-to-stps",
        "health-and-care-act-2022",
        "building-trust-between-organisations",
        "surfacing-conflict",
        "reaching-consensus",
        "engaging-clinicians",
        "engaging-local-government",
        "engaging-communities",
        "vcse-equal-partner",
        "emotions-in-change",
        "way-we-do-things",
        "anchor-points",
        "future-in-view",
        "followership-styles",
        "tall-poppy-syndrome",
        "leader-wellbeing",
    ]:
        assert needed in ids


def test_a_card_is_split_into_its_sections(tmp_path: Path) -> None:
    path = write_card(tmp_path, "sample-card")
    card = parse_card(path)
    assert card.id == "sample-card"
    assert [s.heading for s in card.sections] == ["What it is", "Trying it"]
    assert card.meta.sources[0].year == 2014


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"summary": None}, "summary"),
        ({"reflection_questions": ["Is this a statement."]}, "reflection_questions"),
        ({"sources": []}, "sources"),
        ({"id": "Not Kebab"}, "id"),
    ],
)
def test_a_malformed_card_names_its_file_and_field(
    tmp_path: Path, change: dict, field: str
) -> None:
    path = write_card(tmp_path, "broken-card", **change)
    with pytest.raises(CardError) as caught:
        parse_card(path)
    problem = caught.value.problems[0]
    assert problem.path.endswith("broken-card.md")
    assert problem.field.startswith(field)


def test_invalid_yaml_is_reported_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("---\nid: [unclosed\n---\n## A\ntext\n", encoding="utf-8")
    with pytest.raises(CardError, match=r"bad\.md: front matter: invalid YAML"):
        parse_card(path)


def test_lint_finds_duplicates_broken_links_and_long_bodies(tmp_path: Path) -> None:
    write_card(tmp_path, "first-card", related=["missing-card"])
    write_card(tmp_path, "second-card", id="first-card")
    write_card(tmp_path, "long-card", words=600)
    _, problems = check_directory(tmp_path)
    text = "\n".join(str(p) for p in problems)
    assert "first-card.md: related.0: no card with id 'missing-card'" in text
    assert "duplicate id 'first-card'" in text
    assert "second-card.md: id: 'first-card' must match the file name" in text
    assert re.search(r"long-card\.md: body: \d+ words; over-long", text)


def test_lint_rejects_yes_no_reflection_questions(tmp_path: Path) -> None:
    write_card(tmp_path, "closed-card", reflection_questions=["Do you agree?", "What matters?"])
    _, problems = check_directory(tmp_path)
    assert any(p.field == "reflection_questions.0" for p in problems)
