"""The README documents every setting and every command (datasette-style docs tests)."""

from __future__ import annotations

import re

import typer.main

from bot.cli import app
from bot.config import PROJECT_ROOT, Settings

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def env_names() -> set[str]:
    names = set()
    for name, field in Settings.model_fields.items():
        names.add(str(field.validation_alias or field.alias or f"ANCHOR_{name.upper()}"))
    return names


def test_every_setting_is_in_the_configuration_table() -> None:
    documented = set(re.findall(r"^\| `((?:ANCHOR|SLACK)_[A-Z_]+)`", README, flags=re.MULTILINE))
    assert env_names() == documented


def command_paths() -> set[str]:
    group = typer.main.get_command(app)
    paths: set[str] = set()

    def walk(command: object, prefix: str) -> None:
        children = getattr(command, "commands", None)
        if children:
            for name, child in children.items():
                walk(child, f"{prefix} {name}".strip())
        else:
            paths.add(prefix)

    walk(group, "")
    return paths


def test_every_command_is_documented() -> None:
    for path in command_paths():
        assert f"`anchor {path}" in README, f"README does not document `anchor {path}`"


def test_the_quick_start_has_the_two_commands_ci_uses() -> None:
    assert "make chat" in README and "make test" in README
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
