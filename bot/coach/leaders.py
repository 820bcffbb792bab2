"""What every front end needs per leader, by their external id: consent, feedback, goals,
follow-up nudges and data rights (export and forget). Slack-free."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from bot.store.activity import RecentFlow
from bot.store.consent import Choice, Consent
from bot.store.goals import Goal, Status
from bot.store.open import Stores
from bot.store.ratelimit import Verdict

WORKDAY_END = 17  # nudges arrive in working hours, never in the evening or at weekends


def sensible_time(local: datetime, start_hour: int) -> bool:
    """Whether `local` (the leader's own wall-clock time) is a good moment for a nudge."""
    return local.weekday() < 5 and start_hour <= local.hour < WORKDAY_END


class Leaders:
    def __init__(self, stores: Stores) -> None:
        self.stores = stores

    def _id(self, user: str) -> int:
        return self.stores.conversations.user_id(user)

    # --- consent ------------------------------------------------------------------------------

    def first_contact(self, user: str) -> bool:
        """True exactly once per leader: the moment to show the privacy notice."""
        return self.stores.consent.first_contact(self._id(user))

    def consent(self, user: str) -> Consent | None:
        return self.stores.consent.get(self._id(user))

    def set_consent(self, user: str, choice: Choice) -> Consent:
        """Record the choice; choosing coaching only also deletes any scrubbed copies kept
        for themes while the leader was contributing."""
        user_id = self._id(user)
        consent = self.stores.consent.set(user_id, choice)
        if not consent.themes:
            self.stores.notes.delete_for(user_id)
        return consent

    # --- feedback -----------------------------------------------------------------------------

    def record_feedback(
        self, user: str, *, helpful: bool, card_ids: list[str], reply_ref: str = ""
    ) -> None:
        self.stores.feedback.record(
            self._id(user), helpful=helpful, card_ids=card_ids, reply_ref=reply_ref
        )

    # --- goals --------------------------------------------------------------------------------

    def open_goals(self, user: str) -> list[Goal]:
        return self.stores.goals.list(self._id(user))

    def recent_flows(self, user: str, limit: int = 5) -> list[RecentFlow]:
        """The person's latest exercises and scenarios, newest first."""
        return self.stores.activity.recent(self._id(user), ("exercise", "scenario"), limit)

    def set_goal_status(self, user: str, goal_id: int, status: Status) -> Goal | None:
        return self.stores.goals.set_status(self._id(user), goal_id, status)

    def due_goals(self, on_or_before: date) -> dict[str, list[Goal]]:
        """Goals due by `on_or_before` and never followed up, grouped by leader."""
        grouped: dict[str, list[Goal]] = defaultdict(list)
        for user, goal in self.stores.goals.due_for_followup(on_or_before):
            grouped[user].append(goal)
        return dict(grouped)

    def claim_followups(self, goals: list[Goal]) -> list[Goal]:
        """Mark these goals followed up; the ones this caller won (so each nudge goes once)."""
        return [goal for goal in goals if self.stores.goals.mark_followed_up(goal.id)]

    # --- delivery -----------------------------------------------------------------------------

    def claim(self, key: str, user: str = "") -> bool:
        """True the first time `key` is seen by any process sharing the database."""
        return self.stores.claims.claim(key, owner=user)

    def rate(self, user: str) -> Verdict:
        """Count one message from this leader against the per-minute limit."""
        return self.stores.rates.hit(user)

    # --- data rights --------------------------------------------------------------------------

    def export_user_data(self, user: str) -> dict[str, Any]:
        return self.stores.rights.export_user_data(user)

    def forget_user(self, user: str) -> dict[str, int]:
        return self.stores.rights.forget_user(user)
