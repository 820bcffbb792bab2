"""Trends: new, growing, steady or fading, and matching themes across windows."""

from __future__ import annotations

import numpy as np
import pytest

from bot.knowledge.embed import normalise
from bot.themes.trends import classify_trend, match_centroids


@pytest.mark.parametrize(
    ("people", "before", "trend"),
    [
        (10, None, "new"),
        (10, 8, "growing"),  # +25% exactly
        (12, 8, "growing"),
        (9, 8, "steady"),
        (8, 8, "steady"),
        (7, 8, "steady"),
        (6, 8, "fading"),  # -25% exactly
        (5, 20, "fading"),
    ],
)
def test_trend_classification(people: int, before: int | None, trend: str) -> None:
    assert classify_trend(people, before) == trend


def test_the_change_needed_can_be_set() -> None:
    assert classify_trend(11, 10, change=0.1) == "growing"
    assert classify_trend(11, 10, change=0.5) == "steady"


def test_themes_are_matched_one_to_one_by_centroid() -> None:
    rng = np.random.default_rng(0)
    base = normalise(rng.standard_normal((3, 16)))
    moved = normalise(base + 0.05 * rng.standard_normal((3, 16)))
    current = moved[[2, 0]]  # theme 1 vanished, the rest came back in another order
    assert match_centroids(current, base) == {0: 2, 1: 0}


def test_a_theme_unlike_any_before_is_not_matched() -> None:
    rng = np.random.default_rng(1)
    previous = normalise(rng.standard_normal((2, 64)))
    current = normalise(rng.standard_normal((1, 64)))
    assert match_centroids(current, previous, min_similarity=0.5) == {}
    assert match_centroids(current, previous[:0]) == {}


def test_matching_ignores_the_direction_every_message_shares() -> None:
    rng = np.random.default_rng(2)
    common = 5 * normalise(rng.standard_normal((1, 32)))[0]
    a, b = normalise(rng.standard_normal((2, 32)))
    current = np.stack([common + a])
    previous = np.stack([common + b])
    alike = normalise(current) @ normalise(previous).T
    assert float(alike[0, 0]) > 0.9  # alike only through the shared part
    assert match_centroids(current, previous, origin=common) == {}
