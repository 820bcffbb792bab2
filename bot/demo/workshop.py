"""Play the script's workshop through the workshop service, as a facilitator would in Slack:
start the plan in a channel, everyone answers each step, next, ..., end; then the facilitator's
summary export, the same call the Slack app makes when a run ends."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel

from bot.demo.script import WorkshopScript
from bot.workshops import Workshops

STEP_GAP = timedelta(minutes=12)
ANSWER_GAP = timedelta(seconds=20)


class WorkshopResult(BaseModel):
    run_id: int
    plan_id: str
    plan_title: str
    participants: int
    html: str
    csv: str


def play_workshop(script: WorkshopScript, workshops: Workshops) -> WorkshopResult:
    facilitator = f"slack:{script.facilitator}"
    now = script.started
    started = workshops.start(facilitator, script.channel, script.plan, now=now)
    run_id = started.run.run_id
    for index, (step, answers) in enumerate(zip(script.steps, script.answers, strict=True)):
        if index:
            now += STEP_GAP
            workshops.next(facilitator, script.channel, from_step=script.steps[index - 1], now=now)
        for n, (person, value) in enumerate(zip(script.participants, answers, strict=True)):
            workshops.answer(person, run_id, step, value, now=now + (n + 1) * ANSWER_GAP)
    workshops.end(facilitator, script.channel, now=now + STEP_GAP)
    return WorkshopResult(
        run_id=run_id,
        plan_id=started.run.plan_id,
        plan_title=started.run.plan_title,
        participants=len(script.participants),
        html=workshops.export(facilitator, run_id, "html"),
        csv=workshops.export(facilitator, run_id, "csv"),
    )
