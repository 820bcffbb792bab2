"""Scrubbed theme copies (who is kept, what is kept), consent changes, retention and audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from time_machine import TimeMachineFixture

from bot.coach.engine import Coach
from bot.coach.leaders import Leaders
from bot.config import Settings
from bot.store.open import Stores

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
WORK = "the acute trust and the council cannot agree who funds discharge to assess beds"


@pytest.fixture
def coach(cfg: Settings, stores: Stores) -> Coach:
    return Coach.from_settings(cfg, stores=stores)


def notes_of(stores: Stores, members: list[str] | None = None) -> list[str]:
    far = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    return [n.text for n in stores.notes.window(*far, members=members)]


def test_only_opted_in_leaders_private_words_are_kept_scrubbed(
    coach: Coach, stores: Stores
) -> None:
    leaders = Leaders(stores)
    leaders.set_consent("slack:UIN", "themes")
    leaders.set_consent("slack:UOUT", "coaching")
    coach.respond("slack:UIN", f"{WORK}; Dr Adeyemi emailed me at a.adeyemi@nhs.net", "dm:1")
    coach.respond("slack:UIN", "ok thanks", "dm:1")  # too short to say anything
    coach.respond("slack:UIN", "I can't go on, I want to end my life", "dm:2")  # safety: never
    coach.guidance("slack:UIN", f"in the channel: {WORK}", "mention:C1:1")  # not private
    coach.respond("slack:UOUT", WORK, "dm:3")  # coaching only
    coach.respond("slack:UNONE", WORK, "dm:4")  # never chose
    [kept] = notes_of(stores)
    assert "discharge to assess" in kept
    assert "Adeyemi" not in kept and "a.adeyemi@nhs.net" not in kept
    assert "<EMAIL>" in kept


def test_choosing_coaching_only_deletes_the_copies_already_kept(
    coach: Coach, stores: Stores
) -> None:
    leaders = Leaders(stores)
    leaders.set_consent("slack:U1", "themes")
    coach.respond("slack:U1", WORK, "dm:1")
    assert len(notes_of(stores)) == 1
    leaders.set_consent("slack:U1", "coaching")
    assert notes_of(stores) == []


def test_pseudonyms_are_stable_per_leader_and_reveal_nothing(stores: Stores) -> None:
    ids = [stores.conversations.user_id(f"slack:U{n}") for n in range(3)]
    for n, user_id in enumerate(ids):
        stores.consent.set(user_id, "themes")
        stores.notes.add(user_id, f"note {n} a", at=NOW)
        stores.notes.add(user_id, f"note {n} b", at=NOW)
    notes = stores.notes.window(NOW - timedelta(days=1), NOW + timedelta(days=1))
    leaders = {n.leader for n in notes}
    assert len(notes) == 6 and len(leaders) == 3
    assert not any("U0" in p or str(i) == p for p in leaders for i in ids)
    cohort = stores.notes.people(NOW - timedelta(days=1), NOW + timedelta(days=1), ["slack:U1"])
    assert len(cohort) == 1 and cohort <= leaders


def test_retention_deletes_what_is_old_and_keeps_what_is_not(
    stores: Stores, time_machine: TimeMachineFixture
) -> None:
    from bot.store.tables import ConversationRow

    time_machine.move_to(NOW, tick=False)  # rows stamped "now" are NOW, as the purge assumes

    old_user = stores.conversations.user_id("slack:UOLD")
    new_user = stores.conversations.user_id("slack:UNEW")
    for user_id in (old_user, new_user):
        conversation = stores.conversations.current(user_id, "dm:1")
        stores.conversations.record_exchange(
            conversation.id, "hello there", "hi", card_ids=[], safety_level="none", state={}
        )
    with stores.conversations.sessions() as session:
        row = session.get(ConversationRow, stores.conversations.current(old_user, "dm:1").id)
        assert row is not None
        row.updated_at = NOW - timedelta(days=400)
        session.commit()
    stores.notes.add(old_user, "an old scrubbed note", at=NOW - timedelta(days=200))
    stores.notes.add(new_user, "a recent scrubbed note", at=NOW - timedelta(days=10))
    purged = stores.retention.purge(NOW, conversation_days=365, theme_days=180)
    assert (purged.conversations, purged.turns, purged.theme_notes) == (1, 2, 1)
    assert stores.rights.export_user_data("slack:UOLD")["conversations"] == []
    assert len(stores.rights.export_user_data("slack:UNEW")["conversations"]) == 1
    assert [
        n["scrubbed_text"] for n in stores.rights.export_user_data("slack:UNEW")["theme_notes"]
    ] == ["a recent scrubbed note"]
    again = stores.retention.purge(NOW, conversation_days=365, theme_days=180)
    assert (again.conversations, again.theme_notes) == (0, 0)


def test_the_audit_log_lists_newest_first(stores: Stores) -> None:
    stores.audit.write("slack:UP", "themes.view", {"since": "30d"}, "shown")
    stores.audit.write("cli:ops", "themes.export", {"format": "html"}, "refused: cohort too small")
    entries = stores.audit.entries()
    assert [e.action for e in entries] == ["themes.export", "themes.view"]
    assert entries[0].detail == {"format": "html"} and entries[0].outcome.startswith("refused")
    assert [e.actor for e in stores.audit.entries(action="themes.view")] == ["slack:UP"]
