"""The README and docs/ match the code: every setting, every command, every key of
`anchor ask --json`, and links and paths that stay inside the repository (datasette-style docs
tests)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from bot.cli import app
from bot.config import PROJECT_ROOT, Settings

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
DOCS = PROJECT_ROOT / "docs"
CLI_JSON = DOCS / "cli-json.md"


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


# --- links and paths ---------------------------------------------------------------------------


def markdown_files() -> list[Path]:
    return [PROJECT_ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


LINK = re.compile(r"\]\(([^()\s]+)\)")
REPO_PATH = re.compile(r"`((?:bot|prompts|knowledge|evals|tests|slack|docs)/[^`\s<>*{}]*)`")


def heading_anchors(text: str) -> set[str]:
    """GitHub's anchors for the Markdown headings of a page (outside code blocks)."""
    anchors: set[str] = set()
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            anchors.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return anchors


def test_the_docs_exist_and_the_readme_points_to_them() -> None:
    for name in ("architecture.md", "cli-json.md"):
        assert (DOCS / name).is_file()
        assert f"](docs/{name})" in README, f"README does not link docs/{name}"


@pytest.mark.parametrize("page", markdown_files(), ids=lambda p: p.name)
def test_no_link_or_path_leaves_the_repository(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert "../" not in text, f"{page.name} points outside its folder with ../"
    assert "shared/DESIGN" not in text


@pytest.mark.parametrize("page", markdown_files(), ids=lambda p: p.name)
def test_every_relative_link_resolves(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    root = PROJECT_ROOT.resolve()
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ...
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page.resolve()
        assert file.is_relative_to(root), f"{page.name}: {target} is outside the repository"
        assert file.exists(), f"{page.name}: {target} does not exist"
        if anchor and file.suffix == ".md":
            anchors = heading_anchors(file.read_text(encoding="utf-8"))
            assert anchor in anchors, f"{page.name}: no heading for #{anchor} in {file.name}"


@pytest.mark.parametrize("page", markdown_files(), ids=lambda p: p.name)
def test_every_repository_path_named_exists(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    missing = [p for p in REPO_PATH.findall(text) if not (PROJECT_ROOT / p).exists()]
    assert not missing, f"{page.name} names paths that do not exist: {missing}"


# --- `anchor ask --json` ----------------------------------------------------------------------


def ask_json(question: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["ask", "--json", "--user", "docs:test", question])
    assert result.exit_code == 0, result.output
    reply = json.loads(result.stdout)
    assert isinstance(reply, dict)
    return reply


@pytest.fixture
def replies(
    tmp_path: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> list[dict[str, Any]]:
    """What `anchor ask --json` really prints: a grounded answer to an over-long message (so
    `notes` appears), and the opening of a scenario (so `options` and `flow` are filled)."""
    monkeypatch.setenv("ANCHOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ANCHOR_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("ANCHOR_MAX_MESSAGE_CHARS", "200")
    long_question = "our council partner walked out of the ICP over the funding paper, what now? "
    return [
        ask_json(long_question + "the funding paper assumed council money " * 10),
        ask_json("practise a difficult conversation about a council partner who walks out"),
    ]


def documented_keys(section: str) -> set[str]:
    """The keys in the first column of the table under a `## ` heading of docs/cli-json.md."""
    text = CLI_JSON.read_text(encoding="utf-8")
    body = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", body, flags=re.MULTILINE))


def test_every_key_anchor_ask_json_prints_is_documented(replies: list[dict[str, Any]]) -> None:
    grounded, scenario = replies
    assert grounded["notes"] and grounded["citations"]
    assert scenario["options"] and scenario["flow"], "the scenario run shows options and flow"

    printed = set(grounded) | set(scenario)
    assert printed == documented_keys("Top-level keys")
    assert set(scenario["flow"]) == documented_keys("`flow`")

    doc = CLI_JSON.read_text(encoding="utf-8")
    nested = {
        *scenario["options"][0],
        *grounded["safety"],
        *grounded["citations"][0],
        *grounded["citations"][0]["sources"][0],
    }
    for key in nested:
        assert f"`{key}`" in doc, f"docs/cli-json.md does not describe `{key}`"
    for key in printed - {"notes"}:
        assert f'"{key}"' in README, f"README's `anchor ask --json` line does not list {key}"
    assert '"notes"' in README
