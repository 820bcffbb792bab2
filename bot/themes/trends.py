"""Trends: match this window's themes to the previous window's, and say how each moved.

Themes are matched one-to-one (the Hungarian method) by the cosine similarity of their centroids
after the mean of both windows' messages is taken away (average-pooled embeddings share a large
common direction that would make every pair look alike). Only themes that were SHOWN in the
previous window take part, so a previous count below the threshold is never revealed.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from bot.knowledge.embed import Vectors, normalise
from bot.themes.models import Trend

CHANGE = 0.25
MATCH_SIMILARITY = 0.5


def classify_trend(people: int, previous_people: int | None, change: float = CHANGE) -> Trend:
    """new (no previous theme), growing or fading (people up or down by ``change``), steady."""
    if previous_people is None:
        return "new"
    if previous_people <= 0:
        return "new" if people > 0 else "fading"
    ratio = (people - previous_people) / previous_people
    if ratio >= change:
        return "growing"
    if ratio <= -change:
        return "fading"
    return "steady"


def match_centroids(
    current: Vectors,
    previous: Vectors,
    origin: npt.NDArray[np.float32] | None = None,
    min_similarity: float = MATCH_SIMILARITY,
) -> dict[int, int]:
    """Pairs (current row -> previous row) of the best one-to-one match above ``min_similarity``."""
    if len(current) == 0 or len(previous) == 0:
        return {}
    shift = np.zeros(current.shape[1], dtype=np.float32) if origin is None else origin
    a = normalise(current - shift)
    b = normalise(previous - shift)
    similarity = a @ b.T
    rows, cols = linear_sum_assignment(-similarity)
    return {
        int(r): int(c)
        for r, c in zip(rows, cols, strict=True)
        if similarity[r, c] >= min_similarity
    }
