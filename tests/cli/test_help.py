"""`anchor ... --help` reads cleanly for every command, at 80 and at 120 columns."""

from __future__ import annotations

import inspect
import itertools
import re

import pytest
import typer.main
from typer.testing import CliRunner

from bot.cli import app

ANSI = re.compile(r"\x1b\[[0-9;]*m")
SUMMARY = 72  # a short first line


def commands() -> dict[str, typer.core.TyperCommand | typer.core.TyperGroup]:
    """Every command and group, by its path ("" is `anchor` itself)."""
    found: dict[str, typer.core.TyperCommand | typer.core.TyperGroup] = {}

    def walk(command: typer.core.TyperCommand | typer.core.TyperGroup, path: str) -> None:
        found[path] = command
        for name, child in getattr(command, "commands", {}).items():
            walk(child, f"{path} {name}".strip())

    walk(typer.main.get_command(app), "")  # type: ignore[arg-type]
    return found


COMMANDS = commands()
GROUPS = sorted(path for path, command in COMMANDS.items() if getattr(command, "commands", None))


def paragraphs(command: typer.core.TyperCommand | typer.core.TyperGroup) -> list[str]:
    return inspect.cleandoc(command.help or "").split("\n\n")


def help_screen(path: str, columns: int) -> str:
    result = CliRunner().invoke(app, [*path.split(), "--help"], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return ANSI.sub("", result.output)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_has_a_short_one_line_summary(path: str) -> None:
    summary = paragraphs(COMMANDS[path])[0]
    assert summary and "\n" not in summary, f"`anchor {path}`: summary spans lines"
    assert len(summary) <= SUMMARY, f"`anchor {path}`: summary over {SUMMARY} characters"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_no_help_paragraph_has_a_line_break_of_its_own(path: str) -> None:
    """Rich keeps a docstring's single line breaks, so a paragraph written over two lines
    breaks mid-line on screen: every paragraph is one line, paragraphs are apart."""
    for paragraph in paragraphs(COMMANDS[path]):
        assert "\n" not in paragraph, f"`anchor {path}`: {paragraph!r}"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_option_and_argument_has_help(path: str) -> None:
    for param in COMMANDS[path].params:
        assert getattr(param, "help", None), f"`anchor {path}`: {param.name} has no help"


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_help_screens_show_flags_as_flags_and_never_break_early(path: str, columns: int) -> None:
    screen = help_screen(path, columns)
    assert "<bool>" not in screen  # --json, --all, --force, --help take no value
    assert all(len(line) <= columns for line in screen.splitlines())
    described = screen.split("╭")[0].splitlines()
    for line, following in itertools.pairwise(described):
        if line.strip() and following.strip() and not line.lstrip().startswith("Usage:"):
            next_word = following.split()[0]
            room = columns - 2 - len(line.rstrip())
            assert len(next_word) + 1 > room, f"line broken early: {line.strip()!r}"


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("group", GROUPS)
def test_a_command_list_gives_each_command_one_line(group: str, columns: int) -> None:
    lines = help_screen(group, columns).splitlines()
    for name, command in COMMANDS[group].commands.items():  # type: ignore[union-attr]
        summary = paragraphs(command)[0]
        assert any(f" {name} " in line and summary in line for line in lines), summary


def test_json_is_a_flag_with_help_wherever_it_appears() -> None:
    with_json = [p for p, c in COMMANDS.items() if any("--json" in x.opts for x in c.params)]
    assert {"audit", "eval themes", "maintenance purge", "ask"} <= set(with_json)
    for path in with_json:
        row = next(line for line in help_screen(path, 80).splitlines() if "--json" in line)
        assert re.search(r"--json\s+[A-Z]", row), row  # straight on to its help text
