"""Buttons and menus over real HTTP: flow choices, feedback, consent, App Home, goals."""

from __future__ import annotations

from datetime import date

from bot.slack.loopback import BOT_USER
from tests.slack.conftest import (
    Rig,
    as_message,
    block_ids,
    click,
    dm,
    settle,
    texts_of,
    threaded,
)

HOME = {"type": "view", "view_id": "V1"}


def start_exercise(rig: Rig, user: str) -> dict[str, object]:
    rig.sender.command(user, "exercise abc-check")
    assert rig.fake.wait_for(lambda: rig.fake.of("chat.update"), 20)
    settle(rig)
    return as_message(rig.fake.of("chat.update")[0])


def test_a_button_click_advances_an_exercise_once(rig: Rig) -> None:
    step_one = start_exercise(rig, "U1")
    click(rig, "U1", "D1", step_one, "flow_option:6")  # the "7" on the 1-10 scale
    click(rig, "U1", "D1", step_one, "flow_option:2")  # a double click on the same message
    root = str(step_one["ts"])
    assert rig.fake.wait_for(lambda: threaded(rig.fake, root), 20)
    settle(rig)
    replies = threaded(rig.fake, root)
    assert len(replies) == 1
    assert "Step 2 of 8" in texts_of(replies[0].args["blocks"])
    chosen = rig.fake.of("chat.update")[1].args
    assert chosen["ts"] == root
    assert "You chose: 7" in texts_of(chosen["blocks"])
    assert not any(b.startswith("flow_options") for b in block_ids(chosen["blocks"]))
    state = rig.services.leaders.export_user_data("slack:U1")["conversations"][0]["state"]
    assert state["flow"]["answers"] == {"my-autonomy": "7"} and state["flow"]["position"] == 1
    # the next step's buttons, in the thread, carry on from there
    click(rig, "U1", "D1", as_message(replies[0]), "flow_option:4")
    assert rig.fake.wait_for(lambda: len(threaded(rig.fake, root)) >= 2, 20)
    assert "Step 3 of 8" in texts_of(threaded(rig.fake, root)[1].args["blocks"])


def test_feedback_is_stored_with_the_cited_cards(rig: Rig) -> None:
    rig.services.leaders.first_contact("slack:U2")
    ts = "1700002000.000100"
    dm(rig, "U2", "How do I get partners to trust each other?", ts)
    assert rig.fake.wait_for(lambda: threaded(rig.fake, ts), 20)
    settle(rig)
    reply = as_message(threaded(rig.fake, ts)[0])
    turns = rig.services.leaders.export_user_data("slack:U2")["conversations"][0]["turns"]
    cited = turns[1]["card_ids"]
    click(rig, "U2", "D2", reply, "feedback:not_helpful")
    assert rig.fake.wait_for(lambda: rig.fake.of("chat.update"), 20)
    settle(rig)
    feedback = rig.services.leaders.export_user_data("slack:U2")["feedback"]
    assert len(feedback) == 1 and feedback[0]["helpful"] is False
    assert feedback[0]["card_ids"] == cited and cited
    assert feedback[0]["reply_ref"] == f"D2:{reply['ts']}"
    updated = rig.fake.of("chat.update")[0].args
    assert "Thanks for telling me" in texts_of(updated["blocks"])
    assert "feedback" not in block_ids(updated["blocks"]) and "sources" in block_ids(
        updated["blocks"]
    )
    exported = rig.services.stores.feedback.export()
    assert [(f.helpful, f.card_ids, f.reply_ref) for f in exported] == [(False, cited, "")]


def test_feedback_in_a_channel_thanks_only_the_person_who_clicked(rig: Rig) -> None:
    ts = "1700002100.000100"
    mention = {"type": "app_mention", "channel": "C1", "user": "U3", "ts": ts}
    rig.sender.send_event({**mention, "text": f"<@{BOT_USER}> what is compassionate leadership?"})
    assert rig.fake.wait_for(lambda: threaded(rig.fake, ts), 20)
    settle(rig)
    click(rig, "U4", "C1", as_message(threaded(rig.fake, ts)[0]), "feedback:helpful")
    assert rig.fake.wait_for(lambda: rig.fake.of("response_url"), 20)
    thanks = rig.fake.of("response_url")[0].args
    assert thanks["response_type"] == "ephemeral" and thanks["replace_original"] is False
    assert rig.fake.of("chat.update") == []
    assert rig.services.leaders.export_user_data("slack:U4")["feedback"][0]["helpful"] is True


