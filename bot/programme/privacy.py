"""Differential privacy for programme reports: calibrated noise on every released count.

A report is one release: the vector of every count it shows (leaders in each theme and in the
previous period, leaders active each week, flows, exercises, card verdicts). Adding or removing
one leader changes each count by at most 1, so the vector's L1 sensitivity is its length. OpenDP's
discrete Laplace mechanism (``make_laplace`` on integer vectors) adds noise of scale
``length / epsilon`` to each count, and its privacy map says what the release spent; that figure
goes in the ledger (bot/store/releases.py). The k-thresholds are applied to the noisy values.

For tests only, a seed draws the same discrete Laplace noise from NumPy instead, so figures
repeat; OpenDP's sampler cannot be seeded (on purpose).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

EPSILON_SLACK = 1e-9  # float rounding in the privacy map


@dataclass(frozen=True)
class Noisy:
    """The released counts (never below 0), the noise scale, and the epsilon spent."""

    counts: list[int]
    scale: float
    epsilon: float


def _measurement(length: int, epsilon: float) -> tuple[Any, float]:
    import opendp.prelude as dp

    dp.enable_features("contrib")
    scale = length / epsilon
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    return dp.m.make_laplace(*space, scale=scale), scale


def release(counts: Sequence[int], epsilon: float, seed: int | None = None) -> Noisy:
    """`counts` with discrete Laplace noise calibrated so the whole vector spends `epsilon`."""
    if not counts:
        return Noisy([], 0.0, 0.0)
    measurement, scale = _measurement(len(counts), epsilon)
    spent = float(measurement.map(len(counts)))
    if spent > epsilon + EPSILON_SLACK:
        raise ValueError(f"the mechanism would spend {spent}, more than {epsilon}")
    truth = [int(c) for c in counts]
    drawn = measurement(truth) if seed is None else _seeded(truth, scale, seed)
    return Noisy([max(0, int(c)) for c in drawn], scale, spent)


def _seeded(counts: list[int], scale: float, seed: int) -> list[int]:
    """Discrete Laplace noise (a difference of two geometrics) from a seeded generator."""
    rng = np.random.default_rng(seed)
    p = 1.0 - math.exp(-1.0 / scale)
    noise = rng.geometric(p, len(counts)) - rng.geometric(p, len(counts))
    return [c + int(n) for c, n in zip(counts, noise, strict=True)]


class Tally:
    """Counts registered one by one, noised together, read back by position."""

    def __init__(self) -> None:
        self.truth: list[int] = []
        self.noisy: list[int] = []

    def add(self, count: int) -> int:
        self.truth.append(count)
        return len(self.truth) - 1

    def release(self, epsilon: float, seed: int | None) -> Noisy:
        result = release(self.truth, epsilon, seed)
        self.noisy = result.counts
        return result

    def __getitem__(self, index: int) -> int:
        return self.noisy[index]
