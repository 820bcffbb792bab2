"""The k-anonymity rule for themes, as a pure function.

A cluster is shown as a theme only when at least ``min_people`` DISTINCT leaders contributed to
it. Smaller clusters are pooled into one "other" group, shown (as a count of the distinct people
in their union, never a list) only when that union reaches ``min_people``; otherwise they are
withheld entirely and only counted (how many clusters, not how many people).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar


class HasLeaders(Protocol):
    @property
    def leaders(self) -> frozenset[str]: ...


C = TypeVar("C", bound=HasLeaders)


@dataclass(frozen=True)
class Threshold(Generic[C]):
    """How clusters fare under the rule."""

    shown: list[C]
    other: list[C]
    suppressed: list[C]
    other_people: int

    @property
    def suppressed_count(self) -> int:
        return len(self.suppressed)


def apply_threshold(clusters: Sequence[C], min_people: int) -> Threshold[C]:
    """Split ``clusters`` into shown themes, the pooled "other" group and the withheld rest."""
    if min_people < 1:
        raise ValueError("min_people must be at least 1")
    shown = [c for c in clusters if len(c.leaders) >= min_people]
    small = [c for c in clusters if len(c.leaders) < min_people and c.leaders]
    union: set[str] = set()
    for cluster in small:
        union |= cluster.leaders
    if len(union) >= min_people:
        return Threshold(shown=shown, other=small, suppressed=[], other_people=len(union))
    return Threshold(shown=shown, other=[], suppressed=small, other_people=0)
