"""Programme reports as files: one self-contained HTML page (inline style and SVG charts, no
scripts, no external resources, works offline and prints well), CSV, or JSON. Each holds
only what the service released: keywords, counts of people, card titles; never text."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Literal

from bot.programme.charts import bars, paired_bars
from bot.programme.service import Engagement, Figure, ProgrammeReport
from bot.programme.texts import ReportWords
from bot.themes.models import Theme

Format = Literal["html", "csv", "json"]
STYLE = Path("programme") / "report.css"


def theme_name(theme: Theme) -> str:
    """The label and key words: "Label (word, word)", or either alone."""
    words = ", ".join(theme.keywords)
    if theme.label:
        return f"{theme.label} ({words})" if words else theme.label
    return words or theme.id


def render(
    report: ProgrammeReport,
    fmt: Format,
    words: ReportWords,
    card_titles: Mapping[str, str],
    prompts_dir: Path,
    made: datetime | None = None,
) -> str:
    if fmt == "json":
        return render_json(report)
    if fmt == "csv":
        return render_csv(report, card_titles)
    style = (prompts_dir / STYLE).read_text(encoding="utf-8")
    return render_html(report, words, card_titles, style, made or datetime.now(UTC))


# --- JSON and CSV ---------------------------------------------------------------------------


def render_json(report: ProgrammeReport) -> str:
    """The released report; its `privacy` object states the model in one sentence."""
    return report.model_dump_json(indent=2)


def render_csv(report: ProgrammeReport, card_titles: Mapping[str, str]) -> str:
    """One row per figure: section, name, people, share, trend, previous, related cards."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "name", "people", "share", "trend", "previous_people", "cards"])
    writer.writerow(["about", report.privacy.statement, "", "", "", "", ""])
    themes = report.themes
    for theme in themes.themes:
        writer.writerow(
            [
                "theme",
                theme_name(theme),
                theme.people,
                f"{theme.share:.3f}",
                theme.trend,
                "" if theme.previous_people is None else theme.previous_people,
                "; ".join(card_titles.get(c, c) for c in theme.card_ids),
            ]
        )
    if themes.other_people:
        writer.writerow(["theme", "other", themes.other_people, "", "", "", ""])
    for theme in themes.faded:
        writer.writerow(
            ["faded theme", theme_name(theme), 0, "", "fading", theme.previous_people, ""]
        )
    engagement = report.engagement
    for figure in engagement.active_by_week:
        writer.writerow(["active leaders", figure.label, _cell(figure.people), "", "", "", ""])
    for flow in engagement.flows:
        writer.writerow(["flows started", flow.kind, _cell(flow.started), "", "", "", ""])
        writer.writerow(["flows finished", flow.kind, _cell(flow.finished), "", "", "", ""])
    for figure in engagement.most_used:
        writer.writerow(["most used", figure.label, figure.people, "", "", "", ""])
    for card in engagement.cards:
        name = card_titles.get(card.card_id, card.card_id)
        writer.writerow(["card helpful", name, card.helpful, f"{card.rate:.3f}", "", "", ""])
        writer.writerow(["card not helpful", name, card.not_helpful, "", "", "", ""])
    return out.getvalue()


def _cell(people: int | None) -> str:
    return "withheld" if people is None else str(people)


# --- HTML -------------------------------------------------------------------------------------


