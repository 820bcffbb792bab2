"""Build the scrubber's broad word lists (prompts/privacy/*.txt.gz) from two packages.

Run once when the lists should change, then commit the files it writes:

    .venv/bin/pip install names==0.3.0 english-words==2.0.2
    .venv/bin/python scripts/build_word_lists.py

Neither package is needed at run time: the scrubber reads the files this writes. Sources (also
stated in prompts/privacy/word_lists.yaml, which the scrubber reads beside them):

- surnames and given names: the US Census Bureau's 1990 name frequency files (public domain,
  a work of the US government), as shipped in the ``names`` package (MIT): 88,799 surnames,
  5,163 distinct given names (the male and female files have 5,494 lines between them).
- ordinary English words: the lower-case entries of Webster's Second International
  Dictionary (1934, public domain; the ``web2`` list of BSD's /usr/share/dict), as shipped in
  the ``english-words`` package (MIT): every word of two or more letters a to z.

Each file is one lower-case word a line, sorted, gzip-compressed (mtime 0, so a rebuild from the
same packages gives the same bytes).
"""

from __future__ import annotations

import gzip
import importlib.resources
import io
import pickle
import re
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "prompts" / "privacy"
_WORD = re.compile(r"[a-z]+(?:['-][a-z]+)*")


def _census(name: str) -> list[str]:
    text = importlib.resources.files("names").joinpath(name).read_text(encoding="utf-8")
    return [line.split()[0].lower() for line in text.splitlines() if line.strip()]


def _web2_lower() -> list[str]:
    raw = importlib.resources.files("english_words").joinpath("data/web2.pickle").read_bytes()
    words = pickle.loads(raw)  # the package's own data file
    return [w for w in words if w.islower() and re.fullmatch(r"[a-z]{2,}", w)]


def _write(name: str, words: list[str]) -> None:
    kept = sorted({w for w in words if _WORD.fullmatch(w)})
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as out:
        out.write(("\n".join(kept) + "\n").encode("ascii"))
    (OUT / name).write_bytes(buffer.getvalue())
    print(f"{name}: {len(kept)} words, {len(buffer.getvalue())} bytes")


def main() -> None:
    _write("surnames_census.txt.gz", _census("dist.all.last"))
    _write("given_names_census.txt.gz", _census("dist.male.first") + _census("dist.female.first"))
    _write("english_words.txt.gz", _web2_lower())


if __name__ == "__main__":
    main()
