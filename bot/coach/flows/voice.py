"""Turn a leader's words round to the second person, as a coach echoes them back.

"I want the eight partners in our place to agree" -> "you want the eight partners in your
place to agree". Words inside quotation marks are someone's speech and stay as they were;
names and acronyms (US, ME) are left alone; "I was" becomes "you were".
"""

from __future__ import annotations

import re

from bot.coach.person import SECOND_PERSON

# first person -> second person ("am" only ever follows "I")
SWAPS = {**SECOND_PERSON, "am": "are"}
# verbs that change after "I" (not after "we", which already takes the plural)
AFTER_I = {"was": "were", "wasn't": "weren't"}
QUOTED = re.compile(
    r"\"[^\"]*\"|“[^”]*”|‘(?:[^’]|’(?=\w))*’|(?<!\w)'(?:[^']|'(?=\w))*'(?!\w)",
)
TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
SENTENCE_END = re.compile(r"[.!?]\s*$")


FIRST_SINGULAR = {"i", "i'm", "im", "i've", "i'd", "i'll"}


def _swap(word: str, previous: str, where: str, capitalise: bool) -> str:
    """One word turned round. `where` is "start" (the first word of the text), "sentence"
    (the first after a full stop) or "mid"."""
    if len(word) > 1 and word.isupper():
        return word  # an acronym or a name: US, ME, OK
    apostrophe = "’" if "’" in word else "'"
    key = word.lower().replace("’", "'")
    if previous in FIRST_SINGULAR and key in AFTER_I:
        new = AFTER_I[key]
    elif key in SWAPS:
        new = SWAPS[key]
    else:
        return word
    if where == "mid" and word[0].isupper() and key not in FIRST_SINGULAR:
        return word  # a capital inside a sentence is a name: Our Lady's Hospice
    new = new.replace("'", apostrophe)
    if where == "sentence" or (where == "start" and capitalise):
        return new[0].upper() + new[1:]
    return new


def _turn(text: str, at_start: bool, capitalise: bool) -> str:
    out: list[str] = []
    last = 0
    previous = ""
    for match in TOKEN.finditer(text):
        out.append(text[last : match.start()])
        so_far = "".join(out).strip()
        if at_start and not so_far:
            where = "start"
        elif SENTENCE_END.search(so_far):
            where = "sentence"
        else:
            where = "mid"
        out.append(_swap(match.group(0), previous, where, capitalise))
        previous = match.group(0).lower().replace("’", "'")
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def second_person(text: str, *, capitalise: bool = False) -> str:
    """`text` said back to its writer: first-person words become second person, except in
    quoted speech. The first word is capitalised only when `capitalise` is set."""
    text = " ".join(text.split()).rstrip(".!")
    pieces: list[str] = []
    last = 0
    for quote in QUOTED.finditer(text):
        pieces.append(_turn(text[last : quote.start()], last == 0, capitalise))
        pieces.append(quote.group(0))
        last = quote.end()
    pieces.append(_turn(text[last:], last == 0, capitalise))
    return "".join(pieces)


SUBJECTS = {"i", "we", "i'm", "im", "i've", "i'd", "i'll", "we're", "we've", "we'd", "we'll"}


def speaks_for_self(text: str) -> bool:
    """Whether `text` opens with its writer as the subject ("I want...", "We need...")."""
    first = TOKEN.search(text)
    return first is not None and first.group(0).lower().replace("’", "'") in SUBJECTS
