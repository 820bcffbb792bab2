"""Facilitator workshops over real HTTP with the fake Slack: `/anchor workshop ...`, the steps
in the channel with their live tallies, the answer modal, the facilitator's buttons, the end
of a run (summary, files, everyone's own copy), a restart in the middle of a run, the async
schedule with its reminders, and that no anonymous answer can be traced to its author."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import PROJECT_ROOT, Settings
from bot.content.errors import ContentError
from bot.content.workshops import load_workshop_plans
from bot.slack.blocks import BUTTON_CHARS, MAX_BLOCKS, MAX_VIEW_BLOCKS, SECTION_CHARS
from bot.slack.loopback import Answer, Behaviour, Call, FakeSlack
from bot.slack.workshops import blocks as wb
from bot.slack.workshops.scheduler import WorkshopScheduler
from bot.slack.workshops.texts import load_workshop_texts
from bot.store.workshop_runs import RunRecord
from bot.workshops import RunView, load_texts
from bot.workshops.service import step_view
from tests.helpers import BACKENDS
from tests.slack.conftest import (
    TOKEN,
    Rig,
    as_message,
    click,
    make_rig,
    posted_ts,
    settle,
    slack_config,
)

CHANNEL = "CWORKSHOP"
FAC = "UFAC"
PEOPLE = ["UPAT", "UBEN", "UCAL", "UDEE", "UEVE", "UFAY"]
LIVE = "compassionate-leadership-in-practice"
ASYNC = "week-of-system-reflection"
PANEL = {"type": "message", "is_ephemeral": True, "channel_id": CHANNEL}


# --- the rig ----------------------------------------------------------------------------------


def workshop_config(settings: Settings, fake: FakeSlack, **changes: Any) -> Settings:
    fake.members[CHANNEL] = [FAC, *PEOPLE, "UANCHOR"]
    return slack_config(settings, fake, facilitators=[FAC], **changes)


@pytest.fixture
def rig(settings: Settings, fake_slack: FakeSlack) -> Iterator[Rig]:
    rig = make_rig(workshop_config(settings, fake_slack), fake_slack)
    with rig.served:
        yield rig
    rig.services.close()


# --- helpers ----------------------------------------------------------------------------------


def workshop(rig: Rig, user: str, text: str, channel: str = CHANNEL) -> dict[str, Any]:
    """`/anchor workshop <text>`: acknowledged at once; the private answer, once it comes."""
    before = len(rig.fake.of("response_url"))
    answer = rig.sender.command(user, f"workshop {text}", channel)
    assert answer.status == 200, answer
    assert rig.fake.wait_for(lambda: len(rig.fake.of("response_url")) > before, 20)
    settle(rig)
    return dict(rig.fake.of("response_url")[before].args)


def seen(args: dict[str, Any]) -> str:
    return json.dumps(args, ensure_ascii=False)


def step_posts(rig: Rig, channel: str = CHANNEL) -> list[Call]:
    return [
        c
        for c in rig.fake.of("chat.postMessage")
        if c.ok
        and c.args.get("channel") == channel
        and wb.STEP_BLOCK in seen(c.args.get("blocks", []))
    ]


def last_step(rig: Rig, channel: str = CHANNEL) -> dict[str, Any]:
    return as_message(step_posts(rig, channel)[-1])


def latest(rig: Rig, ts: str) -> str:
    """What the message with this ts shows now (its last update, else as posted)."""
    updates = [c for c in rig.fake.of("chat.update") if c.args.get("ts") == ts]
    if updates:
        return seen(updates[-1].args)
    posted = [c for c in rig.fake.of("chat.postMessage") if as_message(c)["ts"] == ts]
    return seen(posted[-1].args)


def open_form(
    rig: Rig, user: str, message: dict[str, Any], channel: str = CHANNEL
) -> dict[str, Any]:
    before = len(rig.fake.of("views.open"))
    click(rig, user, channel, message, wb.ANSWER)
    assert rig.fake.wait_for(lambda: len(rig.fake.of("views.open")) > before, 20)
    return dict(rig.fake.of("views.open")[before].args["view"])


def submit(rig: Rig, user: str, view: dict[str, Any], state: dict[str, Any]) -> Answer:
    payload = {
        "type": "view_submission",
        "user": {"id": user},
        "view": {
            **view,
            "id": "V9",
            "state": {"values": {wb.ANSWER_BLOCK: {wb.ANSWER_INPUT: state}}},
        },
    }
    answer = rig.sender.interaction(payload)
    assert answer.status == 200, answer
    return answer


def text(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def radio(value: int) -> dict[str, Any]:
    return {"type": "radio_buttons", "selected_option": {"value": str(value)}}


def ticks(*values: int) -> dict[str, Any]:
    return {"type": "checkboxes", "selected_options": [{"value": str(v)} for v in values]}


def answer(rig: Rig, user: str, message: dict[str, Any], state: dict[str, Any]) -> Answer:
    done = submit(rig, user, open_form(rig, user, message), state)
    assert done.json()["response_action"] == "update", done.body
    return done


def panel(response: dict[str, Any]) -> dict[str, Any]:
    """The facilitator's control panel, as the message their buttons are clicked in."""
    return {"ts": "1.0", "blocks": response["blocks"]}


