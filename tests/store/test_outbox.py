"""The outbox store: a row is claimed by one worker at a time (threads and engines racing on one
database), a stream's rows go out in order, an abandoned claim is taken again when its lease
runs out, and failures end in a given-up row with its reason; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.store.conversations import make_engine
from bot.store.open import Stores
from bot.store.outbox import FAILED, PENDING, SENT, GiveUp, OutboxStore
from bot.store.tables import OutboxRow, TurnRow
from bot.store.together import Exchange, TurnWrite, with_turn

T0 = 1_800_000_000.0  # a fixed moment; every call below passes its own `now`


def outbox(stores: Stores, **options: object) -> OutboxStore:
    return OutboxStore(stores.engine, stores.cipher, **options)  # type: ignore[arg-type]


def post(box: OutboxStore, stream: str, text: str, *, key: str | None = None) -> int:
    row = box.add(
        "chat.postMessage", {"channel": stream, "text": text}, stream=stream, key=key, now=T0
    )
    assert row is not None
    return row


def test_a_message_owed_twice_under_one_key_is_kept_once(stores: Stores) -> None:
    box = outbox(stores)
    assert post(box, "D1", "hello", key="reply:D1:1") is not None
    assert box.add("chat.postMessage", {"text": "again"}, stream="D1", key="reply:D1:1") is None
    assert [e.key for e in box.entries()] == ["reply:D1:1"]


def test_the_text_is_encrypted_at_rest_and_erased_once_delivered(stores: Stores) -> None:
    box = outbox(stores)
    post(box, "D1", "a private reflection")
    with stores.engine.connect() as conn:
        stored = conn.scalar(select(OutboxRow.payload_enc))
    assert stored and b"private reflection" not in stored
    [row] = box.claim("w1", now=T0)
    assert row.args["text"] == "a private reflection"
    assert box.delivered(row, channel="D1", ts="1.000001", now=T0 + 1)
    with stores.engine.connect() as conn:
        assert conn.scalar(select(OutboxRow.payload_enc)) == b""
    assert box.result(row.id) == (SENT, "D1", "1.000001")


def test_a_stream_goes_out_in_order_and_streams_do_not_wait_for_each_other(
    stores: Stores,
) -> None:
    box = outbox(stores)
    first, second = post(box, "D1", "one"), post(box, "D1", "two")
    other = post(box, "D2", "elsewhere")
    taken = box.claim("w1", now=T0)
    assert sorted(r.id for r in taken) == [first, other]  # "two" waits for "one"
    assert box.claim("w2", now=T0) == []  # held rows are not taken again
    one = next(r for r in taken if r.id == first)
    assert box.failed(one, "HTTP 500 fatal_error", retry_in=5, now=T0) == PENDING
    assert box.claim("w2", now=T0 + 1) == []  # "one" is waiting to retry: "two" still waits
    [again] = box.claim("w2", now=T0 + 6)
    assert again.id == first and again.failures == 1
    box.delivered(again, channel="D1", ts="1.1", now=T0 + 6)
    assert [r.id for r in box.claim("w2", now=T0 + 6)] == [second]


def test_a_given_up_row_no_longer_holds_its_stream_back(stores: Stores) -> None:
    box = outbox(stores)
    post(box, "D1", "one")
    second = post(box, "D1", "two")
    [row] = box.claim("w1", now=T0)
    assert box.failed(row, "channel_not_found", retry_in=None, now=T0) == FAILED
    assert [r.id for r in box.claim("w1", now=T0)] == [second]


def test_a_claim_whose_worker_died_is_taken_again_when_its_lease_runs_out(stores: Stores) -> None:
    box = outbox(stores, lease_seconds=60)
    post(box, "D1", "hello")
    [held] = box.claim("crashed", now=T0)
    assert not held.uncertain
    assert box.claim("restarted", now=T0 + 59) == []
    [again] = box.claim("restarted", now=T0 + 61)
    assert again.id == held.id
    assert again.uncertain  # the first try may have reached Slack: look before posting again
    # the crashed worker's late answer no longer counts; the new holder's does
    assert not box.delivered(held, channel="D1", ts="1.1", now=T0 + 62)
    assert box.delivered(again, channel="D1", ts="1.2", now=T0 + 62)
    assert box.result(held.id) == (SENT, "D1", "1.2")


def test_a_row_is_given_up_after_n_failures_over_m_minutes_and_can_be_retried(
    stores: Stores,
) -> None:
    box = outbox(stores, give_up=GiveUp(failures=3, minutes=10))
    row_id = post(box, "D1", "hello")
    at = T0
    statuses = []
    for _ in range(5):  # five quick failures: many, but not yet ten minutes of them
        [row] = box.claim("w", now=at)
        statuses.append(box.failed(row, "HTTP 503 fatal_error", retry_in=1, now=at))
        at += 2
    assert statuses == [PENDING] * 5
    [row] = box.claim("w", now=T0 + 601)
    assert box.failed(row, "HTTP 503 fatal_error", retry_in=1, now=T0 + 601) == FAILED
    assert box.claim("w", now=T0 + 700) == []
    [entry] = box.entries(FAILED)
    assert entry.failures == 6 and entry.last_error == "HTTP 503 fatal_error"
    assert box.backlog().model_dump() == {"pending": 0, "failed": 1, "oldest_pending_ms": None}
    assert box.retry([row_id], now=T0 + 800) == 1
    [row] = box.claim("w", now=T0 + 800)
    assert row.failures == 0 and not row.uncertain
    assert box.backlog().pending == 1


def test_a_failure_alone_never_outlasts_the_minutes_if_it_never_repeats(stores: Stores) -> None:
    """Time alone does not give a row up: it needs the failures too."""
    box = outbox(stores, give_up=GiveUp(failures=3, minutes=10))
    post(box, "D1", "hello")
    [row] = box.claim("w", now=T0)
    box.failed(row, "HTTP 429 ratelimited", retry_in=3600, now=T0)
    [row] = box.claim("w", now=T0 + 3601)
    assert box.failed(row, "HTTP 429 ratelimited", retry_in=1, now=T0 + 3601) == PENDING


def test_two_workers_on_two_engines_never_take_the_same_row(cfg: Settings, stores: Stores) -> None:
    boxes = [outbox(stores), OutboxStore(make_engine(cfg.resolved_database_url), stores.cipher)]
    for n in range(60):
        post(boxes[0], f"D{n % 12}", f"message {n}")
    taken: Counter[int] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(4)

    def work(box: OutboxStore, name: str) -> None:
        start.wait()
        idle = 0
        while idle < 20:
            rows = box.claim(name, limit=5, now=T0)
            idle = 0 if rows else idle + 1
            for row in rows:
                with lock:
                    taken[row.id] += 1
                box.delivered(row, channel=row.args["channel"], ts=str(row.id))

    threads = [threading.Thread(target=work, args=(boxes[n % 2], f"w{n}")) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(taken) == 60 and set(taken.values()) == {1}
    assert boxes[0].backlog().pending == 0


def test_forgetting_and_pruning(stores: Stores) -> None:
    box = outbox(stores)
    mine = box.add("chat.postMessage", {"text": "x"}, stream="D1", owner="slack:U1", now=T0)
    box.add("chat.postMessage", {"text": "y"}, stream="D2", owner="slack:U2", now=T0)
    assert box.forget("slack:U1") == 1
    assert mine is not None and box.result(mine) is None
    [row] = box.claim("w", now=T0)
    box.delivered(row, channel="D2", ts="1.1", now=T0)
    assert box.prune(now=T0 + 6 * 24 * 3600) == 0
    assert box.prune(now=T0 + 8 * 24 * 3600) == 1


# ---- owed with the turn, in one transaction --------------------------------------------------


def owe_reply(box: OutboxStore, key: str, hold: float = 30.0) -> TurnWrite:
    """The write a front end registers: the turn's reply owed in the outbox."""

    def write(session: Session, exchange: Exchange) -> None:
        row = box.row(
            "chat.postMessage",
            {"channel": "D1", "text": exchange.reply},
            stream="D1",
            key=key,
            hold=hold,
            now=T0,
        )
        box.add_in(session, row)

    return write


