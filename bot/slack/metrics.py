"""Process metrics for /metrics, kept by prometheus_client on a registry of this app's own.

Each app instance (and so each test) has its own `CollectorRegistry`, never the library's global
one. Each replica is one process and reports its own numbers; Prometheus adds them up across
replicas (prometheus_client's multiprocess mode is not used: `anchor serve` runs one process).
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics import disable_created_metrics

ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0, 5.0, 10.0)
PREFIX = "anchor_slack_"

# name -> (help, label names); each is exposed as anchor_slack_<name>_total
COUNTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "events": ("Slack requests received and verified, by kind.", ("kind",)),
    "replies": ("Messages Anchor posted in reply.", ()),
    "duplicates": ("Deliveries ignored because another delivery of them was handled.", ()),
    "rate_limited": ("Messages refused by the per-person rate limit.", ()),
    "errors": ("Turns that failed (the person got an apology instead of a reply).", ()),
    "followups": ("Goal follow-up nudges sent.", ()),
    "delivery_retries": ("Deliveries to Slack tried again after a failure.", ()),
    "rejected": ("Requests to /slack/events refused before the app saw them.", ("status",)),
}

# the `<name>_created` series say when each counter started; Prometheus does not need them
disable_created_metrics()  # type: ignore[no-untyped-call]


class Metrics:
    """Counters, a gauge of the outbox backlog, and the histogram of how long Slack waited for
    our HTTP answer. prometheus_client's metrics are thread-safe."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._counters = {
            name: Counter(PREFIX + name, text, labels, registry=self.registry)
            for name, (text, labels) in COUNTERS.items()
        }
        self._ack = Histogram(
            PREFIX + "ack_seconds",
            "Time from receiving a Slack request to answering it.",
            buckets=ACK_BUCKETS,
            registry=self.registry,
        )
        self.outbox_backlog = Gauge(
            PREFIX + "outbox_backlog",
            "Messages owed to people and not yet delivered to Slack.",
            registry=self.registry,
        )
        self.outbox_given_up = Gauge(
            PREFIX + "outbox_given_up",
            "Messages the outbox stopped retrying (anchor outbox list shows why).",
            registry=self.registry,
        )

    def inc(self, name: str, amount: float = 1, **labels: str) -> None:
        counter = self._counters[name]
        (counter.labels(**labels) if labels else counter).inc(amount)

    def value(self, name: str, **labels: str) -> float:
        """A counter's value: of the series with these labels, or summed over all series."""
        self._counters[name]  # unknown names are a KeyError, as in `inc`
        total = 0.0
        for metric in self.registry.collect():
            if metric.name != PREFIX + name:
                continue
            for sample in metric.samples:
                if sample.name.endswith("_total") and all(
                    sample.labels.get(k) == v for k, v in labels.items()
                ):
                    total += sample.value
        return total

    def observe_ack(self, seconds: float) -> None:
        self._ack.observe(seconds)

    def track_outbox_backlog(
        self, count: Callable[[], float], given_up: Callable[[], float] | None = None
    ) -> None:
        """Read the outbox's backlog (and its given-up rows) at every scrape."""
        self.outbox_backlog.set_function(count)
        if given_up is not None:
            self.outbox_given_up.set_function(given_up)

    def render(self, accept: str = "") -> tuple[bytes, str]:
        """The exposition for a scrape with this Accept header, and its content type."""
        encoder, content_type = choose_encoder(accept)
        return encoder(self.registry), content_type
