"""Counting answers and suppressing small numbers (pure functions).

The rule, for a threshold of k people (the workshop's ``min_people``, default 3):

1. A step that fewer than k people answered is suppressed whole: no count of answers, no
   distribution, no themes; only the fact that too few answered.
2. In a step that k or more answered, every cell (an option or a scale point) with fewer than
   k people, zero included, is shown as suppressed, so neither a small group nor an empty
   option can be told apart.
3. Single-choice and scale cells add up to the number who answered, so the hidden cells' total
   can be worked out by subtraction. If that total is between 1 and k - 1, the smallest shown
   cell is hidden too, and so on until it is 0 or at least k: the hidden cells together never
   reveal a group smaller than k. (Multiple-choice cells do not add up, so rule 2 suffices.)
4. A scale's average is shown only when the hidden cells hold nobody (it would otherwise
   give away something about them).
5. A choice or scale step whose answers hold fewer than ``MIN_DISTINCT`` (2) different values
   shows no cell and no average, only the number who answered: "all 5 chose X" tells everyone
   what each of them chose (l-diversity, as for live tallies below).

Live tallies follow the same rule for anonymous steps, and show nothing but the number who
answered ("waiting for more answers") until k have answered *and* the answers hold at least
``MIN_DISTINCT`` (2) different values: a tally of "4: 3 people" at three answers tells everyone
watching what each of the three chose, whatever k is (l-diversity, with l = 2). Two is the
least that leaves every answerer a doubt; more would keep a two-option question (yes / no) hidden
for good whenever the room leans one way. Named steps show their live counts as they are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.content.workshops import WorkshopStep
from bot.workshops.models import AnswerValue, Cell, StepSummary, Tally, TallyCount, ThemeCount
from bot.workshops.summarise import FreeTextSummariser

MAX_KEYWORD_CHARS = 40
MIN_DISTINCT = 2  # l-diversity for live tallies: different answers needed before any is shown
MAX_KEYWORD_WORDS = 3


def suppress(counts: Sequence[int], k: int, *, partition: bool) -> list[int | None]:
    """Each count, or None where it must not be shown (rules 2 and 3 above)."""
    hidden = [count < k for count in counts]
    while partition:
        total = sum(count for count, gone in zip(counts, hidden, strict=True) if gone)
        shown = [(count, i) for i, count in enumerate(counts) if not hidden[i]]
        if not 0 < total < k or not shown:
            break
        hidden[min(shown)[1]] = True
    return [None if gone else count for count, gone in zip(counts, hidden, strict=True)]


def point_label(step: WorkshopStep, point: int) -> str:
    spec = step.answer
    if point == spec.scale_min and spec.low_label:
        return f"{point} ({spec.low_label})"
    if point == spec.scale_max and spec.high_label:
        return f"{point} ({spec.high_label})"
    return str(point)


def raw_counts(
    step: WorkshopStep, values: Sequence[AnswerValue]
) -> list[tuple[str, str | int, int]]:
    """(label, value, people) for every option or scale point, in the plan's order."""
    spec = step.answer
    counter: Counter[str | int] = Counter()
    for value in values:
        if isinstance(value, list):
            counter.update(set(value))
        else:
            counter[value] += 1
    if spec.type == "scale":
        return [(point_label(step, p), p, counter[p]) for p in spec.scale_points]
    if spec.type in {"single_choice", "multiple_choice"}:
        return [(option, option, counter[option]) for option in spec.options]
    return []


def is_partition(step: WorkshopStep) -> bool:
    return step.answer.type in {"single_choice", "scale"}


def distinct_answers(values: Sequence[AnswerValue]) -> int:
    """How many different answers there are (a multiple choice answer is its set of options)."""
    return len({frozenset(v) if isinstance(v, list) else v for v in values})


def live_tally(
    run_id: int, step: WorkshopStep, values: Sequence[AnswerValue], min_people: int
) -> Tally:
    rows = raw_counts(step, values)
    respondents = len(values)
    hidden = step.anonymous and (
        respondents < min_people or (bool(rows) and distinct_answers(values) < MIN_DISTINCT)
    )
    counts: list[int | None] = [count for _, _, count in rows]
    if hidden:
        counts = [None] * len(rows)
    elif step.anonymous:
        counts = suppress([c for _, _, c in rows], min_people, partition=is_partition(step))
    return Tally(
        run_id=run_id,
        step_id=step.id,
        answer_type=step.answer.type,
        anonymous=step.anonymous,
        respondents=respondents,
        hidden=hidden,
        counts=[
            TallyCount(label=label, value=value, count=count)
            for (label, value, _), count in zip(rows, counts, strict=True)
        ],
    )


def safe_themes(
    themes: Sequence[ThemeCount], min_people: int, respondents: int
) -> list[ThemeCount]:
    """Whatever a summariser returns, keep only short keywords backed by enough people."""
    return [
        theme
        for theme in themes
        if min_people <= theme.people <= respondents
        and theme.keyword.strip()
        and len(theme.keyword) <= MAX_KEYWORD_CHARS
        and len(theme.keyword.split()) <= MAX_KEYWORD_WORDS
    ]


def summarise_step(
    index: int,
    step: WorkshopStep,
    values: Sequence[AnswerValue],
    min_people: int,
    summariser: FreeTextSummariser,
) -> StepSummary:
    """One step of the summary, with every small number suppressed (see the module notes)."""
    rows = raw_counts(step, values)
    respondents = len(values)
    base = {
        "index": index,
        "step_id": step.id,
        "title": step.title,
        "answer_type": step.answer.type,
        "anonymous": step.anonymous,
    }
    if respondents < min_people:
        cells = [Cell(label=label, count=None) for label, _, _ in rows]
        return StepSummary(**base, respondents=None, cells=cells, themes=[])
    counts = suppress([c for _, _, c in rows], min_people, partition=is_partition(step))
    if rows and distinct_answers(values) < MIN_DISTINCT:  # rule 5: everyone alike
        counts = [None] * len(rows)
    cells = [
        Cell(label=label, count=count, share=None if count is None else count / respondents)
        for (label, _, _), count in zip(rows, counts, strict=True)
    ]
    themes: list[ThemeCount] = []
    if step.answer.type == "free_text":
        texts = [str(value) for value in values]
        themes = safe_themes(summariser.themes(texts, min_people), min_people, respondents)
    mean = None
    hidden_people = sum(
        raw for (_, _, raw), count in zip(rows, counts, strict=True) if count is None
    )
    if step.answer.type == "scale" and hidden_people == 0:
        mean = round(sum(int(v) for v in values if isinstance(v, int)) / respondents, 2)
    return StepSummary(**base, respondents=respondents, cells=cells, themes=themes, mean=mean)
