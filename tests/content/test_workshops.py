"""Workshop plans in prompts/workshops: the shipped plans are valid and well mixed, bad shapes
are rejected naming the file and field, and the facilitator guide renders safely."""

from __future__ import annotations

import copy
import html
import itertools
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.content.check import check_content
from bot.content.errors import ContentError
from bot.content.workshop_guide import render_guide, timetable
from bot.content.workshops import (
    ANSWER_TYPES,
    WorkshopPlan,
    card_link_errors,
    format_duration,
    load_workshop_plans,
    parse_duration,
)
from bot.knowledge.cards import card_files, load_cards

PROMPTS = PROJECT_ROOT / "prompts"
KNOWLEDGE = PROJECT_ROOT / "knowledge"
CARD_IDS = {path.stem for path in card_files(KNOWLEDGE)}
PLANS = load_workshop_plans(PROMPTS)
PLAN_IDS = sorted(PLANS)


@pytest.fixture(scope="module")
def card_titles() -> dict[str, str]:
    return {card.id: card.meta.title for card in load_cards(KNOWLEDGE)}


# ---- a small valid plan that tests can break ---------------------------------------------------


def step(step_id: str, answer: dict[str, Any], **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": step_id,
        "title": f"Step {step_id}",
        "prompt": f"A question for the channel about {step_id}?",
        "answer": answer,
        "anonymous": False,
        "facilitator_note": "Five minutes. Read a few answers aloud and move on.",
    }
    data.update(extra)
    return data


def base_plan(plan_id: str = "sample-plan", mode: str = "live") -> dict[str, Any]:
    steps = [
        step("vision", {"type": "free_text"}, time_limit_minutes=10),
        step(
            "purpose",
            {"type": "single_choice", "options": ["Health", "Inequalities", "Value"]},
            anonymous=True,
        ),
        step(
            "shared",
            {"type": "scale", "low_label": "Not at all", "high_label": "Completely"},
            cards=["direction-alignment-commitment"],
        ),
        step("anchors", {"type": "multiple_choice", "options": ["Data", "Politics", "Money"]}),
    ]
    if mode == "async":
        for day, item in enumerate(steps):
            item["opens_after"] = f"P{day}D"
    return {
        "id": plan_id,
        "title": "A sample plan",
        "summary": "A plan used by the tests. It has one step of each answer type.",
        "audience": "Partnership board members",
        "duration_minutes": 60,
        "mode": mode,
        "cards": ["five-factors-system-leadership"],
        "facilitator_notes": "Run it briskly, and say which steps are anonymous before you start.",
        "steps": steps,
    }


def write(prompts: Path, data: dict[str, Any], name: str | None = None) -> Path:
    folder = prompts / "workshops"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name or data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def rejected(tmp_path: Path, data: dict[str, Any], name: str | None = None) -> ContentError:
    path = write(tmp_path, data, name)
    with pytest.raises(ContentError) as caught:
        load_workshop_plans(tmp_path, card_ids=CARD_IDS)
    assert caught.value.path == str(path)
    return caught.value


# ---- the shipped plans --------------------------------------------------------------------------


def test_the_shipped_plans_load_with_their_file_names_as_ids() -> None:
    assert len(PLANS) >= 4
    for plan_id, plan in PLANS.items():
        assert (PROMPTS / "workshops" / f"{plan_id}.yaml").is_file()
        assert plan.id == plan_id
    assert load_workshop_plans(PROMPTS, card_ids=CARD_IDS) == PLANS


def test_the_shipped_plans_pass_the_content_check() -> None:
    counts, problems = check_content(PROMPTS, CARD_IDS)
    ours = [p for p in problems if f"{Path('prompts', 'workshops')}" in p.path]
    assert ours == []
    assert counts["workshops"] == len(PLANS)


def test_the_plans_cover_the_four_themes_and_an_async_week() -> None:
    text = " ".join(f"{p.id} {p.title}".lower() for p in PLANS.values())
    for theme in ("vision", "compassion", "conflict", "clinician", "communit"):
        assert theme in text
    assert {p.mode for p in PLANS.values()} == {"live", "async"}


