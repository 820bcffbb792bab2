"""The k-anonymity rule: themes need k distinct people; small ones are pooled or withheld."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.themes.anonymity import apply_threshold


@dataclass(frozen=True)
class Group:
    name: str
    leaders: frozenset[str]


def group(name: str, *leaders: str) -> Group:
    return Group(name, frozenset(leaders))


def test_a_theme_is_shown_only_with_k_distinct_people() -> None:
    big = group("big", "a", "b", "c", "d", "e")
    small = group("small", "a", "b", "c", "d")
    result = apply_threshold([big, small], 5)
    assert result.shown == [big]
    assert small not in result.shown


def test_people_are_counted_never_messages() -> None:
    # many messages from three people are still three people: a Group holds distinct leaders
    chatty = Group("chatty", frozenset(["a", "b", "c", "a", "b", "c"]))
    result = apply_threshold([chatty], 3)
    assert result.shown == [chatty]
    assert apply_threshold([chatty], 4).shown == []


def test_small_clusters_are_pooled_into_other_when_their_union_reaches_k() -> None:
    one = group("one", "a", "b", "c")
    two = group("two", "d", "e")
    result = apply_threshold([one, two], 5)
    assert result.shown == []
    assert result.other == [one, two]
    assert result.other_people == 5
    assert result.suppressed == [] and result.suppressed_count == 0


def test_the_union_counts_a_person_in_two_small_clusters_once() -> None:
    one = group("one", "a", "b", "c")
    two = group("two", "b", "c", "d")
    result = apply_threshold([one, two], 5)
    assert result.other == []
    assert result.other_people == 0
    assert result.suppressed == [one, two]
    assert result.suppressed_count == 2


def test_shown_themes_do_not_count_towards_other() -> None:
    big = group("big", "a", "b", "c", "d", "e", "f")
    tiny = group("tiny", "a", "b")
    result = apply_threshold([big, tiny], 5)
    assert result.shown == [big]
    assert result.other_people == 0 and result.suppressed_count == 1


def test_nothing_in_nothing_out() -> None:
    result = apply_threshold(list[Group](), 5)
    assert result.shown == result.other == result.suppressed == []
    assert result.other_people == 0


def test_k_must_be_positive() -> None:
    with pytest.raises(ValueError):
        apply_threshold([], 0)
