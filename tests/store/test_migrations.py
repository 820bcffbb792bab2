"""Schema migrations (Alembic): the migrations build what the models describe, an upgrade keeps
every row, a database made by create_all before migrations is adopted, and replicas starting at
once upgrade once; on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, MetaData, inspect, select

from bot.coach.engine import Coach
from bot.coach.leaders import Leaders
from bot.config import Settings
from bot.store.conversations import make_engine
from bot.store.migrations.versions.r0001_baseline import baseline_metadata
from bot.store.open import Stores, open_stores
from bot.store.schema import (
    BASELINE,
    SchemaError,
    current_revision,
    ensure_schema,
    head_revision,
    metadata,
    migration_connection,
    schema_differences,
    settle,
    upgrade,
)
from bot.store.scratch import scratch_database
from bot.store.workshop_runs import WorkshopStore
from bot.workshops import Workshops
from tests.workshops.conftest import FACILITATOR, PLANS, T0, is_facilitator

PLAN = "compassionate-leadership-in-practice"
CHANNEL = "C0WORKSHOP"
PEOPLE = [f"slack:UPERSON{n}" for n in range(1, 5)]
ATTENDING = "Attending: listening fully, without half an eye on the next thing"
SECRET = "Our ICS finance director Priya Shah keeps vetoing the bed plan"

Rows = dict[str, list[dict[str, Any]]]


@pytest.fixture
def engine(cfg: Settings) -> Iterator[Engine]:
    made = make_engine(cfg.resolved_database_url)
    yield made
    made.dispose()


def snapshot(engine: Engine) -> Rows:
    """Every row of every table (but Alembic's own), in primary-key order."""
    tables = MetaData()
    tables.reflect(engine)
    found: Rows = {}
    with engine.connect() as connection:
        for table in tables.sorted_tables:
            if table.name == "alembic_version":
                continue
            query = select(table).order_by(*table.primary_key.columns)
            found[table.name] = [dict(row) for row in connection.execute(query).mappings()]
    return found


def describe(engine: Engine) -> dict[str, Any]:
    """The schema as the database reports it: columns, keys, constraints, indexes, options."""
    seen = inspect(engine)
    return {
        name: {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], c.get("default"))
                for c in seen.get_columns(name)
            ],
            "primary key": seen.get_pk_constraint(name),
            "foreign keys": sorted(map(repr, seen.get_foreign_keys(name))),
            "unique": sorted(map(repr, seen.get_unique_constraints(name))),
            "indexes": sorted(map(repr, seen.get_indexes(name))),
            "options": seen.get_table_options(name),
        }
        for name in sorted(seen.get_table_names())
        if name != "alembic_version"
    }


def stores_on(engine: Engine, cfg: Settings, monkeypatch: pytest.MonkeyPatch) -> Stores:
    """The real stores on `engine`, leaving its schema where it is."""
    settle(engine)
    monkeypatch.setattr("bot.store.open.make_engine", lambda url, max_connections=20: engine)
    return open_stores(cfg)


