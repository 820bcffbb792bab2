"""A listed trust's places joined by "and", standing for it: "put through to Doncaster and
Bassetlaw".
"""

from __future__ import annotations

import re

from bot.privacy.names import name_key
from bot.privacy.organisation_index import OrganisationIndex
from bot.privacy.organisation_list import OrganisationList
from bot.privacy.organisation_words import AND, Span, split_words

# Where the places of a trust's name end: "Doncaster and Bassetlaw Teaching Hospitals".
_TRUST_WORDS = frozenset(
    {"nhs", "foundation", "trust", "teaching", "hospitals", "hospital", "university"}
    | {"partnership", "healthcare", "mental", "community"}
)
_AND = re.compile(r"(?i)(?<!\w)and(?!\w)|&")
MIN_JOINED_HEAD = 3  # words of a trust's places joined by "and"
# Places, not a body: "between Leeds and York", "in Cheshire and Wirral", "the Leeds and York".
_PLACE_BEFORE = re.compile(
    r"(?i)(?<![\w'’])(?:the|in|across|between|around|near|throughout|within|of)[ \t]+$"
)


class TrustHeadRules:
    """Trusts named by their places joined by "and"."""

    _joined_heads: OrganisationIndex

    def _trust_heads(self, text: str) -> list[Span]:
        """A listed trust's places joined by "and", capitalised, standing for the trust:
        "put through to Doncaster and Bassetlaw", "York and Scarborough are" (not "between
        Leeds and York", "in Cheshire and Wirral")."""
        if _AND.search(text) is None:
            return []
        found: list[Span] = []
        for start, end in self._joined_heads.find(text):
            words = split_words(text, start, end)
            if not all(word.capitalised or word.key == AND for word in words):
                continue
            before = _PLACE_BEFORE.search(text, max(0, start - 20), start)
            if before is None:
                found.append((start, end))
        return found


def joined_heads(organisations: OrganisationList) -> list[str]:
    """The places before a listed trust's kind of body, when joined by "and": "Doncaster and
    Bassetlaw" of "Doncaster and Bassetlaw Teaching Hospitals NHS Foundation Trust"."""
    heads: list[str] = []
    for name in organisations.all_names():
        words = name.split()
        keys = [name_key(word.strip(",")) for word in words]
        cut = next((i for i, key in enumerate(keys) if key in _TRUST_WORDS), 0)
        if cut >= MIN_JOINED_HEAD and AND in keys[:cut] and keys[0] != AND:
            heads.append(" ".join(words[:cut]).rstrip(","))
    return list(dict.fromkeys(heads))
