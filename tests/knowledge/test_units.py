"""Cards compiled into sentence units: no heading, tag, list number, self-reference or dangling
connective can be quoted; `anchor kb check` fails on the ones a writer must fix; seats."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.knowledge.cards import load_cards, parse_card
from bot.knowledge.chunks import chunk_card
from bot.knowledge.lint import check_directory
from bot.knowledge.seats import Seat, default_seat_rules, fits_seat
from bot.knowledge.units import compile_card, fragment_kind
from tests.helpers import FILLER, card_meta


def write_card(directory: Path, name: str, body: str) -> Path:
    """A valid card whose body is `body` plus enough plain filler to pass the length rule."""
    path = directory / f"{name}.md"
    filler = FILLER * (160 // len(FILLER.split()) + 1)
    path.write_text(
        f"---\n{yaml.safe_dump(card_meta(name), sort_keys=False)}---\n\n{body}\n\n"
        f"## More\n\n{filler}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Tags: collective leadership, system leadership, culture, teams.", "tag line"),
        ("2.", "list number"),
        ("Commitment.", "heading"),
        ("Responding productively.", "heading"),
        (
            "The companion card on building psychological safety covers what leaders can do.",
            "self-reference",
        ),
        (
            "Then close the loop and tell people what you did with what they raised.",
            "dangling connective",
        ),
        (
            "This means that partners must agree how they will decide before they argue.",
            "dangling connective",
        ),
        (
            "but the board still wanted a single name to hold to account for it",
            "dangling connective",
        ),
        ("A few questions help to tell the two kinds of problem apart:", "incomplete"),
        ("Trust between organisations is built by individuals, one kept promise at a time.", None),
    ],
)
def test_fragments_are_named(sentence: str, kind: str | None) -> None:
    assert fragment_kind(sentence) == kind


def test_no_quotable_unit_of_any_card_is_a_fragment() -> None:
    cards = load_cards(Path("knowledge"))
    quotable = [u for card in cards for u in compile_card(card) if u.quotable]
    assert len(quotable) > 20 * len(cards) // 2
    for unit in quotable:
        assert fragment_kind(unit.text) is None, unit.text
        assert not unit.text.startswith(("Tags", "**", "#")), unit.text
        assert "card" not in unit.text.lower().split(), unit.text


def test_structure_is_stripped_from_list_items_and_bold_lead_ins(tmp_path: Path) -> None:
    body = (
        "## Trying it\n"
        "**Commitment.** Commitment shows in resources released, budgets pooled and shared"
        " decisions taken through each partner's own board.\n\n"
        "1. **Separate the people from the problem.** Deal with perceptions and emotions"
        " directly, rather than letting them leak into the substance.\n"
        "2. frequent face-to-face contact between the leaders of the partner bodies;\n"
    )
    card = parse_card(write_card(tmp_path, "structured", body))
    texts = {u.text: u for u in compile_card(card)}
    assert (
        "Commitment shows in resources released, budgets pooled and shared decisions taken"
        " through each partner's own board." in texts
    )
    assert texts[
        "Deal with perceptions and emotions directly, rather than letting them leak into the"
        " substance."
    ].quotable
    leftover = [u for u in compile_card(card) if "frequent face-to-face" in u.text]
    assert leftover and not leftover[0].quotable


def test_the_summary_chunk_carries_no_tag_line() -> None:
    card = load_cards(Path("knowledge"))[0]
    summary = chunk_card(card)[0]
    assert "Tags:" not in summary.text
    assert card.meta.tags[0].replace("-", " ") in summary.search_text  # still searchable


def test_kb_check_fails_on_a_card_that_refers_to_cards(tmp_path: Path) -> None:
    body = (
        "## What it is\nPartners who keep their promises build trust over years of joint work."
        " The companion card on conflict covers what to do when trust breaks down between"
        " partners. Small promises kept in public are worth more than large ones made in"
        " private. Leaders who name their own mistakes early make it safer for others to do"
        " the same.\n"
    )
    write_card(tmp_path, "self-ref", body)
    _, problems = check_directory(tmp_path)
    assert any("refers to a card" in p.message for p in problems)


def test_a_definition_that_leans_on_its_bold_term_is_never_quoted(
    tmp_path: Path,
) -> None:
    body = (
        "## The tables\n"
        "- **Health and wellbeing board.** A committee of the council where partners plan"
        " together for the health of the area.\n"
        "- **Place board.** The place board is where partners in one borough agree joint"
        " priorities and track what changed for residents.\n"
        "Partners who keep small promises in public build the trust that large plans need."
        " Leaders who name their own mistakes early make it safer for others to do the same.\n"
    )
    card = parse_card(write_card(tmp_path, "tables", body))
    units = {u.text: u for u in compile_card(card)}
    leaning = units[
        "A committee of the council where partners plan together for the health of the area."
    ]
    assert leaning.fragment == "definition" and not leaning.quotable
    assert units[
        "The place board is where partners in one borough agree joint priorities and track what"
        " changed for residents."
    ].quotable


def test_a_line_aimed_at_an_icb_chief_executive_is_not_said_to_a_council_director() -> None:
    rules = default_seat_rules()
    suits, not_for = rules.aimed(
        "An ICB chief executive does not line-manage trust chief executives."
    )
    council = rules.infer("I'm the director of adult social care at the county council.")
    assert council == Seat(sector="council", role="director_adult_social_care")
    assert not fits_seat(suits, not_for, council)
    assert not fits_seat(suits, not_for, Seat())  # unknown seat: not assumed
    assert fits_seat(suits, not_for, Seat(sector="icb", role="chief_executive"))


def test_a_line_about_council_staff_from_outside_is_not_said_to_the_council() -> None:
    rules = default_seat_rules()
    suits, not_for = rules.aimed(
        "Council staff may feel that NHS bodies set the agenda and expect them to follow."
    )
    assert not_for == {"council"}
    assert not fits_seat(suits, not_for, Seat(sector="council"))
    assert fits_seat(suits, not_for, Seat(sector="trust"))


@pytest.mark.parametrize(
    ("said", "sector", "role"),
    [
        (
            "As a PCN clinical director I keep being outvoted",
            "general_practice",
            "clinical_director",
        ),
        ("I run a small charity in the town", "vcse", None),
        ("I'm the new ICB chief executive", "icb", "chief_executive"),
        ("Our trust keeps losing money on the contract", "trust", None),
        ("The trust chief executive keeps blocking our plan", None, None),  # someone else's seat
    ],
)
def test_the_seat_comes_from_what_leaders_say_of_themselves(
    said: str, sector: str | None, role: str | None
) -> None:
    assert default_seat_rules().infer(said) == Seat(sector=sector, role=role)


def test_a_slack_title_gives_a_seat() -> None:
    seat = default_seat_rules().from_title("Director of Adult Social Care, Leeds City Council")
    assert seat == Seat(sector="council", role="director_adult_social_care")
