"""Process metrics in the Prometheus text format (counters and one latency histogram).

Each replica reports its own numbers; Prometheus adds them up across replicas.
"""

from __future__ import annotations

import threading
from collections import defaultdict

ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0, 5.0, 10.0)

COUNTERS = {
    "events": "Slack requests received and verified, by kind.",
    "replies": "Messages Anchor posted in reply.",
    "duplicates": "Deliveries ignored because another delivery of them was handled.",
    "rate_limited": "Messages refused by the per-person rate limit.",
    "errors": "Turns that failed (the person got an apology instead of a reply).",
    "followups": "Goal follow-up nudges sent.",
}


def _labels(labels: tuple[tuple[str, str], ...]) -> str:
    if not labels:
        return ""
    inner = ",".join(
        f'{k}="{v.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
        for k, v in labels
    )
    return "{" + inner + "}"


class Metrics:
    """Thread-safe counters plus the histogram of how long Slack waited for our HTTP answer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, dict[tuple[tuple[str, str], ...], float]] = defaultdict(
            lambda: defaultdict(float)
        )
        self._buckets = [0] * len(ACK_BUCKETS)
        self._ack_sum = 0.0
        self._ack_count = 0

    def inc(self, name: str, amount: float = 1, **labels: str) -> None:
        if name not in COUNTERS:
            raise KeyError(name)
        with self._lock:
            self._counts[name][tuple(sorted(labels.items()))] += amount

    def value(self, name: str, **labels: str) -> float:
        with self._lock:
            if labels:
                return self._counts[name].get(tuple(sorted(labels.items())), 0.0)
            return sum(self._counts[name].values())

    def observe_ack(self, seconds: float) -> None:
        with self._lock:
            self._ack_sum += seconds
            self._ack_count += 1
            for i, bound in enumerate(ACK_BUCKETS):
                if seconds <= bound:
                    self._buckets[i] += 1

    def render(self) -> str:
        lines: list[str] = []
        with self._lock:
            for name, help_text in COUNTERS.items():
                metric = f"anchor_slack_{name}_total"
                lines += [f"# HELP {metric} {help_text}", f"# TYPE {metric} counter"]
                series = self._counts.get(name) or {(): 0.0}
                for labels, count in sorted(series.items()):
                    lines.append(f"{metric}{_labels(labels)} {count:g}")
            metric = "anchor_slack_ack_seconds"
            lines += [
                f"# HELP {metric} Time from receiving a Slack request to answering it.",
                f"# TYPE {metric} histogram",
            ]
            for bound, count in zip(ACK_BUCKETS, self._buckets, strict=True):
                lines.append(f'{metric}_bucket{{le="{bound:g}"}} {count}')
            lines.append(f'{metric}_bucket{{le="+Inf"}} {self._ack_count}')
            lines.append(f"{metric}_sum {self._ack_sum:.6f}")
            lines.append(f"{metric}_count {self._ack_count}")
        return "\n".join(lines) + "\n"