def turn_count(stores: Stores) -> int:
    with stores.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(TurnRow)) or 0)


def test_a_reply_owed_with_its_turn_is_written_with_it_or_not_at_all(stores: Stores) -> None:
    box, talk = outbox(stores), stores.conversations
    conversation = talk.open_conversation("slack:U1", "dm:D1:1")

    def exchange() -> None:
        talk.record_exchange(
            conversation.id,
            "what now?",
            "a reflective answer",
            card_ids=[],
            safety_level="none",
            state={},
        )

    with with_turn(owe_reply(box, "reply:D1:1")):
        exchange()
    assert turn_count(stores) == 2 and [e.key for e in box.entries()] == ["reply:D1:1"]

    def crash(session: Session, found: Exchange) -> None:
        raise RuntimeError("the process dies between the two writes")

    with with_turn(owe_reply(box, "reply:D1:2")), with_turn(crash), pytest.raises(RuntimeError):
        exchange()
    assert turn_count(stores) == 2  # neither the turn...
    assert [e.key for e in box.entries()] == ["reply:D1:1"]  # ...nor its reply
    exchange()  # outside `with_turn` nothing else is written
    assert turn_count(stores) == 4 and len(box.entries()) == 1


def test_a_held_reply_waits_for_its_full_form_or_goes_plain_when_the_hold_ends(
    stores: Stores,
) -> None:
    box = outbox(stores)
    for key in ("reply:D1:1", "reply:D2:1"):
        with stores.conversations.sessions() as session:
            row = box.row(
                "chat.postMessage", {"text": "plain"}, stream=key, key=key, hold=30, now=T0
            )
            assert box.add_in(session, row)
            assert not box.add_in(session, row)  # one row per key
            session.commit()
    assert box.claim("w1", now=T0 + 1) == []  # held
    assert box.fill("reply:D1:1", {"text": "full", "blocks": []}, now=T0 + 1)
    [filled] = box.claim("w1", now=T0 + 1)
    assert filled.args == {"text": "full", "blocks": []}
    [plain] = box.claim("w1", now=T0 + 31)  # its filler crashed: sent as written
    assert plain.key == "reply:D2:1" and plain.args == {"text": "plain"}
    assert not box.fill("reply:D2:1", {"text": "too late"}, now=T0 + 31)  # already taken


def test_only_the_newest_waiting_call_of_a_group_is_sent(stores: Stores) -> None:
    box = outbox(stores)
    for n in range(3):
        box.add("views.publish", {"n": n}, stream="home:U1", latest="home:U1", now=T0)
    [only] = box.claim("w1", now=T0)
    assert only.args == {"n": 2}
    box.add("views.publish", {"n": 3}, stream="home:U1", latest="home:U1", now=T0)
    box.add("views.publish", {"n": 4}, stream="home:U1", latest="home:U1", now=T0)
    assert box.result(only.id) is not None  # the one being sent is never dropped
    box.delivered(only, channel=None, ts=None, now=T0)
    [newest] = box.claim("w1", now=T0)
    assert newest.args == {"n": 4}
    box.add("views.publish", {"n": 5}, stream="home:U2", latest="home:U2", now=T0)
    assert len(box.entries(status=PENDING)) == 2  # other people's views are their own