@pytest.mark.parametrize("plan_id", PLAN_IDS)
def test_each_shipped_plan_is_well_mixed(plan_id: str) -> None:
    plan = PLANS[plan_id]
    assert 5 <= len(plan.steps) <= 8
    assert len(plan.answer_types) >= 3
    assert {s.anonymous for s in plan.steps} == {True, False}
    assert any(s.time_limit_minutes for s in plan.steps)
    assert set(plan.all_cards) <= CARD_IDS
    assert sum(bool(s.cards) for s in plan.steps) >= len(plan.steps) - 1
    if plan.mode == "async":
        offsets = [s.opens_after for s in plan.steps]
        assert offsets == [timedelta(days=day) for day in range(len(plan.steps))]


def test_the_plans_together_use_every_answer_type() -> None:
    used = {t for plan in PLANS.values() for t in plan.answer_types}
    assert used == set(ANSWER_TYPES)


def test_a_plan_survives_a_json_round_trip() -> None:
    for plan in PLANS.values():
        dumped = plan.model_dump(mode="json")
        assert WorkshopPlan.model_validate(dumped) == plan
    week = next(p for p in PLANS.values() if p.mode == "async")
    assert week.model_dump(mode="json")["steps"][1]["opens_after"] == "P1D"


# ---- durations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P0D", timedelta(0)),
        ("P1D", timedelta(days=1)),
        ("PT4H", timedelta(hours=4)),
        ("PT90M", timedelta(minutes=90)),
        ("P2DT9H30M", timedelta(days=2, hours=9, minutes=30)),
    ],
)
def test_durations_parse_and_format(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected
    assert parse_duration(format_duration(expected)) == expected


@pytest.mark.parametrize("text", ["1d", "P", "PT", "P1H", "P1W", "24h", "-P1D", "P1.5D", ""])
def test_other_duration_formats_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_duration(text)


# ---- bad shapes --------------------------------------------------------------------------------


def test_the_sample_plan_is_valid(tmp_path: Path) -> None:
    write(tmp_path, base_plan())
    write(tmp_path, base_plan("sample-week", mode="async"))
    plans = load_workshop_plans(tmp_path, card_ids=CARD_IDS)
    assert plans["sample-week"].steps[3].opens_after == timedelta(days=3)
    assert plans["sample-plan"].steps[0].answer.max_chars == 1000
    assert plans["sample-plan"].steps[2].answer.scale_points == [1, 2, 3, 4, 5]


def test_options_on_free_text_are_rejected(tmp_path: Path) -> None:
    data = base_plan()
    data["steps"][0]["answer"]["options"] = ["Yes", "No"]
    error = rejected(tmp_path, data)
    assert error.field == "steps.0.answer.options"
    assert "only choice answers have options" in error.message


@pytest.mark.parametrize("options", [None, ["Only one"]])
def test_a_choice_without_enough_options_is_rejected(
    tmp_path: Path, options: list[str] | None
) -> None:
    data = base_plan()
    answer = {"type": "single_choice"} | ({} if options is None else {"options": options})
    data["steps"][1]["answer"] = answer
    error = rejected(tmp_path, data)
    assert error.field == "steps.1.answer.options"
    assert "at least two options" in error.message


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        (["Data", "data "], "options.1", "appears twice"),
        (["Data", "x" * 76], "options.1", "at most 75 characters"),
        ([f"Option {i}" for i in range(11)], "options", "at most ten"),
    ],
)
def test_bad_options_are_rejected(
    tmp_path: Path, options: list[str], field: str, message: str
) -> None:
    data = base_plan()
    data["steps"][3]["answer"]["options"] = options
    error = rejected(tmp_path, data)
    assert error.field == f"steps.3.answer.{field}"
    assert message in error.message


def test_duplicate_step_ids_are_rejected(tmp_path: Path) -> None:
    data = base_plan()
    data["steps"][2]["id"] = "vision"
    error = rejected(tmp_path, data)
    assert error.field == "steps.2.id"
    assert "'vision' is already used by steps.0" in error.message