def press(rig: Rig, user: str, response: dict[str, Any], action: str) -> None:
    click(rig, user, CHANNEL, panel(response), action, container=PANEL)


def run_of(rig: Rig, channel: str = CHANNEL) -> RunView:
    return rig.services.workshops.view(channel)


def dm_posts(rig: Rig, user: str) -> list[Call]:
    channel = "D" + user.lstrip("UW")
    return [c for c in rig.fake.of("chat.postMessage") if c.args.get("channel") == channel]


# --- browsing ---------------------------------------------------------------------------------


def test_anyone_can_list_and_preview_plans(rig: Rig) -> None:
    listed = seen(workshop(rig, "UPAT", "list"))
    plans = load_workshop_plans(PROJECT_ROOT / "prompts")
    for plan in plans.values():
        assert f"`{plan.id}`" in listed
    assert "Live session" in listed and "Over several days" in listed
    assert workshop(rig, "UPAT", "list")["response_type"] == "ephemeral"

    preview = seen(workshop(rig, "UPAT", f"preview {LIVE}"))
    assert plans[LIVE].steps[0].title in preview
    assert "anonymous" in preview and "named" in preview and "10 minutes" in preview
    assert "Notes for the facilitator" not in preview  # facilitators only
    assert "Notes for the facilitator" in seen(workshop(rig, FAC, f"preview {LIVE}"))
    assert "opens P1D after the start" in seen(workshop(rig, "UBEN", f"preview {ASYNC}"))

    unknown = workshop(rig, "UPAT", "preview no-such-plan")["text"]
    assert "no-such-plan" in unknown and f"`{LIVE}`" in unknown
    assert "Which plan?" in workshop(rig, "UPAT", "preview")["text"]
    assert "`list`" in seen(workshop(rig, "UPAT", "help"))
    assert "I don't know `workshop dance`" in seen(workshop(rig, "UPAT", "dance"))
    assert "/anchor workshop" in seen(rig.sender.command("UPAT", "help").json())
    assert step_posts(rig) == [] and rig.fake.of("chat.postEphemeral") == []


# --- roles ------------------------------------------------------------------------------------


def test_only_a_facilitator_can_start_or_control_a_run(rig: Rig) -> None:
    refused = workshop(rig, "UPAT", f"start {LIVE}")
    assert refused["text"].startswith("Only workshop facilitators")
    assert refused["response_type"] == "ephemeral"
    assert step_posts(rig) == [] and rig.services.workshops.store.active_run(CHANNEL) is None

    started = workshop(rig, FAC, f"start {LIVE}")
    assert "has started" in seen(started) and wb.NEXT in seen(started)
    assert len(step_posts(rig)) == 1
    for move in ("next", "back", "pause", "resume", "status", "end"):
        assert workshop(rig, "UBEN", move)["text"].startswith("Only workshop facilitators")
    # the facilitator's buttons do nothing for anyone else either
    press(rig, "UBEN", started, wb.NEXT)
    assert rig.fake.wait_for(
        lambda: "Only workshop facilitators" in rig.fake.of("response_url")[-1].args["text"], 20
    )
    settle(rig)
    assert len(step_posts(rig)) == 1 and run_of(rig).step_index == 0
    assert "already running" in workshop(rig, FAC, f"start {LIVE}")["text"]
    assert "Workshops run in a channel" in workshop(rig, FAC, f"start {LIVE}", "DFAC")["text"]


def test_a_channel_anchor_cannot_post_in_gets_no_half_started_run(rig: Rig) -> None:
    rig.fake.script("chat.postMessage", Behaviour("error", "not_in_channel"))
    said = workshop(rig, FAC, f"start {LIVE}")
    assert "Invite me first" in said["text"]
    assert rig.services.workshops.store.active_run(CHANNEL) is None
    assert "has started" in seen(workshop(rig, FAC, f"start {LIVE}"))


