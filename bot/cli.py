"""The `anchor` command: thin wrappers over the services. Heavy imports happen inside commands."""

from __future__ import annotations

import getpass
import json
import logging
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import typer
from rich.console import Console

from bot import __version__
from bot.config import Settings
from bot.outbox_cli import outbox_app

if TYPE_CHECKING:
    from bot.coach.engine import Coach
    from bot.knowledge.index import Progress
    from bot.models import Reply
    from bot.store.goals import Goal, Status

app = typer.Typer(
    help="Anchor: a leadership coach for NHS health and care partnership leaders.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
kb_app = typer.Typer(help="Work with the knowledge base.", no_args_is_help=True)
content_app = typer.Typer(
    help="Work with prompts/: exercises, scenarios, workshops and more.",
    no_args_is_help=True,
)
goals_app = typer.Typer(no_args_is_help=False, invoke_without_command=True)  # help: goals_list
privacy_app = typer.Typer(help="Privacy tools.", no_args_is_help=True)
safety_app = typer.Typer(help="The safety gate's learned risk model.", no_args_is_help=True)
scope_app = typer.Typer(
    help="The learned reading of what Anchor declines (out of scope).", no_args_is_help=True
)
eval_app = typer.Typer(
    help="Score Anchor's quality on the labelled sets in evals/.", no_args_is_help=True
)
app.add_typer(kb_app, name="kb")
app.add_typer(content_app, name="content")
app.add_typer(goals_app, name="goals")
app.add_typer(privacy_app, name="privacy")
app.add_typer(safety_app, name="safety")
app.add_typer(scope_app, name="scope")
slack_app = typer.Typer(help="Slack: the app manifest.", no_args_is_help=True)
feedback_app = typer.Typer(help="Feedback leaders gave on replies.", no_args_is_help=True)
bench_app = typer.Typer(no_args_is_help=False, invoke_without_command=True)  # help: bench
app.add_typer(eval_app, name="eval")
app.add_typer(slack_app, name="slack")
app.add_typer(feedback_app, name="feedback")
app.add_typer(bench_app, name="bench")
maintenance_app = typer.Typer(help="Housekeeping: retention.", no_args_is_help=True)
app.add_typer(maintenance_app, name="maintenance")
workshops_app = typer.Typer(help="Facilitators' workshop plans.", no_args_is_help=True)
app.add_typer(workshops_app, name="workshops")
db_app = typer.Typer(help="The database: schema upgrades.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(outbox_app, name="outbox")

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
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print the results as JSON instead of a table.")
]


def hide_flag_types() -> None:
    """Show flags such as --json and --all in --help without a `<bool>` after them.

    Typer 0.28 and later print `<bool>` after every flag in Rich help (even after --help), as
    if the flag took a value; earlier versions printed nothing there, as we do again here.
    """
    from typer.core import TyperOption

    shown = getattr(TyperOption, "display_type_rich", None)
    if shown is None:
        return

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


hide_flag_types()


class UserError(Exception):
    """A problem the person can fix; shown as a message, never a traceback."""


def file_problem(exc: OSError) -> str | None:
    """A plain sentence naming the file or folder a command could not use (None: no name)."""
    if not exc.filename:
        return None
    path = Path(str(exc.filename))
    if isinstance(exc, FileNotFoundError | NotADirectoryError) and not path.parent.is_dir():
        return f"Folder {path.parent} does not exist."
    if isinstance(exc, FileNotFoundError):
        return f"{path} does not exist."
    if isinstance(exc, IsADirectoryError):
        return f"{path} is a folder: give a file name."
    if isinstance(exc, PermissionError):
        return f"No permission to use {path}."
    return f"Cannot use {path}: {exc.strerror or type(exc).__name__}."


def check_out(path: Path | None) -> Path | None:
    """For --out: refuse a file whose folder is missing before any work is done."""
    if path is not None and not path.parent.is_dir():
        raise UserError(f"Folder {path.parent} does not exist.")
    if path is not None and path.is_dir():
        raise UserError(f"{path} is a folder: give a file name.")
    return path


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


def is_list_item(line: str) -> bool:
    return line.startswith(("• ", "- ", "* ")) or bool(re.match(r"\d+[.)] ", line))


def keep_lines(text: str) -> str:
    """Reply text (one thought a line, as Slack shows it) as Markdown that keeps its lines.

    Markdown joins the lines of a paragraph into one, so every line break inside a paragraph
    becomes a hard break, "• " items become list items, and a list gets a blank line before
    and after so that it is never read as part of the paragraph around it."""
    lines = text.split("\n")
    kept: list[str] = []
    for n, line in enumerate(lines):
        after = lines[n + 1] if n + 1 < len(lines) else ""
        item = is_list_item(line)
        if item and kept and kept[-1].strip() and not is_list_item(kept[-1]):
            kept.append("")
        kept.append(f"- {line[2:]}" if line.startswith("• ") else line)
        if line.strip() and after.strip() and not is_list_item(after):
            if item:
                kept.append("")
            else:
                kept[-1] += "  "  # Markdown's hard line break
    return "\n".join(kept)


def render_text(text: str, console: Console) -> None:
    """Print reply text as Markdown, wrapped to the console's width, one list item a line."""
    from rich.markdown import Markdown

    console.print(Markdown(keep_lines(text), justify="default"), soft_wrap=False)


def render_reply(reply: Reply, console: Console) -> None:
    from rich.markup import escape

    body, found, sources = reply.reply.rpartition("\n\nSources: ")
    render_text(body if found else reply.reply, console)
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


@app.command()
def chat(user: UserOption = None) -> None:
    """Talk with Anchor in the terminal.

    Also reads one message a line from piped input. Type /help inside for what Anchor can do.
    """
    cfg = settings()
    coach = open_coach(cfg)
    who = default_user(user)
    interactive = sys.stdin.isatty()
    help_words = coach.flows.words.help
    notice = help_words.terminal.privacy_notice(
        cfg.retention_days,
        cfg.theme_retention_days,
        cfg.audit_retention_days,
        cfg.outbox_retention_days,
    )
    if interactive:
        out.print("[bold]Anchor[/bold]: a coach for leaders of health and care partnerships.")
        out.print(notice, style="dim", markup=False, highlight=False)
        out.print("[dim]Type /help for what I can do, /quit to leave.[/dim]\n")
    last: Reply | None = None
    for line in _lines(interactive):
        message = line.strip()
        command = message.lower()
        if command in {"/quit", "/exit", "/q"}:
            break
        if command == "/help":
            render_text(help_words.text(terminal=True), out)
        elif command == "/new":
            coach.new_conversation(who, "cli:chat")
            last = None
            out.print("[dim]Started a fresh conversation.[/dim]")
        elif command == "/sources":
            _print_sources(last)
        elif command == "/privacy":
            out.print(notice, markup=False, highlight=False)
        elif command.startswith("/"):
            unknown = help_words.terminal.unknown.format(command=message.split()[0])
            render_text(f"{unknown}\n\n{help_words.terminal.text()}", out)
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
    """Build or refresh the knowledge index.

    Only changed cards are re-embedded; --force rebuilds everything.
    """
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
    """Lint the cards: schema, ids, links, sources, length, review dates.

    Warns when a card's last review is older than ANCHOR_KB_REVIEW_MONTHS.
    """
    from bot.knowledge.lint import check_directory, overdue_reviews

    cfg = settings()
    cards, problems = check_directory(cfg.knowledge_dir)
    warnings = overdue_reviews(cards, cfg.kb_review_months)
    for warning in warnings:
        err.print(f"warning: {warning}", markup=False)
    for problem in problems:
        err.print(str(problem), markup=False)
    if problems:
        err.print(f"{len(problems)} problem(s) in {cfg.knowledge_dir}.")
        raise typer.Exit(1)
    due = f" {len(warnings)} due for review." if warnings else ""
    out.print(f"{len(cards)} cards OK.{due}")


@content_app.command("check")
def content_check() -> None:
    """Validate prompts/ and the knowledge cards it links to.

    Checks exercises, scenarios, workshop plans, safety rules, templates and privacy lists.
    """
    from bot.content.check import check_content
    from bot.datafiles import ContentError
    from bot.knowledge.cards import card_files
    from bot.privacy.given_names import load_given_names
    from bot.privacy.lexicon import load_lexicon
    from bot.privacy.organisation_list import load_organisations

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
    """Your commitments: list, complete and drop them.

    `anchor goals` lists your open goals, numbered 1, 2, 3 (with --all, closed ones too).

    Use those numbers with `anchor goals done` and `anchor goals drop`.
    """
    if ctx.invoked_subcommand is not None:
        return
    goals, uid = goal_store(user)
    found = goals.list(uid)
    closed = [g for g in goals.list(uid, include_closed=True) if g.status != "open"]
    if not found and not (show_all and closed):
        out.print(
            "No goals yet. Commitments from exercises and coaching conversations appear here."
        )
        return
    for line in goal_lines(found, closed if show_all else []):
        out.print(line, markup=False)


def goal_lines(open_goals: list[Goal], closed: list[Goal]) -> list[str]:
    """Open goals numbered from 1 in the person's own list (the numbers `done` and `drop`
    take), then closed goals, unnumbered, with their status."""
    lines = [f"{n}. {g.text}{g.due_phrase}" for n, g in enumerate(open_goals, start=1)]
    return lines + [f"-  {g.text}{g.due_phrase} [{g.status}]" for g in closed]


def _set_goal(number: int, user: str | None, status: Status) -> None:
    goals, uid = goal_store(user)
    goal = goals.open_by_number(uid, number)
    changed = goals.set_status(uid, goal.id, status) if goal is not None else None
    if changed is None:
        raise UserError(f"you have no open goal number {number} (see `anchor goals`)")
    out.print(f"Goal {number} marked {status}: {changed.text}", markup=False)


GoalNumber = Annotated[
    int, typer.Argument(help="The goal's number in your list (see `anchor goals`).")
]


@goals_app.command("done")
def goals_done(number: GoalNumber, user: UserOption = None) -> None:
    """Mark a goal as completed."""
    _set_goal(number, user, "done")


@goals_app.command("drop")
def goals_drop(number: GoalNumber, user: UserOption = None) -> None:
    """Drop a goal you no longer intend to pursue."""
    _set_goal(number, user, "dropped")


@privacy_app.command("scrub")
def privacy_scrub() -> None:
    """Scrub personal details from standard input, line by line.

    Each scrubbed line is written to standard output.
    """
    from bot.privacy.scrub import Scrubber

    cfg = settings()
    scrubber = Scrubber(data_dir=cfg.data_dir, organisations_path=cfg.organisations_file)
    for line in sys.stdin:
        sys.stdout.write(scrubber.scrub(line.rstrip("\n")) + "\n")
        sys.stdout.flush()


@safety_app.command("train")
def safety_train() -> None:
    """Retrain the safety gate's risk model.

    Trains on prompts/safety/training (one head per level) and saves it beside the rules.
    """
    from bot.coach.risk import shipped_model_path, train_from_examples
    from bot.coach.safety import SafetyGate
    from bot.content.training import training_digest

    cfg = settings()
    gate = SafetyGate.from_dir(cfg.prompts_dir, cfg.eap_line, learned=False)
    detector = gate.detector
    with err.status("Training the safety risk model (cross-validated; about a minute)..."):
        model = train_from_examples(
            cfg.prompts_dir,
            detector.own_text,
            lambda raw: detector.crisis_text(detector.normalise(raw)),
        )
    path = shipped_model_path(cfg.prompts_dir)
    model.save(path)
    shown = ", ".join(f"{level} {value:.3f}" for level, value in model.thresholds().items())
    out.print(f"Saved {path} (thresholds {shown}; examples digest {model.digest}).")
    if model.encoder is not None:
        fitted_on, now = model.encoder.get().digest, training_digest(cfg.prompts_dir)
        out.print(
            f"The crisis and concern heads are combined with the encoder in "
            f"{model.encoder.directory}"
            + (
                "."
                if fitted_on == now
                else f", fitted on other examples ({fitted_on}, now {now}): refit it when you "
                "can (scripts/encoder_fit.py)."
            )
        )


@scope_app.command("train")
def scope_train() -> None:
    """Retrain the model of what Anchor declines as out of scope.

    Trains on prompts/scope, knowledge/asked and the safety examples; saves scope-model.npz.
    """
    from bot.coach.scope_model import shipped_path, train_scope_model

    cfg = settings()
    with err.status("Training the scope model (cross-validated; under a minute)..."):
        model = train_scope_model(cfg.prompts_dir, cfg.knowledge_dir)
    path = shipped_path(cfg.prompts_dir)
    model.save(path)
    out.print(f"Saved {path} (threshold {model.threshold:.3f}; examples digest {model.digest}).")


@safety_app.command("cv")
def safety_cv(
    add: Annotated[
        list[Path] | None,
        typer.Option(help="A new writer's examples (YAML), graded as a writer of its own."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Leave-one-writer-out figures for the safety gate.

    Each writer's examples graded by the gate with a model trained on the other writers only.
    """
    from bot.coach.safety import SafetyGate
    from bot.evals.writers import cross_validate, load_by_writer

    cfg = settings()
    gate = SafetyGate.from_dir(cfg.prompts_dir, cfg.eap_line, learned=False)
    written = load_by_writer(cfg.prompts_dir, add or [])
    with err.status("Training one model per writer left out...") as status:
        result = cross_validate(
            gate, written, lambda writer: status.update(f"Leaving out writer {writer}...")
        )
    out.print(result.model_dump_json(indent=2) if as_json else result.table(), markup=False)


@safety_app.command("explain")
def safety_explain(
    text: Annotated[str, typer.Argument(help="The message to explain (never logged).")],
    as_json: JsonOption = False,
) -> None:
    """Show which safety signals fire on a message, and why.

    The gate's level, matching rules, learned scores and thresholds, top n-grams, nearest examples.
    """
    from bot.coach.explain import explain
    from bot.coach.safety import SafetyGate

    cfg = settings()
    gate = SafetyGate.from_dir(cfg.prompts_dir, cfg.eap_line, cache_dir=cfg.index_dir / "models")
    found = explain(gate, text, cfg.prompts_dir)
    if as_json:
        out.print(json.dumps(found.as_dict(), indent=2, ensure_ascii=False), markup=False)
    else:
        out.print("\n".join(found.lines()), markup=False, highlight=False)


@eval_app.command("retrieval")
def eval_retrieval(
    as_json: JsonOption = False,
    data: Annotated[Path | None, typer.Option(help="A retrieval set (YAML).")] = None,
    sealed: Annotated[
        Path | None,
        typer.Option(
            "--sealed",
            help="A sealed coaching set's folder (questions.yaml): its in-scope questions'"
            " fitting cards, figures only; the measurement is added to evals/sealed/log.jsonl.",
        ),
    ] = None,
    note: Annotated[
        str, typer.Option(help="With --sealed: the change of design being measured.")
    ] = "",
    replies: Annotated[
        bool,
        typer.Option(
            "--replies",
            help="Also ask the offline coach each question: how often its reply cites an"
            " expected card, another card, or says nothing fits.",
        ),
    ] = False,
) -> None:
    """Recall@1, @3 and MRR of dense, lexical and hybrid retrieval.

    With --replies, what the coach's replies to the same questions cite.
    """
    from bot.evals.retrieval import DEFAULT_SET, run_retrieval_eval

    cfg = settings()
    if sealed is not None:
        from bot.evals.retrieval_sealed import run_sealed_retrieval
        from bot.evals.sealed import record

        try:
            found = run_sealed_retrieval(cfg, sealed)
        except (OSError, ValueError) as exc:
            err.print(f"Cannot measure the sealed set: {exc}", markup=False)
            raise typer.Exit(2) from None
        record(found, note)
        out.print(json.dumps(found.figures(), indent=2) if as_json else found.table(), markup=False)
        return
    path = data or DEFAULT_SET
    result = run_retrieval_eval(cfg, path)
    if not replies:
        out.print(json.dumps(result.model_dump(), indent=2) if as_json else result.table())
        return
    from bot.evals.replies import run_replies_eval

    (cited,) = run_replies_eval(cfg, [path])
    if as_json:
        both = {"retrieval": result.model_dump(), "replies": cited.model_dump()}
        out.print(json.dumps(both, indent=2), markup=False)
    else:
        out.print(f"{result.table()}\n\n{cited.table()}", markup=False)


@eval_app.command("facts")
def eval_facts(
    as_json: JsonOption = False,
    data: Annotated[Path | None, typer.Option(help="A set of fact checks (YAML).")] = None,
) -> None:
    """Dated fact checks over the cards (evals/data/facts.yaml).

    Claims each card must make, and corrected errors it must not make again.

    Exits 1 if any check fails.
    """
    from bot.evals.facts import DEFAULT_SET, run_facts_eval

    cfg = settings()
    result = run_facts_eval(
        cfg.knowledge_dir, data or DEFAULT_SET, review_months=cfg.kb_review_months
    )
    out.print(result.model_dump_json(indent=2) if as_json else result.table(), markup=False)
    if not result.ok:
        raise typer.Exit(1)


@eval_app.command("safety")
def eval_safety(
    as_json: JsonOption = False,
    data: Annotated[Path | None, typer.Option(help="A safety set (YAML).")] = None,
    sealed: Annotated[
        Path | None,
        typer.Option(
            "--sealed",
            help="A sealed set's folder (evals/sealed/NAME): figures only, never a message;"
            " the measurement is added to evals/sealed/log.jsonl.",
        ),
    ] = None,
    note: Annotated[
        str, typer.Option(help="With --sealed: the change of design being measured.")
    ] = "",
) -> None:
    """Crisis recall and false-positive rate of the safety gate."""
    from bot.coach.safety import SafetyGate
    from bot.evals.safety import DEFAULT_SET, grade, run_safety_eval
    from bot.evals.sealed import measure, record

    cfg = settings()
    if sealed is not None:
        gate = SafetyGate.from_dir(cfg.prompts_dir, cfg.eap_line)
        rules = SafetyGate.from_dir(cfg.prompts_dir, cfg.eap_line, learned=False)
        found = measure(sealed, lambda text: grade(gate, text), lambda text: grade(rules, text))
        record(found, note)
        out.print(json.dumps(found.figures(), indent=2) if as_json else found.table())
        return
    result = run_safety_eval(cfg, data or DEFAULT_SET)
    out.print(json.dumps(result.model_dump(), indent=2) if as_json else result.table())


@eval_app.command("pii")
def eval_pii(
    as_json: JsonOption = False,
    data: Annotated[Path | None, typer.Option(help="A labelled PII set (YAML).")] = None,
    sealed: Annotated[
        Path | None,
        typer.Option(
            "--sealed",
            help="A sealed names set's folder (evals/sealed/NAME): recall by word and clean"
            " texts changed, figures only; the measurement is added to evals/sealed/log.jsonl.",
        ),
    ] = None,
    note: Annotated[
        str, typer.Option(help="With --sealed: the change of design being measured.")
    ] = "",
    by_word: Annotated[
        bool,
        typer.Option(
            "--by-word",
            help="Recall by word (names, organisations, all types) and clean texts changed on"
            " every in-house set (or --data), as the sealed runner scores them.",
        ),
    ] = False,
    misses: Annotated[
        bool, typer.Option("--misses", help="With --by-word: list missed words, changed texts.")
    ] = False,
) -> None:
    """Recall and precision per entity type of Anchor's scrubber.

    Measured on evals/data/pii.yaml, beside Presidio's default recognizers alone.
    """
    from bot.evals.pii import DEFAULT_SET, format_pii_report, run_pii_eval

    if by_word:
        from bot.evals.pii_by_word import IN_HOUSE_SETS, format_by_word, measure_file

        paths = [data] if data is not None else list(IN_HOUSE_SETS)
        results = [measure_file(path, settings().data_dir) for path in paths]
        out.print(format_by_word(results, misses=misses), markup=False, soft_wrap=True)
        return
    if sealed is not None:
        from bot.evals.pii_sealed import SealedSetError, measure_pii, record_pii

        try:
            found = measure_pii(sealed, settings().data_dir)
        except (SealedSetError, FileNotFoundError) as exc:
            out.print(f"Cannot measure the sealed set: {exc}", markup=False)
            raise typer.Exit(2) from None
        record_pii(found, note)
        out.print(json.dumps(found.figures(), indent=2) if as_json else found.table(), markup=False)
        return
    report = run_pii_eval(data or DEFAULT_SET, settings().data_dir)
    out.print(report.model_dump_json(indent=2) if as_json else format_pii_report(report))


@eval_app.command("themes")
def eval_themes(
    as_json: JsonOption = False,
    sealed: Annotated[
        Path | None,
        typer.Option(
            "--sealed",
            help="A sealed themes set's folder (corpus.yaml): clustering, themes found, the"
            " rare theme and leaks, figures only; the measurement is added to"
            " evals/sealed/log.jsonl.",
        ),
    ] = None,
    note: Annotated[
        str, typer.Option(help="With --sealed: the change of design being measured.")
    ] = "",
    no_log: Annotated[
        bool,
        typer.Option(
            "--no-log",
            help="With --sealed: do not add the measurement to evals/sealed/log.jsonl (for a"
            " development set such as evals/data/themes_dev, which is not sealed).",
        ),
    ] = False,
) -> None:
    """How well the themes engine finds themes planted in a corpus.

    Reports ARI and NMI (the corpus is scrubbed first), beside a TF-IDF + KMeans baseline.

    Also checks that no personal detail, verbatim message or too-small theme reaches a report.
    """
    from bot.evals.themes import format_themes_report, run_themes_eval
    from bot.knowledge.index import KnowledgeIndex
    from bot.knowledge.retrieve import Retriever

    cfg = settings()
    if sealed is not None:
        from bot.evals.sealed import record
        from bot.evals.themes_sealed import load_corpus

        try:
            load_corpus(sealed)  # a set that does not load is refused before the slow part
        except (OSError, ValueError) as exc:
            err.print(f"Cannot measure the sealed set: {exc}", markup=False)
            raise typer.Exit(2) from None
    with progress_bar(True) as update:
        index = KnowledgeIndex(cfg.knowledge_dir, cfg.index_dir, chroma_url=cfg.chroma_url)
        retriever = Retriever.open(index, update)
    if sealed is not None:
        from bot.evals.themes_sealed import run_sealed_themes

        with err.status("Scrubbing and clustering the sealed corpus..."):
            found = run_sealed_themes(cfg, sealed, retriever)
        if not no_log:
            record(found, note)
        out.print(json.dumps(found.figures(), indent=2) if as_json else found.table(), markup=False)
        return
    with err.status("Scrubbing and clustering the planted corpus..."):
        result = run_themes_eval(cfg.data_dir, retriever, min_people=cfg.min_cohort)
    out.print(result.model_dump_json(indent=2) if as_json else format_themes_report(result))


@eval_app.command("style")
def eval_style(as_json: JsonOption = False) -> None:
    """Score the style of offline replies in every flow.

    Uses the conversations in evals/data/style.yaml; fails on any problem.
    """
    from bot.evals.style import run_style_eval

    result = run_style_eval(settings())
    out.print(json.dumps(result.model_dump(), indent=2) if as_json else result.table())
    if not result.ok:
        raise typer.Exit(1)


@eval_app.command("conversations")
def eval_conversations(as_json: JsonOption = False) -> None:
    """Scripted multi-turn conversations, each rule checked.

    Uses evals/data/conversations.yaml; fails when any conversation breaks a rule.
    """
    from bot.evals.conversations import run_conversation_eval

    result = run_conversation_eval(settings())
    out.print(result.model_dump_json(indent=2) if as_json else result.table(), markup=False)
    if not result.ok:
        raise typer.Exit(1)


@eval_app.command("coaching")
def eval_coaching(
    sealed: Annotated[
        Path,
        typer.Option(
            "--sealed",
            help="A sealed coaching set's folder (questions.yaml): figures only, never a"
            " message; the measurement is added to evals/sealed/log.jsonl.",
        ),
    ],
    note: Annotated[str, typer.Option(help="The change of design being measured.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Coaching replies on a sealed set, figures only.

    Fitting card cited, the leader's words picked up, opening frames, fragments, out of scope.
    """
    from bot.evals.coaching import run_sealed_coaching
    from bot.evals.sealed import record

    try:
        found = run_sealed_coaching(settings(), sealed)
    except FileNotFoundError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from exc
    record(found, note)
    out.print(json.dumps(found.figures(), indent=2) if as_json else found.table(), markup=False)


@bench_app.callback()
def bench(
    ctx: typer.Context,
    turns: Annotated[int, typer.Option(help="Turns to time (at least 500 for the report).")] = 500,
    themes_messages: Annotated[
        int, typer.Option(min=0, help="Messages for the themes timing (0 skips it).")
    ] = 100_000,
    as_json: JsonOption = False,
) -> None:
    """Benchmarks: the coach, or the Slack app with `bench slack`.

    `anchor bench` times index build, cold start, turns, memory, scrubbing and themes.
    """
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
    as_json: JsonOption = False,
) -> None:
    """Load the Slack HTTP app with signed events against a fake Slack.

    Reports ack latency and lost or duplicate replies, with and without Slack's retries.
    """
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
    """Run the Slack app.

    Uses Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP (see --http and --socket).
    """
    import asyncio

    from bot.slack.app import SlackConfigError, bot_token, make_client, require
    from bot.slack.server import check_token, create_http_app, run_socket_mode

    if http and socket:
        raise UserError("choose one of --http and --socket")
    cfg = settings()
    use_socket = socket or (not http and cfg.slack_app_token is not None)
    try:
        bot_token(cfg)
        require_served_key(cfg)
        err.print(upgrade_database(cfg))
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


def require_served_key(cfg: Settings) -> None:
    """`anchor serve` starts only with a key kept apart from the data (CryptoError otherwise,
    shown as one paragraph saying how to provide one)."""
    from bot.store.open import settings_key

    settings_key(cfg, local=False)


def upgrade_database(cfg: Settings) -> str:
    """Upgrade the database to this release's schema (under a lock: replicas take turns)."""
    from bot.store.conversations import make_engine
    from bot.store.schema import upgrade

    engine = make_engine(cfg.resolved_database_url)
    try:
        before, after = upgrade(engine)
    finally:
        engine.dispose()
    if before == after:
        return f"Database schema: at revision {after} (head)."
    return f"Database schema: upgraded from {before or 'no revision'} to {after} (head)."


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Upgrade the database schema to this release's newest revision.

    Back up the database first.

    `anchor serve` does this at start; replicas starting at once take turns.
    """
    out.print(upgrade_database(settings()))


@db_app.command("current")
def db_current() -> None:
    """Show the database's schema revision and this release's newest.

    A database made before migrations shows no revision until its first upgrade.
    """
    from bot.store.conversations import make_engine
    from bot.store.schema import current_revision, head_revision

    engine = make_engine(settings().resolved_database_url)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    state = "head" if current == head else f"this release's newest is {head}"
    out.print(f"{current or 'no revision'} ({state})")


@slack_app.command("manifest")
def slack_manifest() -> None:
    """Print the Slack app manifest (slack/manifest.yaml).

    Use it to create the Slack app in one step.
    """
    from bot.config import PROJECT_ROOT

    sys.stdout.write((PROJECT_ROOT / "slack" / "manifest.yaml").read_text(encoding="utf-8"))


@feedback_app.command("export")
def feedback_export() -> None:
    """Print leaders' helpful / not helpful verdicts as JSON lines.

    Material for evals: each line has the verdict, the cards the reply cited and when.

    No names and no message text are included.
    """
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
        Path | None,
        typer.Option(
            "--out",
            callback=check_out,
            help="Write the report to this file (default: standard output).",
        ),
    ] = None,
) -> None:
    """Anonymised themes and engagement, for the programme team.

    Only leaders who chose to contribute count: numbers of people, never their words.

    Nothing is shown about fewer than ANCHOR_MIN_COHORT leaders.

    Every report is written to the audit log (see `anchor audit`).
    """
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


@app.command()
def demo(
    folder: Annotated[
        Path, typer.Option("--dir", help="The demo's own data folder (made if missing).")
    ] = Path(".anchor-demo"),
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild an existing demo folder from nothing.")
    ] = False,
) -> None:
    """Fill a demo data folder with a synthetic programme.

    About 36 invented leaders, eight weeks of coaching, exercises and one finished workshop.

    All played through the real services; then it writes the themes report and workshop summary.

    Never touches ANCHOR_DATA_DIR: refuses that folder and any folder it did not make.
    """
    from bot.demo.folder import DemoRefused, prepare_folder

    cfg = settings()
    try:
        target = prepare_folder(folder, cfg.data_dir, force=force)
    except DemoRefused as exc:
        raise UserError(str(exc)) from None
    from bot.demo.build import build_demo
    from bot.demo.coaching import DemoError
    from bot.demo.outcome import describe, set_elsewhere

    try:
        with progress_bar(True) as update:
            made = build_demo(cfg, target, operator=default_user(None), progress=update)
    except DemoError as exc:
        raise UserError(f"{exc}; fix prompts/demo/programme.yaml, then add --force") from None
    for line in describe(made, folder, set_elsewhere(cfg)):
        out.print(line, markup=False)


@workshops_app.command("list")
def workshops_list() -> None:
    """List the workshop plans: id, mode, length and title.

    The plans are in prompts/workshops/.
    """
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
        Path | None,
        typer.Option(
            "--out",
            callback=check_out,
            help="Write the guide to this file (default: standard output).",
        ),
    ] = None,
) -> None:
    """Write a printable facilitator guide for a workshop plan.

    The guide has the timings, prompts, answer types and linked cards.
    """
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
def maintenance_purge(
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Delete what the retention settings say has been kept long enough.

    After ANCHOR_RETENTION_DAYS: idle conversations, feedback, goals and old workshop runs.

    People with nothing else left go then too, and so do spent delivery records.

    Scrubbed copies kept for themes go after ANCHOR_THEME_RETENTION_DAYS.

    `anchor serve` also does this every ANCHOR_MAINTENANCE_INTERVAL.
    """
    from datetime import UTC, datetime

    from bot.store.open import open_stores

    cfg = settings()
    purged = open_stores(cfg).retention.purge(
        datetime.now(UTC),
        conversation_days=cfg.retention_days,
        theme_days=cfg.theme_retention_days,
        audit_days=cfg.audit_retention_days,
        outbox_days=cfg.outbox_retention_days,
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
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per entry (JSON lines).")
    ] = False,
) -> None:
    """List the audit log, newest first.

    Every view, export or refusal of a programme report: who asked, with what parameters.
    """
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
def doctor(as_json: JsonOption = False) -> None:
    """Check this deployment keeps people's data safe at rest.

    The key apart from the data, file modes, the schema, no plain ids beside safety levels.

    Retention periods and Slack's settings too; each failure says what to do.

    Exits 1 if any check fails. Creates and changes nothing.
    """
    from bot.doctor import diagnose

    report = diagnose(settings())
    if as_json:
        out.print(report.model_dump_json(indent=2))
    else:
        for line in report.lines():
            out.print(line, markup=False)
    if not report.ok:
        raise typer.Exit(1)


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
    from bot.store.schema import SchemaError

    try:
        return call()
    except CardError as exc:
        for problem in exc.problems:
            err.print(str(problem), markup=False)
        err.print("Fix the card(s) above, then run `anchor index` again.")
        raise SystemExit(1) from None
    except (ContentError, CryptoError, SchemaError, UserError) as exc:
        err.print(f"Error: {exc}", markup=False)
        raise SystemExit(1) from None
    except SQLAlchemyError as exc:
        err.print(f"Database problem ({type(exc).__name__}); check ANCHOR_DATABASE_URL.")
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as exc:
        unusable = file_problem(exc) if isinstance(exc, OSError) else None
        if unusable is not None:
            err.print(f"Error: {unusable}", markup=False)
            raise SystemExit(1) from None
        logging.getLogger("anchor").debug("unexpected error", exc_info=True)
        err.print(
            f"Something went wrong ({type(exc).__name__}). "
            "Run again with ANCHOR_LOG_LEVEL=DEBUG to see details."
        )
        raise SystemExit(1) from None


def main() -> None:
    friendly(lambda: app(standalone_mode=True))
