"""Issue 13: retention of the records kept about programme reports and deliveries: the audit
log after ANCHOR_AUDIT_RETENTION_DAYS, the outbox after ANCHOR_OUTBOX_RETENTION_DAYS from
queueing, and the privacy ledger after its month plus ANCHOR_THEME_RETENTION_DAYS (an identical
request still replays within that period); the notices state every period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from time_machine import TimeMachineFixture

from bot.config import PROJECT_ROOT
from bot.content.coaching import load_flow_words
from bot.content.slack import load_slack_texts
from bot.store.open import Stores
from bot.store.outbox import OutboxStore
from bot.store.releases import period_of

RELEASED = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
WINDOW = (datetime(2026, 2, 9, tzinfo=UTC), datetime(2026, 3, 16, tzinfo=UTC))
PROMPTS = PROJECT_ROOT / "prompts"


def purge(stores: Stores, now: datetime) -> dict[str, int]:
    return stores.retention.purge(
        now, conversation_days=365, theme_days=180, audit_days=30, outbox_days=7
    ).model_dump()


def test_the_ledger_is_kept_for_its_month_plus_the_theme_period_and_replays_meanwhile(
    stores: Stores, time_machine: TimeMachineFixture
) -> None:
    ledger = stores.releases
    time_machine.move_to(RELEASED, tick=False)
    spent = ledger.spend("march", RELEASED, None, WINDOW, 10.0, 40.0, lambda s: {"n": 1})
    assert spent.outcome == "released"
    # the month ends on 31 March; kept 180 days after that, to late September
    kept = datetime(2026, 9, 20, 9, tzinfo=UTC)
    time_machine.move_to(kept, tick=False)
    assert purge(stores, kept)["privacy_releases"] == 0
    found = ledger.find("march")
    assert found is not None and found.report == {"n": 1}  # an identical request replays it
    assert ledger.spent("2026-03") == 10.0
    gone = datetime(2026, 10, 2, 9, tzinfo=UTC)
    time_machine.move_to(gone, tick=False)
    assert purge(stores, gone)["privacy_releases"] == 1
    assert ledger.find("march") is None and ledger.releases() == []
    assert ledger.spent(period_of(RELEASED)) == 0.0  # its month's budget row went too


def test_audit_entries_and_outbox_messages_go_after_their_periods(
    stores: Stores, time_machine: TimeMachineFixture
) -> None:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    time_machine.move_to(start, tick=False)
    stores.audit.write("slack:U0PROG01", "themes.view", {"since": "30d"}, "shown")
    outbox = OutboxStore(stores.engine, stores.cipher)
    outbox.add("chat.postMessage", {"channel": "D0A", "text": "hello"}, stream="D0A")
    time_machine.move_to(start + timedelta(days=6), tick=False)
    stores.audit.write("slack:U0PROG01", "themes.export", {"since": "30d"}, "shown")
    outbox.add("chat.postMessage", {"channel": "D0B", "text": "hi"}, stream="D0B")

    later = start + timedelta(days=8)
    time_machine.move_to(later, tick=False)
    first = purge(stores, later)
    assert first["outbox_messages"] == 1 and first["audit_entries"] == 0
    assert len(stores.audit.entries()) == 2
    month = start + timedelta(days=33)
    time_machine.move_to(month, tick=False)
    second = purge(stores, month)
    assert second["outbox_messages"] == 1 and second["audit_entries"] == 1
    assert [entry.action for entry in stores.audit.entries()] == ["themes.export"]


def test_the_notices_state_the_audit_and_outbox_periods() -> None:
    slack = load_slack_texts(PROMPTS).with_retention(200, 90, 400, 5).privacy.notice
    terminal = load_flow_words(PROMPTS).help.terminal.privacy_notice(200, 90, 400, 5)
    for notice in (slack, terminal):
        assert "after 5 days" in notice and "after 400 days" in notice
        assert "{" not in notice