def test_a_step_post_outlasts_a_burst_of_slack_failures_and_is_posted_once(rig: Rig) -> None:
    workshop(rig, FAC, f"start {LIVE}")
    rig.fake.script(
        "chat.postMessage",
        Behaviour("status", 500),
        Behaviour("status", 503),
        Behaviour("reset"),
        Behaviour("status", 429, {"Retry-After": "1"}),
    )
    moved = workshop(rig, FAC, "next")
    assert "Now on step 2 of 7" in moved["text"]  # the facilitator sees the move, not an error
    assert len(step_posts(rig)) == 2 and "Step 2 of 7" in seen(last_step(rig)["blocks"])
    step = run_of(rig).steps[1]
    assert step.message_ts == posted_ts(step_posts(rig)[-1])  # its ts noted for the tallies
    status = seen(workshop(rig, FAC, "status"))
    assert "open, 0 answered" in status
    assert len(step_posts(rig)) == 2  # status found it posted: nothing twice


# --- a live run, end to end -------------------------------------------------------------------


def test_a_facilitator_runs_a_live_workshop_and_nobody_is_traced(rig: Rig) -> None:
    fake, shops = rig.fake, rig.services.workshops
    plan = shops.plans[LIVE]
    started = workshop(rig, FAC, f"start {LIVE}")
    assert f'Step 1 of 7, "{plan.steps[0].title}", is posted' in started["text"]
    registered = shops.participants(run_of(rig).run_id)
    assert registered == sorted(f"slack:{u}" for u in [FAC, *PEOPLE])  # not Anchor itself

    # step 1: named free text; UPAT answers twice, the second replacing the first
    one = last_step(rig)
    first = seen(one["blocks"])
    assert "Step 1 of 7" in first and "Named" in first and "about 10 minutes" in first
    assert "Answer" in first and "Free text" in first
    named_texts = {
        "UPAT": "I put my phone away before the ward round",
        "UBEN": "Listening to the porter about the delays",
        "UCAL": "Asked the new registrar how she was",
    }
    answer(rig, "UPAT", one, text("a first draft I will change"))
    for user, words in named_texts.items():
        answer(rig, user, one, text(words))
    again = open_form(rig, "UPAT", one)  # a named step shows your own answer back to you
    assert again["blocks"][-1]["element"]["initial_value"] == named_texts["UPAT"]
    assert json.loads(again["private_metadata"]) == {"r": run_of(rig).run_id, "s": plan.steps[0].id}
    settle(rig)
    assert "*3 answered so far.*" in latest(rig, one["ts"])

    # Next from the panel, clicked twice: one move
    press(rig, FAC, started, wb.NEXT)
    press(rig, FAC, started, wb.NEXT)
    assert fake.wait_for(lambda: len(step_posts(rig)) >= 2, 20)
    settle(rig)
    assert len(step_posts(rig)) == 2 and run_of(rig).step_index == 1
    closed_one = latest(rig, one["ts"])
    assert "*3 answered.*" in closed_one and "Closed" in closed_one and wb.ANSWER not in closed_one
    late = submit(rig, "UBEN", again, text("too late now"))  # the old form, after the close
    assert late.body == b""  # the modal just closes...
    assert fake.wait_for(lambda: fake.of("chat.postEphemeral"), 20)
    told = fake.of("chat.postEphemeral")[-1].args
    assert told["user"] == "UBEN" and told["channel"] == CHANNEL
    assert "That step has closed" in told["text"]  # ...and they are told, kindly, alone

    # step 2: anonymous single choice; one submission delivered twice
    two = last_step(rig)
    assert "Anonymous" in seen(two["blocks"]) and "shown without your name" in seen(two["blocks"])
    options = plan.steps[1].answer.options
    choices = {"UPAT": 0, "UBEN": 0, "UCAL": 0, "UDEE": 1, "UEVE": 1}
    for user, choice in choices.items():
        answer(rig, user, two, radio(choice))
    form = open_form(rig, "UFAY", two)
    assert "initial_option" not in form["blocks"][-1]["element"]
    assert [o["value"] for o in form["blocks"][-1]["element"]["options"]] == [
        str(i) for i in range(len(options))
    ]
    submit(rig, "UFAY", form, radio(1))
    submit(rig, "UFAY", form, radio(1))  # delivered twice: counted once
    settle(rig)
    tally = latest(rig, two["ts"])
    assert "*6 answered so far.*" in tally
    assert f"{options[0]}: *3*" in tally and f"{options[1]}: *3*" in tally
    assert f"{options[2]}: _not shown_" in tally  # nobody, shown as suppressed
    assert shops.tally(run_of(rig).run_id, plan.steps[1].id).respondents == 6

    # an answer that doesn't fit keeps the form open with the reason
    bad = submit(rig, "UPAT", open_form(rig, "UPAT", two), radio(99))
    assert bad.json()["response_action"] == "errors"
    assert "choose one of the options" in bad.json()["errors"][wb.ANSWER_BLOCK]

    # step 3: anonymous scale, only two answer: hidden in the channel and in the summary
    workshop(rig, FAC, "next")
    three = last_step(rig)
    scale = open_form(rig, "UPAT", three)
    labels = [o["text"]["text"] for o in scale["blocks"][-1]["element"]["options"]]
    assert labels[0].startswith("1 (") and labels[-1].startswith("5 (") and labels[2] == "3"
    submit(rig, "UPAT", scale, radio(4))
    answer(rig, "UBEN", three, radio(2))
    settle(rig)
    assert "Waiting for more answers: totals appear once at least 3" in latest(rig, three["ts"])
    assert "*2 answered so far.*" in latest(rig, three["ts"])

    # back, and on again: step 3 is posted afresh when it reopens
    assert "Now on step 2 of 7" in workshop(rig, FAC, "back")["text"]
    assert "posted again below" in latest(rig, two["ts"])
    assert "*6 answered so far.*" in latest(rig, last_step(rig)["ts"])
    workshop(rig, FAC, "next")
    three = last_step(rig)

    # steps 4 and 5: anonymous multiple choice and anonymous free text
    workshop(rig, FAC, "next")
    four = last_step(rig)
    for user in ["UPAT", "UBEN", "UCAL"]:
        answer(rig, user, four, ticks(0, 2))
    workshop(rig, FAC, "next")
    five = last_step(rig)
    secrets = {user: f"secret courage story of {user.lower()} at the board" for user in PEOPLE[:4]}
    for user, words in secrets.items():
        answer(rig, user, five, text(words))
    assert "initial_value" not in open_form(rig, "UPAT", five)["blocks"][-1]["element"]

    # pause stops answers; resume lets them in again
    assert "paused" in workshop(rig, FAC, "pause")["text"]
    assert "Paused" in latest(rig, five["ts"]) and wb.ANSWER not in latest(rig, five["ts"])
    assert "resumed" in workshop(rig, FAC, "resume")["text"]
    assert wb.ANSWER in latest(rig, five["ts"])
    status = seen(workshop(rig, FAC, "status"))
    assert "5. " in status and "4 answered" in status

    # end: the summary and files to the facilitator, a copy to everyone who answered
    ended = workshop(rig, FAC, "end")
    assert "has ended" in ended["text"]
    assert fake.wait_for(lambda: fake.of("files.completeUploadExternal"), 20)
    settle(rig)
    assert "Closed" in latest(rig, five["ts"])
    assert any(
        "has ended" in seen(c.args)
        for c in fake.of("chat.postMessage")
        if c.args["channel"] == CHANNEL
    )
    summary = seen(next(c for c in dm_posts(rig, FAC) if "Summary" in seen(c.args)).args)
    assert "Fewer than 3 people answered, so this step is not shown." in summary  # step 3
    assert f"{options[0]}: *3*" in summary and f"{options[2]}: *not shown*" in summary
    assert "6 people answered." in summary
    complete = fake.of("files.completeUploadExternal")[0].args
    assert complete["channel_id"] == "DFAC"
    assert [f["title"] for f in complete["files"]] == [
        f"{LIVE}-summary.html",
        f"{LIVE}-summary.csv",
    ]
    html, csv = (fake.uploads[f["id"]].decode() for f in complete["files"])
    assert "<!DOCTYPE html>" in html and "step_number" in csv
    for user in PEOPLE:  # everyone answered something, if only anonymously
        copies = [c for c in dm_posts(rig, user) if "Your answers in" in seen(c.args)]
        assert len(copies) == 1
    pat_copy = seen(
        next(c for c in dm_posts(rig, "UPAT") if "Your answers in" in seen(c.args)).args
    )
    assert named_texts["UPAT"] in pat_copy and secrets["UPAT"] in pat_copy
    assert "a first draft" not in pat_copy  # replaced
    assert not [c for c in dm_posts(rig, FAC) if "Your answers in" in seen(c.args)]

    # nobody's anonymous answer can be traced to them, anywhere
    for user, words in secrets.items():
        for call in fake.calls:
            if words in seen(call.args):
                assert call.method == "chat.postMessage"
                assert call.args["channel"] == "D" + user[1:]  # only their own copy
    anonymous_choices = {user: options[choice] for user, choice in {**choices, "UFAY": 1}.items()}
    for user in PEOPLE:  # calls naming someone outside their own DM say nothing they chose
        own_dm = "D" + user[1:]
        for call in fake.calls:
            args = seen(call.args)
            if user in args and call.args.get("channel") != own_dm:
                assert call.method in {"conversations.open", "chat.postEphemeral"}, call
                assert secrets.get(user, "\0") not in args
                assert anonymous_choices[user] not in args
    for call in fake.calls:  # the channel never shows a name or anyone's words
        if call.args.get("channel") == CHANNEL and call.method != "chat.postEphemeral":
            shown = seen(call.args)
            assert not any(u in shown for u in [FAC, *PEOPLE]), shown
            assert not any(w in shown for w in [*named_texts.values(), *secrets.values()])
    for upload in fake.uploads.values():
        content = upload.decode()
        assert not any(u in content for u in [FAC, *PEOPLE])
        assert not any(w in content for w in [*named_texts.values(), *secrets.values()])


