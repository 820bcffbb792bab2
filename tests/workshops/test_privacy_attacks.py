"""Issue 13, attacks 5 and 6, rebuilt: colleagues' names in a workshop summary's keywords, and
a live tally that tells everyone what each of three people chose."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta

from cryptography.fernet import Fernet

from bot.store.conversations import make_engine
from bot.store.crypto import Cipher
from bot.store.workshop_runs import WorkshopStore
from bot.workshops import WordCountSummariser, Workshops
from bot.workshops.counting import live_tally, summarise_step
from bot.workshops.models import ThemeCount
from bot.workshops.scrubbing import ScrubbingSummariser
from tests.workshops.conftest import FACILITATOR, PLANS, T0, is_facilitator

PLAN = "compassionate-leadership-in-practice"
CHANNEL = "C0ATTACK"
DIRECTORY = ["Gareth Jones", "Priya Shah", "Hope Adeyemi"]
NAMED_FREE = "first-two-minutes"  # named free text: below 8 answers, the keyword fallback
SCALE = "own-abc"  # anonymous scale, 1..5

# lower-case names, as people type in Slack; three people each mention gareth and priya
ANSWERS = {
    "slack:U01": "talked it through with gareth and priya, listening properly this time",
    "slack:U02": "gareth was fixing things again, priya kept listening",
    "slack:U03": "priya and gareth both said the listening felt different",
    "slack:U04": "I was fixing everything myself; hope says listening first works",
    "slack:U05": "listening, then fixing, and hope and gareth agreed with priya",
}


class Recording:
    """A summariser that remembers what it was given (standing in for any path: the themes
    engine, or its keyword fallback)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def themes(self, answers: Sequence[str], min_people: int) -> list[ThemeCount]:
        self.seen += answers
        return [ThemeCount(keyword="gareth", people=4), ThemeCount(keyword="listening", people=5)]


def run_with_answers(tmp_path_url: str, **options: object) -> tuple[Workshops, int]:
    engine = make_engine(tmp_path_url)
    store = WorkshopStore(engine, Cipher(Fernet.generate_key()))
    service = Workshops(
        store,
        PLANS,
        is_facilitator=is_facilitator,
        deny=lambda: DIRECTORY,
        **options,  # type: ignore[arg-type]
    )
    run = service.start(FACILITATOR, CHANNEL, PLAN, now=T0).run.run_id
    for n, (person, text) in enumerate(ANSWERS.items()):
        service.answer(person, CHANNEL, NAMED_FREE, text, now=T0 + timedelta(minutes=n + 1))
    service.end(FACILITATOR, CHANNEL, now=T0 + timedelta(minutes=30))
    return service, run


def test_no_colleague_is_named_in_a_small_steps_keywords(tmp_path) -> None:  # type: ignore[no-untyped-def]
    service, run = run_with_answers(f"sqlite:///{tmp_path / 'anchor.db'}")
    summary = service.summary(FACILITATOR, run)
    step = next(s for s in summary.steps if s.step_id == NAMED_FREE)
    keywords = {t.keyword.casefold(): t.people for t in step.themes}
    assert keywords.get("listening") == 5 and keywords.get("fixing") == 3  # themes still come
    for name in ("gareth", "priya", "hope"):
        assert name not in keywords
        for fmt in ("html", "csv", "json"):
            assert name not in service.export(FACILITATOR, run, fmt).casefold()


def test_every_summariser_sees_only_scrubbed_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    recording = Recording()
    service, run = run_with_answers(
        f"sqlite:///{tmp_path / 'anchor.db'}",
        summariser=recording,
    )
    step = next(s for s in service.summary(FACILITATOR, run).steps if s.step_id == NAMED_FREE)
    assert len(recording.seen) == len(ANSWERS)
    assert not any(
        "gareth" in text.casefold() or "priya" in text.casefold() for text in recording.seen
    )
    assert not any("<NAME>" in text for text in recording.seen)  # tags are never counted
    # and whatever a summariser returns, a directory name is dropped, whatever its case
    assert [t.keyword for t in step.themes] == ["listening"]


def test_directory_names_are_dropped_from_keywords_in_any_case() -> None:
    class Keeps:
        def scrub(self, text: str) -> str:
            return text  # a scrubber that misses everything

    summariser = ScrubbingSummariser(
        WordCountSummariser(stop_words=[]), lambda: Keeps(), lambda: ["Gareth Jones"]
    )
    themes = summariser.themes(
        ["gareth jones listening", "GARETH listening", "Gareth's listening"], 3
    )
    assert [t.keyword for t in themes] == ["listening"]


def test_a_tally_of_three_identical_answers_is_not_shown() -> None:
    step = next(s for s in PLANS[PLAN].steps if s.id == SCALE)
    first = live_tally(1, step, [4, 4, 4], 3)  # the review's "4:3" at n = 3
    assert first.hidden and {c.count for c in first.counts} == {None}
    assert live_tally(1, step, [4, 4, 4, 4, 4, 4], 3).hidden  # everyone alike: still hidden
    mixed = live_tally(1, step, [4, 4, 4, 2, 2, 2], 3)
    assert not mixed.hidden and {c.value: c.count for c in mixed.counts}[4] == 3


def test_the_channel_waits_for_more_answers_through_the_service(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'anchor.db'}")
    service = Workshops(
        WorkshopStore(engine, Cipher(Fernet.generate_key())), PLANS, is_facilitator=is_facilitator
    )
    service.start(FACILITATOR, CHANNEL, PLAN, now=T0)
    for n in range(2):
        service.next(FACILITATOR, CHANNEL, now=T0 + timedelta(minutes=n + 1))
    tallies = [
        service.answer(f"slack:U{n}", CHANNEL, SCALE, 4, now=T0 + timedelta(minutes=5)).tally
        for n in range(3)
    ]
    assert all(t.hidden for t in tallies)
    assert json.dumps([c.count for c in tallies[-1].counts]) == json.dumps([None] * 5)


def test_the_final_summary_of_a_question_everyone_answered_alike_shows_no_count() -> None:
    scale = next(s for s in PLANS[PLAN].steps if s.id == SCALE)
    choice = next(s for s in PLANS[PLAN].steps if s.id == "what-gets-in-the-way")
    words = WordCountSummariser(stop_words=[])
    alike = summarise_step(0, scale, [4] * 6, 3, words)  # "4: 6 people": each chose 4
    assert alike.respondents == 6 and {c.count for c in alike.cells} == {None}
    assert alike.mean is None
    both = [choice.answer.options[:2]] * 5  # the same two options from everyone
    assert {c.count for c in summarise_step(1, choice, both, 3, words).cells} == {None}
    mixed = summarise_step(0, scale, [4, 4, 4, 2, 2, 2], 3, words)
    assert {c.label[:1]: c.count for c in mixed.cells}["4"] == 3 and mixed.mean == 3.0
