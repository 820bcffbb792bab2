"""The figures a programme report releases, with differential privacy.

Every count of people in a report (the leaders contributing, per theme this period and the
previous one, per week, per flow, per exercise, per card verdict) is registered in one
:class:`Tally`, noised together by OpenDP (bot/programme/privacy.py), and only then put through
the k-thresholds: a figure whose noisy count is below k is withheld or left out. Which themes,
exercises and cards are candidates at all is decided by the k-rules on the true counts (as the
themes engine decides its themes), so the noise is spread over figures that can be shown, not
over every card anyone ever rated. Everything is
counted over one population (the report's leaders), so no figure can describe anyone the others
do not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel

from bot.programme.privacy import Noisy, Tally
from bot.programme.windows import WEEK, Window
from bot.store.engagement import EngagementData, People
from bot.themes.models import Theme, ThemeReport
from bot.themes.trends import CHANGE, classify_trend

MOST_USED = 10
_SLUG = re.compile(r"[^a-z0-9]+")


class Figure(BaseModel):
    label: str
    people: int | None  # None: fewer than k people, withheld


class FlowFigure(BaseModel):
    kind: str
    started: int | None
    finished: int | None


class CardFeedback(BaseModel):
    card_id: str
    helpful: int
    not_helpful: int

    @property
    def rate(self) -> float:
        return self.helpful / max(1, self.helpful + self.not_helpful)


class Engagement(BaseModel):
    window_start: datetime
    window_end: datetime
    cohort: str | None
    min_people: int
    active_by_week: list[Figure]
    flows: list[FlowFigure]
    most_used: list[Figure]
    cards: list[CardFeedback]


def week_label(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def within(data: EngagementData, population: People) -> EngagementData:
    """The engagement data of the report's population only."""

    def keep(groups: dict[str, People]) -> dict[str, People]:
        return {key: people & population for key, people in groups.items() if people & population}

    return EngagementData(
        active_by_week=keep(data.active_by_week),
        flows_started=keep(data.flows_started),
        flows_finished=keep(data.flows_finished),
        flow_use=keep(data.flow_use),
        card_helpful=keep(data.card_helpful),
        card_unhelpful=keep(data.card_unhelpful),
    )


@dataclass(frozen=True)
class Released:
    themes: ThemeReport
    engagement: Engagement
    noise: Noisy


