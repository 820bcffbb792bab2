"""`anchor bench slack`: load the HTTP app with signed Slack events and check Slack's rules.

The app runs as its own process (`anchor serve --http`, as in production) with a fresh SQLite
database; a fake Slack Web API and the load generator run here. Each run sends signed
`message.im` events at a fixed concurrency and measures every acknowledgement, then waits for
the replies and counts duplicates (more than one reply to an event) and losses (none). The
second run also delivers every Nth event twice, as Slack's retries do, racing the original; the
third has 20% of chat.postMessage calls fail (500, 503 or 429 with Retry-After), which the outbox
retries: it reports the failed posts and the delivery lag (event sent to reply taken).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
from cryptography.fernet import Fernet
from pydantic import BaseModel, SecretStr

from bot.config import Settings
from bot.evals.retrieval import DEFAULT_SET as RETRIEVAL_SET
from bot.evals.retrieval import load_items as load_questions
from bot.slack.loopback import RemoteFakeSlack, Sender, dm_event, signed_headers
from bot.store.scratch import scratch_database

ACK_LIMIT_S = 3.0
FAILING_SHARE = 0.2  # the third run: this share of chat.postMessage calls fail (500, 503, 429)
P99_BUDGET_MS = 100.0
READY_TIMEOUT_S = 180.0


class RunResult(BaseModel):
    name: str
    events: int
    deliveries: int
    concurrency: int
    ack_p50_ms: float
    ack_p95_ms: float
    ack_p99_ms: float
    ack_max_ms: float
    acks_over_3s: int
    failed_acks: int
    replies: int
    duplicate_replies: int
    lost_replies: int
    apologies: int
    seconds_to_last_reply: float
    failed_posts: int = 0  # chat.postMessage calls the fake Slack answered with a failure
    lag_p50_ms: float = 0.0  # from sending the event to Slack taking its reply
    lag_p99_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return (
            self.acks_over_3s == 0
            and self.failed_acks == 0
            and self.ack_p99_ms <= P99_BUDGET_MS
            and self.duplicate_replies == 0
            and self.lost_replies == 0
            and self.apologies == 0
        )


class SlackBenchResult(BaseModel):
    setup: str
    runs: list[RunResult]

    @property
    def ok(self) -> bool:
        return all(run.ok for run in self.runs)

    def table(self) -> str:
        lines = [self.setup, ""]
        header = (
            f"{'run':<26}{'events':>7}{'sent':>6}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
            f"{'max ms':>8}{'>3 s':>6}{'dup':>5}{'lost':>5}{'errors':>7}{'replies s':>10}"
            f"{'failed posts':>13}{'lag p50 ms':>11}{'lag p99 ms':>11}"
        )
        lines.append(header)
        for run in self.runs:
            lines.append(
                f"{run.name:<26}{run.events:>7}{run.deliveries:>6}{run.ack_p50_ms:>8.1f}"
                f"{run.ack_p95_ms:>8.1f}{run.ack_p99_ms:>8.1f}{run.ack_max_ms:>8.1f}"
                f"{run.acks_over_3s:>6}{run.duplicate_replies:>5}{run.lost_replies:>5}"
                f"{run.apologies + run.failed_acks:>7}{run.seconds_to_last_reply:>10.1f}"
                f"{run.failed_posts:>13}{run.lag_p50_ms:>11.0f}{run.lag_p99_ms:>11.0f}"
            )
        verdict = "PASS" if self.ok else "FAIL"
        lines += [
            "",
            f"{verdict}: every ack under {ACK_LIMIT_S:g} s, p99 <= {P99_BUDGET_MS:g} ms, "
            "no duplicate, lost or failed replies.",
        ]
        return "\n".join(lines)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def settings_env(settings: Settings) -> dict[str, str]:
    """The settings as the environment variables a child `anchor` process reads."""
    env: dict[str, str] = {}
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        if value is None:
            continue
        alias = field.validation_alias or field.alias or f"ANCHOR_{name.upper()}"
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        env[str(alias)] = str(value)
    return env


class App:
    """`anchor serve --http` in its own process, pointed at the fake Slack."""

    def __init__(self, settings: Settings, folder: Path) -> None:
        self.port = free_port()
        self.log = folder / "serve.log"
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(("ANCHOR_", "SLACK_"))}
        env = {**inherited, **settings_env(settings), "ANCHOR_LOG_LEVEL": "WARNING"}
        command = [sys.executable, "-m", "bot", "serve", "--http", "--port", str(self.port)]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=log)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited: {self.log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError("the app did not become ready")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()


async def deliver(
    session: aiohttp.ClientSession,
    url: str,
    secret: str,
    jobs: list[tuple[bytes, int]],
    concurrency: int,
    sent: dict[bytes, float] | None = None,
) -> tuple[list[float], int]:
    """Send every (body, retry number) with `concurrency` in flight; ack seconds and failures
    (and, in `sent`, the wall-clock time each body was first sent)."""
    timings: list[float] = []
    failures = 0
    queue: asyncio.Queue[tuple[bytes, int]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)

    async def worker() -> None:
        nonlocal failures
        while not queue.empty():
            body, retry = queue.get_nowait()
            headers = signed_headers(secret, body)
            if retry:
                headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
            started = time.perf_counter()
            if sent is not None:
                sent.setdefault(body, time.time())
            try:
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    ok = response.status == 200
            except aiohttp.ClientError:
                ok = False
            timings.append(time.perf_counter() - started)
            failures += not ok

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return timings, failures


def one_run(
    name: str,
    app: App,
    fake: RemoteFakeSlack,
    secret: str,
    *,
    run: int,
    events: int,
    concurrency: int,
    retry_every: int,
    questions: list[str],
    error_text: str,
) -> RunResult:
    sender = Sender(f"{app.url}/slack/events", secret)
    texts = itertools.cycle(questions)
    jobs: list[tuple[bytes, int]] = []
    stamps: list[str] = []
    stamp_of: dict[bytes, str] = {}
    for n in range(events):
        ts = f"{1_700_100_000 + run * 100_000 + n}.000100"
        user = f"U{run}{n % 100:04d}"
        body = sender.event_body(dm_event(user, next(texts), ts), f"Ev{run}{n:07d}")
        stamps.append(ts)
        stamp_of[body] = ts
        jobs.append((body, 0))
        if retry_every and n % retry_every == retry_every - 1:
            jobs.append((body, 1))  # Slack's retry, racing the original delivery

    sent: dict[bytes, float] = {}

    async def go() -> tuple[list[float], int]:
        connector = aiohttp.TCPConnector(limit=concurrency)
        async with aiohttp.ClientSession(connector=connector) as session:
            return await deliver(session, sender.url, secret, jobs, concurrency, sent)

    started = time.monotonic()
    timings, failures = asyncio.run(go())
    wanted = set(stamps)

    def answered() -> set[str]:
        return {str(c["args"].get("thread_ts")) for c in fake.replies()} & wanted

    fake.wait_for(lambda: len(answered()) == len(wanted), timeout=max(120.0, events * 1.0))
    last_reply = time.monotonic() - started
    time.sleep(1.0)  # any late duplicate would arrive now
    calls = fake.calls()
    mine = [
        c
        for c in calls
        if c["method"] == "chat.postMessage"
        and c["ok"]
        and str(c["args"].get("thread_ts")) in wanted
    ]
    threads = Counter(str(c["args"].get("thread_ts")) for c in mine)
    failed_posts = sum(
        1
        for c in calls
        if c["method"] == "chat.postMessage"
        and c.get("status", 200) != 200
        and str(c["args"].get("thread_ts")) in wanted
    )
    first_reply: dict[str, float] = {}
    for c in mine:
        thread = str(c["args"].get("thread_ts"))
        first_reply[thread] = min(first_reply.get(thread, c["at"]), c["at"])
    sent_at = {stamp_of[body]: at for body, at in sent.items()}
    lags = [(first_reply[ts] - sent_at[ts]) * 1000 for ts in first_reply if ts in sent_at]
    apologies = sum(1 for c in mine if c["args"].get("text") == error_text)
    ms = [t * 1000 for t in timings]
    return RunResult(
        name=name,
        events=events,
        deliveries=len(jobs),
        concurrency=concurrency,
        ack_p50_ms=round(percentile(ms, 0.50), 1),
        ack_p95_ms=round(percentile(ms, 0.95), 1),
        ack_p99_ms=round(percentile(ms, 0.99), 1),
        ack_max_ms=round(max(ms, default=0.0), 1),
        acks_over_3s=sum(t > ACK_LIMIT_S for t in timings),
        failed_acks=failures,
        replies=sum(threads.values()),
        duplicate_replies=sum(count - 1 for count in threads.values() if count > 1),
        lost_replies=len(wanted - set(threads)),
        apologies=apologies,
        seconds_to_last_reply=round(last_reply, 1),
        failed_posts=failed_posts,
        lag_p50_ms=round(percentile(lags, 0.50), 1),
        lag_p99_ms=round(percentile(lags, 0.99), 1),
    )


@contextmanager
def bench_database(server_url: str | None) -> Iterator[str | None]:
    """A scratch database on this PostgreSQL server for one run, or None (SQLite)."""
    if server_url is None:
        yield None
        return
    with scratch_database(server_url, prefix="anchor_bench") as url:
        yield url


def run_slack_bench(
    settings: Settings,
    *,
    events: int = 500,
    concurrency: int = 25,
    retry_every: int = 5,
    postgres: str | None = None,
) -> SlackBenchResult:
    """`postgres`: a PostgreSQL server URL; the app then uses a scratch database created on it
    for the run (and dropped after), as replicas in production would, instead of SQLite."""
    from bot.content.slack import load_slack_texts

    questions = [item.q for item in load_questions(RETRIEVAL_SET)]
    error_text = load_slack_texts(settings.prompts_dir).conversation.error
    secret = secrets.token_hex(16)
    with (
        tempfile.TemporaryDirectory(prefix="anchor-bench-slack-") as tmp,
        RemoteFakeSlack() as fake,
        bench_database(postgres) as database_url,
    ):
        folder = Path(tmp)
        app_settings = Settings.model_validate(
            {
                **settings.model_dump(),
                "data_dir": folder / "data",
                "index_dir_override": settings.index_dir.resolve(),
                "database_url": database_url,
                "encryption_key": Fernet.generate_key().decode("ascii"),  # serve needs one
                "slack_bot_token": "xoxb-bench",
                "slack_signing_secret": secret,
                "slack_app_token": None,
                "slack_api_url": fake.api_url,
                "slack_rate_limit": 1000,
                "slack_followup_interval": 0,
            }
        )
        app = App(app_settings, folder)
        try:
            app.wait_ready()
            common: dict[str, Any] = {
                "events": events,
                "concurrency": concurrency,
                "questions": questions,
                "error_text": error_text,
            }
            warm = {**common, "events": concurrency}
            one_run("warm-up", app, fake, secret, run=0, retry_every=0, **warm)
            runs = [
                one_run("plain", app, fake, secret, run=1, retry_every=0, **common),
                one_run(
                    f"1 in {retry_every} retried",
                    app,
                    fake,
                    secret,
                    run=2,
                    retry_every=retry_every,
                    **common,
                ),
            ]
            fake.fail("chat.postMessage", FAILING_SHARE)  # 5xx or 429, for the outbox to absorb
            runs.append(
                one_run(
                    f"{FAILING_SHARE:.0%} of posts failing",
                    app,
                    fake,
                    secret,
                    run=3,
                    retry_every=0,
                    **common,
                )
            )
            fake.fail("chat.postMessage", 0)
        finally:
            app.stop()
    setup = (
        f"App: `anchor serve --http` in its own process ({'PostgreSQL' if postgres else 'SQLite'}, "
        f"{settings.slack_workers} "
        f"workers, offline composer); the fake Slack in a second process, the load generator in "
        "this one; "
        f"{events} signed message.im events per run at concurrency {concurrency}."
    )
    return SlackBenchResult(setup=setup, runs=runs)
