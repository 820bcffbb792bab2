"""The leader's words as sentence fit reads them: names out, sector acronyms spelled out.

Fit (`bot/coach/sentences.py`) compares the message with each card sentence by word vectors
and shared stems. A person's or place's name shares nothing with any card and pulls the
message's vector away from its subject, and an acronym ("ICS", "FD") carries little meaning
to the word vectors: "Our ICS finance director Priya Shah keeps vetoing the bed plan" fitted
no sentence above the floor, while the same without the name and acronym did. So, for fit
only (the reply still reflects the leader's own words):

- the scrubber's placeholders (`<NAME>`, `<ORG>`...) are dropped;
- a capitalised word ("Priya", "Leeds") that appears in no card is dropped, with its
  possessive ending: names of people, places and organisations. Acronyms in capitals and
  words the cards use ("Trust", "Council") stay;
- a sector acronym is kept and its words added after it ("ICS integrated care system"), from
  `acronyms` in prompts/system/turns.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

TOKEN = re.compile(r"<[A-Z_]+>|[A-Za-z][A-Za-z&]*(?:['’][A-Za-z]+)?")
PLACEHOLDER = re.compile(r"^<[A-Z_]+>$")
POSSESSIVE = re.compile(r"['’]s?$")
WORDS = re.compile(r"[a-z][a-z&]*")


def vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """Every lower-cased word of these texts (the cards' sentences)."""
    return frozenset(w for text in texts for w in WORDS.findall(text.lower()))


def plain_words(text: str, known: frozenset[str], acronyms: Mapping[str, str]) -> str:
    """`text` as fit reads it (see the module docstring); unchanged when it has no name,
    placeholder or acronym."""

    def read(match: re.Match[str]) -> str:
        token = match.group(0)
        if PLACEHOLDER.match(token):
            return ""
        bare = POSSESSIVE.sub("", token)
        spelled = acronyms.get(bare) or (
            acronyms.get(bare[:-1]) if bare.endswith("s") and bare[:-1].isupper() else None
        )
        if spelled:
            return f"{token} ({spelled})"
        if bare[:1].isupper() and bare[1:].islower() and bare.lower() not in known:
            return ""  # a name: "Priya", "Shah", "Leeds"
        return token

    return " ".join(TOKEN.sub(read, text).split())
