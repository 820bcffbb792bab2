"""The `anchor` command: thin wrappers over the services. Heavy imports happen inside commands."""

from __future__ import annotations

import getpass
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import typer
from rich.console import Console

from bot import __version__
from bot.config import Settings

if TYPE_CHECKING:
    from bot.coach.engine import Coach
    from bot.knowledge.index import Progress
    from bot.models import Reply

app = typer.Typer(
    help="Anchor: a leadership coach for leaders of NHS health and care partnerships.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
kb_app = typer.Typer(help="Work with the knowledge base.", no_args_is_help=True)
content_app = typer.Typer(
    help="Work with prompts: exercises, scenarios, workshops, safety, templates.",
    no_args_is_help=True,
)
goals_app = typer.Typer(
    help="Your commitments: list, complete and drop them.",
    no_args_is_help=False,
    invoke_without_command=True,
)
privacy_app = typer.Typer(help="Privacy tools.", no_args_is_help=True)
safety_app = typer.Typer(help="The safety gate's learned risk model.", no_args_is_help=True)
eval_app = typer.Typer(
    help="Score Anchor's quality on the labelled sets in evals/.", no_args_is_help=True
)
app.add_typer(kb_app, name="kb")
app.add_typer(content_app, name="content")
app.add_typer(goals_app, name="goals")
app.add_typer(privacy_app, name="privacy")
app.add_typer(safety_app, name="safety")
slack_app = typer.Typer(help="Slack: the app manifest.", no_args_is_help=True)
feedback_app = typer.Typer(help="Feedback leaders gave on replies.", no_args_is_help=True)
bench_app = typer.Typer(
    help="Benchmarks: the coach (no subcommand) or the Slack app (`slack`).",
    no_args_is_help=False,
    invoke_without_command=True,
)
app.add_typer(eval_app, name="eval")
app.add_typer(slack_app, name="slack")
app.add_typer(feedback_app, name="feedback")
app.add_typer(bench_app, name="bench")
maintenance_app = typer.Typer(help="Housekeeping: retention.", no_args_is_help=True)
app.add_typer(maintenance_app, name="maintenance")
workshops_app = typer.Typer(help="Facilitators' workshop plans.", no_args_is_help=True)
app.add_typer(workshops_app, name="workshops")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
T = TypeVar("T")

REPORT_FORMATS: dict[str, Literal["html", "csv", "json"]] = {
    "html": "html",
    "csv": "csv",
    "json": "json",
}
UserOption = Annotated[
    str | None, typer.Option("--user", help="Who is talking (default: your login).")
]


class UserError(Exception):
    """A problem the person can fix; shown as a message, never a traceback."""


def settings() -> Settings:
    try:
        loaded = Settings()
    except Exception as exc:  # pydantic's ValidationError, shown plainly
        raise UserError(f"configuration problem: {exc}") from exc
    logging.basicConfig(
        level=loaded.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("bm25s").setLevel(max(logging.WARNING, logging.getLogger().level))
    # Presidio warns about every other language's recognizer it skips: not ours to act on
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    return loaded


def default_user(user: str | None) -> str:
    try:
        name = getpass.getuser()
    except Exception:  # no login name in some containers
        name = "local"
    return user or f"cli:{name}"


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Progress | None]:
    """A Rich progress bar for index builds, shown only on an interactive terminal."""
    if not enabled or not err.is_terminal:
        yield None
        return
    from rich.progress import Progress as Bar

    with Bar(console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=max(total, 1))
            bar.update(tasks[step], completed=done, total=max(total, 1))

        yield update


def open_coach(cfg: Settings) -> Coach:
    from bot.coach.engine import Coach

    with progress_bar(True) as update:
        return Coach.from_settings(cfg, update)


def reply_json(reply: Reply) -> str:
    return reply.model_dump_json(indent=2, exclude={"notes"} if not reply.notes else None)


def render_reply(reply: Reply, console: Console) -> None:
    from rich.markdown import Markdown
    from rich.markup import escape

    body, found, sources = reply.reply.rpartition("\n\nSources: ")
    console.print(Markdown(body if found else reply.reply))
    if found:
        console.print()
        console.print(f"[dim]Sources: {escape(sources)}[/dim]")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="What you'd like to ask Anchor.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the reply as JSON.")] = False,
    user: UserOption = None,
) -> None:
    """Ask one question and print Anchor's reply."""
    coach = open_coach(settings())
    who = default_user(user)
    coach.new_conversation(who, "cli:ask")  # each `anchor ask` is a fresh, one-off question
    reply = coach.respond(who, question, channel="cli:ask")
    if as_json:
        out.print_json(reply_json(reply))
    else:
        render_reply(reply, out)


