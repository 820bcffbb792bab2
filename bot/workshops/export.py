"""Render a run summary as one self-contained HTML page, CSV or JSON (pure functions).

The summary already holds only totals, suppressed cells and keyword themes, so no format can
show a participant's id or a verbatim answer. HTML: no external resources, every text escaped,
distributions as tables with CSS bars (the numbers are in the table; the bars are decoration).
CSV: one row per step and option (or scale point, or keyword), with a formula guard.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from html import escape
from typing import Literal, get_args

from bot.workshops.errors import UnknownFormat
from bot.workshops.models import RunSummary, StepSummary
from bot.workshops.texts import ReportTexts, load_texts

Format = Literal["html", "csv", "json"]
FORMATS: tuple[str, ...] = get_args(Format)
CSV_COLUMNS = (
    "plan_id",
    "step_number",
    "step_id",
    "step_title",
    "answer_type",
    "anonymous",
    "respondents",
    "row",
    "label",
    "people",
    "suppressed",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;"
    "color:#1d1d1d;line-height:1.5}"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}"
    "th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ccc;vertical-align:top}"
    "td.n{text-align:right;white-space:nowrap;width:5rem}"
    "td.bar{width:40%}"
    ".bar span{display:block;height:1rem;background:#005eb8;min-width:1px}"
    ".muted{color:#555}"
)


def render_summary(summary: RunSummary, fmt: str, texts: ReportTexts | None = None) -> str:
    """The summary as "html", "csv" or "json"; UnknownFormat for anything else."""
    if fmt == "json":
        return summary.model_dump_json(indent=2)
    report = texts or load_texts().report
    if fmt == "html":
        return render_html(summary, report)
    if fmt == "csv":
        return render_csv(summary)
    message = load_texts().errors.unknown_format.format(formats=", ".join(FORMATS))
    raise UnknownFormat(message)


def _date(value: datetime) -> str:
    return value.strftime("%d %b %Y %H:%M UTC")


def _cell_text(count: int | None, report: ReportTexts) -> str:
    return report.suppressed_cell if count is None else str(count)


def _html_step(step: StepSummary, summary: RunSummary, report: ReportTexts) -> list[str]:
    k = summary.min_people
    kind = report.anonymous if step.anonymous else report.named
    answer_type = getattr(report.answer_types, step.answer_type)
    heading = report.step_heading.format(number=step.number, title=step.title)
    parts = [
        "<section>",
        f"<h2>{escape(heading)}</h2>",
        f'<p class="muted">{escape(answer_type)} · {escape(kind)}</p>',
    ]
    if step.respondents is None:
        parts += [f"<p>{escape(report.step_suppressed.format(k=k))}</p>", "</section>"]
        return parts
    parts.append(f"<p>{escape(report.respondents.format(count=step.respondents))}</p>")
    if step.cells:
        parts += [
            "<table>",
            f'<caption class="muted">{escape(heading)}</caption>',
            f'<tr><th scope="col">{escape(report.option_header)}</th>'
            f'<th scope="col" class="n">{escape(report.count_header)}</th>'
            '<th scope="col" aria-hidden="true"></th></tr>',
        ]
        for cell in step.cells:
            width = 0.0 if cell.share is None else round(cell.share * 100, 1)
            parts.append(
                f'<tr><th scope="row">{escape(cell.label)}</th>'
                f'<td class="n">{escape(_cell_text(cell.count, report))}</td>'
                f'<td class="bar" aria-hidden="true"><span style="width:{width}%"></span></td></tr>'
            )
        parts.append("</table>")
    if step.mean is not None:
        parts.append(f"<p>{escape(report.mean.format(mean=f'{step.mean:.1f}'))}</p>")
    if step.answer_type == "free_text":
        parts += _html_themes(step, k, report)
    parts.append("</section>")
    return parts


def _html_themes(step: StepSummary, k: int, report: ReportTexts) -> list[str]:
    if not step.themes:
        return [f"<p>{escape(report.no_themes.format(k=k))}</p>"]
    rows = [
        f'<tr><th scope="row">{escape(theme.keyword)}</th><td class="n">{theme.people}</td></tr>'
        for theme in step.themes
    ]
    return [
        "<table>",
        f"<caption>{escape(report.themes_caption.format(k=k))}</caption>",
        f'<tr><th scope="col">{escape(report.keyword_header)}</th>'
        f'<th scope="col" class="n">{escape(report.count_header)}</th></tr>',
        *rows,
        "</table>",
    ]


def render_html(summary: RunSummary, report: ReportTexts) -> str:
    title = report.title.format(plan=summary.plan_title)
    started = _date(summary.started_at)
    dates = (
        report.dates.format(started=started, ended=_date(summary.ended_at))
        if summary.ended_at
        else report.not_ended.format(started=started)
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="muted">{escape(dates)}</p>',
        f"<p>{escape(report.intro.format(k=summary.min_people))}</p>",
    ]
    for step in summary.steps:
        parts += _html_step(step, summary, report)
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def _safe(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv_rows(summary: RunSummary, step: StepSummary) -> list[list[object]]:
    head: list[object] = [
        summary.plan_id,
        step.number,
        step.step_id,
        step.title,
        step.answer_type,
        step.anonymous,
        "" if step.respondents is None else step.respondents,
    ]
    if step.respondents is None:
        return [[*head, "step", "", "", True]]
    row_kind = "point" if step.answer_type == "scale" else "option"
    rows: list[list[object]] = [
        [*head, row_kind, cell.label, "" if cell.count is None else cell.count, cell.suppressed]
        for cell in step.cells
    ]
    rows += [[*head, "keyword", theme.keyword, theme.people, False] for theme in step.themes]
    return rows or [[*head, "answers", "", step.respondents, False]]


def render_csv(summary: RunSummary) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for step in summary.steps:
        for row in _csv_rows(summary, step):
            writer.writerow([_safe(value) for value in row])
    return out.getvalue()
