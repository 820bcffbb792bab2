"""Reading the coach's reply out of a model's JSON answer while it is still arriving.

The model answers ``{"reply": "...", "cited_card_ids": [...]}``. As chunks come in, the text of
``reply`` so far is decoded and whole sentences are released; a sentence that fails the coach's
screen (telling the leader what they "should" do) stops the release, and the full answer is
validated at the end as usual. Pure functions and a small accumulator: no I/O.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

REPLY_START = re.compile(r'"reply"\s*:\s*"')
SENTENCE_END = re.compile(r"[.!?…](?=\s)|\n")
ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}

TextSink = Callable[[str], None]


def partial_reply(raw: str) -> tuple[str, bool]:
    """The decoded text of the ``reply`` field in `raw` so far, and whether it is complete."""
    start = REPLY_START.search(raw)
    if start is None:
        return "", False
    out: list[str] = []
    i = start.end()
    while i < len(raw):
        char = raw[i]
        if char == '"':
            return "".join(out), True
        if char != "\\":
            out.append(char)
            i += 1
            continue
        if i + 1 >= len(raw):
            break  # an escape cut in half: wait for the rest
        code = raw[i + 1]
        if code == "u":
            digits = raw[i + 2 : i + 6]
            if len(digits) < 4:
                break
            out.append(json.loads(f'"\\u{digits}"'))
            i += 6
            continue
        out.append(ESCAPES.get(code, code))
        i += 2
    return "".join(out), False


def screened(sentence: str) -> bool:
    """Whether a sentence may be shown before the whole answer is checked."""
    return "you should" not in sentence.lower()


class SentenceRelease:
    """Feed it the raw answer as it grows; it sends each new whole sentence to the sink once."""

    def __init__(self, sink: TextSink) -> None:
        self.sink = sink
        self.raw = ""
        self.text = ""
        self.sent = 0
        self.stopped = False

    @property
    def released(self) -> str:
        return self.text[: self.sent]

    def feed(self, chunk: str) -> None:
        self.raw += chunk
        if self.stopped:
            return
        text, complete = partial_reply(self.raw)
        self.text = text
        end = len(text) if complete else _last_sentence_end(text, self.sent)
        if end <= self.sent:
            return
        piece = text[self.sent : end]
        if not screened(piece):
            self.stopped = True
            return
        self.sent = end
        self.sink(piece)

    def stop(self) -> None:
        self.stopped = True


def _last_sentence_end(text: str, after: int) -> int:
    end = after
    for match in SENTENCE_END.finditer(text, after):
        end = match.end()
    return end
