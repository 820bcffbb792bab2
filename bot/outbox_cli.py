"""`anchor outbox`: what the Slack outbox holds, for an operator (never any message text), and
putting given-up messages back in the queue. A running `anchor serve` picks requeued messages
up within a second or two; nothing needs restarting."""

from __future__ import annotations

import json
import time
from typing import Annotated

import typer

from bot.store.outbox import FAILED, PENDING, STATUSES, Entry, OutboxStore

outbox_app = typer.Typer(
    help="Slack messages owed to people: list and retry.",
    no_args_is_help=True,
)


def _store() -> OutboxStore:
    from bot.cli import settings
    from bot.store.open import open_stores

    stores = open_stores(settings())
    return OutboxStore(stores.engine, stores.cipher)


def _age(ms: int, now_ms: int) -> str:
    seconds = max(0, (now_ms - ms) // 1000)
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h"


def entry_line(entry: Entry, now_ms: int) -> str:
    error = f"  last error: {entry.last_error}" if entry.last_error else ""
    age = _age(entry.created_at, now_ms)
    return (
        f"{entry.id:>6}  {entry.status:<7}  {entry.method:<17}  {entry.stream:<24}  "
        f"tries {entry.attempts:<3} failures {entry.failures:<3} age {age}{error}"
    )


@outbox_app.command("list")
def outbox_list(
    status: Annotated[
        str | None,
        typer.Option(
            "--status", help="Only rows with this status: pending, failed (given up) or sent."
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many rows.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per row.")] = False,
) -> None:
    """List the messages waiting for Slack and those given up, oldest first.

    Method, channel or thread, tries, failures and the last error; never what a message says.
    """
    from bot.cli import err, out

    if status is not None and status not in STATUSES:
        err.print(f"--status must be one of {', '.join(STATUSES)} (not {status!r}).")
        raise typer.Exit(2)
    store = _store()
    if status is None:
        rows = store.entries(PENDING, limit) + store.entries(FAILED, limit)
        rows = sorted(rows, key=lambda e: e.id)[:limit]
    else:
        rows = store.entries(status, limit)
    if as_json:
        for entry in rows:
            out.print(json.dumps(entry.model_dump()), markup=False)
        return
    backlog = store.backlog()
    out.print(f"{backlog.pending} waiting, {backlog.failed} given up", markup=False)
    now_ms = int(time.time() * 1000)
    for entry in rows:
        out.print(entry_line(entry, now_ms), markup=False)


@outbox_app.command("retry")
def outbox_retry(
    ids: Annotated[list[int] | None, typer.Argument(help="Ids of given-up rows.")] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every given-up row (after an outage is over).")
    ] = False,
) -> None:
    """Send given-up messages again, with a fresh count of failures.

    Name the rows by id (from `anchor outbox list`), or use --all.
    """
    from bot.cli import err, out

    if not ids and not every:
        err.print("Name the rows to retry (ids from `anchor outbox list`), or use --all.")
        raise typer.Exit(2)
    if ids and every:
        err.print("Use either ids or --all, not both.")
        raise typer.Exit(2)
    count = _store().retry(None if every else ids)
    out.print(f"{count} message(s) back in the queue", markup=False)
    if ids and count < len(ids):
        err.print("Some ids were not given-up rows (see `anchor outbox list --status failed`).")