CHAT_HELP = """Commands: /help this help, /sources the sources of the last reply,
/new start a fresh conversation, /quit leave. Anything else is a message to Anchor."""


@app.command()
def chat(user: UserOption = None) -> None:
    """Talk with Anchor in the terminal (also reads one message a line from piped input)."""
    coach = open_coach(settings())
    who = default_user(user)
    interactive = sys.stdin.isatty()
    if interactive:
        out.print("[bold]Anchor[/bold]: a coach for leaders of health and care partnerships.")
        out.print("[dim]Type /help for commands, /quit to leave.[/dim]\n")
    last: Reply | None = None
    for line in _lines(interactive):
        message = line.strip()
        command = message.lower()
        if command in {"/quit", "/exit", "/q"}:
            break
        if command == "/help":
            out.print(CHAT_HELP)
        elif command == "/new":
            coach.new_conversation(who, "cli:chat")
            last = None
            out.print("[dim]Started a fresh conversation.[/dim]")
        elif command == "/sources":
            _print_sources(last)
        elif command.startswith("/"):
            out.print(f"Unknown command {message.split()[0]!r}. {CHAT_HELP}")
        else:
            last = coach.respond(who, message, channel="cli:chat")
            if interactive:
                out.print()
            out.print("[bold]Anchor[/bold]:" if interactive else "Anchor:")
            render_reply(last, out)
            out.print()


def _lines(interactive: bool) -> Iterator[str]:
    while True:
        try:
            line = out.input("[bold]You[/bold]: ") if interactive else sys.stdin.readline()
        except (EOFError, KeyboardInterrupt):
            return
        if not interactive and line == "":
            return
        yield line


def _print_sources(reply: Reply | None) -> None:
    if reply is None or not reply.citations:
        out.print("No sources for the last reply.")
        return
    for n, citation in enumerate(reply.citations, start=1):
        out.print(f"[{n}] [bold]{citation.title}[/bold] ({citation.card_id})")
        for source in citation.sources:
            url = f" {source.url}" if source.url else ""
            out.print(
                f"    {source.author} ({source.year}). {source.title}. {source.publisher}.{url}"
            )


@app.command()
def index(
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild everything from scratch.")
    ] = False,
) -> None:
    """Build or refresh the knowledge index (only changed cards are re-embedded)."""
    from bot.knowledge.index import KnowledgeIndex

    cfg = settings()
    idx = KnowledgeIndex(cfg.knowledge_dir, cfg.index_dir, chroma_url=cfg.chroma_url)
    with progress_bar(True) as update:
        report = idx.build(update, force=force)
    out.print(
        f"Indexed {report.cards} cards ({report.chunks} chunks): "
        f"{report.embedded} embedded, {report.deleted} removed, in {report.seconds:.2f}s."
    )
    if report.rebuilt_from_corrupt:
        out.print("The previous index was unusable and has been rebuilt.")


@kb_app.command("check")
def kb_check() -> None:
    """Lint the cards: schema, ids, related links, sources, body length."""
    from bot.knowledge.lint import check_directory

    cfg = settings()
    cards, problems = check_directory(cfg.knowledge_dir)
    for problem in problems:
        err.print(str(problem), markup=False)
    if problems:
        err.print(f"{len(problems)} problem(s) in {cfg.knowledge_dir}.")
        raise typer.Exit(1)
    out.print(f"{len(cards)} cards OK.")