# --- restarts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("database", BACKENDS)
def test_a_run_carries_on_after_a_restart(
    settings: Settings, fake_slack: FakeSlack, database: str, request: pytest.FixtureRequest
) -> None:
    changes = {"database_url": request.getfixturevalue("pg_url")} if database == "postgres" else {}
    config = workshop_config(settings, fake_slack, **changes)
    first = make_rig(config, fake_slack)
    with first.served:
        workshop(first, FAC, f"start {LIVE}")
        one = last_step(first)
        answer(first, "UPAT", one, text("Closing the laptop when someone comes in"))
        answer(first, "UBEN", one, text("Sitting down rather than standing"))
        settle(first)
    first.services.close()

    second = make_rig(config, fake_slack)  # new services, same database and key
    with second.served:
        moved = workshop(second, FAC, "next")
        assert "Now on step 2 of 7" in moved["text"]
        closed = latest(second, one["ts"])
        assert "*2 answered.*" in closed and "Closed" in closed
        two = last_step(second)
        assert two["ts"] != one["ts"] and "Step 2 of 7" in seen(two["blocks"])
        answer(second, "UCAL", two, radio(1))
        settle(second)
        assert "*1 answered so far.*" in latest(second, two["ts"])
        assert "has ended" in workshop(second, FAC, "end")["text"]
    second.services.close()


