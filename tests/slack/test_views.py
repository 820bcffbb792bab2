"""Modals over real HTTP: the "Ask Anchor" question, validated, answered in a DM."""

from __future__ import annotations

from typing import Any

from tests.slack.conftest import Rig, block_ids, click, settle

HOME = {"type": "view", "view_id": "V1"}


def test_app_home_ask_opens_a_modal_whose_answer_arrives_in_a_dm(rig: Rig) -> None:
    click(rig, "U7", "", {"blocks": []}, "home:ask", container=HOME)
    assert rig.fake.wait_for(lambda: rig.fake.of("views.open"), 20)
    modal = rig.fake.of("views.open")[0].args
    assert modal["trigger_id"].startswith("trigger.")
    view = modal["view"]
    assert view["callback_id"] == "ask_modal"

    def submit(text: str) -> Any:
        payload = {
            "type": "view_submission",
            "user": {"id": "U7"},
            "view": {
                **view,
                "id": "V9",
                "state": {
                    "values": {"question": {"text": {"type": "plain_text_input", "value": text}}}
                },
            },
        }
        return rig.sender.interaction(payload)

    empty = submit("   ")
    assert empty.status == 200 and empty.json()["response_action"] == "errors"
    done = submit("How can I make our system board meetings less performative?")
    assert done.status == 200 and done.body == b""
    assert rig.fake.wait_for(lambda: rig.fake.of("chat.update"), 20)
    settle(rig)
    reply = rig.fake.of("chat.update")[0].args
    assert reply["channel"] == "D7" and "sources" in block_ids(reply["blocks"])