@pytest.mark.parametrize("where", ["plan", "step"])
def test_an_unknown_card_id_is_rejected(tmp_path: Path, where: str) -> None:
    data = base_plan()
    if where == "plan":
        data["cards"] = ["five-factors-system-leadership", "no-such-card"]
        field = "cards.1"
    else:
        data["steps"][2]["cards"] = ["no-such-card"]
        field = "steps.2.cards.0"
    error = rejected(tmp_path, data)
    assert (error.field, error.message) == (field, "no knowledge card 'no-such-card'")
    plan = WorkshopPlan.model_validate(data)
    assert [e.field for e in card_link_errors("plan.yaml", plan, CARD_IDS)] == [field]


def test_the_content_check_reports_an_unknown_card_in_a_workshop(tmp_path: Path) -> None:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    for folder in PROMPTS.iterdir():
        if folder.is_dir() and folder.name != "workshops":
            (prompts / folder.name).symlink_to(folder, target_is_directory=True)
    data = base_plan()
    data["steps"][1]["cards"] = ["no-such-card"]
    path = write(prompts, data)
    write(prompts, base_plan("broken", mode="async") | {"mode": "live"})
    counts, problems = check_content(prompts, CARD_IDS)
    ours = {(p.path, p.field): p.message for p in problems if "workshops" in p.path}
    assert ours[(str(path), "steps.1.cards.0")] == "no knowledge card 'no-such-card'"
    broken = str(prompts / "workshops" / "broken.yaml")
    assert "only async plans have a schedule" in ours[(broken, "steps.0.opens_after")]
    assert counts["workshops"] == 1


def test_an_async_step_without_opens_after_is_rejected(tmp_path: Path) -> None:
    data = base_plan(mode="async")
    del data["steps"][2]["opens_after"]
    error = rejected(tmp_path, data)
    assert error.field == "steps.2.opens_after"
    assert "every step of an async plan needs a time to open" in error.message


def test_a_schedule_that_goes_backwards_is_rejected(tmp_path: Path) -> None:
    data = base_plan(mode="async")
    data["steps"][3]["opens_after"] = "PT12H"
    error = rejected(tmp_path, data)
    assert error.field == "steps.3.opens_after"
    assert "PT12H is earlier than the step before (P2D)" in error.message


def test_steps_may_open_together_in_an_async_plan(tmp_path: Path) -> None:
    data = base_plan(mode="async")
    data["steps"][1]["opens_after"] = "P0D"
    write(tmp_path, data)
    assert load_workshop_plans(tmp_path)["sample-plan"].steps[1].opens_after == timedelta(0)


def test_a_live_plan_must_not_have_a_schedule(tmp_path: Path) -> None:
    data = base_plan()
    data["steps"][1]["opens_after"] = "P1D"
    error = rejected(tmp_path, data)
    assert error.field == "steps.1.opens_after"
    assert "only async plans have a schedule" in error.message


@pytest.mark.parametrize("value", ["1d", 86400, "P1W"])
def test_opens_after_uses_one_duration_format(tmp_path: Path, value: object) -> None:
    data = base_plan(mode="async")
    data["steps"][0]["opens_after"] = value
    error = rejected(tmp_path, data)
    assert error.field == "steps.0.opens_after"
    assert "ISO 8601 duration" in error.message


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"scale_min": 2}, "scale_min", "less than or equal to 1"),
        ({"scale_max": 11}, "scale_max", "less than or equal to 10"),
        ({"scale_max": 1}, "scale_max", "greater than or equal to 2"),
        ({"low_label": None}, "low_label", "label for its low end"),
        ({"high_label": "   "}, "high_label", "label for its high end"),
        ({"high_label": "x" * 76}, "high_label", "at most 75 characters"),
        ({"max_chars": 200}, "max_chars", "only a free_text answer has max_chars"),
    ],
)
def test_bad_scales_are_rejected(
    tmp_path: Path, change: dict[str, Any], field: str, message: str
) -> None:
    data = base_plan()
    data["steps"][2]["answer"].update(change)
    error = rejected(tmp_path, data)
    assert error.field == f"steps.2.answer.{field}"
    assert message in error.message


def test_scale_fields_on_another_answer_type_are_rejected(tmp_path: Path) -> None:
    data = base_plan()
    data["steps"][0]["answer"]["low_label"] = "Low"
    error = rejected(tmp_path, data)
    assert error.field == "steps.0.answer.low_label"
    assert "only a scale answer has low_label" in error.message


