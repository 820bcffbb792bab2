"""Events over real HTTP: DMs, mentions, retries, doubles, bots, edits, rate limits, failures."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

from time_machine import TimeMachineFixture

from bot.slack.loopback import BOT_ID, BOT_USER, Behaviour, post, signed_headers
from tests.slack.conftest import (
    SECRET,
    Rig,
    block_ids,
    dm,
    make_rig,
    settle,
    slack_config,
    texts_of,
    threaded,
)

TODAY = datetime(2026, 11, 27, 12, tzinfo=UTC)  # a Friday; goals below fall due after it

QUESTION = "Our council partner walked out of the ICP over the funding paper. What now?"


def test_url_verification_answers_the_challenge(rig: Rig) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "3eZbrw1aBm2rZgRNFdxV"}).encode()
    answer = post(rig.sender.url, body, signed_headers(SECRET, body))
    assert answer.status == 200
    assert answer.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV"}


def test_a_dm_gets_exactly_one_threaded_reply_with_citations(rig: Rig) -> None:
    ts = "1700000100.000100"
    answer = dm(rig, "U1", QUESTION, ts)
    assert answer.status == 200
    assert rig.fake.wait_for(lambda: threaded(rig.fake, ts), 20)
    settle(rig)
    replies = threaded(rig.fake, ts)
    assert len(replies) == 1
    reply = replies[0].args
    assert reply["channel"] == "D1"
    ids = block_ids(reply["blocks"])
    assert "sources" in ids and "feedback" in ids
    sources = next(b for b in reply["blocks"] if b.get("block_id") == "sources")
    assert "[1]" in texts_of(sources["elements"])
    assert "Sources: [1]" not in texts_of(reply["blocks"])  # the sources live in their own block
    assert reply["text"] and "[1]" in reply["text"]
    # first contact: the privacy notice, once, as its own DM message (not in the thread)
    notices = [c for c in rig.fake.replies() if "consent" in block_ids(c.args.get("blocks", []))]
    assert len(notices) == 1 and "thread_ts" not in notices[0].args
    assert rig.services.metrics.value("replies") == 1


def test_memory_is_kept_per_dm_thread(rig: Rig) -> None:
    dm(rig, "U1", QUESTION, "1700000200.000100")
    dm(rig, "U1", "tell me more", "1700000200.000200", thread_ts="1700000200.000100")
    dm(rig, "U1", "tell me more", "1700000300.000100")  # a new thread: nothing to go on
    assert rig.fake.wait_for(lambda: len(rig.fake.replies()) >= 4, 20)
    settle(rig)
    data = rig.services.leaders.export_user_data("slack:U1")
    keys = {c["key"]: c for c in data["conversations"]}
    assert set(keys) == {"dm:D1:1700000200.000100", "dm:D1:1700000300.000100"}
    assert len(keys["dm:D1:1700000200.000100"]["turns"]) == 4
    more = threaded(rig.fake, "1700000200.000100")
    assert len(more) == 2 and "sources" in block_ids(more[1].args["blocks"])
    fresh = threaded(rig.fake, "1700000300.000100")
    assert len(fresh) == 1 and "sources" not in block_ids(fresh[0].args["blocks"])


def test_forged_signatures_and_stale_timestamps_get_401_and_no_reply(rig: Rig) -> None:
    event = {"type": "message", "channel": "D1", "channel_type": "im", "user": "U1"}
    forged = rig.sender.send_event({**event, "text": QUESTION, "ts": "1.1"}, secret="wrong")
    stale = rig.sender.send_event(
        {**event, "text": QUESTION, "ts": "1.2"}, timestamp=time.time() - 6 * 60
    )
    body = json.dumps({"type": "url_verification", "challenge": "x"}).encode()
    unsigned = post(rig.sender.url, body, {"Content-Type": "application/json"})
    assert (forged.status, stale.status, unsigned.status) == (401, 401, 401)
    settle(rig)
    assert rig.fake.of("chat.postMessage") == []
    assert rig.services.metrics.value("events") == 0


def test_the_same_event_delivered_three_times_gets_one_reply(rig: Rig) -> None:
    ts = "1700000400.000100"
    for retry in range(3):
        dm(rig, "U2", QUESTION, ts, event_id="Ev0RETRIED", retry=retry)
    assert rig.fake.wait_for(lambda: threaded(rig.fake, ts), 20)
    settle(rig)
    assert len(threaded(rig.fake, ts)) == 1
    assert rig.services.metrics.value("duplicates") == 2


def test_app_mention_plus_message_for_one_post_gets_one_reply(rig: Rig) -> None:
    # in a DM: Slack sends message.im and app_mention for the same post
    ts = "1700000500.000100"
    text = f"<@{BOT_USER}> {QUESTION}"
    dm(rig, "U3", text, ts, event_id="Ev0MSG")
    mention = {"type": "app_mention", "channel": "D3", "user": "U3", "text": text, "ts": ts}
    assert rig.sender.send_event(mention, "Ev0MENTION").status == 200
    # in a channel: app_mention, and a message event if the app is subscribed to channels
    cts = "1700000600.000100"
    channel_mention = {**mention, "channel": "C9", "ts": cts}
    assert rig.sender.send_event(channel_mention, "Ev1MENTION").status == 200
    channel_message = {**channel_mention, "type": "message", "channel_type": "channel"}
    assert rig.sender.send_event(channel_message, "Ev1MSG").status == 200
    assert rig.fake.wait_for(lambda: threaded(rig.fake, ts) and threaded(rig.fake, cts), 20)
    settle(rig)
    assert len(threaded(rig.fake, ts)) == 1
    assert len(threaded(rig.fake, cts)) == 1
    assert f"<@{BOT_USER}>" not in json.dumps(rig.services.leaders.export_user_data("slack:U3"))


def test_a_channel_mention_gets_general_guidance_and_an_offer_of_a_dm(rig: Rig) -> None:
    from datetime import date

    goals = rig.services.stores.goals
    uid = rig.services.stores.conversations.user_id("slack:U4")
    goals.add(uid, "Phone the council director", due=date(2020, 1, 1), source="test")
    ts = "1700000700.000100"
    mention = {
        "type": "app_mention",
        "channel": "C1",
        "user": "U4",
        "text": f"<@{BOT_USER}> how do we build trust between partners after a row?",
        "ts": ts,
    }
    rig.sender.send_event(mention)
    assert rig.fake.wait_for(lambda: threaded(rig.fake, ts), 20)
    settle(rig)
    reply = threaded(rig.fake, ts)[0].args
    assert reply["channel"] == "C1"
    seen = texts_of(reply["blocks"])
    assert "mention:continue" in seen and "sources" in block_ids(reply["blocks"])
    assert "council director" not in seen  # nothing private appears in a channel
    notice = [c for c in rig.fake.replies() if c.args["channel"] != "C1"]
    assert len(notice) == 1 and notice[0].args["channel"] == "D4"  # the notice goes privately


def test_bots_our_own_messages_edits_and_deletions_get_no_reply(rig: Rig) -> None:
    dm(rig, "U5", "from another bot", "1.1", bot_id="B0OTHER")
    dm(rig, "U5", "posted by a bot", "1.2", subtype="bot_message")
    dm(rig, BOT_USER, "our own reply", "1.3", bot_id=BOT_ID)
    dm(rig, "U5", "edited", "1.4", subtype="message_changed")
    dm(rig, "U5", "", "1.5", subtype="message_deleted")
    dm(rig, "U5", "joined", "1.6", subtype="channel_join")
    settle(rig)
    assert rig.fake.of("chat.postMessage") == []


def test_the_rate_limit_replies_kindly_once_then_stays_quiet(
    slack_settings: object, fake_slack: object, time_machine: TimeMachineFixture
) -> None:
    from bot.config import Settings
    from bot.slack.loopback import FakeSlack

    assert isinstance(slack_settings, Settings) and isinstance(fake_slack, FakeSlack)
    # limits count per clock minute: start just after one begins, so all five fall in it
    time_machine.move_to(TODAY.replace(second=1), tick=True)
    rig = make_rig(slack_config(slack_settings, fake_slack, slack_rate_limit=2), fake_slack)
    with rig.served:
        for n in range(5):
            dm(rig, "U6", QUESTION, f"1700000800.00010{n}")
            settle(rig, quiet=0.1)
        threads = [threaded(fake_slack, f"1700000800.00010{n}") for n in range(5)]
        assert [len(t) for t in threads] == [1, 1, 1, 0, 0]
        assert "limit is 2 a minute" in threads[2][0].args["text"]
        assert rig.services.metrics.value("rate_limited") == 3
        dm(rig, "U7", QUESTION, "1700000900.000100")  # someone else is unaffected
        assert fake_slack.wait_for(lambda: threaded(fake_slack, "1700000900.000100"), 20)
    rig.services.close()


def test_a_failure_in_one_conversation_does_not_stop_others(rig: Rig) -> None:
    """Slack failing one reply (500s, more than the call's own retry covers) neither stops
    another person's reply nor turns the first into an apology: the outbox delivers it later."""
    rig.services.leaders.first_contact("slack:U8")  # no notice: the first post is the reply
    rig.services.leaders.first_contact("slack:U9")
    rig.fake.script("chat.postMessage", *[Behaviour("status", 500)] * 3)
    dm(rig, "U8", QUESTION, "1700001000.000100")
    assert rig.fake.wait_for(lambda: len(rig.fake.of("chat.postMessage")) >= 2, 20)
    dm(rig, "U9", QUESTION, "1700001000.000200")
    assert rig.fake.wait_for(lambda: threaded(rig.fake, "1700001000.000200"), 20)
    assert rig.fake.wait_for(lambda: threaded(rig.fake, "1700001000.000100"), 20)
    settle(rig)
    [late] = threaded(rig.fake, "1700001000.000100")
    assert not late.args["text"].startswith("Sorry, something went wrong")
    assert rig.services.metrics.value("errors") == 0
    assert rig.services.metrics.value("replies") == 2
    assert rig.services.metrics.value("delivery_retries") >= 2


def test_a_429_from_slack_is_retried_after_retry_after(rig: Rig) -> None:
    rig.services.leaders.first_contact("slack:U10")
    rig.fake.script("chat.postMessage", Behaviour("status", 429, {"Retry-After": "1"}))
    ts = "1700001100.000100"
    dm(rig, "U10", QUESTION, ts)
    assert rig.fake.wait_for(lambda: threaded(rig.fake, ts), 20)
    settle(rig)
    posts = rig.fake.of("chat.postMessage")
    assert [c.status for c in posts] == [429, 200]
    assert posts[1].at - posts[0].at >= 1.0
    assert len(threaded(rig.fake, ts)) == 1


def test_app_home_shows_consent_goals_and_ways_to_start(
    rig: Rig, time_machine: TimeMachineFixture
) -> None:
    from datetime import date

    time_machine.move_to(TODAY)  # the goal is due in the future, whatever today is
    uid = rig.services.stores.conversations.user_id("slack:U11")
    rig.services.stores.goals.add(
        uid, "Meet the VCSE chief officer", due=date(2031, 5, 2), source="t"
    )
    rig.services.leaders.set_consent("slack:U11", "themes")
    event = {"type": "app_home_opened", "user": "U11", "channel": "D11", "tab": "home"}
    rig.sender.send_event(event)
    assert rig.fake.wait_for(lambda: rig.fake.of("views.publish"), 20)
    call = rig.fake.of("views.publish")[0]
    assert call.args["user_id"] == "U11"
    view = call.args["view"]
    seen = texts_of(view["blocks"])
    assert view["type"] == "home"
    assert "Meet the VCSE chief officer by Friday 02 May" in seen
    assert "contribute anonymously to themes" in seen
    for action in ("home:grow", "home:exercise", "home:scenario", "home:ask", "goal:done"):
        assert action in seen
    assert "ABC check" in seen  # the exercise menu
    rig.sender.send_event({**event, "tab": "messages"})
    settle(rig)
    assert len(rig.fake.of("views.publish")) == 1


def test_assistant_threads_get_suggested_prompts_and_a_thinking_status(rig: Rig) -> None:
    rig.services.leaders.first_contact("slack:U12")
    started = {
        "type": "assistant_thread_started",
        "assistant_thread": {"user_id": "U12", "channel_id": "D12", "thread_ts": "1700001200.1"},
    }
    rig.sender.send_event(started)
    assert rig.fake.wait_for(lambda: rig.fake.of("assistant.threads.setSuggestedPrompts"), 20)
    prompts = rig.fake.of("assistant.threads.setSuggestedPrompts")[0].args
    assert prompts["thread_ts"] == "1700001200.1" and 1 <= len(prompts["prompts"]) <= 4
    dm(rig, "U12", QUESTION, "1700001200.2", thread_ts="1700001200.1")
    assert rig.fake.wait_for(lambda: threaded(rig.fake, "1700001200.1"), 20)
    status = rig.fake.of("assistant.threads.setStatus")
    assert status and status[0].args["thread_ts"] == "1700001200.1"


def test_a_dm_with_a_file_is_answered_from_its_words_and_says_the_file_was_not_read(
    rig: Rig,
) -> None:
    files = [{"id": "F1", "name": "board-paper.pdf"}]
    dm(rig, "U7", QUESTION, "1700000700.000100", subtype="file_share", files=files)
    dm(rig, "U7", "", "1700000800.000100", subtype="file_share", files=files)
    assert rig.fake.wait_for(
        lambda: threaded(rig.fake, "1700000700.000100") and threaded(rig.fake, "1700000800.000100"),
        20,
    )
    settle(rig)
    [answered] = threaded(rig.fake, "1700000700.000100")
    assert "sources" in block_ids(answered.args["blocks"])
    assert "not the attached file" in answered.args["text"]
    [declined] = threaded(rig.fake, "1700000800.000100")
    assert "can't open files" in declined.args["text"] and "blocks" not in declined.args


# --- issue 11: the graded safety response over Slack -------------------------------------------


def test_an_emergency_dm_puts_the_999_step_on_the_first_line(rig: Rig) -> None:
    ts = "1700001100.000100"
    files = [{"id": "F2", "name": "rota.pdf"}]
    dm(rig, "U11", "my colleague has taken an overdose", ts, subtype="file_share", files=files)
    assert rig.fake.wait_for(lambda: threaded(rig.fake, ts), 20)
    settle(rig)
    reply = threaded(rig.fake, ts)[0].args
    step = "Call 999 now and stay with them"
    assert reply["text"].splitlines()[0].startswith(step)  # the notification
    first = reply["blocks"][0]
    assert first["type"] == "section" and first["text"]["text"].splitlines()[0].startswith(step)
    assert reply["text"].rstrip().endswith("_")  # the files note comes last, not first


def test_a_concern_question_routes_its_answer_in_the_thread(rig: Rig) -> None:
    asked = "thoughts of harming yourself or of ending your life?"
    yes_ts, no_ts = "1700001200.000100", "1700001300.000100"
    dm(rig, "U12", "part of me hopes a bus hits me on the way in", yes_ts)
    dm(
        rig,
        "U13",
        "I'm so exhausted, nothing is ever going to change."
        " How do I get the ICB to listen to our partnership?",
        no_ts,
    )
    assert rig.fake.wait_for(lambda: threaded(rig.fake, yes_ts) and threaded(rig.fake, no_ts), 20)
    settle(rig)
    assert asked in threaded(rig.fake, yes_ts)[0].args["text"]
    assert asked in threaded(rig.fake, no_ts)[0].args["text"]
    dm(rig, "U12", "yes, sometimes", "1700001200.000200", thread_ts=yes_ts)
    dm(rig, "U13", "No, not at all", "1700001300.000200", thread_ts=no_ts)
    assert rig.fake.wait_for(
        lambda: len(threaded(rig.fake, yes_ts)) == 2 and len(threaded(rig.fake, no_ts)) == 2, 20
    )
    settle(rig)
    crisis = threaded(rig.fake, yes_ts)[1].args
    assert "116 123" in crisis["text"] and "are you safe right now?" in crisis["text"].lower()
    assert "sources" not in block_ids(crisis["blocks"])
    onwards = threaded(rig.fake, no_ts)[1].args
    assert onwards["text"].startswith(tuple(rig.services.coach.gate.replies.concern_no))
    assert "sources" in block_ids(onwards["blocks"])  # the coaching answer to the first message