# --- async plans ------------------------------------------------------------------------------


def test_an_async_step_opens_on_schedule_and_each_person_gets_one_reminder(rig: Rig) -> None:
    fake, shops = rig.fake, rig.services.workshops
    fake.members["CASYNC"] = ["UPAT", "UBEN", "UANCHOR"]
    started = workshop(rig, FAC, f"start {ASYNC}", "CASYNC")
    assert "on their schedule" in started["text"]
    assert len(step_posts(rig, "CASYNC")) == 1  # Monday's step opens at once
    monday = last_step(rig, "CASYNC")
    assert "Open until" in seen(monday["blocks"]) and "<!date^" in seen(monday["blocks"])
    run = shops.view("CASYNC")
    scheduler = WorkshopScheduler(rig.services, AsyncWebClient(token=TOKEN, base_url=fake.api_url))

    def tick(after: timedelta) -> int:
        done = asyncio.run(scheduler.tick(now=run.started_at + after))
        settle(rig)  # what the tick queued is delivered by the server's outbox worker
        return done

    assert tick(timedelta(hours=1)) == 0  # nothing due yet
    assert tick(timedelta(days=1, minutes=1)) == 2  # Tuesday opens, Monday closes
    assert len(step_posts(rig, "CASYNC")) == 2
    assert "Closed" in latest(rig, monday["ts"])
    tuesday = last_step(rig, "CASYNC")
    assert "Step 2 of 5" in seen(tuesday["blocks"])
    # UPAT answers the anonymous step from the channel; UBEN does not
    submit(rig, "UPAT", open_form(rig, "UPAT", tuesday), radio(4))
    settle(rig)
    assert tick(timedelta(days=1, hours=13)) == 1
    reminders = [c for c in fake.of("chat.postMessage") if "gentle reminder" in seen(c.args)]
    assert [c.args["channel"] for c in reminders] == ["DBEN"]
    assert "<#CASYNC>" in seen(reminders[0].args) and wb.ANSWER in seen(reminders[0].args)
    assert tick(timedelta(days=1, hours=14)) == 0  # claimed once: never sent again
    # the reminder's own button opens the form, and the answer counts in the channel
    form = open_form(rig, "UBEN", as_message(reminders[0]), "DBEN")
    submit(rig, "UBEN", form, radio(2))
    settle(rig)
    assert "*2 answered so far.*" in latest(rig, tuesday["ts"])
    assert "can't go back" in workshop(rig, FAC, "back", "CASYNC")["text"]


