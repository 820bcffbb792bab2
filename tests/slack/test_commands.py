"""`/anchor` over real HTTP: acknowledged in time, slow work after the ack, every subcommand."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from time_machine import TimeMachineFixture

from bot.slack.loopback import Behaviour
from tests.helpers import rows_mentioning
from tests.slack.conftest import Rig, click, settle, texts_of

TODAY = datetime(2026, 11, 27, 12, tzinfo=UTC)  # a Friday; goals below fall due after it


def test_a_slash_command_is_acknowledged_in_time_and_continues_in_the_background(
    rig: Rig,
) -> None:
    rig.fake.script("conversations.open", Behaviour("slow", 2.0))
    answer = rig.sender.command("U1", "exercise abc-check")
    assert answer.status == 200
    assert "direct messages" in answer.body.decode()
    assert rig.fake.of("chat.update") == []  # nothing had been posted yet when we answered
    assert rig.fake.wait_for(lambda: rig.fake.of("chat.update"), 20)
    settle(rig)
    placeholder = [c for c in rig.fake.of("chat.postMessage") if c.args["text"] == "Thinking…"]
    assert len(placeholder) == 1 and placeholder[0].args["channel"] == "D1"
    update = rig.fake.of("chat.update")[0].args
    seen = texts_of(update["blocks"])
    assert "ABC check" in seen and "Step 1 of 8" in seen
    assert seen.count("flow_option:") == 10  # the 1-10 scale as buttons


def test_help_and_unknown_words_get_usage(rig: Rig) -> None:
    for text in ("", "help"):
        usage = rig.sender.command("U1", text).json()
        assert "/anchor exercise [name]" in texts_of(usage["blocks"])
    unknown = rig.sender.command("U1", "dance").json()
    assert "I don't know `dance`" in texts_of(unknown["blocks"])
    assert "/anchor forget-me" in texts_of(unknown["blocks"])
    assert "What would you like to ask" in rig.sender.command("U1", "ask").body.decode()
    settle(rig)
    assert rig.fake.of("chat.postMessage") == []


def test_ask_and_coach_start_private_conversations(rig: Rig) -> None:
    rig.sender.command("U2", "ask how do I rebuild trust with a partner who walked out?")
    rig.sender.command("U3", "coach getting the council back to the table")
    assert rig.fake.wait_for(lambda: len(rig.fake.of("chat.update")) >= 2, 20)
    settle(rig)
    by_channel = {c.args["channel"]: c.args for c in rig.fake.of("chat.update")}
    assert "sources" in texts_of(by_channel["D2"]["blocks"])
    assert "GROW" in by_channel["D3"]["text"] or "goal" in by_channel["D3"]["text"].lower()


def test_goals_and_privacy_answer_privately_through_the_response_url(
    rig: Rig, time_machine: TimeMachineFixture
) -> None:
    from datetime import date

    time_machine.move_to(TODAY)  # the goal is due in the future, whatever today is
    uid = rig.services.stores.conversations.user_id("slack:U4")
    rig.services.stores.goals.add(uid, "Co-chair the next ICP", due=date(2031, 1, 3), source="t")
    rig.sender.command("U4", "goals")
    rig.sender.command("U4", "privacy")
    assert rig.fake.wait_for(lambda: len(rig.fake.of("response_url")) >= 2, 20)
    responses = [texts_of(c.args.get("blocks", [])) for c in rig.fake.of("response_url")]
    assert any("Co-chair the next ICP by Friday 03 January" in r for r in responses)
    assert any("consent:themes" in r and "What is stored" in r for r in responses)


def test_consent_can_be_given_and_changed(rig: Rig) -> None:
    rig.services.leaders.first_contact("slack:U5")
    rig.sender.command("U5", "privacy")
    assert rig.fake.wait_for(lambda: rig.fake.of("response_url"), 20)
    message = {"blocks": rig.fake.of("response_url")[0].args["blocks"]}
    ephemeral = {"type": "message", "is_ephemeral": True, "channel_id": "C0GENERAL"}
    click(rig, "U5", "C0GENERAL", message, "consent:themes", container=ephemeral)
    assert rig.fake.wait_for(lambda: len(rig.fake.of("response_url")) >= 2, 20)
    consent = rig.services.leaders.consent("slack:U5")
    assert consent is not None and consent.choice == "themes"
    changed = rig.fake.of("response_url")[1].args
    assert changed["replace_original"] is True
    assert "Your words will count, anonymously" in texts_of(changed["blocks"])
    click(rig, "U5", "C0GENERAL", message, "consent:coaching", container=ephemeral)
    assert rig.fake.wait_for(lambda: len(rig.fake.of("response_url")) >= 3, 20)
    consent = rig.services.leaders.consent("slack:U5")
    assert consent is not None and consent.choice == "coaching"


def test_my_data_sends_the_export_as_a_file_in_a_dm(rig: Rig) -> None:
    rig.sender.command("U6", "ask what makes a partnership board work well?")
    assert rig.fake.wait_for(lambda: rig.fake.of("chat.update"), 20)
    settle(rig)
    rig.sender.command("U6", "my-data")
    assert rig.fake.wait_for(lambda: rig.fake.of("files.completeUploadExternal"), 20)
    settle(rig)
    complete = rig.fake.of("files.completeUploadExternal")[0].args
    assert complete["channel_id"] == "D6"
    assert "Here is everything Anchor stores about you" in complete["initial_comment"]
    exported = json.loads(rig.fake.uploads["F1"])
    assert exported["user"]["id"] == "slack:U6"
    turns = exported["conversations"][0]["turns"]
    assert turns[0]["text"] == "what makes a partnership board work well?"
    assert rig.fake.of("response_url")[-1].args["text"].startswith("I've sent a copy")


def test_forget_me_asks_first_then_leaves_no_row_behind(rig: Rig) -> None:
    from datetime import date

    services = rig.services
    rig.sender.command("U7", "exercise abc-check")
    assert rig.fake.wait_for(lambda: rig.fake.of("chat.update"), 20)
    settle(rig)
    uid = services.stores.conversations.user_id("slack:U7")
    services.stores.goals.add(uid, "Visit every practice", due=date(2031, 1, 1), source="t")
    services.leaders.record_feedback("slack:U7", helpful=True, card_ids=["x"], reply_ref="r")
    confirm = rig.sender.command("U7", "forget-me").json()
    assert "forget:yes" in texts_of(confirm["blocks"])
    click(rig, "U7", "C0GENERAL", confirm, "forget:no")
    assert rig.fake.wait_for(lambda: rig.fake.of("response_url"), 20)
    assert rig.fake.of("response_url")[0].args["text"] == "Nothing was deleted."
    assert services.leaders.export_user_data("slack:U7")["conversations"]
    with services.stores.engine.connect() as conn:
        from sqlalchemy import select

        from bot.store.tables import ConversationRow

        conversations = set(
            conn.scalars(select(ConversationRow.id).where(ConversationRow.user_id == uid))
        )
    click(rig, "U7", "C0GENERAL", confirm, "forget:yes")
    assert rig.fake.wait_for(lambda: len(rig.fake.of("response_url")) >= 2, 20)
    settle(rig)
    done = rig.fake.of("response_url")[1].args
    assert done["replace_original"] is True
    assert done["text"].startswith(
        "Done. I deleted 1 conversation, 2 messages, 1 goal, 1 feedback rating, 1 privacy choice"
    )
    assert rows_mentioning(services.stores.engine, uid, "slack:U7", conversations) == []