@pytest.mark.parametrize(
    ("edit", "field", "message"),
    [
        (lambda d: d.update(id="other-name"), "id", "must match the file name"),
        (lambda d: d.update(mode="hybrid"), "mode", "'live' or 'async'"),
        (lambda d: d.update(colour="blue"), "colour", "Extra inputs are not permitted"),
        (lambda d: d.update(steps=d["steps"][:2]), "steps", "at least 3 items"),
        (
            lambda d: d.update(summary="One. Two. Three sentences is too many."),
            "summary",
            "one or two sentences",
        ),
        (
            lambda d: d["steps"][0].update(time_limit_minutes=61),
            "duration_minutes",
            "add up to 61 minutes, more than the 60",
        ),
        (
            lambda d: d["steps"][1].update(time_limit_minutes=41),
            "duration_minutes",
            "allow at least 5 minutes each",
        ),
        (lambda d: d["steps"][0].update(prompt="x" * 2001), "steps.0.prompt", "2000 characters"),
        (lambda d: d["steps"][0].update(id="Vision Step"), "steps.0.id", "kebab-case"),
        (lambda d: d["steps"][0].pop("anonymous"), "steps.0.anonymous", "Field required"),
        (
            lambda d: d["steps"][0]["answer"].update(type="essay"),
            "steps.0.answer.type",
            "'free_text', 'single_choice', 'multiple_choice' or 'scale'",
        ),
    ],
)
def test_other_bad_shapes_name_the_field(
    tmp_path: Path, edit: Any, field: str, message: str
) -> None:
    data = copy.deepcopy(base_plan())
    edit(data)
    error = rejected(tmp_path, data, name="sample-plan")
    assert error.field == field
    assert message in error.message
    assert str(error).startswith(str(tmp_path / "workshops" / "sample-plan.yaml"))


def test_a_yaml_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "workshops" / "broken.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("id: broken\nsteps: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_workshop_plans(tmp_path)
    assert (caught.value.path, caught.value.field) == (str(path), "yaml")


def test_no_workshops_folder_means_no_plans(tmp_path: Path) -> None:
    assert load_workshop_plans(tmp_path) == {}


# ---- the facilitator guide ---------------------------------------------------------------------


