"""Consent, feedback, data export and forgetting, delivery claims and the rate limit: the
Slack-free services, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.coach.engine import Coach
from bot.coach.leaders import Leaders, sensible_time
from bot.config import Settings
from bot.store.open import Stores, open_stores
from bot.store.outbox import OutboxStore
from bot.store.tables import ConversationRow
from tests.helpers import rows_mentioning

SECRET = "Our ICS finance director Priya Shah keeps vetoing the bed plan"


@pytest.fixture
def leaders(stores: Stores) -> Leaders:
    return Leaders(stores)


def test_consent_is_unasked_until_the_notice_is_shown_once(leaders: Leaders, user: str) -> None:
    assert leaders.consent(user) is None
    assert leaders.first_contact(user) is True
    assert leaders.first_contact(user) is False
    shown = leaders.consent(user)
    assert shown is not None and shown.choice is None and not shown.themes
    assert leaders.set_consent(user, "themes").themes
    changed = leaders.set_consent(user, "coaching")
    assert changed.choice == "coaching" and not changed.themes
    assert leaders.first_contact(user) is False


def test_only_one_of_many_simultaneous_first_contacts_shows_the_notice(
    cfg: Settings, user: str
) -> None:
    services = [Leaders(open_stores(cfg)) for _ in range(4)]
    services[0].consent(user)  # create the user row first
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def contact(leaders: Leaders) -> None:
        barrier.wait()
        results.append(leaders.first_contact(user))

    threads = [threading.Thread(target=contact, args=(services[i % 4],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]


def test_consent_rejects_an_unknown_choice(leaders: Leaders, user: str) -> None:
    with pytest.raises(ValueError):
        leaders.set_consent(user, "everything")  # type: ignore[arg-type]


def test_feedback_is_stored_replaced_per_reply_and_exported_without_identity(
    leaders: Leaders, stores: Stores, user: str
) -> None:
    leaders.record_feedback(user, helpful=True, card_ids=["a-card", "b-card"], reply_ref="D1:1.2")
    leaders.record_feedback(user, helpful=False, card_ids=["a-card", "b-card"], reply_ref="D1:1.2")
    leaders.record_feedback(user, helpful=True, card_ids=["c-card"], reply_ref="D1:3.4")
    mine = stores.feedback.for_user(stores.conversations.user_id(user))
    assert [(f.helpful, f.card_ids) for f in mine] == [
        (False, ["a-card", "b-card"]),
        (True, ["c-card"]),
    ]
    exported = stores.feedback.export()
    assert [(f.helpful, f.card_ids, f.reply_ref) for f in exported] == [
        (False, ["a-card", "b-card"], ""),
        (True, ["c-card"], ""),
    ]


def busy_leader(cfg: Settings, stores: Stores, user: str) -> Leaders:
    """A leader with conversations, an exercise answer, a goal, consent, feedback, a delivery
    claim and a rate-limit counter."""
    coach = Coach.from_settings(cfg, stores=stores)
    leaders = Leaders(stores)
    leaders.first_contact(user)
    leaders.set_consent(user, "themes")
    coach.respond(user, SECRET, channel="dm:D1:1.0")
    coach.respond(user, "tell me more", channel="dm:D1:1.0")
    coach.guidance(user, "how do I build trust between partners?", channel="mention:C1:2.0")
    uid = stores.conversations.user_id(user)
    stores.goals.add(uid, "Call the council director by Friday", due=date(2025, 1, 3), source="t")
    stores.activity.record(uid, "exercise", "abc-check", "started")
    leaders.record_feedback(user, helpful=True, card_ids=["psychological-safety"], reply_ref="r1")
    assert leaders.claim(f"Ev-{user}", user)
    assert leaders.rate(user).allowed
    return leaders


def test_export_holds_everything_decrypted(cfg: Settings, stores: Stores, user: str) -> None:
    leaders = busy_leader(cfg, stores, user)
    data = leaders.export_user_data(user)
    json.dumps(data)  # plain JSON-ready data
    assert data["user"]["id"] == user
    assert data["consent"]["choice"] == "themes"
    keys = [c["key"] for c in data["conversations"]]
    assert keys == ["dm:D1:1.0", "mention:C1:2.0"]
    first = data["conversations"][0]
    assert [t["role"] for t in first["turns"]] == ["user", "coach"] * 2
    assert first["turns"][0]["text"] == SECRET
    assert "bed plan" in first["turns"][1]["text"]  # the coach's reply, decrypted
    # the cards a reply cited (the guidance answer cites one; a reply below the coach's fit
    # floor cites none, so which turn cites is the composer's business, not the export's)
    asked = data["conversations"][1]["turns"]
    assert [t["role"] for t in asked] == ["user", "coach"]
    assert asked[1]["card_ids"] and "[1]" in asked[1]["text"]
    assert first["state"]["turns"] == 2
    assert data["goals"][0]["text"] == "Call the council director by Friday"
    assert data["goals"][0]["due"] == "2025-01-03"
    assert data["feedback"] == [
        {
            "helpful": True,
            "card_ids": ["psychological-safety"],
            "reply_ref": "r1",
            "created_at": data["feedback"][0]["created_at"],
        }
    ]
    assert [(a["ref"], a["event"]) for a in data["flow_activity"]] == [("abc-check", "started")]
    # opted in to themes: one scrubbed copy of the message that said something ("tell me more"
    # is too short to keep; the channel mention is not private)
    [note] = data["theme_notes"]
    assert "bed plan" in note["scrubbed_text"] and "Priya Shah" not in note["scrubbed_text"]
    assert data["delivery_records"][0]["key"] == f"Ev-{user}"
    assert data["rate_limit_windows"][0]["count"] == 1


def test_forget_leaves_no_row_behind_and_spares_others(
    cfg: Settings, stores: Stores, user: str
) -> None:
    leaders = busy_leader(cfg, stores, user)
    other = user.replace("test:", "peer:")
    busy_leader(cfg, stores, other)
    uid = stores.conversations.user_id(user)
    with stores.engine.connect() as conn:
        conversations = set(
            conn.scalars(select(ConversationRow.id).where(ConversationRow.user_id == uid))
        )
    assert len(conversations) == 2
    outbox = OutboxStore(stores.engine, stores.cipher)
    for who in (user, other):  # a reply still owed to each
        outbox.add("chat.postMessage", {"channel": "D1", "text": "owed"}, stream="D1", owner=who)
    summary = leaders.forget_user(user)
    assert summary == {
        "turns": 6,
        "conversations": 2,
        "goals": 1,
        "feedback": 1,
        "flow_activity": 1,
        "theme_notes": 1,
        "consent": 1,
        "delivery_records": 1,
        "rate_limit_windows": 1,
        "messages_queued": 1,
        "user": 1,
        "workshop_answers": 0,
    }
    assert rows_mentioning(stores.engine, uid, user, conversations) == []
    assert leaders.export_user_data(other)["conversations"]  # someone else's data is intact
    assert [e.owner for e in outbox.entries()] == [other]
    assert leaders.forget_user(user) == {
        "delivery_records": 0,
        "rate_limit_windows": 0,
        "messages_queued": 0,
        "user": 0,
        "workshop_answers": 0,
    }


def test_a_claim_is_won_once_even_across_processes(cfg: Settings) -> None:
    many = [open_stores(cfg) for _ in range(3)]
    results: list[bool] = []
    barrier = threading.Barrier(9)

    def attempt(stores: Stores) -> None:
        barrier.wait()
        results.append(stores.claims.claim("Ev-shared", owner="slack:U1"))

    threads = [threading.Thread(target=attempt, args=(many[i % 3],)) for i in range(9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 8 + [True]
    assert many[0].claims.claim("msg:D1:1.0") and not many[1].claims.claim("msg:D1:1.0")


def test_old_claims_are_pruned(stores: Stores) -> None:
    assert stores.claims.claim("old", now=1_000)
    assert stores.claims.claim("new", now=100_000)
    assert stores.claims.prune(older_than=3600, now=100_000) == 1
    assert stores.claims.claim("old", now=100_001)
    assert not stores.claims.claim("new", now=100_001)


def test_the_rate_limit_counts_per_person_per_minute_across_processes(
    cfg: Settings, user: str
) -> None:
    first, second = (open_stores(cfg.model_copy(update={"slack_rate_limit": 3})) for _ in "ab")
    verdicts = [(first if n % 2 else second).rates.hit(user, now=120.0 + n) for n in range(5)]
    assert [v.allowed for v in verdicts] == [True, True, True, False, False]
    assert [v.first_refusal for v in verdicts] == [False, False, False, True, False]
    assert first.rates.hit(f"{user}-b", now=125.0).allowed  # someone else is unaffected
    assert second.rates.hit(user, now=180.0).allowed  # the next minute starts afresh


def test_follow_ups_are_grouped_by_leader_and_claimed_once(
    leaders: Leaders, stores: Stores, user: str
) -> None:
    uid = stores.conversations.user_id(user)
    stores.goals.add(uid, "one", due=date(2025, 3, 3), source="t")
    stores.goals.add(uid, "two", due=date(2025, 3, 4), source="t")
    stores.goals.add(uid, "later", due=date(2025, 3, 20), source="t")
    stores.goals.add(uid, "undated", due=None, source="t")
    due = leaders.due_goals(date(2025, 3, 5))
    assert [g.text for g in due[user]] == ["one", "two"]
    assert [g.text for g in leaders.claim_followups(due[user])] == ["one", "two"]
    assert leaders.claim_followups(due[user]) == []
    assert leaders.due_goals(date(2025, 3, 5)) == {}


def test_nudges_come_in_working_hours_on_weekdays() -> None:
    monday = datetime(2025, 3, 3, 9, 30)
    assert sensible_time(monday, 9)
    assert not sensible_time(monday.replace(hour=8), 9)
    assert not sensible_time(monday.replace(hour=17), 9)
    assert not sensible_time(datetime(2025, 3, 8, 11, 0), 9)  # Saturday


def test_texts_are_validated(tmp_path: Path, settings: Settings) -> None:
    from bot.content.slack import load_slack_texts
    from bot.datafiles import ContentError

    good = (settings.prompts_dir / "slack" / "texts.yaml").read_text(encoding="utf-8")
    texts = load_slack_texts(settings.prompts_dir)
    assert texts.forget.summary({"conversations": 1, "turns": 2, "goals": 0}) == (
        "1 conversation and 2 messages"
    )
    (tmp_path / "slack").mkdir()
    bad = good.replace('coaching_button: "Coaching only"', f'coaching_button: "{"x" * 80}"')
    (tmp_path / "slack" / "texts.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(ContentError, match=r"privacy\.coaching_button"):
        load_slack_texts(tmp_path)
    bad = good.replace("(the limit is {limit} a minute)", "(the limit is {limits} a minute)")
    (tmp_path / "slack" / "texts.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(ContentError, match=r"unknown placeholder.*\{limits\}"):
        load_slack_texts(tmp_path)