@content_app.command("check")
def content_check() -> None:
    """Validate prompts/: exercises, scenarios, workshop plans, safety rules, templates and
    their card links."""
    from bot.content.check import check_content
    from bot.datafiles import ContentError
    from bot.knowledge.cards import card_files
    from bot.privacy.given_names import load_given_names
    from bot.privacy.lexicon import load_lexicon
    from bot.privacy.organisations import load_organisations

    cfg = settings()
    card_ids = {path.stem for path in card_files(cfg.knowledge_dir)}
    counts, problems = check_content(cfg.prompts_dir, card_ids)
    privacy = cfg.prompts_dir / "privacy"
    for load, path in (
        (load_lexicon, privacy / "lexicon.yaml"),
        (load_organisations, cfg.organisations_file or privacy / "organisations.yaml"),
        (load_given_names, privacy / "given_names.yaml"),
    ):
        try:
            load(path)
        except ContentError as exc:
            problems.append(exc)
    for problem in problems:
        err.print(str(problem), markup=False)
    if problems:
        err.print(f"{len(problems)} problem(s) in {cfg.prompts_dir}.")
        raise typer.Exit(1)
    out.print(
        f"{counts['exercises']} exercises, {counts['scenarios']} scenarios, "
        f"{counts['workshops']} workshop plans and all prompts OK."
    )


def goal_store(user: str | None) -> tuple[Any, int]:
    from bot.store.open import open_stores

    stores = open_stores(settings())
    return stores.goals, stores.conversations.user_id(default_user(user))


@goals_app.callback()
def goals_list(
    ctx: typer.Context,
    user: UserOption = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Include completed and dropped goals.")
    ] = False,
) -> None:
    """List your open goals (with --all, every goal)."""
    if ctx.invoked_subcommand is not None:
        return
    goals, uid = goal_store(user)
    found = goals.list(uid, include_closed=show_all)
    if not found:
        out.print(
            "No goals yet. Commitments from exercises and coaching conversations appear here."
        )
        return
    for goal in found:
        status = "" if goal.status == "open" else f" [{goal.status}]"
        out.print(f"{goal.id}. {goal.text}{goal.due_phrase}{status}", markup=False)


def _set_goal(goal_id: int, user: str | None, status: str) -> None:
    goals, uid = goal_store(user)
    changed = goals.set_status(uid, goal_id, status)
    if changed is None:
        raise UserError(f"you have no goal number {goal_id} (see `anchor goals`)")
    out.print(f"Goal {goal_id} marked {status}: {changed.text}", markup=False)


@goals_app.command("done")
def goals_done(
    goal_id: Annotated[int, typer.Argument(help="The goal's number.")], user: UserOption = None
) -> None:
    """Mark a goal as completed."""
    _set_goal(goal_id, user, "done")


@goals_app.command("drop")
def goals_drop(
    goal_id: Annotated[int, typer.Argument(help="The goal's number.")], user: UserOption = None
) -> None:
    """Drop a goal you no longer intend to pursue."""
    _set_goal(goal_id, user, "dropped")


@privacy_app.command("scrub")
def privacy_scrub() -> None:
    """Scrub personal details from standard input to standard output, line by line."""
    from bot.privacy.scrub import Scrubber

    cfg = settings()
    scrubber = Scrubber(data_dir=cfg.data_dir, organisations_path=cfg.organisations_file)
    for line in sys.stdin:
        sys.stdout.write(scrubber.scrub(line.rstrip("\n")) + "\n")
        sys.stdout.flush()


@safety_app.command("train")
def safety_train() -> None:
    """Retrain the risk model on prompts/safety/training and save it beside the rules."""
    from bot.coach.risk import shipped_model_path, train_from_examples
    from bot.coach.safety import SafetyGate

    cfg = settings()
    gate = SafetyGate.from_dir(cfg.prompts_dir, cfg.eap_line, learned=False)
    with err.status("Training the safety risk model (cross-validated; under a minute)..."):
        model = train_from_examples(cfg.prompts_dir, gate.detector.own_text)
    path = shipped_model_path(cfg.prompts_dir)
    model.save(path)
    out.print(f"Saved {path} (threshold {model.threshold:.3f}, examples digest {model.digest}).")


@eval_app.command("retrieval")
def eval_retrieval(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    data: Annotated[Path | None, typer.Option(help="A retrieval set (YAML).")] = None,
) -> None:
    """Recall@1, recall@3 and MRR for dense, lexical and hybrid retrieval."""
    from bot.evals.retrieval import DEFAULT_SET, run_retrieval_eval

    cfg = settings()
    result = run_retrieval_eval(cfg, data or DEFAULT_SET)
    out.print(json.dumps(result.model_dump(), indent=2) if as_json else result.table())


@eval_app.command("safety")
def eval_safety(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    data: Annotated[Path | None, typer.Option(help="A safety set (YAML).")] = None,
) -> None:
    """Crisis recall and false-positive rate of the safety gate."""
    from bot.evals.safety import DEFAULT_SET, run_safety_eval

    cfg = settings()
    result = run_safety_eval(cfg, data or DEFAULT_SET)
    out.print(json.dumps(result.model_dump(), indent=2) if as_json else result.table())


