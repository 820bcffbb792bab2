"""`anchor bench slack` on a small load: the app in its own process, the fake Slack in another."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.slack.bench import percentile, run_slack_bench, settings_env


@pytest.mark.server  # the bench starts `anchor serve` in its own process
def test_a_small_bench_loses_and_duplicates_nothing(settings: Settings) -> None:
    result = run_slack_bench(settings, events=40, concurrency=8, retry_every=4)
    plain, retried, failing = result.runs
    assert (plain.events, plain.deliveries) == (40, 40)
    assert (retried.events, retried.deliveries) == (40, 50)
    # a fifth of the posts failed, and the outbox still delivered every reply once
    assert failing.failed_posts > 0 and failing.events == 40
    assert 0 < failing.lag_p50_ms <= failing.lag_p99_ms
    for run in result.runs:
        assert run.failed_acks == 0 and run.acks_over_3s == 0
        assert run.duplicate_replies == 0 and run.lost_replies == 0 and run.apologies == 0
        assert run.replies == 40
        assert 0 < run.ack_p50_ms <= run.ack_p99_ms <= run.ack_max_ms < 3000
    assert "p99" in result.table()


def test_percentiles_and_the_child_environment(settings: Settings) -> None:
    values = [float(n) for n in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.99), percentile([], 0.5)) == (
        50.0,
        99.0,
        0.0,
    )
    env = settings_env(
        Settings.model_validate(
            {**settings.model_dump(), "slack_bot_token": "xoxb-1", "slack_rate_limit": 7}
        )
    )
    assert env["SLACK_BOT_TOKEN"] == "xoxb-1" and env["ANCHOR_SLACK_RATE_LIMIT"] == "7"
    assert env["ANCHOR_INDEX_DIR"] == str(settings.index_dir)
    assert "SLACK_APP_TOKEN" not in env


@pytest.mark.server
@pytest.mark.postgres
def test_the_bench_on_postgresql_uses_and_drops_a_scratch_database(settings: Settings) -> None:
    import os

    from sqlalchemy import create_engine, text

    server = os.environ.get("ANCHOR_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("set ANCHOR_TEST_POSTGRES_URL to run the PostgreSQL tests")

    def bench_databases() -> set[str]:
        engine = create_engine(server)
        with engine.connect() as connection:
            names = connection.execute(
                text(r"select datname from pg_database where datname like 'anchor\_bench\_%'")
            ).scalars()
            found = set(names)
        engine.dispose()
        return found

    # a server shared with earlier, interrupted runs may hold their leftovers: compare with them
    before = bench_databases()
    result = run_slack_bench(settings, events=30, concurrency=6, retry_every=3, postgres=server)
    assert "PostgreSQL" in result.setup
    for run in result.runs:
        assert run.replies == 30 and run.duplicate_replies == 0 and run.lost_replies == 0
        assert run.failed_acks == 0 and run.acks_over_3s == 0
    assert bench_databases() == before
