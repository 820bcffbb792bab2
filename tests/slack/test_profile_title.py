"""The leader's Slack profile title reaches the coach (users.info profile.title, read once per
person): a council director gets no line aimed at an NHS leader's seat, over real HTTP."""

from __future__ import annotations

from bot.knowledge.seats import fits_seat
from tests.slack.conftest import Rig, dm, settle, texts_of, threaded

COUNCIL_TITLE = "Director of Adult Social Care, Somerset County Council"
MESSAGE = "council colleagues feel the NHS sets the agenda and expects local government to follow"
NHS_LINE = "Council staff may feel that NHS bodies"


def reply_text(rig: Rig, ts: str) -> str:
    assert rig.fake.wait_for(lambda: threaded(rig.fake, ts), 20)
    settle(rig)
    (call,) = threaded(rig.fake, ts)
    return texts_of(call.args["blocks"])


def test_a_council_director_by_title_hears_no_line_aimed_at_another_seat(rig: Rig) -> None:
    rig.fake.titles["U7"] = COUNCIL_TITLE
    dm(rig, "U7", MESSAGE, "1700000500.000100")
    dm(rig, "U8", MESSAGE, "1700000500.000200")  # no title: nothing tells the coach their seat
    council_reply = reply_text(rig, "1700000500.000100")
    untitled_reply = reply_text(rig, "1700000500.000200")
    assert NHS_LINE in untitled_reply
    assert NHS_LINE not in council_reply
    coach = rig.services.coach
    council = coach.seats.from_title(COUNCIL_TITLE)
    for units in coach.composer.bank.units.values():
        for unit in units:
            if not fits_seat(unit.suits, unit.not_for, council):
                assert unit.text not in council_reply, unit.text


def test_the_title_is_read_once_per_person(rig: Rig) -> None:
    rig.fake.titles["U7"] = COUNCIL_TITLE
    dm(rig, "U7", MESSAGE, "1700000600.000100")
    reply_text(rig, "1700000600.000100")
    dm(rig, "U7", "tell me more", "1700000600.000200", thread_ts="1700000600.000100")
    settle(rig)
    asked = [c for c in rig.fake.calls if c.method == "users.info" and c.args.get("user") == "U7"]
    assert len(asked) == 1
