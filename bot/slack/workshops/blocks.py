"""Block Kit for facilitator workshops, built by pure functions from the workshop service's
views and the words in prompts/slack/workshop_texts.yaml. Within Slack's limits: 50 blocks a
message (100 in a modal), 3,000 characters of section text, 75 of button text, 2,000 of a
button value, modal titles and buttons of 24.

What reaches the channel is the plan's own words and counts: never a name, never a person's
written answer. Anonymous steps show only what the service's tally allows (nothing but the
number who answered until enough people have, then totals with small cells suppressed).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from bot.content.workshops import AnswerSpec, WorkshopPlan, format_duration
from bot.slack.blocks import (
    MAX_BLOCKS,
    MAX_VIEW_BLOCKS,
    SECTION_CHARS,
    Block,
    actions,
    button,
    clip,
    context,
    escape,
    mrkdwn,
    plain,
    section,
    split_text,
)
from bot.slack.workshops.texts import WorkshopTexts
from bot.workshops import ParticipantCopy, Reminder, RunSummary, RunView, StepView, Tally
from bot.workshops.models import AnswerValue
from bot.workshops.texts import ReportTexts

Display = Literal["open", "paused", "closed"]

# action, block and callback ids the listeners match on
ANSWER = "workshop:answer"
NEXT = "workshop:next"
BACK = "workshop:back"
PAUSE = "workshop:pause"
RESUME = "workshop:resume"
END = "workshop:end"
STATUS = "workshop:status"
CONTROLS = (NEXT, BACK, PAUSE, RESUME, END, STATUS)
MODAL = "workshop_answer"
ANSWER_BLOCK = "answer"
ANSWER_INPUT = "value"
STEP_BLOCK = "workshop_step"
TALLY_BLOCK = "workshop_tally"
RADIO_OPTIONS = 10
MODAL_TITLE = 24
METADATA_CHARS = 3000
FALLBACK_CHARS = 300


def when(moment: datetime) -> str:
    """A date and time Slack shows in each reader's own time zone (UTC as the fallback)."""
    fallback = moment.strftime("%d %b %Y %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def kind_label(report: ReportTexts, answer_type: str) -> str:
    return str(getattr(report.answer_types, answer_type))


def mode_label(words: WorkshopTexts, mode: str) -> str:
    return words.plans.live if mode == "live" else words.plans.async_


def point_label(spec: AnswerSpec, point: int) -> str:
    if point == spec.scale_min and spec.low_label:
        return f"{point} ({spec.low_label})"
    if point == spec.scale_max and spec.high_label:
        return f"{point} ({spec.high_label})"
    return str(point)


def answer_value(run_id: int, step_id: str) -> str:
    """What the Answer button carries: the run and the step, nothing about anyone."""
    return json.dumps({"r": run_id, "s": step_id})


def control_value(channel: str, step_id: str | None) -> str:
    """What a facilitator's button carries: the channel and the step it was on (`from_step`)."""
    return json.dumps({"c": channel, "s": step_id or ""})


def parse_ref(value: str) -> dict[str, Any]:
    try:
        found = json.loads(value or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


# --- browsing ---------------------------------------------------------------------------------


def usage_blocks(words: WorkshopTexts, command: str, unknown: str | None = None) -> list[Block]:
    blocks: list[Block] = []
    if unknown:
        blocks.append(section(words.command.unknown.format(word=escape(clip(unknown, 100)))))
    blocks.append(section(words.command.usage.format(command=command)))
    return blocks


def plans_blocks(plans: Sequence[WorkshopPlan], words: WorkshopTexts, command: str) -> list[Block]:
    """Every plan: title, id, mode, length, number of steps and its summary."""
    blocks: list[Block] = [section(words.plans.heading)]
    for plan in sorted(plans, key=lambda p: p.title)[: MAX_BLOCKS - 3]:
        blocks.append(
            section(
                words.plans.item.format(
                    title=escape(plan.title),
                    plan=plan.id,
                    mode=mode_label(words, plan.mode),
                    minutes=plan.duration_minutes,
                    steps=len(plan.steps),
                    summary=escape(plan.summary.strip()),
                )
            )
        )
    blocks.append(context(words.plans.footer.format(command=command)))
    return blocks


def preview_blocks(
    plan: WorkshopPlan,
    words: WorkshopTexts,
    report: ReportTexts,
    command: str,
    *,
    notes: bool = False,
) -> list[Block]:
    """A plan's steps as participants will meet them (and, for facilitators, the notes)."""
    p = words.plans
    blocks: list[Block] = [
        section(
            p.preview_heading.format(
                title=escape(plan.title),
                mode=mode_label(words, plan.mode),
                minutes=plan.duration_minutes,
                steps=len(plan.steps),
                audience=escape(plan.audience.strip()),
                summary=escape(plan.summary.strip()),
            )
        ),
        {"type": "divider"},
    ]
    for number, step in enumerate(plan.steps, 1):
        timing = ""
        if step.time_limit_minutes:
            timing += p.preview_time_limit.format(minutes=step.time_limit_minutes)
        if step.opens_after is not None:
            timing += p.preview_opens.format(offset=format_duration(step.opens_after))
        text = p.preview_step.format(
            number=number,
            title=escape(step.title),
            kind=kind_label(report, step.answer.type),
            anonymity=p.preview_anonymous if step.anonymous else p.preview_named,
            timing=timing,
            prompt=escape(step.prompt.strip()),
        )
        blocks.append(section(clip(text, SECTION_CHARS)))
    if notes:
        blocks.append({"type": "divider"})
        pieces = split_text(f"{p.preview_notes}\n\n{escape(plan.facilitator_notes.strip())}")
        blocks += [section(piece) for piece in pieces]
    blocks.append(context(p.preview_footer.format(command=command, plan=plan.id)))
    return blocks[:MAX_BLOCKS]


# --- the step in the channel ------------------------------------------------------------------


def tally_text(tally: Tally | None, words: WorkshopTexts, k: int, *, final: bool = False) -> str:
    """The live count: how many answered and, where allowed, the distribution."""
    w = words.step
    count = 0 if tally is None else tally.respondents
    lines = [(w.answered_final if final else w.answered).format(count=count)]
    if tally is None:
        return lines[0]
    if tally.answer_type == "free_text":
        lines.append(w.free_text)
    elif tally.hidden:
        lines.append(w.hidden.format(k=k))
    else:
        for row in tally.counts:
            label = escape(row.label)
            if row.count is None:
                lines.append(w.suppressed_line.format(label=label))
            else:
                lines.append(w.count_line.format(label=label, count=row.count))
        if any(row.count is None for row in tally.counts):
            lines.append(w.suppressed_note.format(k=k))
    return clip("\n".join(lines), SECTION_CHARS)


def step_fallback(run: RunView, step: StepView) -> str:
    return clip(f"Step {step.number} of {run.step_count}: {step.title}", FALLBACK_CHARS)


def step_blocks(
    run: RunView,
    step: StepView,
    tally: Tally | None,
    words: WorkshopTexts,
    report: ReportTexts,
    k: int,
    display: Display = "open",
) -> list[Block]:
    """The step as posted in the channel: prompt, how to answer, anonymity, time, the live
    tally and (while open) the Answer button."""
    w = words.step
    facts = [w.kind.format(kind=kind_label(report, step.answer.type))]
    facts.append(w.anonymous if step.anonymous else w.named)
    if run.mode == "async" and step.closes_at is not None:
        facts.append(w.closes_at.format(when=when(step.closes_at)))
    elif step.time_limit_minutes:
        facts.append(w.time_limit.format(minutes=step.time_limit_minutes))
    heading = w.heading.format(
        number=step.number,
        total=run.step_count,
        title=escape(step.title),
        plan=escape(run.plan_title),
    )
    blocks: list[Block] = [
        {"type": "section", "block_id": STEP_BLOCK, "text": mrkdwn(heading)},
        section(escape(step.prompt.strip())),
        context(*facts),
        {
            "type": "section",
            "block_id": TALLY_BLOCK,
            "text": mrkdwn(tally_text(tally, words, k, final=display == "closed")),
        },
    ]
    if display == "open":
        blocks.append(context(w.open))
        blocks.append(
            actions(
                "workshop_answer",
                [
                    button(
                        w.answer_button,
                        ANSWER,
                        answer_value(run.run_id, step.id),
                        "primary",
                    )
                ],
            )
        )
    else:
        blocks.append(context(w.paused if display == "paused" else w.closed))
    return blocks


def reopened_blocks(words: WorkshopTexts) -> list[Block]:
    return [context(words.step.reopened)]


def ended_text(run: RunView, words: WorkshopTexts) -> str:
    return words.step.ended_channel.format(plan=escape(run.plan_title))


# --- answering --------------------------------------------------------------------------------


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value[:150]}


def choices(spec: AnswerSpec) -> list[tuple[str, str]]:
    """(label, value) of every choice: option indexes, or scale points."""
    if spec.type == "scale":
        return [(point_label(spec, p), str(p)) for p in spec.scale_points]
    return [(option, str(i)) for i, option in enumerate(spec.options)]


def _element(spec: AnswerSpec, words: WorkshopTexts, initial: AnswerValue | None) -> Block:
    if spec.type == "free_text":
        element: Block = {
            "type": "plain_text_input",
            "action_id": ANSWER_INPUT,
            "multiline": True,
            "max_length": spec.max_chars or 3000,
        }
        if isinstance(initial, str) and initial:
            element["initial_value"] = initial[: spec.max_chars or 3000]
        return element
    options = [_option(label, value) for label, value in choices(spec)]
    chosen = _initial_values(spec, initial)
    picked = [o for o in options if o["value"] in chosen]
    if spec.type == "multiple_choice":
        element = {"type": "checkboxes", "action_id": ANSWER_INPUT, "options": options}
        if picked:
            element["initial_options"] = picked
        return element
    if len(options) <= RADIO_OPTIONS:
        element = {"type": "radio_buttons", "action_id": ANSWER_INPUT, "options": options}
    else:
        element = {
            "type": "static_select",
            "action_id": ANSWER_INPUT,
            "placeholder": plain(words.modal.choose),
            "options": options,
        }
    if picked:
        element["initial_option"] = picked[0]
    return element


def _initial_values(spec: AnswerSpec, initial: AnswerValue | None) -> set[str]:
    if initial is None:
        return set()
    if spec.type == "scale":
        return {str(initial)}
    given = initial if isinstance(initial, list) else [str(initial)]
    return {str(i) for i, option in enumerate(spec.options) if option in given}


def answer_modal(
    step: StepView,
    total: int,
    words: WorkshopTexts,
    *,
    initial: AnswerValue | None = None,
) -> dict[str, Any]:
    """The form for one step, from its AnswerSpec. `initial`: the person's own earlier answer
    on a named step (never filled in on an anonymous one)."""
    w, m = words.step, words.modal
    heading = f"*{step.number}/{total}. {escape(step.title)}*"
    blocks: list[Block] = [section(heading)]
    blocks += [section(piece) for piece in split_text(escape(step.prompt.strip()))]
    blocks.append(context(w.anonymous if step.anonymous else w.named))
    blocks.append(
        {
            "type": "input",
            "block_id": ANSWER_BLOCK,
            "label": plain(m.label),
            "hint": plain(m.again),
            "element": _element(step.answer, words, None if step.anonymous else initial),
        }
    )
    return {
        "type": "modal",
        "callback_id": MODAL,
        "title": plain(m.title, MODAL_TITLE),
        "submit": plain(m.submit, MODAL_TITLE),
        "close": plain(m.close, MODAL_TITLE),
        "private_metadata": answer_value(step.run_id, step.id)[:METADATA_CHARS],
        "blocks": blocks[:MAX_VIEW_BLOCKS],
    }


def submitted(view: Mapping[str, Any], spec: AnswerSpec) -> object:
    """The answer in a submitted modal, in the shape the service checks: free text as typed,
    options by their text, scale points as numbers. Anything odd is passed on as it is, so the
    service refuses it with a message the person can act on."""
    values = (view.get("state") or {}).get("values") or {}
    field = (values.get(ANSWER_BLOCK) or {}).get(ANSWER_INPUT) or {}
    if spec.type == "free_text":
        return str(field.get("value") or "")
    if spec.type == "multiple_choice":
        picked = [str(o.get("value")) for o in field.get("selected_options") or []]
        return [_choice(spec, value) for value in picked]
    selected = field.get("selected_option") or {}
    value = str(selected.get("value") or "")
    if spec.type == "scale":
        return int(value) if value.lstrip("-").isdigit() else value
    return _choice(spec, value)


def _choice(spec: AnswerSpec, value: str) -> str:
    if value.isdigit() and int(value) < len(spec.options):
        return spec.options[int(value)]
    return value


def thanks_view(words: WorkshopTexts, *, replaced: bool, anonymous: bool) -> dict[str, Any]:
    m = words.modal
    lines = [m.thanks_replaced if replaced else m.thanks]
    if anonymous:
        lines.append(m.thanks_anonymous)
    return {
        "type": "modal",
        "title": plain(m.thanks_title, MODAL_TITLE),
        "close": plain(m.done, MODAL_TITLE),
        "blocks": [section(" ".join(lines))],
    }


# --- the facilitator's controls ---------------------------------------------------------------


def control_blocks(
    run: RunView,
    words: WorkshopTexts,
    counts: Mapping[str, int],
    *,
    note: str | None = None,
    details: bool = False,
) -> list[Block]:
    """What the facilitator sees (only they do): where the run is, and its buttons. Every
    button carries the step it was pressed on, so a double click never moves twice."""
    c = words.controls
    status = {"running": c.running, "paused": c.paused, "ended": c.ended}[run.status]
    current = run.current
    if current is None:
        heading = c.heading_before.format(plan=escape(run.plan_title))
    else:
        heading = c.heading.format(
            plan=escape(run.plan_title),
            number=current.number,
            total=run.step_count,
            title=escape(current.title),
            status=status,
        )
    blocks: list[Block] = []
    if note:
        blocks.append(section(note))
    blocks.append(section(heading))
    if details:
        states = {"waiting": c.state_waiting, "open": c.state_open, "closed": c.state_closed}
        lines = [
            c.step_line.format(
                number=step.number,
                title=escape(step.title),
                state=states[step.state],
                count=counts.get(step.id, 0),
            )
            for step in run.steps
        ]
        blocks.append(context("\n".join(lines)))
    if run.status == "ended":
        return blocks
    value = control_value(run.channel, None if current is None else current.id)
    buttons = []
    if run.mode == "live" and run.step_index > 0 and run.status == "running":
        buttons.append(button(c.back_button, BACK, value))
    if run.step_index + 1 < run.step_count and run.status == "running":
        buttons.append(button(c.next_button, NEXT, value, "primary"))
    if run.status == "paused":
        buttons.append(button(c.resume_button, RESUME, value, "primary"))
    else:
        buttons.append(button(c.pause_button, PAUSE, value))
    end = button(c.end_button, END, value, "danger")
    end["confirm"] = {
        "title": plain(c.confirm_title, 100),
        "text": plain(c.confirm_text, 300),
        "confirm": plain(c.confirm_yes, 30),
        "deny": plain(c.confirm_no, 30),
        "style": "danger",
    }
    buttons += [end, button(c.status_button, STATUS, value)]
    blocks.append(actions("workshop_controls", buttons))
    return blocks


# --- after the run ----------------------------------------------------------------------------


def summary_blocks(summary: RunSummary, words: WorkshopTexts, report: ReportTexts) -> list[Block]:
    """The facilitator's summary: per step, totals with suppressed cells marked as such and
    free text as keywords only (the service has already removed anything identifying)."""
    k = summary.min_people
    blocks: list[Block] = [
        {
            "type": "header",
            "text": plain(words.summary.heading.format(plan=summary.plan_title), 150),
        },
        context(report.intro.format(k=k)),
    ]
    for step in summary.steps:
        lines = [f"*{escape(report.step_heading.format(number=step.number, title=step.title))}*"]
        lines.append(
            words.summary.kind.format(
                kind=kind_label(report, step.answer_type),
                anonymity=report.anonymous if step.anonymous else report.named,
            )
        )
        if step.respondents is None:
            lines.append(report.step_suppressed.format(k=k))
        else:
            lines.append(report.respondents.format(count=step.respondents))
            for cell in step.cells:
                shown = report.suppressed_cell if cell.count is None else str(cell.count)
                lines.append(f"• {escape(cell.label)}: *{shown}*")
            if step.mean is not None:
                lines.append(report.mean.format(mean=f"{step.mean:.1f}"))
            if step.answer_type == "free_text":
                if step.themes:
                    themes = ", ".join(f"{escape(t.keyword)} ({t.people})" for t in step.themes)
                    caption = report.themes_caption.format(k=k)
                    lines.append(words.summary.themes.format(caption=caption, themes=themes))
                else:
                    lines.append(report.no_themes.format(k=k))
        blocks.append(section(clip("\n".join(lines), SECTION_CHARS)))
    return blocks[: MAX_BLOCKS - 1]


def summary_fallback(summary: RunSummary, words: WorkshopTexts) -> str:
    return clip(words.summary.heading.format(plan=summary.plan_title), FALLBACK_CHARS)


def answer_text(spec: AnswerSpec | None, value: AnswerValue) -> str:
    if isinstance(value, list):
        return escape(", ".join(value))
    if isinstance(value, int) and spec is not None and spec.type == "scale":
        return escape(point_label(spec, value))
    if spec is not None and spec.type == "free_text":
        return "\n".join(f"> {line}" for line in escape(str(value)).splitlines() or [""])
    return escape(str(value))


def copy_blocks(
    copy: ParticipantCopy, plan: WorkshopPlan | None, words: WorkshopTexts
) -> list[Block]:
    """A person's own answers, for them alone."""
    w = words.copy_
    specs = {step.id: step.answer for step in plan.steps} if plan else {}
    blocks: list[Block] = [
        section(w.heading.format(plan=escape(copy.plan_title))),
        context(w.intro),
    ]
    for answer in copy.answers:
        text = w.item.format(
            number=answer.index + 1,
            title=escape(answer.title),
            marker=w.anonymous_marker if answer.anonymous else "",
            answer=answer_text(specs.get(answer.step_id), answer.value),
        )
        blocks.append(section(clip(text, SECTION_CHARS)))
    return blocks[:MAX_BLOCKS]


def reminder_blocks(reminder: Reminder, plan_title: str, words: WorkshopTexts) -> list[Block]:
    step = reminder.step
    w = words.reminder
    if step.closes_at is not None:
        text = w.text.format(
            title=escape(step.title),
            channel=reminder.channel,
            plan=escape(plan_title),
            when=when(step.closes_at),
        )
    else:
        text = w.text_untimed.format(
            title=escape(step.title), channel=reminder.channel, plan=escape(plan_title)
        )
    return [
        section(text),
        actions(
            "workshop_answer",
            [
                button(
                    words.step.answer_button,
                    ANSWER,
                    answer_value(reminder.run_id, step.id),
                    "primary",
                )
            ],
        ),
    ]
