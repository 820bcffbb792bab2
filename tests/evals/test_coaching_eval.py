"""The conversation eval passes on the coach, and the sealed coaching runner prints figures
only (tried on a synthetic set in tmp_path; the real sealed sets are never opened here)."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import yaml

from bot.coach.engine import Coach
from bot.config import Settings
from bot.evals.coaching import coach_asker, fragments, load_coaching_set, measure_coaching
from bot.evals.conversations import evaluate, load_set
from bot.evals.replies import sort_reply
from bot.evals.sealed import record


def test_every_scripted_conversation_passes(settings: Settings) -> None:
    result = evaluate(Coach.from_settings(settings), load_set())
    assert result.conversations >= 20
    assert result.ok, result.failures


def test_the_sealed_runner_reports_figures_and_logs_them(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "synthetic"
    folder.mkdir()
    secret = "The trust chief executive keeps blocking our shared bed plan."
    (folder / "questions.yaml").write_text(
        yaml.safe_dump(
            {
                "questions": [
                    {
                        "q": secret,
                        "role": "Director of Strategy",
                        "feeling": "",
                        "cards": [
                            "interests-not-positions",
                            "leading-without-authority",
                            "building-trust-between-organisations",
                        ],
                    },
                    {
                        "q": "Partners agree in the meeting and then nothing happens.",
                        "role": "",
                        "feeling": "frustration",
                        "cards": ["reaching-consensus"],
                    },
                ],
                "out_of_scope": [
                    {"q": "What's the weather in Leeds?"},
                    {"q": "Write me a Python script"},
                ],
            }
        ),
        encoding="utf-8",
    )
    coach = Coach.from_settings(settings)
    found = measure_coaching(
        "synthetic", load_coaching_set(folder), coach_asker(coach), partial(sort_reply, coach.words)
    )
    assert found.questions == 2 and found.out_of_scope_handled == 1.0
    # every in-scope reply is counted under one outcome, and the table says where they went
    assert sum(found.outcomes.values()) == 2
    assert found.outcomes["expected"] == round(found.cites_fitting_card * 2)
    assert "replies: cites an expected card" in found.table()
    assert found.fragments == 0 and found.opening_picks_up_words == 1.0
    log = tmp_path / "log.jsonl"
    record(found, "test", log)
    entry = json.loads(log.read_text(encoding="utf-8"))
    assert entry["set"] == "synthetic" and "cites_fitting_card" in entry
    assert secret not in log.read_text(encoding="utf-8") and secret not in found.table()


def test_fragments_are_counted_in_what_was_quoted_from_a_card_only() -> None:
    quoted = (
        "I hear you.\n\nTags: trust, culture. [1] Then the board starts to see the point of it."
        " [1]\n\nWhat next?"
    )
    assert fragments(quoted) == ["tag line", "dangling connective"]
    signpost = "I hear you.\n\nIt's free, and someone is there all day.\n\nAre you safe?"
    assert fragments(signpost) == []


def test_out_of_scope_requests_not_declined_are_counted_by_what_the_reply_did() -> None:
    from bot.evals.coaching import Answer, CoachingSet

    data = CoachingSet.model_validate(
        {
            "questions": [{"q": "How do I chair a tense partnership board?", "cards": ["a"]}],
            "out_of_scope": [{"q": "book me a table"}, {"q": "fix my laptop"}, {"q": "x y z"}],
        }
    )
    answers = {
        "How do I chair a tense partnership board?": Answer("Start with interests.", ["a"]),
        "book me a table": Answer("Here is an idea from my notes.", ["b"]),
        "fix my laptop": Answer("Are you safe right now?", [], "concern"),
        "x y z": Answer("That is outside what I do; I can help you think about leadership.", []),
    }
    found = measure_coaching("fake", data, lambda n, q, role: answers[q])
    assert found.out_of_scope_handled == 1 / 3
    assert found.out_of_scope_missed == {"cited a card": 1, "the safety gate answered": 1}
    assert "out of scope not handled: cited a card" in found.table()
    assert found.figures()["oos_missed[cited a card]"] == 1