def render_html(
    report: ProgrammeReport,
    words: ReportWords,
    card_titles: Mapping[str, str],
    style: str,
    made: datetime,
) -> str:
    k = report.themes.min_people
    body = [
        f"<h1>{escape(words.title)}</h1>",
        f'<p class="lede">{escape(words.intro.format(k=k))}</p>',
        f'<p class="lede">{escape(report.privacy.statement)}</p>',
        _facts(report, words),
        *_themes(report, words, card_titles),
        *_engagement(report.engagement, words, card_titles),
        f"<footer>{escape(words.footer.format(made=made.strftime('%d %b %Y %H:%M UTC')))}</footer>",
    ]
    return (
        '<!doctype html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(words.title)}</title>\n<style>\n{style}</style>\n</head>\n"
        "<body>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )


def _facts(report: ProgrammeReport, words: ReportWords) -> str:
    themes = report.themes
    rows = [
        (words.period, report.window.label),
        (words.cohort, themes.cohort or words.whole_programme),
        (words.people, str(themes.total_people)),
    ]
    items = "".join(f"<dt>{escape(a)}</dt><dd>{escape(b)}</dd>" for a, b in rows)
    privacy = report.privacy
    note = words.privacy_figures.format(
        epsilon=privacy.epsilon,
        budget=privacy.budget,
        spent=privacy.spent,
        renews=f"{privacy.renews:%d %b %Y}",
        scale=privacy.noise_scale,
    )
    return f'<dl class="facts">{items}</dl>\n<p class="note">{escape(note)}</p>'


def _table(caption: str, head: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    header = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    lines = []
    for row in rows:
        cells = []
        for n, value in enumerate(row):
            css = ' class="num"' if n in numeric else ""
            tag = "th" if n == 0 else "td"
            scope = ' scope="row"' if n == 0 else ""
            cells.append(f"<{tag}{scope}{css}>{escape(value)}</{tag}>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{header}</tr></thead>"
        f"<tbody>{''.join(lines)}</tbody></table>"
    )


def _themes(
    report: ProgrammeReport, words: ReportWords, card_titles: Mapping[str, str]
) -> list[str]:
    themes = report.themes
    k = themes.min_people
    out = [f"<h2>{escape(words.themes_heading)}</h2>"]
    if not themes.themes:
        out.append(f"<p>{escape(words.no_themes.format(k=k))}</p>")
    else:
        sizes = [(theme_name(t), t.people) for t in themes.themes]
        if themes.other_people:
            sizes.append((words.other, themes.other_people))
        out.append(
            f"<figure><figcaption>{escape(words.chart_sizes)}</figcaption>"
            f"{bars('chart-sizes', words.chart_sizes, sizes)}</figure>"
        )
        pairs = [(theme_name(t), t.people, t.previous_people) for t in themes.themes]
        pairs += [(theme_name(t), 0, t.previous_people) for t in themes.faded]
        if any(before is not None for _, _, before in pairs):
            out.append(
                f"<figure><figcaption>{escape(words.chart_trends)}</figcaption>"
                + paired_bars(
                    "chart-trends",
                    words.chart_trends,
                    pairs,
                    words.this_period,
                    words.previous_period,
                )
                + "</figure>"
            )
        trend_words = words.trends.model_dump()
        rows = [
            [
                theme_name(t),
                str(t.people),
                f"{t.share:.0%}",
                trend_words[t.trend],
                "–" if t.previous_people is None else str(t.previous_people),
                "; ".join(card_titles.get(c, c) for c in t.card_ids) or "–",
            ]
            for t in themes.themes
        ]
        if themes.other_people:
            rows.append([words.other, str(themes.other_people), "", "", "", ""])
        head = [
            words.theme_column,
            words.people_column,
            words.share_column,
            words.trend_column,
            words.previous_column,
            words.cards_column,
        ]
        out.append(_table(words.themes_heading, head, rows, {1, 2, 4}))
    if themes.suppressed_count:
        note = words.suppressed.format(count=themes.suppressed_count, k=k)
        out.append(f'<p class="note">{escape(note)}</p>')
    if themes.faded:
        out.append(f"<h3>{escape(words.faded_heading)}</h3>")
        rows = [[theme_name(t), str(t.previous_people or "–")] for t in themes.faded]
        head = [words.theme_column, words.previous_column]
        out.append(_table(words.faded_heading, head, rows, {1}))
    return out


def _figures(figures: list[Figure], k: int, words: ReportWords) -> list[list[str]]:
    withheld = words.withheld.format(k=k)
    return [[f.label, withheld if f.people is None else str(f.people)] for f in figures]


def _engagement(
    engagement: Engagement, words: ReportWords, card_titles: Mapping[str, str]
) -> list[str]:
    k = engagement.min_people
    withheld = words.withheld.format(k=k)
    out = [f"<h2>{escape(words.engagement_heading)}</h2>"]
    weeks = engagement.active_by_week
    if weeks:
        shown = [(f.label, f.people) for f in weeks if f.people is not None]
        if shown:
            out.append(
                f"<figure><figcaption>{escape(words.active_heading)}</figcaption>"
                f"{bars('chart-active', words.active_heading, shown)}</figure>"
            )
        out.append(
            _table(
                words.active_heading,
                [words.week_column, words.people_column],
                _figures(weeks, k, words),
                {1},
            )
        )
    if engagement.flows:
        rows = [
            [
                flow.kind,
                withheld if flow.started is None else str(flow.started),
                withheld if flow.finished is None else str(flow.finished),
            ]
            for flow in engagement.flows
        ]
        head = [words.kind_column, words.started_column, words.finished_column]
        out.append(_table(words.flows_heading, head, rows, {1, 2}))
    out.append(f"<h3>{escape(words.used_heading)}</h3>")
    if engagement.most_used:
        head = [words.kind_column, words.people_column]
        out.append(_table(words.used_heading, head, _figures(engagement.most_used, k, words), {1}))
    else:
        out.append(f"<p>{escape(words.none)}</p>")
    out.append(f"<h3>{escape(words.cards_heading)}</h3>")
    if engagement.cards:
        rows = [
            [
                card_titles.get(c.card_id, c.card_id),
                str(c.helpful),
                str(c.not_helpful),
                f"{c.rate:.0%}",
            ]
            for c in engagement.cards
        ]
        head = [
            words.card_column,
            words.helpful_column,
            words.not_helpful_column,
            words.rate_column,
        ]
        out.append(_table(words.cards_heading, head, rows, {1, 2, 3}))
    else:
        out.append(f"<p>{escape(words.none)}</p>")
    return out
