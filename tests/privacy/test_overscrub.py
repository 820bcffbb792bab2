"""Over-scrub snapshot: the lines of Anchor's own texts that the scrubber changes today.

Every line of ``knowledge/`` and of ``prompts/{safety,scenarios,facilitation,workshops,
exercises,scope,system}`` is scrubbed on its own (``Scrubber(data_dir=<tmp>).scrub``). Most
lines that change are meant to (leaders introducing themselves in ``knowledge/asked``, names in
the writers' training messages); they are recorded in ``overscrub_snapshot.tsv`` as the file,
a short hash of the line and the line's opening words. The test fails when a line that is not
in the snapshot starts changing, so a rule that begins eating ordinary words is caught.

When the change is intended (a new rule finds real names, or a text was edited), refresh the
snapshot and review its diff::

    UPDATE_OVERSCRUB=1 .venv/bin/python -m pytest -q tests/privacy/test_overscrub.py

``.venv/bin/python -m tests.privacy.test_overscrub`` prints the figures (lines scanned, lines
changed, new and no longer changing) without touching the snapshot.

Lines are scanned once each however often they repeat, split among the machine's processors.
Which lines change is cached in the system's temporary folder under a fingerprint of everything
the scrubber reads (``bot/privacy``, ``prompts/privacy``, the libraries' versions), so only
lines not seen since the scrubber last changed are scrubbed again; a run after a scrubber
change scans everything. ``UPDATE_OVERSCRUB`` always scans everything.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import platform
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.privacy.scrub import Scrubber

SNAPSHOT = Path(__file__).with_name("overscrub_snapshot.tsv")
UPDATE_ENV = "UPDATE_OVERSCRUB"
ROOTS: tuple[str, ...] = (
    "knowledge",
    *(
        f"prompts/{name}"
        for name in (
            "safety",
            "scenarios",
            "facilitation",
            "workshops",
            "exercises",
            "scope",
            "system",
        )
    ),
)
TEXT_SUFFIXES = frozenset({".md", ".yaml", ".yml", ".txt"})
HASH_LENGTH = 12
OPENING = 60  # characters of the line kept in the snapshot for the reader
CHUNK = 400  # lines handed to a worker at a time
CACHE_DIR = Path(tempfile.gettempdir()) / "anchor-overscrub"
FINGERPRINTED = ("bot/privacy", "prompts/privacy", "bot/config.py", "bot/datafiles.py")
LIBRARIES = ("presidio-analyzer", "spacy")
KEPT_CACHES = 6

_worker_scrubber: Scrubber | None = None


@dataclass(frozen=True, order=True)
class Changed:
    """One line that scrubbing changes: where it is and which line it is."""

    path: str
    digest: str
    opening: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.path, self.digest)


def line_digest(line: str) -> str:
    """A short, stable hash of a line's text."""
    return hashlib.sha256(line.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def text_lines(root: Path = PROJECT_ROOT) -> dict[str, list[str]]:
    """Each scanned file (path relative to ``root``) with its lines."""
    found: dict[str, list[str]] = {}
    for folder in ROOTS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.suffix in TEXT_SUFFIXES:
                found[path.relative_to(root).as_posix()] = path.read_text("utf-8").splitlines()
    return found


def _scrub_chunk(lines: Sequence[str]) -> list[str]:
    assert _worker_scrubber is not None
    return [_worker_scrubber.scrub(line) for line in lines]


def scrub_all(scrubber: Scrubber, lines: Iterable[str]) -> dict[str, str]:
    """Each distinct line with its scrubbed form, the work split among processes (forked, so
    each inherits ``scrubber`` already built)."""
    global _worker_scrubber
    distinct = sorted(set(lines))
    chunks = [distinct[i : i + CHUNK] for i in range(0, len(distinct), CHUNK)]
    _worker_scrubber = scrubber
    workers = min(os.cpu_count() or 1, len(chunks))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        scrubbed = [_scrub_chunk(chunk) for chunk in chunks]
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            scrubbed = pool.map(_scrub_chunk, chunks)
    return dict(zip(distinct, (out for chunk in scrubbed for out in chunk), strict=True))


def scrubber_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """A hash of everything the scrubber's output depends on: its code, its word lists and the
    versions of Python and the libraries it calls."""
    digest = hashlib.sha256()
    for name in FINGERPRINTED:
        base = root / name
        for path in sorted([base] if base.is_file() else base.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    versions = [platform.python_version(), *(version(name) for name in LIBRARIES)]
    digest.update(" ".join(versions).encode())
    return digest.hexdigest()[:32]


def _read_cache(path: Path) -> dict[str, bool]:
    try:
        loaded = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(key): bool(value) for key, value in loaded.items()}


def _write_cache(path: Path, seen: dict[str, bool]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        aside = path.with_suffix(f".{os.getpid()}.tmp")
        aside.write_text(json.dumps(seen, sort_keys=True), "utf-8")
        os.replace(aside, path)  # atomic: a test running alongside reads the old or the new
        _prune(path.parent)
    except OSError:
        pass  # no cache: the next run scans everything again


def _prune(folder: Path) -> None:
    """Keep the newest few caches (one per scrubber version tried), drop the rest."""
    caches = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in caches[KEPT_CACHES:]:
        stale.unlink(missing_ok=True)


def changes(scrubber: Scrubber, lines: Iterable[str], cache: Path | None) -> dict[str, bool]:
    """Whether scrubbing alters each distinct line (keyed by its digest), scrubbing only the
    lines the cache at ``cache`` does not know."""
    distinct = {line_digest(line): line for line in lines}
    seen = _read_cache(cache) if cache is not None else {}
    todo = [line for key, line in distinct.items() if key not in seen]
    if todo:
        seen.update((line_digest(k), v != k) for k, v in scrub_all(scrubber, todo).items())
        if cache is not None:
            _write_cache(cache, seen)
    return {key: seen[key] for key in distinct}


def changed_lines(
    scrubber: Scrubber, files: dict[str, list[str]], *, cache: Path | None = None
) -> list[Changed]:
    """The lines that scrubbing alters, once per file and line text, in a stable order."""
    altered = changes(scrubber, (line for lines in files.values() for line in lines), cache)
    changed = {
        Changed(path, line_digest(line), _opening(line))
        for path, lines in files.items()
        for line in lines
        if altered[line_digest(line)]
    }
    return sorted(changed)


def cache_path() -> Path:
    """Where this scrubber's verdicts on lines are kept between runs."""
    return CACHE_DIR / f"{scrubber_fingerprint()}.json"


def _opening(line: str) -> str:
    return " ".join(line.split())[:OPENING]


def read_snapshot(path: Path = SNAPSHOT) -> set[tuple[str, str]]:
    """The (file, line hash) pairs recorded as changing."""
    if not path.exists():
        return set()
    rows = (row.split("\t") for row in path.read_text("utf-8").splitlines() if row.strip())
    return {(row[0], row[1]) for row in rows}


def write_snapshot(changed: Sequence[Changed], path: Path = SNAPSHOT) -> None:
    """Record every changed line: file, hash, opening words (tab-separated)."""
    path.write_text("".join(f"{c.path}\t{c.digest}\t{c.opening}\n" for c in changed), "utf-8")


def _scan() -> list[Changed]:
    with tempfile.TemporaryDirectory() as data_dir:
        return changed_lines(Scrubber(data_dir=Path(data_dir)), text_lines(), cache=cache_path())


def _describe(new: Sequence[Changed], files: dict[str, list[str]], scrubber: Scrubber) -> str:
    shown: list[str] = []
    for item in new[:40]:
        line = next(x for x in files[item.path] if line_digest(x) == item.digest)
        shown.append(f"  {item.path}: {line.strip()!r}\n    -> {scrubber.scrub(line).strip()!r}")
    more = f"\n  ... and {len(new) - 40} more" if len(new) > 40 else ""
    return "\n".join(shown) + more


def test_no_new_line_of_anchors_own_texts_is_scrubbed(scrubber: Scrubber) -> None:
    files = text_lines()
    if os.environ.get(UPDATE_ENV):
        write_snapshot(changed_lines(scrubber, files))
        return
    changed = changed_lines(scrubber, files, cache=cache_path())
    recorded = read_snapshot()
    new = [c for c in changed if c.key not in recorded]
    assert not new, (
        f"{len(new)} line(s) of knowledge/ or prompts/ newly changed by the scrubber "
        f"(not in {SNAPSHOT.name}):\n{_describe(new, files, scrubber)}\n"
        "If a rule now eats ordinary words, fix the rule. If the change is intended, refresh "
        f"the snapshot and review its diff:\n  {UPDATE_ENV}=1 .venv/bin/python -m pytest -q "
        "tests/privacy/test_overscrub.py"
    )


def test_the_snapshot_is_sorted_and_well_formed() -> None:
    rows = [row for row in SNAPSHOT.read_text("utf-8").splitlines() if row.strip()]
    keys = [tuple(row.split("\t")[:2]) for row in rows]
    assert keys == sorted(set(keys))
    assert all(len(key[1]) == HASH_LENGTH for key in keys)


def test_a_line_with_a_name_is_listed_and_an_ordinary_line_is_not(scrubber: Scrubber) -> None:
    files = {"notes.md": ["Ring Priyanka Raman about the rota", "the ward is busy today"]}
    changed = changed_lines(scrubber, files)
    assert [(c.path, c.opening) for c in changed] == [
        ("notes.md", "Ring Priyanka Raman about the rota")
    ]


def test_a_line_is_known_by_its_text() -> None:
    assert line_digest("Sam Patel from the council") == line_digest("Sam Patel from the council")
    assert line_digest("Sam Patel") != line_digest("Sam Patel ")
    assert len(line_digest("")) == HASH_LENGTH


def main() -> None:
    """Print the scan's figures against the snapshot (the snapshot is left as it is)."""
    files = text_lines()
    changed = _scan()
    recorded = read_snapshot()
    keys = {c.key for c in changed}
    new = [c for c in changed if c.key not in recorded]
    print(
        f"lines {sum(len(v) for v in files.values())}, changed {len(changed)} "
        f"(distinct file+line), new {len(new)}, no longer changing {len(recorded - keys)}"
    )
    for item in new:
        print(f"  new {item.path}: {item.opening}")


if __name__ == "__main__":
    main()
