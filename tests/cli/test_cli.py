"""The `anchor` command, run as a real process the way a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import write_card

pytestmark = pytest.mark.slow  # each test starts `anchor` as a process (seconds each)


def run(
    args: list[str], env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def env(tmp_path: Path, index_dir: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ANCHOR_")}
    return {
        **clean,
        "ANCHOR_DATA_DIR": str(tmp_path / "data"),
        "ANCHOR_INDEX_DIR": str(index_dir),
        "COLUMNS": "120",
    }


def test_ask_json_has_the_documented_shape(env: dict[str, str]) -> None:
    result = run(
        ["ask", "how do I rebuild trust with the council after they walked out?", "--json"], env
    )
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert set(reply) >= {"reply", "citations", "mode", "safety"}
    assert reply["mode"] == "offline"
    assert reply["safety"]["level"] == "none"
    assert reply["citations"], "a grounded answer cites its cards"
    first = reply["citations"][0]
    assert set(first) == {"card_id", "title", "sources"}
    assert first["sources"][0]["author"] and first["sources"][0]["year"]
    assert reply["reply"].count("?") >= 1


def test_ask_in_crisis_gives_signposting(env: dict[str, str]) -> None:
    result = run(["ask", "i dont want to be here anymore", "--json"], env)
    reply = json.loads(result.stdout)
    assert reply["safety"]["level"] == "crisis"
    assert "116 123" in reply["reply"] and "999" in reply["reply"]


def test_ask_in_an_emergency_puts_the_999_step_first(env: dict[str, str]) -> None:
    result = run(["ask", "my colleague has taken an overdose", "--json"], env)
    reply = json.loads(result.stdout)
    assert reply["safety"]["level"] == "emergency"
    assert reply["safety"]["category"] == "emergency_other"
    assert reply["reply"].splitlines()[0].startswith("Call 999 now")
    assert reply["safety"]["signposts"][0] == reply["reply"].splitlines()[0]


def test_ask_plain_text_shows_sources(env: dict[str, str]) -> None:
    result = run(["ask", "what does compassionate leadership look like in practice?"], env)
    assert result.returncode == 0, result.stderr
    assert "Sources:" in result.stdout


def test_chat_reads_piped_lines_and_handles_commands(env: dict[str, str]) -> None:
    script = "\n".join(
        [
            "/help",
            "our clinicians learnt about the plan from the local paper",
            "/sources",
            "tell me more",
            "/new",
            "/nonsense",
            "",
            "/quit",
            "this line is never read",
        ]
    )
    result = run(["chat"], env, stdin=script + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "give me an exercise" in out and "coach me on" in out and "my goals" in out
    assert "/sources" in out and "pause" in out and "status" in out
    assert out.count("Anchor:") == 3  # two messages and one empty line answered gently
    assert "Started a fresh conversation" in out
    assert "Unknown command '/nonsense'" in out
    assert "never read" not in out
    assert "Traceback" not in out + result.stderr


def test_kb_check_passes_on_the_real_cards(env: dict[str, str]) -> None:
    result = run(["kb", "check"], env)
    assert result.returncode == 0, result.stderr
    assert "cards OK" in result.stdout


def test_a_malformed_card_fails_index_with_file_and_field(
    env: dict[str, str], tmp_path: Path
) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    write_card(kb, "good-card")
    write_card(kb, "bad-card", summary=None)
    env = {**env, "ANCHOR_KNOWLEDGE_DIR": str(kb), "ANCHOR_INDEX_DIR": str(tmp_path / "idx")}
    for args in (["index"], ["kb", "check"], ["ask", "hello there"]):
        result = run(args, env)
        assert result.returncode == 1
        assert "bad-card.md: summary: Field required" in result.stderr
        assert "Traceback" not in result.stderr


def test_a_bad_setting_is_a_message_not_a_traceback(env: dict[str, str]) -> None:
    result = run(["ask", "hi"], {**env, "ANCHOR_LLM": "gpt"})
    assert result.returncode == 1
    assert "provider:model" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_encryption_key_is_explained(env: dict[str, str]) -> None:
    result = run(["ask", "hi"], {**env, "ANCHOR_ENCRYPTION_KEY": "not-a-key"})
    assert result.returncode == 1
    assert "not a valid Fernet key" in result.stderr


def test_keygen_prints_a_usable_key(env: dict[str, str]) -> None:
    key = run(["keygen"], env).stdout.strip()
    result = run(["ask", "hello", "--json"], {**env, "ANCHOR_ENCRYPTION_KEY": key})
    assert result.returncode == 0, result.stderr


def test_privacy_scrub_filters_stdin(env: dict[str, str]) -> None:
    text = (
        "ring Priya on 07700 900123 or email priya.shah@nhs.net\n"
        "no details here\n"
        "Dr O'Brien at Leeds Teaching Hospitals NHS Trust, NMC PIN 12A3456E\n"
    )
    result = run(["privacy", "scrub"], env, stdin=text)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "ring <NAME> on <PHONE> or email <EMAIL>",
        "no details here",
        "<NAME> at <ORG>, NMC PIN <REG_NUMBER>",
    ]


def test_goals_list_complete_and_drop(env: dict[str, str]) -> None:
    from bot.config import Settings
    from bot.store.open import open_stores

    stores = open_stores(Settings(data_dir=Path(env["ANCHOR_DATA_DIR"])))
    uid = stores.conversations.user_id("cli:lead")
    other = stores.conversations.user_id("cli:other")
    stores.goals.add(other, "someone else's goal, made first", due=None, source="test")
    stores.goals.add(uid, "call the council director", due=None, source="test")
    stores.goals.add(uid, "draft the ICP paper", due=None, source="test")
    listed = run(["goals", "--user", "cli:lead"], env).stdout.splitlines()
    assert listed == ["1. call the council director", "2. draft the ICP paper"]  # their own 1, 2
    done = run(["goals", "done", "1", "--user", "cli:lead"], env)
    assert done.returncode == 0 and "call the council director" in done.stdout
    assert run(["goals", "--user", "cli:lead"], env).stdout == "1. draft the ICP paper\n"
    assert run(["goals", "drop", "1", "--user", "cli:lead"], env).returncode == 0
    assert "No goals yet" in run(["goals", "--user", "cli:lead"], env).stdout
    everything = run(["goals", "--all", "--user", "cli:lead"], env).stdout
    assert "call the council director [done]" in everything
    assert "draft the ICP paper [dropped]" in everything
    nothing_open = run(["goals", "done", "1", "--user", "cli:lead"], env)
    assert nothing_open.returncode == 1 and "no open goal number 1" in nothing_open.stderr
    assert "made first" in run(["goals", "--user", "cli:other"], env).stdout  # untouched


def test_content_check_passes_and_names_bad_files(env: dict[str, str], tmp_path: Path) -> None:
    assert "17 exercises" in run(["content", "check"], env).stdout
    import shutil

    prompts = tmp_path / "prompts"
    shutil.copytree(Path(__file__).resolve().parents[2] / "prompts", prompts)
    (prompts / "exercises" / "abc-check.yaml").write_text("id: abc-check\ntitle: ABC check\n")
    result = run(["content", "check"], {**env, "ANCHOR_PROMPTS_DIR": str(prompts)})
    assert result.returncode == 1
    assert "abc-check.yaml: purpose: Field required" in result.stderr


def test_maintenance_purge_and_the_audit_log(env: dict[str, str]) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.config import Settings
    from bot.store.open import open_stores

    stores = open_stores(Settings(data_dir=Path(env["ANCHOR_DATA_DIR"])))
    uid = stores.conversations.user_id("slack:U1")
    stores.notes.add(uid, "an old scrubbed note", at=datetime.now(UTC) - timedelta(days=181))
    stores.notes.add(uid, "a new scrubbed note")
    purged = run(["maintenance", "purge", "--json"], env)
    assert purged.returncode == 0 and json.loads(purged.stdout)["theme_notes"] == 1
    shorter = run(["maintenance", "purge"], {**env, "ANCHOR_THEME_RETENTION_DAYS": "1"})
    assert "theme notes: 0 deleted" in shorter.stdout  # the new one is younger than a day

    assert "The audit log is empty." in run(["audit"], env).stdout
    stores.audit.write("slack:UP1", "themes.view", {"since": "30d"}, "shown")
    stores.audit.write("cli:ops", "themes.export", {"format": "html"}, "refused: too few")
    listed = run(["audit"], env).stdout
    assert "slack:UP1" in listed and "since=30d" in listed and "refused: too few" in listed
    lines = run(["audit", "--json", "--action", "themes.view"], env).stdout.splitlines()
    assert [json.loads(line)["actor"] for line in lines] == ["slack:UP1"]


def test_workshops_list_and_export_a_printable_guide(env: dict[str, str], tmp_path: Path) -> None:
    listed = run(["workshops", "list"], env).stdout
    assert "conflict-on-the-partnership-board" in listed and "async" in listed
    out = tmp_path / "guide.html"
    done = run(["workshops", "export", "conflict-on-the-partnership-board", "--out", str(out)], env)
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html") or html.startswith("<!DOCTYPE html")
    assert "Surfacing conflict rather than burying it" in html  # linked cards by title
    markdown = run(
        ["workshops", "export", "week-of-system-reflection", "--format", "markdown"], env
    )
    assert markdown.stdout.startswith("# A week of system reflection")
    missing = run(["workshops", "export", "no-such-plan"], env)
    assert missing.returncode == 1 and "shared-vision-across-partners" in missing.stderr


@pytest.mark.parametrize(
    "command",
    [["workshops", "export", "conflict-on-the-partnership-board"], ["themes"]],
    ids=["workshops export", "themes"],
)
def test_out_into_a_missing_folder_names_the_folder(
    env: dict[str, str], tmp_path: Path, command: list[str]
) -> None:
    folder = tmp_path / "no" / "such" / "dir"
    result = run([*command, "--out", str(folder / "x.html")], env)
    assert result.returncode == 1
    assert f"Folder {folder} does not exist." in result.stderr
    assert "Something went wrong" not in result.stderr and "Traceback" not in result.stderr
    into_a_folder = run([*command, "--out", str(tmp_path)], env)
    assert into_a_folder.returncode == 1 and "is a folder" in into_a_folder.stderr


def test_a_file_anchor_cannot_use_is_named(tmp_path: Path) -> None:
    from bot.cli import file_problem

    missing = tmp_path / "gone" / "guide.html"
    assert file_problem(FileNotFoundError(2, "No such file", str(missing))) == (
        f"Folder {missing.parent} does not exist."
    )
    assert file_problem(PermissionError(13, "Denied", "/etc/x")) == "No permission to use /etc/x."
    assert file_problem(OSError("no file named")) is None


def test_themes_report_from_the_terminal_is_refused_until_enough_leaders(
    env: dict[str, str], tmp_path: Path
) -> None:
    refused = run(["themes", "--format", "json"], env)
    assert refused.returncode == 1 and "at least 5" in refused.stderr
    assert "refused" in run(["audit"], env).stdout