@eval_app.command("pii")
def eval_pii(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    data: Annotated[Path | None, typer.Option(help="A labelled PII set (YAML).")] = None,
) -> None:
    """Recall and precision per entity type of Anchor's scrubber, beside Presidio's default
    recognizers alone, on evals/data/pii.yaml."""
    from bot.evals.pii import DEFAULT_SET, format_pii_report, run_pii_eval

    report = run_pii_eval(data or DEFAULT_SET, settings().data_dir)
    out.print(report.model_dump_json(indent=2) if as_json else format_pii_report(report))


@eval_app.command("themes")
def eval_themes(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """ARI and NMI of the themes engine against the planted themes of a synthetic corpus
    (scrubbed first), beside a TF-IDF + KMeans baseline; checks that no planted personal
    detail, verbatim message or sub-threshold theme reaches the JSON, CSV or HTML report."""
    from bot.evals.themes import format_themes_report, run_themes_eval
    from bot.knowledge.index import KnowledgeIndex
    from bot.knowledge.retrieve import Retriever

    cfg = settings()
    with progress_bar(True) as update:
        index = KnowledgeIndex(cfg.knowledge_dir, cfg.index_dir, chroma_url=cfg.chroma_url)
        retriever = Retriever.open(index, update)
    with err.status("Scrubbing and clustering the planted corpus..."):
        result = run_themes_eval(cfg.data_dir, retriever, min_people=cfg.min_cohort)
    out.print(result.model_dump_json(indent=2) if as_json else format_themes_report(result))


@eval_app.command("style")
def eval_style(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Score offline replies of every flow on the conversations in evals/data/style.yaml."""
    from bot.evals.style import run_style_eval

    result = run_style_eval(settings())
    out.print(json.dumps(result.model_dump(), indent=2) if as_json else result.table())


@bench_app.callback()
def bench(
    ctx: typer.Context,
    turns: Annotated[int, typer.Option(help="Turns to time (at least 500 for the report).")] = 500,
    themes_messages: Annotated[
        int, typer.Option(min=0, help="Messages for the themes timing (0 skips it).")
    ] = 100_000,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Index build time, `anchor ask` cold start, per-turn latency, peak memory, scrubbing
    rate, and themes for 100,000 messages."""
    if ctx.invoked_subcommand is not None:
        return
    from bot.evals.bench import run_bench

    result = run_bench(settings(), turns=turns, themes_messages=themes_messages)
    out.print(json.dumps(result.model_dump(), indent=2) if as_json else result.table())


@bench_app.command("slack")
def bench_slack(
    events: Annotated[int, typer.Option(help="Signed events per run.")] = 500,
    concurrency: Annotated[int, typer.Option(help="Requests in flight at once.")] = 25,
    retry_every: Annotated[
        int, typer.Option(help="In the second run, deliver every Nth event twice.")
    ] = 5,
    postgres: Annotated[
        str | None,
        typer.Option(
            help="A PostgreSQL server URL: run the app on a scratch database there "
            "(created and dropped) instead of SQLite."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Load the HTTP app with signed events against a fake Slack: ack latency, lost and
    duplicate replies, with and without Slack's retries."""
    from bot.slack.bench import run_slack_bench

    result = run_slack_bench(
        settings(),
        events=events,
        concurrency=concurrency,
        retry_every=retry_every,
        postgres=postgres,
    )
    out.print(json.dumps(result.model_dump(), indent=2) if as_json else result.table())
    if not result.ok:
        raise typer.Exit(1)


@app.command()
def serve(
    http: Annotated[bool, typer.Option("--http", help="Serve Slack's HTTP requests.")] = False,
    socket: Annotated[
        bool, typer.Option("--socket", help="Connect to Slack with Socket Mode.")
    ] = False,
    host: Annotated[str, typer.Option(help="Address to listen on (--http).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (--http).")] = 3000,
) -> None:
    """Run the Slack app (Socket Mode when SLACK_APP_TOKEN is set, else HTTP)."""
    import asyncio

    from bot.slack.app import SlackConfigError, bot_token, make_client, require
    from bot.slack.server import check_token, create_http_app, run_socket_mode

    if http and socket:
        raise UserError("choose one of --http and --socket")
    cfg = settings()
    use_socket = socket or (not http and cfg.slack_app_token is not None)
    try:
        bot_token(cfg)
        if use_socket:
            asyncio.run(run_socket_mode(cfg))
            return
        require(
            cfg.slack_signing_secret,
            "SLACK_SIGNING_SECRET",
            "Copy the Signing Secret from your app's Basic Information page.",
        )
        who = asyncio.run(check_token(make_client(cfg)))
    except SlackConfigError as exc:
        raise UserError(str(exc)) from None
    import uvicorn

    err.print(
        f"Anchor is connected to Slack as {who}; listening on http://{host}:{port}/slack/events"
    )
    uvicorn.run(
        create_http_app(cfg),
        host=host,
        port=port,
        log_level=cfg.log_level.lower(),
        timeout_graceful_shutdown=int(cfg.slack_shutdown_timeout) + 5,
    )


@slack_app.command("manifest")
def slack_manifest() -> None:
    """Print the Slack app manifest (slack/manifest.yaml) to create the app in one step."""
    from bot.config import PROJECT_ROOT

    sys.stdout.write((PROJECT_ROOT / "slack" / "manifest.yaml").read_text(encoding="utf-8"))


@feedback_app.command("export")
def feedback_export() -> None:
    """Print every helpful / not helpful verdict, with the cards the reply cited, as JSON lines
    (no names, no message text): material for evals."""
    from bot.store.open import open_stores

    for item in open_stores(settings()).feedback.export():
        sys.stdout.write(
            json.dumps(
                {
                    "helpful": item.helpful,
                    "card_ids": item.card_ids,
                    "created_at": item.created_at.isoformat(),
                }
            )
            + "\n"
        )


@app.command()
def themes(
    since: Annotated[
        str, typer.Option(help="The period: days or weeks up to today, e.g. 30d.")
    ] = "30d",
    cohort: Annotated[
        str | None, typer.Option(help="Only this cohort (ANCHOR_COHORTS_FILE).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="html, csv or json.")] = "html",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write the report here (default: standard output).")
    ] = None,
) -> None:
    """Anonymised themes and engagement across leaders who chose to contribute, for the
    programme team: counts of people, never text; nothing behind fewer than ANCHOR_MIN_COHORT
    leaders. Every report is written to the audit log."""
    from datetime import UTC, datetime

    from bot.knowledge.index import KnowledgeIndex
    from bot.knowledge.retrieve import Retriever
    from bot.programme.report import render
    from bot.programme.service import Refused, open_programme
    from bot.roles import Roles
    from bot.store.open import open_stores

    if fmt not in REPORT_FORMATS:
        raise UserError("--format must be html, csv or json")
    cfg = settings()
    with progress_bar(True) as update:
        index = KnowledgeIndex(cfg.knowledge_dir, cfg.index_dir, chroma_url=cfg.chroma_url)
        retriever = Retriever.open(index, update)
        roles = Roles(cfg.programme_team, cfg.facilitators)
        programme = open_programme(cfg, open_stores(cfg), retriever, roles)
        try:
            report = programme.report(
                default_user(None),
                since,
                cohort,
                purpose="export",
                detail={"format": fmt},
                progress=update,
            )
        except Refused as refusal:
            raise UserError(refusal.message) from None
    titles = {card_id: card.meta.title for card_id, card in retriever.cards.items()}
    words = programme.texts.report
    text = render(report, REPORT_FORMATS[fmt], words, titles, cfg.prompts_dir, datetime.now(UTC))
    if out_file is None:
        sys.stdout.write(text)
        return
    out_file.write_text(text, encoding="utf-8")
    err.print(
        f"Wrote {out_file}: {len(report.themes.themes)} theme(s) from "
        f"{report.themes.total_people} leaders, {report.window.label}."
    )


@workshops_app.command("list")
def workshops_list() -> None:
    """The workshop plans in prompts/workshops/: id, mode, length and title."""
    from bot.content.workshops import load_workshop_plans

    for plan in load_workshop_plans(settings().prompts_dir).values():
        out.print(
            f"{plan.id:<40} {plan.mode:<6} {plan.duration_minutes:>4} min  {plan.title}",
            markup=False,
        )


@workshops_app.command("export")
def workshops_export(
    plan_id: Annotated[str, typer.Argument(help="The plan's id (see `anchor workshops list`).")],
    fmt: Annotated[str, typer.Option("--format", help="html or markdown.")] = "html",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write the guide here (default: standard output).")
    ] = None,
) -> None:
    """Write a printable facilitator guide for a plan: timings, prompts, answer types, linked
    cards."""
    from bot.content.workshop_guide import render_guide
    from bot.content.workshops import load_workshop_plans
    from bot.knowledge.cards import load_cards

    cfg = settings()
    plans = load_workshop_plans(cfg.prompts_dir)
    if plan_id not in plans:
        raise UserError(f"no workshop plan '{plan_id}'; try one of: {', '.join(sorted(plans))}")
    if fmt not in ("html", "markdown"):
        raise UserError("--format must be html or markdown")
    titles = {card.meta.id: card.meta.title for card in load_cards(cfg.knowledge_dir)}
    guide = render_guide(plans[plan_id], titles, "html" if fmt == "html" else "markdown")
    if out_file is None:
        sys.stdout.write(guide)
        return
    out_file.write_text(guide, encoding="utf-8")
    err.print(f"Wrote {out_file}.")


@maintenance_app.command("purge")
def maintenance_purge(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Delete what retention says has been kept long enough: conversations idle for
    ANCHOR_RETENTION_DAYS, scrubbed theme copies older than ANCHOR_THEME_RETENTION_DAYS, spent
    delivery records. `anchor serve` also does this every ANCHOR_MAINTENANCE_INTERVAL."""
    from datetime import UTC, datetime

    from bot.store.open import open_stores

    cfg = settings()
    purged = open_stores(cfg).retention.purge(
        datetime.now(UTC),
        conversation_days=cfg.retention_days,
        theme_days=cfg.theme_retention_days,
    )
    if as_json:
        out.print(purged.model_dump_json(indent=2))
        return
    for name, count in purged.model_dump().items():
        out.print(f"{name.replace('_', ' ')}: {count} deleted")


@app.command()
def audit(
    limit: Annotated[int, typer.Option(min=1, help="How many entries, newest first.")] = 50,
    action: Annotated[
        str | None, typer.Option(help="Only this action, e.g. themes.view or themes.export.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List the audit log: every view, export or refusal of a programme report, who asked,
    with what parameters."""
    from bot.store.open import open_stores

    entries = open_stores(settings()).audit.entries(limit=limit, action=action)
    if as_json:
        for entry in entries:
            sys.stdout.write(entry.model_dump_json() + "\n")
        return
    if not entries:
        out.print("The audit log is empty.")
        return
    from rich.table import Table

    table = Table("when (UTC)", "who", "action", "parameters", "outcome")
    for entry in entries:
        params = ", ".join(f"{k}={v}" for k, v in sorted(entry.detail.items()))
        when = entry.at.strftime("%Y-%m-%d %H:%M")
        table.add_row(when, entry.actor, entry.action, params, entry.outcome)
    out.print(table)


@app.command()
def keygen() -> None:
    """Print a new encryption key for ANCHOR_ENCRYPTION_KEY."""
    from cryptography.fernet import Fernet

    out.print(Fernet.generate_key().decode("ascii"))


@app.command()
def version() -> None:
    """Print Anchor's version."""
    out.print(f"anchor {__version__}")


def friendly(call: Callable[[], T]) -> T:
    """Run the CLI; show known problems as one clear line and unknown ones without a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.content.errors import ContentError
    from bot.knowledge.cards import CardError
    from bot.store.crypto import CryptoError

    try:
        return call()
    except CardError as exc:
        for problem in exc.problems:
            err.print(str(problem), markup=False)
        err.print("Fix the card(s) above, then run `anchor index` again.")
        raise SystemExit(1) from None
    except (ContentError, CryptoError, UserError) as exc:
        err.print(f"Error: {exc}", markup=False)
        raise SystemExit(1) from None
    except SQLAlchemyError as exc:
        err.print(f"Database problem ({type(exc).__name__}); check ANCHOR_DATABASE_URL.")
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as exc:
        logging.getLogger("anchor").debug("unexpected error", exc_info=True)
        err.print(
            f"Something went wrong ({type(exc).__name__}). "
            "Run again with ANCHOR_LOG_LEVEL=DEBUG to see details."
        )
        raise SystemExit(1) from None


def main() -> None:
    friendly(lambda: app(standalone_mode=True))
