"""`anchor doctor`: check a deployment for what keeps people's data safe at rest, and say
what to do about each problem. Nothing is created or changed: a missing data folder,
database or key is reported, never made.

Checks, each passed or failed with the fix:

- key: provided apart from the data (ANCHOR_ENCRYPTION_KEY, or ANCHOR_ENCRYPTION_KEY_FILE
  outside the data folder), valid, and no key file left in the data folder;
- modes: the data folder 0700, the SQLite files and the key file 0600 (owner only);
- schema: the database is at this release's newest Alembic revision;
- identities: no person's id in plain text in the users table (beside the safety levels of
  their turns) or any other column that names a person (claims, rate windows, workshops), and
  the key opens the ids that are there;
- retention: ANCHOR_RETENTION_DAYS and ANCHOR_THEME_RETENTION_DAYS chosen for this deployment
  and purges scheduled while serving;
- slack: what `anchor serve` needs (the bot token, and the signing secret in HTTP mode).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import Engine, make_url, select

from bot.config import Settings
from bot.store.crypto import KEY_FILE, USER_KEY_PREFIX, Cipher, CryptoError, load_key

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


class Check(BaseModel):
    name: str
    ok: bool
    detail: str
    fix: str = ""


class Report(BaseModel):
    ok: bool
    checks: list[Check]

    def lines(self) -> list[str]:
        found: list[str] = []
        for check in self.checks:
            found.append(f"{'PASS' if check.ok else 'FAIL'}  {check.name}: {check.detail}")
            if not check.ok and check.fix:
                found.append(f"      what to do: {check.fix}")
        failed = sum(not check.ok for check in self.checks)
        found.append(
            "All checks passed." if not failed else f"{failed} of {len(self.checks)} checks failed."
        )
        return found


def sqlite_file(settings: Settings) -> Path | None:
    url = make_url(settings.resolved_database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def check_key(settings: Settings) -> tuple[Check, bytes | None]:
    data = settings.data_dir
    beside = data / KEY_FILE
    configured = settings.encryption_key.get_secret_value() if settings.encryption_key else None
    if not configured and settings.encryption_key_file is None:
        where = f"only the key file in the data folder ({beside})" if beside.exists() else "none"
        return Check(
            name="key",
            ok=False,
            detail=f"no key provided apart from the data; key found: {where}",
            fix="set ANCHOR_ENCRYPTION_KEY, or ANCHOR_ENCRYPTION_KEY_FILE to a file outside the "
            f"data folder or a mounted secret; an existing deployment moves {beside} there "
            "(anchor serve will not start until then)",
        ), None
    source = "ANCHOR_ENCRYPTION_KEY" if configured else f"{settings.encryption_key_file}"
    try:
        key = load_key(configured, settings.encryption_key_file, data, local=False)
    except CryptoError as exc:
        first = str(exc).split(". ")[0].rstrip(".")
        return Check(
            name="key", ok=False, detail=first, fix="provide a valid key (`anchor keygen`)"
        ), None
    if beside.exists():
        return Check(
            name="key",
            ok=False,
            detail=f"the key comes from {source}, but a key file is still in the data folder",
            fix=f"delete {beside} once the key you provide opens the data (this check passes "
            "`identities`); whoever can read the folder can read that file",
        ), key
    return Check(name="key", ok=True, detail=f"from {source}, apart from the data"), key


def check_modes(settings: Settings) -> Check:
    problems: list[str] = []
    data = settings.data_dir
    if data.is_dir() and _mode(data) & 0o077:
        problems.append(f"{data} is {oct(_mode(data))[2:]} (chmod 700)")
    database = sqlite_file(settings)
    files = (
        []
        if database is None
        else [database.with_name(database.name + s) for s in ("", "-wal", "-shm")]
    )
    key_file = settings.encryption_key_file
    if key_file is not None and key_file.is_file() and key_file.stat().st_uid == os.getuid():
        files.append(key_file)  # a mounted secret (owned by root) has the orchestrator's mode
    for path in files:
        if path.is_file() and _mode(path) & 0o077:
            problems.append(f"{path} is {oct(_mode(path))[2:]} (chmod 600)")
    if not data.is_dir():
        return Check(
            name="modes",
            ok=False,
            detail=f"no data folder at {data}",
            fix="check ANCHOR_DATA_DIR; Anchor makes the folder 0700 when it first starts",
        )
    if problems:
        return Check(
            name="modes",
            ok=False,
            detail="; ".join(problems),
            fix="make each readable by Anchor's user only, as shown",
        )
    return Check(name="modes", ok=True, detail="the data folder is 0700, its files 0600")


@contextmanager
def _engine(settings: Settings) -> Iterator[Engine | None]:
    """An engine on an existing database (never creating one); None where there is none."""
    from bot.store.conversations import make_engine

    database = sqlite_file(settings)
    if database is not None and not database.is_file():
        yield None
        return
    engine = make_engine(settings.resolved_database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def check_schema(engine: Engine | None) -> Check:
    from bot.store.schema import current_revision, head_revision

    if engine is None:
        return Check(
            name="schema",
            ok=False,
            detail="no database yet",
            fix="check ANCHOR_DATABASE_URL / ANCHOR_DATA_DIR, or run `anchor db upgrade`",
        )
    current, head = current_revision(engine), head_revision()
    if current != head:
        return Check(
            name="schema",
            ok=False,
            detail=f"the database is at {current or 'no revision'}; this release's is {head}",
            fix="back up the database, then run `anchor db upgrade`",
        )
    return Check(name="schema", ok=True, detail=f"at revision {head} (head)")


def check_identities(engine: Engine | None, key: bytes | None) -> Check:
    from bot.store.identity import plain_owner_ids, plain_user_ids
    from bot.store.tables import UserRow

    if engine is None:
        return Check(name="identities", ok=False, detail="no database to check", fix="see `schema`")
    fix = (
        "start Anchor once with its key (`anchor serve`, or any command that opens "
        "the data): it encrypts them"
    )
    plain = plain_user_ids(engine)
    if plain:
        return Check(
            name="identities",
            ok=False,
            detail=f"{plain} people's ids in plain text beside their turns' safety levels",
            fix=fix,
        )
    owners = plain_owner_ids(engine)
    if owners:
        where = ", ".join(f"{count} in {column}" for column, count in owners.items())
        return Check(
            name="identities", ok=False, detail=f"people's ids in plain text: {where}", fix=fix
        )
    if key is not None:
        with engine.connect() as connection:
            sample = connection.execute(
                select(UserRow.external_id)
                .where(UserRow.external_id.like(f"{USER_KEY_PREFIX}%"))
                .limit(1)
            ).scalar()
        if sample is not None:
            try:
                Cipher(key).user_id(sample)
            except CryptoError:
                return Check(
                    name="identities",
                    ok=False,
                    detail="the key provided does not open this database's data",
                    fix="provide the key this database was written with",
                )
    return Check(name="identities", ok=True, detail="no plain ids; the key opens the data")


def check_retention(settings: Settings) -> Check:
    chosen = {"retention_days", "theme_retention_days"} <= settings.model_fields_set
    periods = f"{settings.retention_days} days, themes {settings.theme_retention_days} days"
    if not chosen:
        return Check(
            name="retention",
            ok=False,
            detail=f"using the defaults ({periods})",
            fix="set ANCHOR_RETENTION_DAYS and ANCHOR_THEME_RETENTION_DAYS to the periods "
            "your programme has agreed (the privacy notice states them)",
        )
    if settings.maintenance_interval <= 0:
        return Check(
            name="retention",
            ok=False,
            detail=f"{periods}, but purges never run while serving",
            fix="set ANCHOR_MAINTENANCE_INTERVAL above 0 (seconds), e.g. 3600",
        )
    return Check(
        name="retention",
        ok=True,
        detail=f"{periods}, purged every {settings.maintenance_interval:g} s while serving",
    )


def check_slack(settings: Settings) -> Check:
    missing = []
    if settings.slack_bot_token is None:
        missing.append("SLACK_BOT_TOKEN")
    if settings.slack_app_token is None and settings.slack_signing_secret is None:
        missing.append("SLACK_SIGNING_SECRET (HTTP mode; or SLACK_APP_TOKEN for Socket Mode)")
    if missing:
        return Check(
            name="slack",
            ok=False,
            detail="not set: " + ", ".join(missing),
            fix="copy them from the Slack app's settings (README, Slack)",
        )
    mode = "Socket Mode" if settings.slack_app_token is not None else "HTTP, signing secret set"
    return Check(name="slack", ok=True, detail=f"bot token set; {mode}")


def diagnose(settings: Settings) -> Report:
    """Every check, in order; the report is ok only if all pass."""
    key_check, key = check_key(settings)
    found = [key_check, check_modes(settings)]
    with _engine(settings) as engine:
        schema = check_schema(engine)
        found.append(schema)
        if schema.ok:
            found.append(check_identities(engine, key))
        else:
            found.append(
                Check(
                    name="identities",
                    ok=False,
                    detail="not checked: the database is not at the newest revision",
                    fix="see `schema`",
                )
            )
    found += [check_retention(settings), check_slack(settings)]
    return Report(ok=all(check.ok for check in found), checks=found)
