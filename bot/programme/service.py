"""The programme team's service: themes and engagement figures, with every rule that keeps
leaders anonymous enforced here, whatever surface (terminal, Slack) asked.

The rules (k = ANCHOR_MIN_COHORT, default 5):
1. Only programme team members (or the server's operator at the terminal) may ask.
2. Only scrubbed copies from leaders who chose to contribute are read; no text is ever output.
3. Counts are of distinct people, never messages; a theme or figure behind fewer than k people
   is merged into "other" or withheld.
4. A report's population (the distinct leaders it describes) must be at least k, or it is
   refused; so must a cohort's.
5. No subtraction below k: before a report is released, its population is compared with the
   population of every report released in the last 90 days (from the audit log, recomputed
   now) and with the whole population of the same window. If one contains the other and they
   differ by fewer than k people, the report is refused: subtracting one from the other would
   describe a group smaller than k. Windows are whole UTC days, so there are no minute-by-minute
   windows to difference.
6. Every view, export and refusal is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

if TYPE_CHECKING:
    from bot.privacy.scrub import Scrubber

from bot.config import Settings
from bot.knowledge.embed import Embedder
from bot.knowledge.retrieve import Retriever
from bot.programme.cohorts import Cohorts
from bot.programme.labels import ThemeLabeller, make_labeller
from bot.programme.texts import ProgrammeTexts, load_programme_texts
from bot.programme.windows import Window, WindowError, parse_since
from bot.roles import Roles
from bot.store.engagement import EngagementData, People
from bot.store.open import Stores
from bot.themes.cards import CardMatcher, RetrieverCardMatcher
from bot.themes.engine import ThemeConfig, ThemeEngine
from bot.themes.models import ThemeMessage, ThemeReport

Purpose = Literal["view", "export"]
LOOKBACK = timedelta(days=90)
MOST_USED = 10
STEPS = 3
Progress = Callable[[str, int, int], None]


def _quiet(_step: str, _done: int, _total: int) -> None:
    """No progress shown."""


class Refused(Exception):
    """A report that may not be shown; `message` says why, kindly and without detail."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


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


class ProgrammeReport(BaseModel):
    window: Window
    themes: ThemeReport
    engagement: Engagement


def shown(people: People, k: int) -> int | None:
    return len(people) if len(people) >= k else None


def engagement_figures(
    data: EngagementData, window: Window, cohort: str | None, k: int
) -> Engagement:
    """Counts of people, each withheld (None) or left out when fewer than k."""
    kinds = sorted(set(data.flows_started) | set(data.flows_finished))
    used = sorted(data.flow_use.items(), key=lambda item: (-len(item[1]), item[0]))
    cards = sorted(set(data.card_helpful) | set(data.card_unhelpful))
    feedback = []
    for card in cards:
        helpful = data.card_helpful.get(card, frozenset())
        unhelpful = data.card_unhelpful.get(card, frozenset())
        if (
            len(helpful | unhelpful) >= k
            and (not helpful or len(helpful) >= k)
            and (not unhelpful or len(unhelpful) >= k)
        ):
            feedback.append(
                CardFeedback(card_id=card, helpful=len(helpful), not_helpful=len(unhelpful))
            )
    return Engagement(
        window_start=window.start,
        window_end=window.end,
        cohort=cohort,
        min_people=k,
        active_by_week=[
            Figure(label=week, people=shown(people, k))
            for week, people in sorted(data.active_by_week.items())
        ],
        flows=[
            FlowFigure(
                kind=kind,
                started=shown(data.flows_started.get(kind, frozenset()), k),
                finished=shown(data.flows_finished.get(kind, frozenset()), k),
            )
            for kind in kinds
        ],
        most_used=[
            Figure(label=name, people=len(people)) for name, people in used if len(people) >= k
        ][:MOST_USED],
        cards=sorted(feedback, key=lambda c: (c.rate, c.card_id)),
    )


class Programme:
    def __init__(
        self,
        stores: Stores,
        roles: Roles,
        embedder: Embedder,
        cohorts: Cohorts,
        min_people: int,
        texts: ProgrammeTexts,
        *,
        cards: CardMatcher | None = None,
        deny: Callable[[], Iterable[str]] = lambda: (),
        labeller: ThemeLabeller | None = None,
    ) -> None:
        self.stores = stores
        self.roles = roles
        self.embedder = embedder
        self.cohorts = cohorts
        self.k = min_people
        self.texts = texts
        self.cards = cards
        self.deny = deny
        self.labeller = labeller

    # --- the one entry point ------------------------------------------------------------------

    def report(
        self,
        actor: str,
        since: str = "30d",
        cohort: str | None = None,
        purpose: Purpose = "view",
        detail: dict[str, str] | None = None,
        now: datetime | None = None,
        progress: Progress | None = None,
    ) -> ProgrammeReport:
        """Themes and engagement for a window (and cohort), if every rule allows; audited."""
        now = now or datetime.now(UTC)
        action = f"themes.{purpose}"
        params: dict[str, str] = {"since": since, "cohort": cohort or "", **(detail or {})}
        try:
            window, members = self._allowed(actor, since, cohort, now)
            params.update(start=window.start.isoformat(), end=window.end.isoformat())
            report = self._build(window, cohort, members, progress or _quiet)
        except Refused as refusal:
            self.stores.audit.write(actor, action, params, f"refused: {refusal.reason}")
            raise
        self.stores.audit.write(actor, action, params, "shown")
        return report

    # --- the rules ------------------------------------------------------------------------------

    def _allowed(
        self, actor: str, since: str, cohort: str | None, now: datetime
    ) -> tuple[Window, frozenset[str] | None]:
        words = self.texts.refusals
        if not self.roles.is_programme(actor):
            raise Refused(words.not_allowed, "not in the programme team")
        try:
            window = parse_since(since, now)
        except WindowError as exc:
            raise Refused(str(exc), "unreadable period") from exc
        members = None
        if cohort is not None:
            members = self.cohorts.members(cohort)
            if members is None:
                raise Refused(words.unknown_cohort.format(cohort=cohort), "unknown cohort")
        people = self.stores.notes.people(window.start, window.end, members)
        if len(people) < self.k:
            raise Refused(words.too_few.format(k=self.k), "population below k")
        self._no_subtraction(window, cohort, people, now)
        return window, members

    def _no_subtraction(
        self, window: Window, cohort: str | None, people: set[str], now: datetime
    ) -> None:
        """Rule 5: no released report may differ from this one by fewer than k people."""
        others: set[tuple[datetime, datetime, str]] = {(window.start, window.end, "")}
        for entry in self.stores.audit.entries(limit=1000):
            if entry.outcome != "shown" or not entry.action.startswith("themes."):
                continue
            if entry.at.replace(tzinfo=entry.at.tzinfo or UTC) < now - LOOKBACK:
                continue
            try:
                start = datetime.fromisoformat(str(entry.detail["start"]))
                end = datetime.fromisoformat(str(entry.detail["end"]))
            except (KeyError, ValueError):
                continue
            others.add((start, end, str(entry.detail.get("cohort") or "")))
        for start, end, other_cohort in others:
            if (start, end, other_cohort) == (window.start, window.end, cohort or ""):
                continue
            members = self.cohorts.members(other_cohort) if other_cohort else None
            if other_cohort and members is None:
                continue  # a cohort since removed from the settings
            theirs = self.stores.notes.people(start, end, members)
            nested = people <= theirs or theirs <= people
            difference = len(people ^ theirs)
            if nested and 0 < difference < self.k:
                raise Refused(
                    self.texts.refusals.overlap.format(k=self.k), "would differ by fewer than k"
                )

    @staticmethod
    def _labelled(report: ThemeReport, labeller: ThemeLabeller) -> ThemeReport:
        """Each shown theme with an LLM label from its key words (none where that fails)."""
        themes = [t.model_copy(update={"label": labeller.label(t.keywords)}) for t in report.themes]
        return report.model_copy(update={"themes": themes})

    # --- building -------------------------------------------------------------------------------

    def _messages(
        self, window: Window, cohort: str | None, members: frozenset[str] | None
    ) -> list[ThemeMessage]:
        notes = self.stores.notes.window(window.start, window.end, members)
        return [ThemeMessage(leader=n.leader, at=n.at, text=n.text, cohort=cohort) for n in notes]

    def _build(
        self,
        window: Window,
        cohort: str | None,
        members: frozenset[str] | None,
        progress: Progress,
    ) -> ProgrammeReport:
        step = "Building the report"
        progress(step, 0, STEPS)
        current = self._messages(window, cohort, members)
        previous = self._messages(window.previous, cohort, members)
        progress(step, 1, STEPS)
        engine = ThemeEngine(
            self.embedder,
            cards=self.cards,
            config=ThemeConfig(min_people=self.k),
            deny=self.deny(),  # people's names from the directory never become labels
        )
        themes = engine.report(
            current,
            previous=previous,
            window_start=window.start,
            window_end=window.end,
            cohort=cohort,
        )
        if self.labeller is not None:
            themes = self._labelled(themes, self.labeller)
        progress(step, 2, STEPS)
        data = self.stores.engagement.collect(window.start, window.end, members)
        progress(step, STEPS, STEPS)
        return ProgrammeReport(
            window=window,
            themes=themes,
            engagement=engagement_figures(data, window, cohort, self.k),
        )


def open_programme(
    settings: Settings,
    stores: Stores,
    retriever: Retriever,
    roles: Roles,
    deny: Callable[[], Iterable[str]] = lambda: (),
) -> Programme:
    """The programme service for a deployment: its roles, cohorts, threshold and words, the
    knowledge index's embedder and cards."""
    return Programme(
        stores,
        roles,
        retriever.embedder,
        Cohorts.load(settings.cohorts_file),
        settings.min_cohort,
        load_programme_texts(settings.prompts_dir),
        cards=RetrieverCardMatcher(retriever),
        deny=deny,
        labeller=make_labeller(settings, _scrubber_changes(settings)),
    )


def _scrubber_changes(settings: Settings) -> Callable[[str], bool]:
    """Whether the scrubber would alter a text (built on first use: Presidio is slow to load)."""
    from bot.coach.notes import make_scrubber

    made: list[Scrubber] = []

    def changes(text: str) -> bool:
        if not made:
            made.append(make_scrubber(settings))
        return made[0].scrub(text) != text

    return changes