# --- pure parts -------------------------------------------------------------------------------


def test_every_plan_fits_within_slack_limits() -> None:
    words = load_workshop_texts(PROJECT_ROOT / "prompts")
    report = load_texts().report
    plans = load_workshop_plans(PROJECT_ROOT / "prompts")
    now = datetime.now(UTC)
    assert len(wb.plans_blocks(list(plans.values()), words, "/anchor")) <= MAX_BLOCKS
    for plan in plans.values():
        record = RunRecord(
            id=1,
            plan_id=plan.id,
            mode=plan.mode,
            channel="C1",
            facilitator="slack:U1",
            status="running",
            step_index=0,
            started_at=now,
            paused_at=None,
            paused_seconds=0,
            ended_at=None,
        )
        steps = [step_view(record, i, s, None, now) for i, s in enumerate(plan.steps)]
        run = RunView(
            run_id=1,
            plan_id=plan.id,
            plan_title=plan.title,
            mode=plan.mode,
            channel="C1",
            facilitator="slack:U1",
            status="running",
            step_index=0,
            steps=steps,
            started_at=now,
        )
        found = [wb.preview_blocks(plan, words, report, "/anchor", notes=True)]
        found.append(wb.control_blocks(run, words, {}, details=True))
        for step in steps:
            found.append(wb.step_blocks(run, step, None, words, report, 3))
            modal = wb.answer_modal(step, len(steps), words)
            assert len(modal["blocks"]) <= MAX_VIEW_BLOCKS and len(modal["title"]["text"]) <= 24
            found.append(modal["blocks"])
        for built in found:
            assert len(built) <= MAX_BLOCKS
            for block in built:
                if block.get("text", {}).get("type") == "mrkdwn":
                    assert len(block["text"]["text"]) <= SECTION_CHARS
                for element in block.get("elements", []):
                    if element.get("type") == "button":
                        assert len(element["text"]["text"]) <= BUTTON_CHARS
                        assert len(element.get("value", "")) <= 2000


def test_the_workshop_words_are_checked_when_loaded(tmp_path: Path) -> None:
    words = load_workshop_texts(PROJECT_ROOT / "prompts")
    assert len(words.modal.title) <= 24 and "{command}" in words.command.usage
    broken = (PROJECT_ROOT / "prompts" / "slack" / "workshop_texts.yaml").read_text()
    (tmp_path / "slack").mkdir()
    (tmp_path / "slack" / "workshop_texts.yaml").write_text(
        broken.replace('answer_button: "Answer"', 'answer_button: "Answer {who}"')
    )
    with pytest.raises(ContentError, match="answer_button"):
        load_workshop_texts(tmp_path)


def test_a_submitted_form_is_read_in_the_shape_the_service_checks() -> None:
    plan = load_workshop_plans(PROJECT_ROOT / "prompts")[LIVE]
    specs = {step.answer.type: step.answer for step in plan.steps}

    def form(state: dict[str, Any]) -> dict[str, Any]:
        return {"state": {"values": {wb.ANSWER_BLOCK: {wb.ANSWER_INPUT: state}}}}

    assert wb.submitted(form(text(" mine ")), specs["free_text"]) == " mine "
    single = specs["single_choice"]
    assert wb.submitted(form(radio(1)), single) == single.options[1]
    assert wb.submitted(form(radio(99)), single) == "99"  # refused by the service
    several = specs["multiple_choice"]
    assert wb.submitted(form(ticks(0, 2)), several) == [several.options[0], several.options[2]]
    assert wb.submitted(form(radio(4)), specs["scale"]) == 4
    assert wb.submitted({}, specs["scale"]) == ""
