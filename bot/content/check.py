"""`anchor content check`: every prompt file (exercises, scenarios, workshop plans, system and
safety prompts, the demo programme) loads, validates and links only to real cards."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.content.coaching import load_flow_words, load_grow, load_router
from bot.content.demo import load_demo_programme
from bot.content.errors import ContentError
from bot.content.flows import Exercise, Scenario
from bot.content.llm_prompts import load_llm_prompts
from bot.content.loader import load_yaml_model
from bot.content.safety import load_safety_content
from bot.content.slack import load_slack_texts
from bot.content.templates import load_offline_templates
from bot.content.workshops import card_link_errors, load_workshop_plan, workshop_files

LOADERS: tuple[Callable[[Path], object], ...] = (
    load_offline_templates,
    load_router,
    load_flow_words,
    load_llm_prompts,
    load_safety_content,
    load_slack_texts,
    load_demo_programme,
)


def _links(path: Path, cards: list[str], card_ids: set[str]) -> list[ContentError]:
    return [
        ContentError(path, f"cards.{i}", f"no knowledge card {card!r}")
        for i, card in enumerate(cards)
        if card not in card_ids
    ]


def check_content(
    prompts_dir: Path, card_ids: set[str]
) -> tuple[dict[str, int], list[ContentError]]:
    """Counts of the flows that loaded, and every problem found (file and field)."""
    problems: list[ContentError] = []
    for loader in LOADERS:
        try:
            loader(prompts_dir)
        except ContentError as exc:
            problems.append(exc)
    try:
        grow = load_grow(prompts_dir)
        problems += _links(prompts_dir / "system" / "grow.yaml", grow.cards, card_ids)
    except ContentError as exc:
        problems.append(exc)
    counts = {"exercises": 0, "scenarios": 0}
    folders: tuple[tuple[str, type[Exercise] | type[Scenario]], ...] = (
        ("exercises", Exercise),
        ("scenarios", Scenario),
    )
    for folder, model in folders:
        for path in sorted((prompts_dir / folder).glob("*.yaml")):
            try:
                item = load_yaml_model(path, model)
            except ContentError as exc:
                problems.append(exc)
                continue
            counts[folder] += 1
            if item.id != path.stem:
                problems.append(ContentError(path, "id", f"{item.id!r} must match the file name"))
            linked = list(item.cards)
            if isinstance(item, Scenario):
                linked += item.debrief.cards
            problems += _links(path, linked, card_ids)
    counts["workshops"] = 0
    for path in workshop_files(prompts_dir):
        try:
            plan = load_workshop_plan(path)
        except ContentError as exc:
            problems.append(exc)
            continue
        counts["workshops"] += 1
        problems += card_link_errors(path, plan, card_ids)
    return counts, problems
