"""c-TF-IDF labels: distinctive words only, and never a proper noun, a tag or a rare word."""

from __future__ import annotations

import numpy as np
import pytest

from bot.themes.labels import c_tf_idf, keywords
from bot.themes.text import clean, deny_words
from bot.themes.vocabulary import build_vocabulary

K = 5


def _label(
    texts: list[str], leaders: list[str], clusters: list[int], deny: frozenset[str] = frozenset()
) -> dict[int, list[str]]:
    cleaned = [clean(t) for t in texts]
    vocabulary = build_vocabulary(cleaned, deny)
    return keywords(vocabulary, np.array(clusters), leaders, K, sorted(set(clusters)), 5)


def _two_themes() -> tuple[list[str], list[str], list[int]]:
    texts: list[str] = []
    leaders: list[str] = []
    clusters: list[int] = []
    for i in range(8):
        texts.append(
            f"the discharge delays on the ward are awful, spoke to Priya about discharges {i}"
        )
        leaders.append(f"a{i}")
        clusters.append(0)
        texts.append(
            "our budget deficit means more savings targets and cuts, ask <NAME> at Kirkbridge"
        )
        leaders.append(f"b{i}")
        clusters.append(1)
    # one leader repeats a very distinctive word many times: too few people to be a label
    texts += ["zebracrossing zebracrossing discharge delays zebracrossing"] * 6
    leaders += ["a0"] * 6
    clusters += [0] * 6
    return texts, leaders, clusters


def test_labels_are_the_distinctive_words_of_each_cluster() -> None:
    words = _label(*_two_themes())
    assert {"discharge", "delays"} <= set(words[0])
    assert {"budget", "deficit", "savings"} <= set(words[1])
    assert not set(words[0]) & set(words[1])


def test_rare_words_are_never_labels_however_often_one_leader_uses_them() -> None:
    words = _label(*_two_themes())
    assert "zebracrossing" not in words[0]


def test_proper_nouns_tags_and_deny_listed_words_are_never_labels() -> None:
    texts, leaders, clusters = _two_themes()
    words = _label(texts, leaders, clusters)
    everything = {w for ws in words.values() for w in ws}
    assert "priya" not in everything  # capitalised mid-sentence
    assert "kirkbridge" not in everything
    assert "name" not in everything  # from the <NAME> tag
    assert "deficit" in words[1]
    denied = _label(texts, leaders, clusters, deny_words(["Dee Deficit"]))  # a directory name
    assert "deficit" not in denied[1]


def test_a_lower_case_name_used_by_few_leaders_is_not_a_label() -> None:
    texts, leaders, clusters = _two_themes()
    texts[0] += " svetlana"
    texts[2] += " svetlana"
    words = _label(texts, leaders, clusters)
    assert "svetlana" not in words[0]


def test_each_label_word_is_used_by_enough_leaders_within_its_cluster() -> None:
    texts, leaders, clusters = _two_themes()
    # "budget" is used by many leaders overall, but in cluster 0 (often) by only three
    for i in range(3):
        texts += ["budget budget budget, the discharge budget"] * 5
        leaders += [f"a{i}"] * 5
        clusters += [0] * 5
    words = _label(texts, leaders, clusters)
    assert "budget" not in words[0]


def test_the_shown_word_is_the_most_used_form_of_its_stem() -> None:
    words = _label(*_two_themes())
    assert "discharge" in words[0] and "discharges" not in words[0]


def test_at_most_the_asked_number_of_keywords() -> None:
    words = _label(*_two_themes())
    assert all(len(ws) <= 5 for ws in words.values())


def test_c_tf_idf_follows_bertopic() -> None:
    counts = np.array([[4.0, 0.0, 1.0], [0.0, 3.0, 1.0]])
    scores = c_tf_idf(counts)
    average = counts.sum() / 2
    expected_00 = (4 / 5) * np.log1p(average / 4)
    assert scores[0, 0] == pytest.approx(expected_00)
    assert scores[0, 1] == 0
    # a word in every class scores less than an equally frequent word in one
    assert scores[0, 2] < scores[0, 0]
