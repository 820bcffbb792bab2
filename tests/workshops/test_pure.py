"""The pure parts: answer checks, suppression, keyword themes, exports and messages."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Sequence
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from bot.content.errors import ContentError
from bot.content.workshops import WorkshopStep
from bot.workshops import InvalidAnswer, UnknownFormat, WordCountSummariser, render_summary
from bot.workshops.counting import live_tally, summarise_step, suppress
from bot.workshops.models import Cell, RunSummary, StepSummary, ThemeCount
from bot.workshops.texts import load_texts, texts_path
from bot.workshops.validate import check_answer
from tests.workshops.conftest import PLANS, T0

ERRORS = load_texts().errors
STEPS = {step.id: step for plan in PLANS.values() for step in plan.steps}
SINGLE = STEPS["behaviour-skipped"]
MULTIPLE = STEPS["what-gets-in-the-way"]
SCALE = STEPS["own-abc"]
FREE = STEPS["one-practice"]  # max_chars 400


# ---- answers -----------------------------------------------------------------------------------


def test_answers_are_checked_against_their_step() -> None:
    option = SINGLE.answer.options[2]
    assert check_answer(SINGLE.answer, f"  {option} ", ERRORS) == option
    assert check_answer(SINGLE.answer, [option], ERRORS) == option
    picked = [MULTIPLE.answer.options[3], MULTIPLE.answer.options[0], MULTIPLE.answer.options[3]]
    assert check_answer(MULTIPLE.answer, picked, ERRORS) == [picked[1], picked[0]]
    assert check_answer(SCALE.answer, "5", ERRORS) == 5
    assert check_answer(SCALE.answer, 1, ERRORS) == 1
    assert check_answer(FREE.answer, "  Summarise first.\n", ERRORS) == "Summarise first."


@pytest.mark.parametrize(
    ("step", "value", "message"),
    [
        (SINGLE, "Something else", ERRORS.choose_option),
        (SINGLE, 2, ERRORS.choose_option),
        (MULTIPLE, [], ERRORS.choose_some),
        (MULTIPLE, None, ERRORS.choose_some),
        (MULTIPLE, ["Workload and back-to-back meetings", "Nope"], ERRORS.choose_option),
        (SCALE, 0, ERRORS.scale_range.format(low=1, high=5)),
        (SCALE, 6, ERRORS.scale_range.format(low=1, high=5)),
        (SCALE, True, ERRORS.scale_range.format(low=1, high=5)),
        (SCALE, "three", ERRORS.scale_range.format(low=1, high=5)),
        (SCALE, 2.5, ERRORS.scale_range.format(low=1, high=5)),
        (FREE, "   ", ERRORS.empty_text),
        (FREE, None, ERRORS.empty_text),
        (FREE, "x" * 401, ERRORS.too_long.format(limit=400, length=401)),
    ],
)
def test_wrong_answers_get_a_kind_reason(step: WorkshopStep, value: object, message: str) -> None:
    with pytest.raises(InvalidAnswer) as refused:
        check_answer(step.answer, value, ERRORS)
    assert refused.value.message == message


# ---- suppression -------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [2, 3, 5])
def test_suppression_never_reveals_a_small_group(k: int) -> None:
    """Every split of k or more people (up to 9 per option) over 4 options: shown cells are
    >= k, and the hidden cells' total (known by subtraction for single choice) is 0 or >= k."""
    for cells in itertools.product(range(10), repeat=4):
        if sum(cells) < k:
            continue  # the whole step is hidden then
        shown = suppress(cells, k, partition=True)
        assert all(c is None or c >= k for c in shown)
        hidden = sum(c for c, s in zip(cells, shown, strict=True) if s is None)
        assert hidden == 0 or hidden >= k, (cells, shown)
        assert [c for c in shown if c is not None] == [
            c for c, s in zip(cells, shown, strict=True) if s is not None
        ]


def test_suppression_examples() -> None:
    assert suppress([4, 0, 0, 3], 3, partition=True) == [4, None, None, 3]
    assert suppress([0, 3, 0, 2, 0], 3, partition=True) == [None] * 5
    assert suppress([5, 4, 1], 3, partition=True) == [5, None, None]
    assert suppress([5, 4, 1], 3, partition=False) == [5, 4, None]


def test_a_step_with_too_few_people_is_hidden_whole() -> None:
    summariser = WordCountSummariser(stop_words=[])
    few = summarise_step(2, SCALE, [1, 1], 3, summariser)
    assert few.suppressed and few.respondents is None and few.mean is None
    assert [c.count for c in few.cells] == [None] * 5 and few.number == 3
    enough = summarise_step(2, SCALE, [1, 1, 1, 5, 5, 5], 3, summariser)
    assert [c.count for c in enough.cells] == [3, None, None, None, 3] and enough.mean == 3.0
    whole = summarise_step(2, SCALE, [2, 2, 2, 3, 3, 3], 3, summariser)
    assert whole.mean == 2.5 and whole.cells[1].share == 0.5
    alike = summarise_step(2, SCALE, [2, 2, 2, 2], 3, summariser)  # "all 4 chose 2": hidden
    assert alike.respondents == 4 and alike.mean is None and alike.cells[1].count is None


