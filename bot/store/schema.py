"""The database schema, kept by Alembic: every store opens its engine through `ensure_schema`.

A new database gets every revision in ``bot/store/migrations/versions``; a database made by
``create_all`` before migrations (no ``alembic_version`` table) is checked against the baseline
revision, adopted at it and upgraded. The upgrade runs under a lock that holds across processes
and replicas (PostgreSQL: an advisory lock; SQLite: a file lock beside the database), so several
replicas starting at once upgrade once. Alembic is configured here, in code: the migrations ship
inside the package and no ``alembic.ini`` is read at run time.

On SQLite the migrations run with foreign keys off (SQLite cannot alter a column in place:
Alembic's batch mode copies the table into a new one, and dropping the old one with foreign keys
on would cascade into every row that refers to it), then ``PRAGMA foreign_key_check`` confirms
that every reference still holds.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, MetaData, inspect

from bot.store.locks import NamedLocks

log = logging.getLogger("anchor.store.schema")

MIGRATIONS = Path(__file__).parent / "migrations"
BASELINE = "0001"
LOCK_NAME = "anchor:schema-upgrade"
# file names a module can have (the default template starts with the revision id, often a digit)
FILE_TEMPLATE = "r%%(rev)s_%%(slug)s"

_done: weakref.WeakSet[Engine] = weakref.WeakSet()
_in_process = threading.Lock()


class SchemaError(RuntimeError):
    """The database cannot be brought to the schema this release expects."""


def metadata() -> MetaData:
    """Every table the stores use (importing the modules that declare them)."""
    import bot.store.releases  # declares the privacy ledger
    import bot.store.workshop_runs  # noqa: F401  (declares the workshop tables)
    from bot.store.tables import Base

    return Base.metadata


def context_options() -> dict[str, Any]:
    """How Alembic compares and migrates, shared by the app and the `alembic` command line."""
    return {
        "target_metadata": metadata(),
        "render_as_batch": True,  # SQLite alters a table by copying it into a new one
        "compare_type": True,
        "compare_server_default": True,
    }


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, built in code; with `connection`, env.py migrates on it."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", FILE_TEMPLATE)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise SchemaError("the migrations have no head revision")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: not under migrations yet, or empty)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_schema(engine: Engine) -> None:
    """Bring the database to the head revision, once per engine (cheap when already there)."""
    if engine in _done:
        return
    with _in_process:
        if engine in _done:
            return
        if current_revision(engine) != head_revision():
            upgrade(engine)
        _done.add(engine)


def settle(engine: Engine) -> None:
    """Leave this engine's schema where it is: stores opened on it will not upgrade it (for
    tests that fill a database at an older revision through the stores)."""
    _done.add(engine)


def upgrade(engine: Engine, target: str = "head") -> tuple[str | None, str]:
    """Upgrade to `target` under the cross-process lock; the revisions before and after."""
    with NamedLocks(engine).hold(LOCK_NAME), migration_connection(engine) as connection:
        context = MigrationContext.configure(connection)
        before = context.get_current_revision()
        legacy = before is None and _baseline_tables_present(connection)
        connection.commit()
        _check_known(before)
        if legacy:
            _check_matches_baseline(connection)
            log.info("adopting a database made before migrations at the baseline revision")
        if before != (head_revision() if target == "head" else target):
            with connection.begin():
                command.upgrade(alembic_config(connection), target)
            log.info("database schema upgraded from %s to %s", before or "empty", target)
        if engine.dialect.name == "sqlite":
            _check_foreign_keys(connection)
        after = MigrationContext.configure(connection).get_current_revision()
        connection.commit()
    assert after is not None
    return before, after


def _check_known(revision: str | None) -> None:
    if revision is None:
        return
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except CommandError:
        raise SchemaError(
            f"the database is at revision {revision}, which this release does not know (its "
            f"newest is {head_revision()}): it was upgraded by a newer release. Run that "
            "release, or restore the backup taken before the upgrade."
        ) from None


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection to migrate on (SQLite: with foreign keys off, restored afterwards)."""
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside a transaction
            connection.commit()
        try:
            yield connection
        finally:
            if sqlite:
                connection.rollback()
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _baseline_tables_present(connection: Connection) -> bool:
    from bot.store.migrations.versions.r0001_baseline import baseline_metadata

    present = set(inspect(connection).get_table_names())
    return bool(present & set(baseline_metadata().tables))


def _check_matches_baseline(connection: Connection) -> None:
    """A database made by create_all must hold the baseline's tables as they are (those it
    lacks are created by the baseline); otherwise it came from an older, different release."""
    from bot.store.migrations.versions.r0001_baseline import baseline_metadata

    context = MigrationContext.configure(connection, opts={"compare_type": True})
    present = set(inspect(connection).get_table_names())
    found = [
        diff
        for diff in compare_metadata(context, baseline_metadata())
        if not _expected(diff, present)
    ]
    connection.rollback()
    if found:
        raise SchemaError(
            "the database was made before migrations and differs from the baseline schema "
            f"(revision {BASELINE}): {found}. Restore a backup made by this release's "
            "predecessor, or bring the tables to the baseline by hand, then run "
            "`anchor db upgrade` again."
        )


def _expected(diff: Any, present: set[str]) -> bool:
    """A difference the baseline itself settles: a table it will create (with its indexes),
    or a table it does not know (another application's, say)."""
    if not isinstance(diff, tuple):
        return False
    if diff[0] in ("add_table", "remove_table"):
        return True
    return diff[0] == "add_index" and diff[1].table.name not in present


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    connection.rollback()
    if broken:
        raise SchemaError(f"after the upgrade, rows refer to rows that are gone: {broken[:5]}")


def schema_differences(engine: Engine) -> list[Any]:
    """What Alembic's autogenerate finds between the database and the tables in the code
    (empty when the migrations and the models agree)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=context_options())
        return list(compare_metadata(context, metadata()))
