"""Compiled regular expressions for the scrubber's recognizers, built once at import.

Conventions: ``_HS`` is horizontal white space (a line break never joins the parts of a phone
number, NHS number or postcode); every pattern anchors itself with look-arounds rather than
``\\b`` so that "+", "@" and "<" are handled explicitly. Patterns that depend on the lexicon
(titles, domain endings) are built by the functions at the bottom.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_HS = r"[^\S\r\n]"
_LETTER = r"[^\W\d_]"

# --------------------------------------------------------------------------- email

EMAIL = re.compile(
    rf"(?<![\w.+'’-])\w[\w.+'’-]*(?:@|{_HS}@{_HS})"  # local part; also "name @ domain"
    r"\w(?:[\w-]*\w)?(?:\.\w(?:[\w-]*\w)?)*"  # domain labels
    rf"\.{_LETTER}{{2,}}(?![\w-])",  # a letters-only top-level domain
)
SLACK_MAILTO = re.compile(r"<mailto:[^|>\s]+(?:\|[^>\n]*)?>", re.IGNORECASE)

# --------------------------------------------------------------------------- URLs

SLACK_LINK = re.compile(r"<(?:https?|ftp)://[^|>\s]+(?:\|[^>\n]*)?>", re.IGNORECASE)
SCHEME_URL = re.compile(r"(?<![\w@])(?:(?:https?|ftp)://|www\.)[^\s<>\"'|]+", re.IGNORECASE)
URL_TRAILING_PUNCTUATION = ".,;:!?'\")]}>’”"

# --------------------------------------------------------------------------- Slack

SLACK_MENTION = re.compile(
    r"<(?:@[UW][A-Z0-9]+|#C[A-Z0-9]+|!subteam\^[A-Z0-9]+)(?:\|[^>\n]*)?>", re.IGNORECASE
)
# Typed "@here", "@channel" and "@everyone" name nobody, like Slack's <!here>.
AT_HANDLE = re.compile(
    rf"(?<![\w.@<])@(?!(?i:here|channel|everyone)(?![\w.'-]*\w)){_LETTER}[\w.'-]*\w"
)

# --------------------------------------------------------------------------- NHS number

_NHS_SEP = rf"{_HS}{{0,2}}[-–.]?{_HS}{{0,2}}"
NHS_NUMBER = re.compile(rf"(?<![\w+])\d{{3}}{_NHS_SEP}\d{{3}}{_NHS_SEP}\d{{4}}(?!\w)")
# After "NHS", "NHS no", "NHS number"... ten digits grouped any way: "nhs no 943 4765 919".
NHS_LABELLED = re.compile(
    rf"(?i)(?<!\w)NHS(?:{_HS}*(?:no\.?|num(?:ber)?\.?|#|n°))?{_HS}*[:#=-]?{_HS}*(?:is{_HS}+)?"
    rf"(?P<number>\d(?:{_NHS_SEP}\d){{9}})(?![\w]|{_NHS_SEP}\d)"
)

# --------------------------------------------------------------------------- UK postcode

# The six outward formats with their position rules, then the inward part: a digit and two
# letters from the 20 used (never C, I, K, M, O, V), so "10am" and "4pm" are not postcodes.
_OUTWARD = (
    r"[A-PR-UWYZ][0-9][0-9]?"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]"
)
POSTCODE = re.compile(
    rf"(?<!\w)(?:GIR{_HS}{{0,2}}0AA|(?P<outward>{_OUTWARD}){_HS}{{0,2}}"
    r"(?P<inward>[0-9][ABD-HJLNP-UW-Z]{2}))(?!\w)",
    re.IGNORECASE,
)
# An ordinal in place of an inward code ("M6 2nd"); "ne6 2rd" is no ordinal, so a postcode.
ORDINAL_INWARD = re.compile(r"^(?:1st|2nd|3rd|[04-9]th)$")

# --------------------------------------------------------------------------- NI number

# Prefix letters: not D, F, I, Q, U, V first; not D, F, I, O, Q, U, V second; never BG, GB,
# KN, NK, NT, TN, ZZ. "QQ" is HMRC's specimen prefix and is caught on purpose.
NINO = re.compile(
    r"(?<!\w)(?P<prefix>(?!BG|GB|KN|NK|NT|TN|ZZ)"
    r"(?:[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]|QQ))"
    rf"(?P<gap>{_HS}?)(?P<digits>\d{{2}}(?P<sep>[ -]?)\d{{2}}(?P=sep)\d{{2}})"
    rf"(?:(?P<suffix_gap>{_HS}?)(?P<suffix>[A-D]))?(?!\w)",
    re.IGNORECASE,
)

# --------------------------------------------------------------------------- phone numbers

# A run of digit groups, as a phone number is written: "+44 (0)20 7946 0958", "(020) 7946-0958",
# "07700.900.123". The phone recognizer reads the groups of each run (see phone.py).
_PHONE_SEP = rf"(?:{_HS}{{1,2}}|{_HS}?[-–.]{_HS}?|{_HS}?\({_HS}?|\){_HS}?)"
PHONE_RUN = re.compile(rf"(?<![\w+])(?:\+|\(\+?)?\d(?:{_PHONE_SEP}?\d)*")
DIGIT_GROUP = re.compile(r"\d+")

# --------------------------------------------------------------------------- registration numbers

# GMC numbers: 7 digits, not part of a longer number, a decimal or an amount ("£1234567").
GMC_NUMBER = re.compile(r"(?<![\w+£$€.,/-])\d{7}(?![\w/-]|[.,]\d)")
# NMC PINs: two digits, a letter, four digits, a letter ("12A3456E"), in any case.
NMC_PIN = re.compile(r"(?<![\w-])\d{2}[A-Z]\d{4}[A-Z](?![\w-])", re.IGNORECASE)
# The same with spaces between its parts, in capitals: "12A 3456E", "12 A 3456 E" (not with
# hyphens: "12A-3456E" is more often a part's or a form's code).
NMC_PIN_SPACED = re.compile(r"(?<![\w-])\d{2}(?: [A-Z] \d{4} | ?[A-Z] \d{4})[A-Z](?![\w-])")
# How far (characters, same line) a context word may be from a GMC or HCPC number.
CONTEXT_BEFORE, CONTEXT_AFTER = 40, 35
LINE_BREAK = re.compile(r"[\r\n]")

# --------------------------------------------------------------------------- names

WORD = re.compile(rf"{_LETTER}+(?:['’]{_LETTER}+)*")
NAME_WORD = re.compile(rf"{_LETTER}+(?:['’]{_LETTER}+)*(?:-{_LETTER}+(?:['’]{_LETTER}+)*)*")
INITIAL = re.compile(rf"(?:[A-Z]\.?|[a-z]\.){_HS}+")
SPACES = re.compile(rf"{_HS}+")
POSSESSIVE_ENDINGS = ("'s", "’s")
# What may come between the end of a sentence (or the start of the text) and its first word:
# spaces, quotes, brackets, bullets, a Slack tag ("<@U123> Will we ...").
SENTENCE_START = re.compile(r"(?:^|[.!?:;\n>])[\s\"'“‘(\[*•-]*$")

# --------------------------------------------------------------------------- organisations

# The words of an organisation name: words as for names (with hyphens, "Stoke-on-Trent"), "&"
# and the initials of ICBs ("BSol", "NCL").
ORG_TOKEN = re.compile(rf"{_LETTER}+(?:['’]{_LETTER}+)*(?:-{_LETTER}+(?:['’]{_LETTER}+)*)*|&")
# Between two words of a name: spaces, and at most one comma, hyphen or closing apostrophe
# ("Tees, Esk and Wear Valleys", "St Thomas' NHS Foundation Trust").
ORG_GAP = re.compile(rf"^(?:['’]?,?{_HS}{{1,2}}|-)$")


def bare_domain(endings: Iterable[str]) -> re.Pattern[str]:
    """Domains without a scheme ("england.nhs.uk/plan", "bit.ly/x") ending in one of ``endings``."""
    alternatives = "|".join(
        re.escape(ending) for ending in sorted(set(endings), key=lambda e: (-len(e), e))
    )
    return re.compile(
        r"(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
        rf"(?:{alternatives})(?![\w-])(?:/[^\s<>\"'|]*)?",
        re.IGNORECASE,
    )


def phrases(words: Iterable[str], *, ignore_case: bool) -> re.Pattern[str]:
    """Any of ``words`` (single words or phrases) as whole words, longest first."""
    alternatives = "|".join(
        r"\s+".join(re.escape(part) for part in word.split())
        for word in sorted(set(words), key=lambda w: (-len(w), w))
    )
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(rf"(?<![\w&])(?:{alternatives})(?![\w&])", flags)


def hcpc_number(prefixes: Iterable[str]) -> re.Pattern[str]:
    """An HCPC-style registration number: a profession prefix and 5 or 6 digits ("PH123456")."""
    alternatives = "|".join(sorted(set(prefixes), key=lambda p: (-len(p), p)))
    return re.compile(rf"(?<![\w-])(?:{alternatives}){_HS}?\d{{5,6}}(?![\w-])", re.IGNORECASE)


def title_then_space(spellings: Iterable[str]) -> re.Pattern[str]:
    """A title as spelt in ``spellings`` ("Dr", "dr", "DR"), then "." and/or spaces."""
    alternatives = "|".join(re.escape(title) for title in spellings)
    return re.compile(rf"(?<![\w.])(?P<title>{alternatives})(?:\.{_HS}*|{_HS}+)")


# An abbreviation made a verb: "CC'd", "DM'd", "OK'ed" (never a name).
DONE_ABBREVIATION = re.compile(r"(?<![\w'’])[A-Z]{2,}['’]e?d(?![\w'’])")