def test_live_tallies_show_named_steps_and_hide_small_anonymous_ones() -> None:
    named = STEPS["leaving-with"]
    tally = live_tally(1, named, ["Tired"], 3)
    assert not tally.hidden and [c.count for c in tally.counts] == [0, 0, 0, 1, 0]
    anonymous = live_tally(1, SINGLE, [SINGLE.answer.options[0]] * 2, 3)
    assert anonymous.hidden and anonymous.respondents == 2
    assert {c.count for c in anonymous.counts} == {None}


# ---- keyword themes ----------------------------------------------------------------------------


def test_themes_count_distinct_people_and_drop_names_and_rare_words() -> None:
    answers = [
        "Trust, trust and more trust between partners. I asked Priya about funding.",
        "Partners need trust. Priya and I disagreed about funding.",
        "Building trust with our partner organisations. Talked to Priya.",
        "Nothing to report",
    ]
    themes = WordCountSummariser().themes(answers, 3)
    assert [(t.keyword, t.people) for t in themes] == [("partners", 3), ("trust", 3)]
    assert WordCountSummariser().themes(answers, 4) == []
    assert all("priya" not in t.keyword.casefold() for t in themes)


def test_themes_ignore_stop_words_from_the_messages_file() -> None:
    answers = ["I really think so, honestly"] * 3
    summariser = WordCountSummariser(load_texts().stop_words)
    assert [t.keyword for t in summariser.themes(answers, 3)] == ["honestly"]


def test_a_careless_summariser_cannot_leak_an_answer() -> None:
    class Quoting:
        def themes(self, answers: Sequence[str], min_people: int) -> list[ThemeCount]:
            return [ThemeCount(keyword=answer, people=9) for answer in answers] + [
                ThemeCount(keyword="rota", people=1),
                ThemeCount(keyword="rota gaps", people=3),
            ]

    answers = ["I told the whole board about the rota gaps", "rota", "the rota gaps again"]
    step = summarise_step(0, FREE, answers, 3, Quoting())
    assert [(t.keyword, t.people) for t in step.themes] == [("rota gaps", 3)]


# ---- exports -----------------------------------------------------------------------------------


def sample_summary() -> RunSummary:
    steps = [
        StepSummary(
            index=0,
            step_id="pick",
            title="Pick <one> & go",
            answer_type="single_choice",
            anonymous=True,
            respondents=7,
            cells=[
                Cell(label='=HYPERLINK("x")', count=4, share=4 / 7),
                Cell(label="<script>alert(1)</script>", count=3, share=3 / 7),
                Cell(label="Quiet", count=None),
            ],
            themes=[],
        ),
        StepSummary(
            index=1,
            step_id="words",
            title="Words",
            answer_type="free_text",
            anonymous=False,
            respondents=5,
            cells=[],
            themes=[ThemeCount(keyword="trust", people=4)],
        ),
        StepSummary(
            index=2,
            step_id="few",
            title="Few",
            answer_type="scale",
            anonymous=True,
            respondents=None,
            cells=[Cell(label=str(p), count=None) for p in range(1, 6)],
            themes=[],
        ),
    ]
    return RunSummary(
        run_id=1,
        plan_id="sample-plan",
        plan_title='Plans & "people"',
        mode="live",
        status="ended",
        started_at=T0,
        ended_at=T0 + timedelta(hours=1),
        min_people=3,
        steps=steps,
    )


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs


def test_the_html_page_is_self_contained_and_escaped() -> None:
    page = render_summary(sample_summary(), "html")
    parser = Tags()
    parser.feed(page)
    assert "script" not in parser.tags and "link" not in parser.tags and "img" not in parser.tags
    assert not any(name in {"src", "href"} for name, _ in parser.attrs)
    assert "http" not in page and "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Plans &amp; &quot;people&quot;: workshop summary" in page
    assert '<html lang="en">' in page and "<caption" in page and 'scope="row"' in page
    assert load_texts().report.suppressed_cell in page
    assert load_texts().report.step_suppressed.format(k=3) in page


def test_the_csv_has_a_row_per_step_and_option() -> None:
    rows = list(csv.DictReader(io.StringIO(render_summary(sample_summary(), "csv"))))
    assert [(r["step_id"], r["row"], r["people"], r["suppressed"]) for r in rows] == [
        ("pick", "option", "4", "False"),
        ("pick", "option", "3", "False"),
        ("pick", "option", "", "True"),
        ("words", "keyword", "4", "False"),
        ("few", "step", "", "True"),
    ]
    assert rows[0]["label"] == '\'=HYPERLINK("x")'  # no formula for a spreadsheet to run


def test_json_and_unknown_formats() -> None:
    data = json.loads(render_summary(sample_summary(), "json"))
    assert data["steps"][2]["respondents"] is None and data["min_people"] == 3
    with pytest.raises(UnknownFormat) as unknown:
        render_summary(sample_summary(), "pdf")
    assert "html, csv, json" in unknown.value.message


# ---- messages ----------------------------------------------------------------------------------


def test_messages_may_only_use_their_placeholders(tmp_path: Path) -> None:
    data = yaml.safe_load(texts_path().read_text(encoding="utf-8"))
    data["errors"]["step_closed"] = "Closed, {name}."
    bad = tmp_path / "facilitation" / "messages.yaml"
    bad.parent.mkdir()
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_texts(tmp_path)
    assert "step_closed" in str(error.value) and "name" in str(error.value)