def release_figures(
    themes: ThemeReport,
    data: EngagementData,
    window: Window,
    k: int,
    noise: Callable[[Tally], Noisy],
    trend_change: float = CHANGE,
) -> Released:
    """`themes` (true counts, from the engine) and `data` (of the report's population only),
    noised together by `noise` and thresholded at k on the noisy counts."""
    tally = Tally()
    total = tally.add(themes.total_people)
    theme_at = [(tally.add(t.people), _maybe(tally, t.previous_people)) for t in themes.themes]
    other = tally.add(themes.other_people) if themes.other_people else None
    faded_at = [tally.add(t.previous_people or 0) for t in themes.faded]
    weeks = [week_label(window.start + n * WEEK) for n in range(window.weeks)]
    week_at = [tally.add(len(data.active_by_week.get(w, frozenset()))) for w in weeks]
    kinds = sorted(set(data.flows_started) | set(data.flows_finished))
    flow_at = [
        (
            tally.add(len(data.flows_started.get(kind, frozenset()))),
            tally.add(len(data.flows_finished.get(kind, frozenset()))),
        )
        for kind in kinds
    ]
    used = _most_used(data, k)
    used_at = [tally.add(len(data.flow_use[name])) for name in used]
    cards = _rated_cards(data, k)
    card_at = [
        (
            tally.add(len(data.card_helpful.get(c, frozenset()))),
            tally.add(len(data.card_unhelpful.get(c, frozenset()))),
        )
        for c in cards
    ]
    noisy = noise(tally)

    def shown(index: int | None) -> int | None:
        return None if index is None or tally[index] < k else tally[index]

    # no fewer leaders in all than in its biggest theme (post-processing spends nothing)
    people = max(k, tally[total], *(tally[now_at] for now_at, _ in theme_at))
    kept: list[Theme] = []
    hidden = 0
    taken: set[str] = set()
    for theme, (now_at, before_at) in zip(themes.themes, theme_at, strict=True):
        count = shown(now_at)
        if count is None:
            hidden += 1
            continue
        previous = shown(before_at)
        kept.append(
            theme.model_copy(
                update={
                    "id": unique_slug(theme, taken),
                    "people": count,
                    "share": round(min(1.0, count / people), 4),
                    "previous_people": previous,
                    "trend": classify_trend(count, previous, trend_change),
                }
            )
        )
    kept.sort(key=lambda theme: -theme.people)  # biggest first, by the released counts
    faded = [
        theme.model_copy(update={"id": unique_slug(theme, taken), "previous_people": tally[i]})
        for theme, i in zip(themes.faded, faded_at, strict=True)
        if tally[i] >= k
    ]
    released_themes = themes.model_copy(
        update={
            "themes": kept,
            "faded": faded,
            "other_people": shown(other) or 0,
            "suppressed_count": themes.suppressed_count + hidden,
            "total_people": people,
        }
    )
    feedback = [
        CardFeedback(card_id=c, helpful=_side(tally[h], k), not_helpful=_side(tally[u], k))
        for c, (h, u) in zip(cards, card_at, strict=True)
        if _side(tally[h], k) + _side(tally[u], k) >= k
    ]
    most = sorted(
        ((name, tally[i]) for name, i in zip(used, used_at, strict=True) if tally[i] >= k),
        key=lambda item: (-item[1], item[0]),
    )
    engagement = Engagement(
        window_start=window.start,
        window_end=window.end,
        cohort=themes.cohort,
        min_people=k,
        active_by_week=[
            Figure(label=w, people=shown(i)) for w, i in zip(weeks, week_at, strict=True)
        ],
        flows=[
            FlowFigure(kind=kind, started=shown(s), finished=shown(f))
            for kind, (s, f) in zip(kinds, flow_at, strict=True)
        ],
        most_used=[Figure(label=name, people=n) for name, n in most][:MOST_USED],
        cards=sorted(feedback, key=lambda c: (c.rate, c.card_id)),
    )
    return Released(released_themes, engagement, noisy)


def _most_used(data: EngagementData, k: int) -> list[str]:
    """The exercises and scenarios started by at least k leaders, the most used first: only
    these are noised and may be shown (as themes are those k leaders share), so the noise is
    not spread over every exercise anyone ever started."""
    used = [(name, len(people)) for name, people in data.flow_use.items() if len(people) >= k]
    return [name for name, _ in sorted(used, key=lambda item: (-item[1], item[0]))[:MOST_USED]]


def _rated_cards(data: EngagementData, k: int) -> list[str]:
    """Cards found helpful by at least k leaders and not helpful by at least k (or by none)."""
    cards = []
    for card in sorted(set(data.card_helpful) | set(data.card_unhelpful)):
        helpful = len(data.card_helpful.get(card, frozenset()))
        unhelpful = len(data.card_unhelpful.get(card, frozenset()))
        sides = (helpful == 0 or helpful >= k) and (unhelpful == 0 or unhelpful >= k)
        if sides and helpful + unhelpful >= k:
            cards.append(card)
    return cards


def _side(noisy: int, k: int) -> int:
    """One side of a card's verdicts: its noisy count, or 0 when that is below k."""
    return noisy if noisy >= k else 0


def _maybe(tally: Tally, count: int | None) -> int | None:
    return None if count is None else tally.add(count)


def unique_slug(theme: Theme, taken: set[str]) -> str:
    """A readable id from the theme's key words (or its label), unique in the report."""
    source = " ".join(theme.keywords[:2]) or " ".join((theme.label or "").split()[:4])
    slug = _SLUG.sub("-", source.lower()).strip("-") or "theme"
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate
