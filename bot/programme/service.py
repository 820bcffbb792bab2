"""The programme team's service: themes and engagement figures, with every rule that keeps
leaders anonymous enforced here, whatever surface (terminal, Slack) asked.

The rules (k = ANCHOR_MIN_COHORT, default 5; epsilon and the budget from ANCHOR_PRIVACY_*):
1. Only programme team members (or the server's operator at the terminal) may ask.
2. Only scrubbed copies from leaders who chose to contribute are read; no text is ever output.
3. One population for every figure: a report describes the leaders with at least one scrubbed
   copy kept for themes in its window (and cohort). Engagement figures count only those
   leaders, so someone whose every message was too short or safety-flagged (no copy is kept)
   changes no figure at all.
4. Counts are of distinct people, never messages. Every count gets discrete Laplace noise from
   OpenDP, calibrated so the whole report spends ANCHOR_PRIVACY_EPSILON (bot/programme/
   privacy.py); a theme or figure whose noisy count is below k is merged, withheld or left out.
5. Windows are whole completed weeks (bot/programme/windows.py).
6. A report's population must be at least k, or it is refused.
7. Each new report is written to the privacy ledger (bot/store/releases.py) and spends epsilon
   from its calendar month's budget; when the month's budget is spent, new reports are refused
   until it renews. An identical request (same cohort members, weeks and population) replays
   the stored report: same figures, nothing spent, so asking again and averaging gains nothing.
8. No two reports differ by fewer than k people: before a new report, its population is compared
   with the population of every report in the ledger (all of them, recomputed now from the
   cohort's name and weeks) and with the whole programme in the same weeks; if the two differ
   by between 1 and k - 1 people (one inside the other, or a cohort with some members swapped),
   it is refused. Refusals are never written to the ledger, so no number of them can crowd a
   release out.
9. Every view, export and refusal is written to the audit log (a record, not a rule's input).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

if TYPE_CHECKING:
    from bot.privacy.scrub import Scrubber

from bot.config import Settings
from bot.knowledge.embed import Embedder
from bot.knowledge.retrieve import Retriever
from bot.programme.cohorts import Cohorts
from bot.programme.figures import (
    CardFeedback,
    Engagement,
    Figure,
    FlowFigure,
    release_figures,
    within,
)
from bot.programme.labels import ThemeLabeller, make_labeller
from bot.programme.privacy import EPSILON_SLACK, Noisy, Tally
from bot.programme.texts import ProgrammeTexts, load_programme_texts
from bot.programme.windows import Window, WindowError, parse_since
from bot.roles import Roles
from bot.store.open import Stores
from bot.store.releases import period_of
from bot.themes.cards import CardMatcher, RetrieverCardMatcher
from bot.themes.engine import ThemeConfig, ThemeEngine
from bot.themes.models import Theme, ThemeMessage, ThemeReport

__all__ = ["CardFeedback", "Engagement", "Figure", "FlowFigure", "Programme", "Refused"]

Purpose = Literal["view", "export"]
LABEL_MIN_KEYWORDS = 2  # a theme with fewer key words is named by its knowledge cards
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


class Privacy(BaseModel):
    """How a report was protected, for the report itself and its JSON and CSV."""

    statement: str
    epsilon: float  # spent by this report when it was first made
    noise_scale: float  # of the discrete Laplace noise on each count
    budget: float  # for its calendar month
    spent: float  # in that month, this report included
    period: str  # "2026-12"
    renews: date
    released_at: datetime


class ProgrammeReport(BaseModel):
    window: Window
    themes: ThemeReport
    engagement: Engagement
    privacy: Privacy


class Budget(BaseModel):
    """Differential privacy settings: epsilon per new report and per calendar month."""

    epsilon: float
    per_month: float
    seed: int | None = None  # tests only


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
        budget: Budget | None = None,
        cards: CardMatcher | None = None,
        card_titles: Mapping[str, str] | None = None,
        deny: Callable[[], Iterable[str]] = lambda: (),
        labeller: ThemeLabeller | None = None,
    ) -> None:
        self.stores = stores
        self.roles = roles
        self.embedder = embedder
        self.cohorts = cohorts
        self.k = min_people
        self.texts = texts
        self.budget = budget or Budget(epsilon=10.0, per_month=40.0)
        self.cards = cards
        self.card_titles = dict(card_titles or {})
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
            window, members, people = self._allowed(actor, since, cohort, now)
            params.update(start=window.start.isoformat(), end=window.end.isoformat())
            key = self._key(window, members, people)
            earlier = self.stores.releases.find(key)
            if earlier is not None:
                params["release"] = "replayed"
                report = ProgrammeReport.model_validate(earlier.report)
            else:
                params["release"] = "new"
                self._no_subtraction(window, cohort, people)
                self._affordable(now)
                report = self._release(window, cohort, members, people, key, now, progress)
        except Refused as refusal:
            self.stores.audit.write(actor, action, params, f"refused: {refusal.reason}")
            raise
        self.stores.audit.write(actor, action, params, "shown")
        return report

    # --- the rules ------------------------------------------------------------------------------

    def _allowed(
        self, actor: str, since: str, cohort: str | None, now: datetime
    ) -> tuple[Window, frozenset[str] | None, frozenset[str]]:
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
        people = frozenset(self.stores.notes.people(window.start, window.end, members))
        if len(people) < self.k:
            raise Refused(words.too_few.format(k=self.k), "population below k")
        return window, members, people

    def _key(self, window: Window, members: frozenset[str] | None, people: frozenset[str]) -> str:
        """What makes two requests identical: the cohort's members, the weeks, the population
        and k (a digest; the pseudonyms themselves are not kept in the ledger's key)."""
        what = {
            "members": None if members is None else sorted(members),
            "start": window.start.isoformat(),
            "end": window.end.isoformat(),
            "people": sorted(people),
            "k": self.k,
        }
        return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()

    def _no_subtraction(self, window: Window, cohort: str | None, people: frozenset[str]) -> None:
        """Rule 8: no two reports may differ by between 1 and k - 1 people (every release in
        the ledger, and the whole programme in the same weeks)."""
        others: set[tuple[datetime, datetime, frozenset[str] | None]] = {
            (window.start, window.end, None)
        }
        for release in self.stores.releases.releases():
            members = self.cohorts.members(release.cohort) if release.cohort else None
            if release.cohort and members is None:
                continue  # a cohort since removed from the settings
            others.add((release.window_start, release.window_end, members))
        for start, end, members in others:
            theirs = self.stores.notes.people(start, end, members)
            difference = len(people ^ theirs)
            if 0 < difference < self.k:
                raise Refused(
                    self.texts.refusals.overlap.format(k=self.k), "would differ by fewer than k"
                )

    def _affordable(self, now: datetime) -> None:
        """Rule 7: this month's budget must still hold one more report's epsilon (checked here
        before building, and again, atomically with the spending, when the report is written)."""
        spent = self.stores.releases.spent(period_of(now))
        if spent + self.budget.epsilon > self.budget.per_month + EPSILON_SLACK:
            raise self._budget_spent(now)

    def _budget_spent(self, now: datetime) -> Refused:
        renews = f"{_renewal(now):%d %B %Y}"
        return Refused(
            self.texts.refusals.budget_spent.format(renews=renews), "privacy budget spent"
        )

    # --- building -------------------------------------------------------------------------------

    def _messages(
        self, window: Window, cohort: str | None, members: frozenset[str] | None
    ) -> list[ThemeMessage]:
        notes = self.stores.notes.window(window.start, window.end, members)
        return [ThemeMessage(leader=n.leader, at=n.at, text=n.text, cohort=cohort) for n in notes]

    def _named(self, report: ThemeReport) -> ThemeReport:
        """Labels: from the LLM (key words only), and for a theme with too few key words to
        name it (a small cohort: few words are used by k leaders), the title of the closest
        knowledge card it maps to: the knowledge base's words, never anyone's."""
        themes: list[Theme] = []
        for theme in report.themes:
            label = theme.label
            if label is None and self.labeller is not None and theme.keywords:
                label = self.labeller.label(theme.keywords)
            if label is None and len(theme.keywords) < LABEL_MIN_KEYWORDS:
                titles = [self.card_titles[c] for c in theme.card_ids if c in self.card_titles]
                label = titles[0] if titles else None
            themes.append(theme.model_copy(update={"label": label}))
        return report.model_copy(update={"themes": themes})

    def _release(
        self,
        window: Window,
        cohort: str | None,
        members: frozenset[str] | None,
        people: frozenset[str],
        key: str,
        now: datetime,
        progress: Progress | None,
    ) -> ProgrammeReport:
        progress = progress or _quiet
        step = "Building the report"
        progress(step, 0, STEPS)
        current = self._messages(window, cohort, members)
        previous = self._messages(window.previous, cohort, members)
        progress(step, 1, STEPS)
        config = ThemeConfig(min_people=self.k)
        engine = ThemeEngine(
            self.embedder,
            cards=self.cards,
            config=config,
            deny=self.deny(),  # people's names from the directory never become labels
        )
        themes = engine.report(
            current,
            previous=previous,
            window_start=window.start,
            window_end=window.end,
            cohort=cohort,
        )
        themes = self._named(themes)
        progress(step, 2, STEPS)
        data = within(self.stores.engagement.collect(window.start, window.end, members), people)
        released = release_figures(
            themes, data, window, self.k, self._noise, trend_change=config.trend_change
        )
        made: list[ProgrammeReport] = []

        def figures(spent: float) -> dict[str, object]:
            privacy = self._privacy(released.noise, now, spent)
            made.append(
                ProgrammeReport(
                    window=window,
                    themes=released.themes,
                    engagement=released.engagement,
                    privacy=privacy,
                )
            )
            return made[-1].model_dump(mode="json")

        def vet() -> None:  # again, now that the month's budget is locked: rule 8
            self._no_subtraction(window, cohort, people)

        spend = self.stores.releases.spend(
            key,
            now,
            cohort,
            (window.start, window.end),
            round(released.noise.epsilon, 6),
            self.budget.per_month,
            figures,
            vet,
        )
        if spend.outcome == "over":  # another report spent the budget while this one was built
            raise self._budget_spent(now)
        if spend.outcome == "replayed":  # another process released it first
            earlier = self.stores.releases.find(key)
            if earlier is not None:
                return ProgrammeReport.model_validate(earlier.report)
        progress(step, STEPS, STEPS)
        return made[-1]

    def _noise(self, tally: Tally) -> Noisy:
        return tally.release(self.budget.epsilon, self.budget.seed)

    def _privacy(self, noise: Noisy, now: datetime, spent: float) -> Privacy:
        period = period_of(now)
        renews = _renewal(now)
        return Privacy(
            statement=self.texts.report.privacy.format(k=self.k),
            epsilon=round(noise.epsilon, 6),
            noise_scale=round(noise.scale, 6),
            budget=self.budget.per_month,
            spent=round(spent, 6),
            period=period,
            renews=renews,
            released_at=now,
        )


def _renewal(now: datetime) -> date:
    """The first day of the next calendar month (UTC), when the budget renews."""
    today = now.astimezone(UTC).date()
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


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
        budget=Budget(
            epsilon=settings.privacy_epsilon,
            per_month=settings.privacy_budget,
            seed=settings.privacy_noise_seed,
        ),
        cards=RetrieverCardMatcher(retriever),
        card_titles={card_id: card.meta.title for card_id, card in retriever.cards.items()},
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