def test_the_first_contact_notice_records_the_choice(rig: Rig) -> None:
    ts = "1700002200.000100"
    dm(rig, "U5", "hello", ts)
    assert rig.fake.wait_for(lambda: threaded(rig.fake, ts), 20)
    settle(rig)
    notice = next(c for c in rig.fake.replies() if "consent" in block_ids(c.args["blocks"]))
    assert rig.services.leaders.consent("slack:U5").choice is None  # type: ignore[union-attr]
    click(rig, "U5", "D5", as_message(notice), "consent:themes")
    assert rig.fake.wait_for(lambda: rig.fake.of("chat.update"), 20)
    assert rig.services.leaders.consent("slack:U5").choice == "themes"  # type: ignore[union-attr]
    updated = rig.fake.of("chat.update")[0].args
    assert "consent" not in block_ids(updated["blocks"])
    assert "Your words will count, anonymously" in texts_of(updated["blocks"])


def test_app_home_buttons_start_flows_change_consent_and_complete_goals(rig: Rig) -> None:
    services = rig.services
    uid = services.stores.conversations.user_id("slack:U6")
    goal = services.stores.goals.add(uid, "Shadow an A&E shift", due=date(2020, 2, 3), source="t")
    services.leaders.first_contact("slack:U6")
    rig.sender.send_event({"type": "app_home_opened", "user": "U6", "tab": "home"})
    assert rig.fake.wait_for(lambda: rig.fake.of("views.publish"), 20)
    home = {"blocks": rig.fake.of("views.publish")[0].args["view"]["blocks"]}
    assert "Shadow an A&amp;E shift by Monday 03 February _(due)_" in texts_of(home["blocks"])

    click(rig, "U6", "", home, "consent:coaching", container=HOME)
    assert rig.fake.wait_for(lambda: len(rig.fake.of("views.publish")) >= 2, 20)
    assert services.leaders.consent("slack:U6").choice == "coaching"  # type: ignore[union-attr]

    click(rig, "U6", "", home, "goal:done", value=str(goal.id), container=HOME)
    assert rig.fake.wait_for(lambda: len(rig.fake.of("views.publish")) >= 3, 20)
    assert services.leaders.open_goals("slack:U6") == []
    assert "Shadow an A&amp;E" not in texts_of(rig.fake.of("views.publish")[2].args["view"])

    click(rig, "U6", "", home, "home:grow", container=HOME)
    click(rig, "U6", "", home, "home:pick_scenario", selected="council-walks-out", container=HOME)
    assert rig.fake.wait_for(lambda: len(rig.fake.of("chat.update")) >= 2, 20)
    settle(rig)
    started = " ".join(c.args["text"] for c in rig.fake.of("chat.update"))
    assert "GROW" in started
    assert "council" in started.lower()
    keys = [c["key"] for c in services.leaders.export_user_data("slack:U6")["conversations"]]
    assert len(keys) == 2 and all(k.startswith("dm:D6:") for k in keys)


def test_app_home_lists_recent_exercises_and_scenarios_and_starts_them_again(rig: Rig) -> None:
    start_exercise(rig, "U8")
    rig.sender.send_event({"type": "app_home_opened", "user": "U8", "tab": "home"})
    assert rig.fake.wait_for(lambda: rig.fake.of("views.publish"), 20)
    home = {"blocks": rig.fake.of("views.publish")[0].args["view"]["blocks"]}
    assert "recent:exercise:abc-check" in block_ids(home["blocks"])
    seen = texts_of(home["blocks"])
    assert "Recently" in seen and "ABC check" in seen and "in progress" in seen

    click(rig, "U8", "", home, "home:again", value="exercise abc-check", container=HOME)
    click(rig, "U8", "", home, "home:again", value="exercise not-a-real-one", container=HOME)
    assert rig.fake.wait_for(lambda: len(rig.fake.of("chat.update")) >= 2, 20)
    settle(rig)
    assert len(rig.fake.of("chat.update")) == 2  # the made-up one was ignored
    assert "Step 1 of 8" in texts_of(rig.fake.of("chat.update")[1].args["blocks"])
    events = rig.services.leaders.export_user_data("slack:U8")["flow_activity"]
    assert [(e["ref"], e["event"]) for e in events] == [("abc-check", "started")] * 2


def test_continue_privately_opens_a_dm(rig: Rig) -> None:
    rig.services.leaders.first_contact("slack:U8")
    click(rig, "U8", "C1", {"ts": "1.0", "blocks": []}, "mention:continue")
    assert rig.fake.wait_for(lambda: rig.fake.replies(), 20)
    opened = rig.fake.replies()[0].args
    assert opened["channel"] == "D8" and opened["text"].startswith("Let's talk here, privately")
