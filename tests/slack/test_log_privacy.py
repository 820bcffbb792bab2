"""No message text in the log at INFO or above, from any logger (ours, Bolt's, slack_sdk's,
uvicorn's), across a representative Slack session over real HTTP."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.config import Settings
from bot.slack.app import build_app
from bot.slack.loopback import BOT_USER, dm_event, post, signed_headers
from bot.slack.services import SlackServices
from tests.slack.conftest import SECRET, Rig, as_message, click, dm, settle, threaded

pytestmark = pytest.mark.server

TEXTS = {
    "dm": "How do I win round a finance director who calls me naive? okapi-umbrella-1",
    "follow-up": "tell me more about the finance director okapi-umbrella-2",
    "mention": f"<@{BOT_USER}> how do we rebuild trust after the merger row? okapi-umbrella-3",
    "command": "how do I chair a board that never decides? okapi-umbrella-4",
    "modal": "What do I say to a GP who walked out of the meeting? okapi-umbrella-5",
    "forged": "my manager is bullying me and I have told nobody okapi-umbrella-6",
    "stale": "I have been crying in the car park every morning okapi-umbrella-7",
    "unknown": "a reaction to something private okapi-umbrella-8",
}


def everything_logged(records: list[logging.LogRecord]) -> str:
    """Every record's message, raw arguments and traceback, as one text to search."""
    parts = []
    for record in records:
        parts += [str(record.msg), repr(record.args), record.getMessage()]
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


def test_no_text_anyone_sent_reaches_the_log_at_info(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # the root logger, so every logger that does not say otherwise
    uvicorn = logging.getLogger("uvicorn")  # uvicorn's loggers do not reach the root logger
    uvicorn.addHandler(caplog.handler)
    try:
        rig.services.leaders.first_contact("slack:U1")
        # DMs: a question and a follow-up in its thread
        ts = "1700050000.000100"
        dm(rig, "U1", TEXTS["dm"], ts)
        assert rig.fake.wait_for(lambda: threaded(rig.fake, ts), 20)
        dm(rig, "U1", TEXTS["follow-up"], "1700050000.000200", thread_ts=ts)
        # a mention in a channel
        mention = {
            "type": "app_mention",
            "channel": "C1",
            "user": "U2",
            "text": TEXTS["mention"],
            "ts": "1700050100.000100",
        }
        assert rig.sender.send_event(mention).status == 200
        # a slash command
        assert rig.sender.command("U3", f"ask {TEXTS['command']}").status == 200
        # a button: feedback on the first reply
        settle(rig)
        click(rig, "U1", "D1", as_message(threaded(rig.fake, ts)[0]), "feedback:helpful")
        # a view submission: the question modal
        submitted = rig.sender.interaction(
            {
                "type": "view_submission",
                "user": {"id": "U4"},
                "view": {
                    "id": "V1",
                    "type": "modal",
                    "callback_id": "ask_modal",
                    "state": {
                        "values": {
                            "question": {
                                "text": {"type": "plain_text_input", "value": TEXTS["modal"]}
                            }
                        }
                    },
                },
            }
        )
        assert submitted.status == 200
        # a DM whose signature fails (a rotated secret), and one replayed late
        event = dm_event("U5", TEXTS["forged"], "1700050200.000100")
        assert rig.sender.send_event(event, secret="rotated-away").status == 401
        late = dm_event("U5", TEXTS["stale"], "1700050200.000200")
        assert rig.sender.send_event(late, timestamp=time.time() - 3600).status == 401
        # an event no listener takes
        body = json.dumps(
            {
                "type": "event_callback",
                "team_id": "T0TEAM",
                "event_id": "Ev0UNKNOWN",
                "event": {"type": "reaction_added", "user": "U6", "text": TEXTS["unknown"]},
            }
        ).encode()
        assert post(rig.sender.url, body, signed_headers(SECRET, body)).status == 200
        settle(rig)
        assert rig.fake.wait_for(lambda: len(rig.fake.replies()) >= 5, 20)
        settle(rig)
    finally:
        uvicorn.removeHandler(caplog.handler)
    info = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert info, "the session logged nothing at all: the check would prove nothing"
    logged = everything_logged(info)
    leaked = {name: text for name, text in TEXTS.items() if text in logged}
    assert not leaked
    assert "okapi-umbrella" not in logged


def test_bolts_own_verification_never_logs_a_refused_body(
    slack_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """Behind the server's check Bolt verifies again; if that ever refuses (a clock crossing
    the five-minute line in between), its INFO line with the whole body stays unwritten."""
    caplog.set_level(logging.DEBUG)
    services = SlackServices.open(slack_settings)
    try:
        bolt = build_app(slack_settings, services)
        body = json.dumps({"type": "event_callback", "event": {"text": TEXTS["forged"]}})
        headers = signed_headers("rotated-away", body.encode())
        answer = asyncio.run(bolt.async_dispatch(AsyncBoltRequest(body=body, headers=headers)))
    finally:
        services.close()
    assert answer.status == 401
    assert "okapi-umbrella" not in everything_logged(caplog.records)