def fill(cfg: Settings, stores: Stores) -> None:
    """Write a row into every table through the services: conversations with turns, consent,
    theme notes, goals, activity, feedback, a delivery claim, a rate window, an audit entry
    and a workshop run with steps, named and anonymous answers, participants and a reminder."""
    coach = Coach.from_settings(cfg, stores=stores)
    leaders = Leaders(stores)
    for user in ("slack:ULEADER1", "slack:ULEADER2"):
        leaders.first_contact(user)
        leaders.set_consent(user, "themes")
        coach.respond(user, SECRET, channel="dm:D1:1.0")
        coach.respond(user, "tell me more", channel="dm:D1:1.0")
        uid = stores.conversations.user_id(user)
        stores.goals.add(
            uid, "Call the council director by Friday", due=date(2025, 1, 3), source="t"
        )
        stores.activity.record(uid, "exercise", "abc-check", "started")
        leaders.record_feedback(user, helpful=True, card_ids=["a-card"], reply_ref="r1")
        assert leaders.claim(f"Ev-{user}", user)
        assert leaders.rate(user).allowed
    stores.audit.write("slack:UFACIL01", "themes.view", {"weeks": 4}, "shown")
    workshops = Workshops(
        WorkshopStore(stores.engine, stores.cipher), PLANS, is_facilitator=is_facilitator
    )
    workshops.start(FACILITATOR, CHANNEL, PLAN, now=T0)
    for person in PEOPLE:
        text = f"{person} stopped listening after a minute and started fixing the rota."
        workshops.answer(person, CHANNEL, "first-two-minutes", text, now=T0)
    workshops.next(FACILITATOR, CHANNEL, now=T0 + timedelta(minutes=10))
    for person in PEOPLE:
        workshops.answer(person, CHANNEL, "behaviour-skipped", ATTENDING, now=T0)
    # an async week: people who join and have not answered get a reminder
    workshops.start(FACILITATOR, "C0COHORT", "week-of-system-reflection", now=T0)
    for person in PEOPLE:
        workshops.join(person, "C0COHORT")
    workshops.answer(PEOPLE[0], "C0COHORT", "monday-relationship", "The director.", now=T0)
    assert workshops.due_reminders(T0 + timedelta(hours=12))


def assert_kept(before: Rows, after: Rows) -> None:
    for table, rows in before.items():
        kept = [{key: row[key] for key in rows[0]} for row in after[table]] if rows else []
        assert kept == rows, f"rows of {table} changed or went missing in the upgrade"


def require_every_table(rows: Rows) -> None:
    empty = sorted(name for name, found in rows.items() if not found)
    assert not empty, f"the fill wrote nothing to {empty}: fill every table"


# ---- the migrations and the models agree --------------------------------------------------------


def test_a_new_database_is_built_by_the_migrations_and_matches_the_models(engine: Engine) -> None:
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
    differences = schema_differences(engine)
    assert not differences, (
        "bot/store/tables.py (or another module's tables) and the migrations disagree: "
        f"{differences}. Add a revision (README, Upgrades: `alembic revision --autogenerate "
        "-m ...`), review it and commit it with the change to the tables."
    )


def test_the_migrations_make_what_create_all_makes(cfg: Settings, engine: Engine) -> None:
    ensure_schema(engine)
    if engine.dialect.name == "sqlite":
        other = make_engine(f"sqlite:///{Path(cfg.data_dir) / 'create_all.db'}")
        metadata().create_all(other)
        assert describe(engine) == describe(other)
        other.dispose()
        return
    server = os.environ["ANCHOR_TEST_POSTGRES_URL"]
    with scratch_database(server, prefix="anchor_test") as url:
        other = make_engine(url)
        metadata().create_all(other)
        assert describe(engine) == describe(other)
        other.dispose()


# ---- upgrades keep data -------------------------------------------------------------------------