class TagChecker(HTMLParser):
    VOID = frozenset({"meta", "br", "hr", "img", "link", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.seen: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()


def visible_text(page: str) -> str:
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.DOTALL)
    page = re.sub(r"</?(?:strong|em|code|span|a)\b[^>]*>", "", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def plain(text: str) -> str:
    return " ".join(re.sub(r"[*_]", "", text).split())


@pytest.mark.parametrize("plan_id", PLAN_IDS)
def test_the_html_guide_is_one_accessible_self_contained_page(
    plan_id: str, card_titles: dict[str, str]
) -> None:
    plan = PLANS[plan_id]
    page = render_guide(plan, card_titles, "html")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    checker = TagChecker()
    checker.feed(page)
    checker.close()
    assert checker.stack == []
    tags = [tag for tag, _ in checker.seen]
    assert tags.count("h1") == 1 and "h2" in tags and "h3" in tags
    assert tags.count("article") == len(plan.steps)
    assert "@media print" in page and "<title>" in page
    for tag in ("script", "link", "img", "iframe", "object"):
        assert tag not in tags
    for _, attrs in checker.seen:
        for name in ("src", "href", "action"):
            assert not (attrs.get(name) or "#").lstrip().startswith(("http", "//")), attrs
        for name, value in attrs.items():
            if name == "href":
                assert (value or "").startswith("#")
    assert not re.search(r"https?://|url\(|@import", page)
    text = visible_text(page)
    assert plain(plan.title) in text and plain(plan.summary) in text
    assert plain(plan.audience) in text
    for step in plan.steps:
        assert plain(step.prompt) in plain(text), step.id
        assert plain(step.title) in text
        assert plain(step.facilitator_note) in text
        for option in step.answer.options:
            assert option in text
    for card in plan.all_cards:
        assert card_titles[card] in text


@pytest.mark.parametrize("plan_id", PLAN_IDS)
def test_the_markdown_guide_has_every_step(plan_id: str, card_titles: dict[str, str]) -> None:
    plan = PLANS[plan_id]
    guide = render_guide(plan, card_titles, "markdown")
    assert guide.startswith(f"# {plan.title}\n")
    unquoted = "\n".join(line.removeprefix("> ") for line in guide.splitlines())
    text = plain(html.unescape(unquoted))
    assert "## Timetable" in guide and guide.count("### Step ") == len(plan.steps)
    for step in plan.steps:
        assert plain(step.prompt) in text, step.id
        assert ("Anonymous" if step.anonymous else "Named") in guide
    for card in plan.all_cards:
        assert card_titles[card] in guide
    assert "http" not in guide


def test_the_live_timetable_runs_on_from_the_time_limits() -> None:
    plan = PLANS["conflict-on-the-partnership-board"]
    rows = timetable(plan)
    assert rows[0].start_minute == 0
    for before, after in itertools.pairwise(rows):
        assert before.end_minute == after.start_minute
    assert rows[-1].end_minute == plan.duration_minutes
    for row in rows:
        if row.step.time_limit_minutes:
            assert row.end_minute == (row.start_minute or 0) + row.step.time_limit_minutes
    assert rows[1].when == "6–18 min"
    guide = render_guide(plan, {}, "markdown")
    assert (
        "| 4 | Interests underneath positions | 26–66 min | 40 min (no limit; suggested)" in guide
    )


def test_the_async_timetable_shows_the_day_each_step_opens(card_titles: dict[str, str]) -> None:
    data = base_plan(mode="async")
    data["steps"][2]["opens_after"] = "P2DT9H30M"
    data["steps"][3]["opens_after"] = "P6D"
    plan = WorkshopPlan.model_validate(data)
    assert [row.when for row in timetable(plan)] == [
        "Day 1",
        "Day 2",
        "Day 3, +9 h 30 min",
        "Day 7",
    ]
    page = render_guide(plan, card_titles, "html")
    assert "Day 3, +9 h 30 min" in page and "spread over 7 days" in page


def test_a_live_plan_with_every_step_timed_shows_the_spare_minutes() -> None:
    data = base_plan()
    for item in data["steps"]:
        item["time_limit_minutes"] = 10
    plan = WorkshopPlan.model_validate(data)
    assert "The other 20 min are for the welcome" in render_guide(plan, {}, "markdown")


def test_the_guide_escapes_html_in_every_text() -> None:
    evil = "<script>alert('x')</script> & <b onmouseover=1>"
    data = base_plan()
    data["title"] = "Trust & <i>safety</i>"
    data["summary"] = f"About {evil}."
    data["audience"] = evil
    data["facilitator_notes"] = f"Notes {evil}\n\n- a list item {evil}"
    data["steps"][0]["prompt"] = f"*Bold* and {evil}"
    data["steps"][0]["title"] = f"Title {evil}"[:80]
    data["steps"][0]["facilitator_note"] = f"Note {evil}"
    data["steps"][1]["answer"]["options"] = ["<img src=x>", "A & B", '"quoted"']
    data["steps"][2]["answer"]["low_label"] = "<low>"
    plan = WorkshopPlan.model_validate(data)
    titles = {"five-factors-system-leadership": "Card <em>title</em>"}
    page = render_guide(plan, titles, "html")
    for raw in ("<script", "<b ", "<i>", "<img", "<low>", "<em>title"):
        assert raw not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x&gt;" in page and "A &amp; B" in page
    assert "<strong>Bold</strong>" in page
    checker = TagChecker()
    checker.feed(page)
    assert checker.stack == []
    guide = render_guide(plan, titles, "markdown")
    assert "<script" not in guide and "<img" not in guide and "&lt;script&gt;" in guide
    assert "**Bold**" in guide


def test_an_unknown_card_is_shown_by_its_id_and_an_unknown_format_is_refused() -> None:
    plan = PLANS[PLAN_IDS[0]]
    guide = render_guide(plan, {}, "markdown")
    assert f"`{plan.cards[0]}`" in guide
    with pytest.raises(ValueError, match="unknown guide format"):
        render_guide(plan, {}, "pdf")  # type: ignore[arg-type]
