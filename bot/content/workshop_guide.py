"""A printable facilitator guide for a workshop plan, as Markdown or as one self-contained HTML
page. Pure functions: no I/O, no network, nothing external in the HTML."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from bot.content.workshops import FREE_TEXT_CHARS, AnswerSpec, WorkshopPlan, WorkshopStep

GuideFormat = Literal["markdown", "html"]

ANSWER_NAMES: Mapping[str, str] = {
    "free_text": "Free text",
    "single_choice": "Single choice (pick one)",
    "multiple_choice": "Multiple choice (pick any)",
    "scale": "Scale",
}

FOOTER = (
    "Printed from Anchor. Answers to anonymous steps are shown without names: tell the room "
    "which steps are anonymous before people answer."
)

# Slack mrkdwn emphasis: *bold* and _italic_, not inside words.
BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")


@dataclass(frozen=True)
class TimetableRow:
    """One line of the running timetable."""

    number: int
    step: WorkshopStep
    when: str  # live: "0–10 min"; async: "Day 2"
    length: str  # live: "10 min (time limit)"; async: how long answers stay open
    start_minute: int | None = None  # live only: minutes from the start of the session
    end_minute: int | None = None


def render_guide(plan: WorkshopPlan, card_titles: Mapping[str, str], fmt: GuideFormat) -> str:
    """The facilitator guide for `plan`; card ids are shown by their titles where known."""
    if fmt == "markdown":
        return _markdown(plan, card_titles)
    if fmt == "html":
        return _html(plan, card_titles)
    raise ValueError(f"unknown guide format {fmt!r}: use 'markdown' or 'html'")


# ---- shared wording ---------------------------------------------------------------------------


def minutes_text(minutes: int) -> str:
    if minutes < 120:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def offset_text(offset: timedelta) -> str:
    """When an async step opens: 'Day 1', 'Day 2', 'Day 3, +9 h'."""
    day = f"Day {offset.days + 1}"
    rest = int(offset.seconds) // 60
    if not rest:
        return day
    hours, minutes = divmod(rest, 60)
    parts = ([f"{hours} h"] if hours else []) + ([f"{minutes} min"] if minutes else [])
    return f"{day}, +{' '.join(parts)}"


def total_time_text(plan: WorkshopPlan) -> str:
    if plan.mode == "live":
        return f"{minutes_text(plan.duration_minutes)}, in one live session"
    days = plan.schedule_span.days + 1
    return (
        f"about {minutes_text(plan.duration_minutes)} of each participant's time, "
        f"spread over {days} day{'s' if days != 1 else ''}"
    )


def mode_text(plan: WorkshopPlan) -> str:
    if plan.mode == "live":
        return "Live: you post each step in the channel and close it before moving on"
    return "Async: each step opens in the channel on its own schedule, like a stand-up"


def answer_text(answer: AnswerSpec) -> str:
    name = ANSWER_NAMES[answer.type]
    if answer.type == "free_text":
        return f"{name}, up to {answer.max_chars or FREE_TEXT_CHARS:,} characters"
    if answer.type == "scale":
        return (
            f"{name} from {answer.scale_min} ({answer.low_label}) "
            f"to {answer.scale_max} ({answer.high_label})"
        )
    return f"{name} from {len(answer.options)} options"


def who_text(step: WorkshopStep) -> str:
    if step.anonymous:
        return "Anonymous: answers are shown without names"
    return "Named: people answer under their own names"


def timetable(plan: WorkshopPlan) -> list[TimetableRow]:
    """Live: cumulative minutes from the time limits; steps with no limit share what is left.
    Async: the day each step opens and how long answers stay open."""
    rows: list[TimetableRow] = []
    if plan.mode == "async":
        for number, step in enumerate(plan.steps, 1):
            offset = step.opens_after or timedelta(0)
            window = (
                f"open {minutes_text(step.time_limit_minutes)}"
                if step.time_limit_minutes
                else "open until the run is closed"
            )
            rows.append(TimetableRow(number, step, offset_text(offset), window))
        return rows
    timed = sum(s.time_limit_minutes or 0 for s in plan.steps)
    untimed = [s for s in plan.steps if s.time_limit_minutes is None]
    share = (plan.duration_minutes - timed) // len(untimed) if untimed else 0
    clock = 0
    for number, step in enumerate(plan.steps, 1):
        if step.time_limit_minutes is not None:
            minutes, label = step.time_limit_minutes, "time limit"
        else:
            minutes, label = share, "no limit; suggested"
        when = f"{clock}–{clock + minutes} min"
        rows.append(
            TimetableRow(number, step, when, f"{minutes} min ({label})", clock, clock + minutes)
        )
        clock += minutes
    return rows


def closing_minutes(plan: WorkshopPlan) -> int:
    """Live plans where every step is timed: minutes left for welcome, buffer and close."""
    if plan.mode != "live" or any(s.time_limit_minutes is None for s in plan.steps):
        return 0
    return plan.duration_minutes - sum(s.time_limit_minutes or 0 for s in plan.steps)


def _title(card: str, card_titles: Mapping[str, str]) -> str:
    return card_titles.get(card, card)


Block = tuple[Literal["p", "ul"], list[str]]


def blocks(text: str) -> list[Block]:
    """Split notes into paragraphs and bulleted lists ("- " items; indented lines continue an
    item), each with its lines joined into one string."""
    out: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines: list[str] = []
        items: list[str] = []
        for raw in chunk.splitlines():
            line = raw.strip()
            if line.startswith(("- ", "• ")):
                items.append(line[2:].strip())
            elif items and raw[:1].isspace():
                items[-1] += " " + line
            else:
                if items:
                    out.append(("ul", items))
                    items = []
                lines.append(line)
                continue
            if lines:
                out.append(("p", [" ".join(lines)]))
                lines = []
        if lines:
            out.append(("p", [" ".join(lines)]))
        if items:
            out.append(("ul", items))
    return [block for block in out if any(part.strip() for part in block[1])]


# ---- Markdown ---------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Plain text made safe for Markdown: no raw HTML."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _md_cell(text: str) -> str:
    return " ".join(_md(text).replace("|", "\\|").split())


def _md_mrkdwn(text: str) -> str:
    """Slack mrkdwn to Markdown: *bold* becomes **bold**; _italic_ stays."""
    return BOLD.sub(r"**\1**", _md(text))


def _markdown(plan: WorkshopPlan, card_titles: Mapping[str, str]) -> str:
    out: list[str] = [
        f"# {_md(plan.title)}",
        "",
        "*Anchor facilitator guide*",
        "",
        _md(plan.summary),
        "",
        f"- **Audience:** {_md(plan.audience)}",
        f"- **Format:** {mode_text(plan)}",
        f"- **Total time:** {total_time_text(plan)}",
        f"- **Steps:** {len(plan.steps)}",
        "",
        "## Before you start",
        "",
    ]
    for kind, parts in blocks(plan.facilitator_notes):
        out += [f"- {_md(item)}" for item in parts] if kind == "ul" else [_md(parts[0])]
        out.append("")
    out += ["**Cards to read first:**", ""]
    out += [f"- {_md(_title(c, card_titles))} (`{c}`)" for c in plan.cards]
    out += ["", "## Timetable", ""]
    when = "Time" if plan.mode == "live" else "Opens"
    length = "Length" if plan.mode == "live" else "Answers"
    out += [f"| # | Step | {when} | {length} | Answer | Who |", "|---|---|---|---|---|---|"]
    for row in timetable(plan):
        out.append(
            f"| {row.number} | {_md_cell(row.step.title)} | {row.when} | {row.length} "
            f"| {ANSWER_NAMES[row.step.answer.type]} "
            f"| {'Anonymous' if row.step.anonymous else 'Named'} |"
        )
    spare = closing_minutes(plan)
    if spare:
        out += ["", f"The other {minutes_text(spare)} are for the welcome, a buffer and the close."]
    out += ["", "## Steps", ""]
    for row in timetable(plan):
        out += _markdown_step(row, card_titles)
    out += ["---", "", f"*{FOOTER}*"]
    return "\n".join(out).rstrip() + "\n"


def _markdown_step(row: TimetableRow, card_titles: Mapping[str, str]) -> list[str]:
    step = row.step
    out = [
        f"### Step {row.number}. {_md(step.title)}",
        "",
        f"- **When:** {row.when}; {row.length}",
        f"- **Answer:** {_md(answer_text(step.answer))}",
        f"- **Who:** {who_text(step)}",
        "",
        "**Post to the channel:**",
        "",
    ]
    out += [f"> {line}" if line.strip() else ">" for line in _md_mrkdwn(step.prompt).splitlines()]
    out.append("")
    if step.answer.options:
        out += ["**Options:**", ""]
        out += [f"{i}. {_md(o)}" for i, o in enumerate(step.answer.options, 1)]
        out.append("")
    out += ["**Facilitator note:**", ""]
    for kind, parts in blocks(step.facilitator_note):
        out += [f"- {_md(item)}" for item in parts] if kind == "ul" else [_md(parts[0])]
        out.append("")
    if step.cards:
        out += ["**Cards:** " + "; ".join(_md(_title(c, card_titles)) for c in step.cards), ""]
    return out


# ---- HTML -------------------------------------------------------------------------------------

STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 50rem; padding: 1.5rem; color: #1d1d1b; background: #fff;
  font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; }
h1, h2, h3, h4 { line-height: 1.25; color: #003087; }
h1 { font-size: 2rem; margin: 0.25rem 0 0.75rem; }
h2 { font-size: 1.4rem; margin-top: 2.25rem; border-bottom: 2px solid #005eb8;
  padding-bottom: 0.25rem; }
h3 { font-size: 1.2rem; margin: 0 0 0.5rem; }
h4 { font-size: 1rem; margin: 1rem 0 0.25rem; }
.kicker { margin: 0; font-weight: 600; color: #425563; text-transform: uppercase;
  letter-spacing: 0.05em; font-size: 0.85rem; }
.summary { font-size: 1.1rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dl.facts dt, dl.meta dt { font-weight: 600; }
dl.facts dd, dl.meta dd { margin: 0; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.75rem;
  margin: 0.5rem 0; }
nav ol { padding-left: 1.25rem; }
a { color: #005eb8; }
a:focus { outline: 3px solid #ffb81c; outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.25rem; }
th, td { border: 1px solid #aeb7bd; padding: 0.35rem 0.5rem; text-align: left;
  vertical-align: top; }
thead th { background: #e8edee; }
.step { border: 1px solid #aeb7bd; border-left: 6px solid #005eb8; border-radius: 4px;
  padding: 1rem 1.25rem; margin: 1.25rem 0; }
.step.anonymous { border-left-color: #330072; }
.prompt { margin: 0.25rem 0; padding: 0.75rem 1rem; background: #f0f4f5;
  border-left: 4px solid #425563; white-space: pre-line; }
.badge { display: inline-block; padding: 0 0.5rem; border: 1px solid currentColor;
  border-radius: 1rem; font-size: 0.85rem; font-weight: 600; }
code { font-size: 0.9em; color: #425563; }
footer { margin-top: 2.5rem; font-size: 0.85rem; color: #425563; }
@media print {
  @page { margin: 1.8cm; }
  body { max-width: none; padding: 0; font: 11pt/1.4 Georgia, "Times New Roman", serif;
    color: #000; }
  h1, h2, h3, h4 { color: #000; break-after: avoid; page-break-after: avoid; }
  nav { display: none; }
  a { color: #000; text-decoration: none; }
  .step { break-inside: avoid; page-break-inside: avoid; border-color: #000; }
  .prompt { background: none; border-left-color: #000; }
  thead th { background: none; }
  tr { break-inside: avoid; page-break-inside: avoid; }
}
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _h_mrkdwn(text: str) -> str:
    """Slack mrkdwn to HTML: escape everything first, then *bold* and _italic_."""
    escaped = _h(text)
    escaped = BOLD.sub(r"<strong>\1</strong>", escaped)
    return ITALIC.sub(r"<em>\1</em>", escaped)


def _h_block(text: str) -> str:
    parts: list[str] = []
    for kind, items in blocks(text):
        if kind == "ul":
            parts.append("<ul>" + "".join(f"<li>{_h(item)}</li>" for item in items) + "</ul>")
        else:
            parts.append(f"<p>{_h(items[0])}</p>")
    return "\n".join(parts)


def _h_cards(cards: list[str], card_titles: Mapping[str, str]) -> str:
    items = "".join(f"<li>{_h(_title(c, card_titles))} <code>{_h(c)}</code></li>" for c in cards)
    return f"<ul>{items}</ul>"


def _anchor(step: WorkshopStep) -> str:
    return f"step-{step.id}"


def _html(plan: WorkshopPlan, card_titles: Mapping[str, str]) -> str:
    rows = timetable(plan)
    when = "Time" if plan.mode == "live" else "Opens"
    length = "Length" if plan.mode == "live" else "Answers"
    table_rows = "\n".join(
        "<tr>"
        f'<th scope="row">{row.number}</th>'
        f'<td><a href="#{_anchor(row.step)}">{_h(row.step.title)}</a></td>'
        f"<td>{_h(row.when)}</td><td>{_h(row.length)}</td>"
        f"<td>{_h(ANSWER_NAMES[row.step.answer.type])}</td>"
        f"<td>{'Anonymous' if row.step.anonymous else 'Named'}</td>"
        "</tr>"
        for row in rows
    )
    spare = closing_minutes(plan)
    spare_note = (
        f"<p>The other {_h(minutes_text(spare))} are for the welcome, a buffer and the close.</p>"
        if spare
        else ""
    )
    toc = "".join(
        f'<li><a href="#{_anchor(row.step)}">{_h(row.step.title)}</a></li>' for row in rows
    )
    steps = "\n".join(_html_step(row, card_titles) for row in rows)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Facilitator guide: {_h(plan.title)}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<p class="kicker">Anchor facilitator guide</p>
<h1>{_h(plan.title)}</h1>
<p class="summary">{_h(plan.summary)}</p>
<dl class="facts">
<dt>Audience</dt><dd>{_h(plan.audience)}</dd>
<dt>Format</dt><dd>{_h(mode_text(plan))}</dd>
<dt>Total time</dt><dd>{_h(total_time_text(plan))}</dd>
<dt>Steps</dt><dd>{len(plan.steps)}</dd>
</dl>
</header>
<nav aria-labelledby="contents-heading">
<h2 id="contents-heading">Contents</h2>
<ol>{toc}</ol>
</nav>
<main>
<section aria-labelledby="before-heading">
<h2 id="before-heading">Before you start</h2>
{_h_block(plan.facilitator_notes)}
<h3>Cards to read first</h3>
{_h_cards(plan.cards, card_titles)}
</section>
<section aria-labelledby="timetable-heading">
<h2 id="timetable-heading">Timetable</h2>
<table>
<caption>Total time: {_h(total_time_text(plan))}</caption>
<thead><tr><th scope="col">#</th><th scope="col">Step</th><th scope="col">{when}</th>\
<th scope="col">{length}</th><th scope="col">Answer</th><th scope="col">Who</th></tr></thead>
<tbody>
{table_rows}
</tbody>
</table>
{spare_note}
</section>
<section aria-labelledby="steps-heading">
<h2 id="steps-heading">Steps</h2>
{steps}
</section>
</main>
<footer><p>{_h(FOOTER)}</p></footer>
</body>
</html>
"""


