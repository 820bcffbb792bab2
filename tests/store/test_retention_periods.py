"""Issue 13, attack 8: retention covers every table holding a person's data (feedback verdicts,
workshop answers, goals, the person's own row and choice), not only conversations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from time_machine import TimeMachineFixture

from bot.config import PROJECT_ROOT
from bot.content.workshops import load_workshop_plans
from bot.store.open import Stores
from bot.store.tables import ConsentRow, FeedbackRow, GoalRow, UserRow
from bot.store.workshop_runs import WorkshopAnswerRow, WorkshopRunRow, WorkshopStore
from bot.workshops import Workshops

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=400)
RECENT = NOW - timedelta(days=10)
PLANS = load_workshop_plans(PROJECT_ROOT / "prompts")
FACILITATOR = "slack:UFAC"


def count(stores: Stores, table: type) -> int:
    with stores.conversations.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def workshop(stores: Stores, channel: str, at: datetime) -> None:
    service = Workshops(
        WorkshopStore(stores.engine, stores.cipher), PLANS, is_facilitator=lambda a: True
    )
    plan = "compassionate-leadership-in-practice"
    service.start(FACILITATOR, channel, plan, now=at)
    for n in range(3):
        service.answer(f"slack:U{n}", channel, "first-two-minutes", f"answer {n}", now=at)
    service.end(FACILITATOR, channel, now=at + timedelta(hours=1))


def test_every_table_with_a_persons_data_is_purged_after_its_period(
    stores: Stores, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(OLD, tick=False)
    old = stores.conversations.user_id("slack:UOLD")
    stores.consent.set(old, "coaching")
    stores.feedback.record(old, helpful=False, card_ids=["trust"], reply_ref="r1")
    stores.goals.add(old, "an old goal", due=OLD.date(), source="")
    workshop(stores, "C0OLD", OLD)

    time_machine.move_to(RECENT, tick=False)
    new = stores.conversations.user_id("slack:UNEW")
    stores.consent.set(new, "themes")
    stores.feedback.record(new, helpful=True, card_ids=["trust"], reply_ref="r2")
    stores.goals.add(new, "a recent goal", due=None, source="")
    stores.goals.add(old, "a goal set last week", due=date(2026, 7, 1), source="")
    workshop(stores, "C0NEW", RECENT)
    assert count(stores, FeedbackRow) == 2 and count(stores, WorkshopAnswerRow) == 6

    time_machine.move_to(NOW, tick=False)
    purged = stores.retention.purge(NOW, conversation_days=365, theme_days=180)
    assert (purged.feedback, purged.goals, purged.workshop_runs) == (1, 1, 1)
    assert purged.workshop_answers == 3 and purged.people == 0  # UOLD still has a recent goal
    assert count(stores, FeedbackRow) == 1 and count(stores, WorkshopAnswerRow) == 3
    assert count(stores, WorkshopRunRow) == 1 and count(stores, GoalRow) == 2
    exported = stores.rights.export_user_data("slack:UOLD")
    assert exported["feedback"] == [] and exported["workshop_answers"] == []

    # once nothing of theirs is left, the person's row and their privacy choice go too
    later = NOW + timedelta(days=400)
    time_machine.move_to(later, tick=False)
    again = stores.retention.purge(later, conversation_days=365, theme_days=180)
    assert again.people == 2 and count(stores, UserRow) == 0 and count(stores, ConsentRow) == 0