def test_an_upgrade_from_the_baseline_keeps_every_row(
    cfg: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When a later revision changes a table so that today's services can no longer write the
    baseline schema, fill at the revision before that change instead (and keep this test)."""
    upgrade(engine, BASELINE)
    assert current_revision(engine) == BASELINE
    stores = stores_on(engine, cfg, monkeypatch)
    fill(cfg, stores)
    before = snapshot(engine)
    require_every_table(before)

    assert upgrade(engine) == (BASELINE, head_revision())
    assert_kept(before, snapshot(engine))
    assert current_revision(engine) == head_revision()
    data = Leaders(stores).export_user_data("slack:ULEADER1")
    assert data["conversations"][0]["turns"][0]["text"] == SECRET


def baseline_tables() -> list[sa.Table]:
    """The tables a store could make with create_all before migrations (later revisions'
    tables, such as the outbox, never existed without Alembic)."""
    return [t for t in metadata().sorted_tables if t.name in baseline_metadata().tables]


def test_a_database_made_by_create_all_is_adopted_and_upgraded(
    cfg: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # what every store did before migrations (the tables of that time: the baseline's)
    metadata().create_all(engine, tables=baseline_tables())
    fill(cfg, stores_on(engine, cfg, monkeypatch))
    before = snapshot(engine)
    assert "alembic_version" not in inspect(engine).get_table_names()

    restarted = make_engine(cfg.resolved_database_url)
    ensure_schema(restarted)
    assert current_revision(restarted) == head_revision()
    assert_kept(before, snapshot(restarted))
    assert schema_differences(restarted) == []
    restarted.dispose()


def test_a_database_with_only_some_tables_gets_the_rest(engine: Engine) -> None:
    """A process made only the tables it had imported: the workshop tables may be missing."""
    from bot.store.tables import Base

    coaching = [t for t in baseline_tables() if not t.name.startswith("workshop")]
    Base.metadata.create_all(engine, tables=coaching)
    ensure_schema(engine)
    assert "workshop_answers" in inspect(engine).get_table_names()
    assert schema_differences(engine) == []


def test_a_made_before_migrations_database_unlike_the_baseline_is_refused(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)"))
    with pytest.raises(SchemaError, match="differs from the baseline"):
        upgrade(engine)
    assert "alembic_version" not in inspect(engine).get_table_names()


def test_a_database_from_a_newer_release_is_refused(engine: Engine) -> None:
    ensure_schema(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = 'f00d'"))
    with pytest.raises(SchemaError, match="newer release"):
        upgrade(engine)


def test_sqlite_batch_copies_keep_rows_that_refer_to_the_copied_table(
    cfg: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite alters a table by copying it; with foreign keys on, dropping the old `users`
    would cascade into every conversation, turn and goal. Migrations run with them off."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL alters tables in place")
    ensure_schema(engine)
    fill(cfg, stores_on(engine, cfg, monkeypatch))
    before = snapshot(engine)
    with migration_connection(engine) as connection:
        operations = Operations(MigrationContext.configure(connection))
        with operations.batch_alter_table("users", recreate="always") as batch:
            batch.add_column(sa.Column("nickname", sa.String(40), nullable=True))
        connection.commit()
    assert_kept(before, snapshot(engine))


def test_anchor_db_current_and_upgrade(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    env = {"ANCHOR_DATA_DIR": str(tmp_path / "data")}
    head = head_revision()

    def run(*args: str) -> str:
        result = CliRunner().invoke(app, ["db", *args], env=env)
        assert result.exit_code == 0, result.output
        return result.output.strip()

    assert run("current") == f"no revision (this release's newest is {head})"
    assert run("upgrade") == f"Database schema: upgraded from no revision to {head} (head)."
    assert run("upgrade") == f"Database schema: at revision {head} (head)."
    assert run("current") == f"{head} (head)"


# ---- several replicas at once -------------------------------------------------------------------


def test_replicas_upgrading_one_new_database_at_once_upgrade_it_once(cfg: Settings) -> None:
    url = cfg.resolved_database_url
    engines = [make_engine(url) for _ in range(4)]
    barrier = threading.Barrier(len(engines))
    results: list[tuple[str | None, str]] = []
    errors: list[BaseException] = []

    def start(engine: Engine) -> None:
        barrier.wait()
        try:
            results.append(upgrade(engine))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    head = head_revision()
    assert sorted(results, key=lambda found: found[0] or "") == [(None, head)] + [(head, head)] * 3
    with engines[0].connect() as connection:
        versions = connection.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    assert versions == [(head,)]
    for engine in engines:
        engine.dispose()


@pytest.mark.slow
def test_anchor_db_upgrade_in_several_processes_at_once(cfg: Settings) -> None:
    anchor = Path(sys.executable).parent / "anchor"
    env = {
        **os.environ,
        "ANCHOR_DATA_DIR": str(cfg.data_dir),
        "ANCHOR_DATABASE_URL": cfg.resolved_database_url,
    }
    runs = [
        subprocess.Popen([str(anchor), "db", "upgrade"], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert sum("upgraded from no revision" in out for out in outputs) == 1, outputs
    current = subprocess.run(
        [str(anchor), "db", "current"], env=env, capture_output=True, text=True, check=True
    )
    assert current.stdout.strip() == f"{head_revision()} (head)"