def _html_step(row: TimetableRow, card_titles: Mapping[str, str]) -> str:
    step = row.step
    anchor = _anchor(step)
    who = "Anonymous" if step.anonymous else "Named"
    parts = [
        f'<article class="step{" anonymous" if step.anonymous else ""}" id="{anchor}" '
        f'aria-labelledby="{anchor}-heading">',
        f'<h3 id="{anchor}-heading">Step {row.number}. {_h(step.title)} '
        f'<span class="badge">{who}</span></h3>',
        '<dl class="meta">',
        f"<dt>When</dt><dd>{_h(row.when)}; {_h(row.length)}</dd>",
        f"<dt>Answer</dt><dd>{_h(answer_text(step.answer))}</dd>",
        f"<dt>Who</dt><dd>{_h(who_text(step))}</dd>",
        "</dl>",
        "<h4>Post to the channel</h4>",
        f'<blockquote class="prompt">{_h_mrkdwn(step.prompt.strip())}</blockquote>',
    ]
    if step.answer.options:
        items = "".join(f"<li>{_h(o)}</li>" for o in step.answer.options)
        parts += ["<h4>Options</h4>", f"<ol>{items}</ol>"]
    parts += ["<h4>Facilitator note</h4>", _h_block(step.facilitator_note)]
    if step.cards:
        parts += ["<h4>Cards</h4>", _h_cards(step.cards, card_titles)]
    parts.append("</article>")
    return "\n".join(parts)
