"""Phone numbers read from runs of digit groups, by format rather than by allocated range.

``phonenumbers`` rejects numbers in ranges it does not know as allocated (Ofcom's drama ranges
such as 07700 900123 or 0161 496 0000, new or retired ranges), so validity is decided here by
shape alone:

- UK national: a trunk ``0`` and a national significant number (NSN) of 10 digits, or of 9
  digits when it starts with 1 or 8 (a few area codes, some 0800 numbers). The NSN never starts
  with 0, 4 or 6.
- UK international: ``+44`` or ``0044``, an optional ``(0)`` or stray ``0``, then the same NSN.
- Other international: ``+`` or ``00`` and 8 to 15 digits (E.164).

A number ends where a digit group ends, so "0161 496 0000 2 times" yields the number alone, and
two numbers written one after the other are both found. Groups of one digit (decimals such as
"0.5 0.7") break a number. Short service numbers are never phone numbers here and are kept:
999, 112, 111, 101, 119, the 116 helplines (Samaritans 116 123) and Childline's 0800 1111
are too short to match, which is what we want: they are not personal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from bot.privacy.patterns import DIGIT_GROUP, PHONE_RUN

UK_COUNTRY_CODE = "44"
TRUNK = "0"
INTERNATIONAL_PREFIX = "00"
NSN_FIRST_DIGITS = "1235789"
SHORT_NSN_FIRST_DIGITS = "18"
E164_MIN, E164_MAX = 8, 15
MAX_DIGITS = len(INTERNATIONAL_PREFIX) + E164_MAX
UK_SCORE = 0.85
INTERNATIONAL_SCORE = 0.7

_LengthCheck = Callable[[int], bool]


@dataclass(frozen=True)
class PhoneSpan:
    start: int
    end: int
    score: float


@dataclass(frozen=True, slots=True)
class _Digit:
    char: str
    group: int
    ends_group: bool


@dataclass(frozen=True, slots=True)
class _Group:
    digits: str
    start: int
    end: int


def find_phone_numbers(text: str) -> list[PhoneSpan]:
    """Every UK or international phone number in ``text``, in order."""
    spans: list[PhoneSpan] = []
    for run in PHONE_RUN.finditer(text):
        groups = [
            _Group(m.group(), m.start(), m.end())
            for m in DIGIT_GROUP.finditer(text, run.start(), run.end())
        ]
        lead = text[run.start() : groups[0].start]
        spans.extend(_numbers_in_run(text, groups, lead, run.start()))
    return spans


def _numbers_in_run(text: str, groups: list[_Group], lead: str, run_start: int) -> list[PhoneSpan]:
    spans: list[PhoneSpan] = []
    index = 0
    while index < len(groups):
        found = _read_number(groups, index, lead if index == 0 else "")
        if found is None:
            index += 1
            continue
        last, score = found
        start = run_start if index == 0 else _with_open_bracket(text, groups[index].start)
        spans.append(PhoneSpan(start, groups[last].end, score))
        index = last + 1
    return spans


def _with_open_bracket(text: str, start: int) -> int:
    return start - 1 if start and text[start - 1] == "(" else start


def _read_number(groups: list[_Group], index: int, lead: str) -> tuple[int, float] | None:
    """The index of the number's last group and its score, if a number starts at ``index``."""
    first = groups[index].digits
    if "+" in lead:
        return _international(_digits(groups, index, 2), 0)
    if first.startswith(INTERNATIONAL_PREFIX):
        return _international(_digits(groups, index, 2), len(INTERNATIONAL_PREFIX))
    if first.startswith(TRUNK):
        return _uk(_digits(groups, index, 1), 1)
    return None


def _digits(groups: list[_Group], index: int, free: int) -> list[_Digit]:
    """The digits from group ``index`` on, up to a one-digit group after the ``free`` first.

    One-digit groups are allowed only where numbers have them: "0 7700 ...", "+1 ...",
    "+353 1 ...", "+44 (0)...".
    """
    digits: list[_Digit] = []
    for number, group in enumerate(islice(groups, index, None)):
        if len(digits) > MAX_DIGITS:
            break  # no number is longer: keeps long runs of digits linear
        if len(group.digits) == 1 and number >= free:
            break
        last = len(group.digits) - 1
        digits.extend(
            _Digit(char, index + number, k == last) for k, char in enumerate(group.digits)
        )
    return digits


def _international(digits: list[_Digit], start: int) -> tuple[int, float] | None:
    code = "".join(d.char for d in digits[start : start + len(UK_COUNTRY_CODE)])
    if code == UK_COUNTRY_CODE:
        nsn = start + len(UK_COUNTRY_CODE)
        if nsn < len(digits) and digits[nsn].char == TRUNK:
            nsn += 1  # "+44 (0)20 ..." and the common slip "+44 07700 ..."
        uk = _uk(digits, nsn)
        if uk is not None:
            return uk
    if start >= len(digits) or digits[start].char == TRUNK:
        return None
    last = _last_boundary(digits, start, lambda n: E164_MIN <= n <= E164_MAX, E164_MAX)
    return None if last is None else (digits[last].group, INTERNATIONAL_SCORE)


def _uk(digits: list[_Digit], nsn: int) -> tuple[int, float] | None:
    if nsn >= len(digits) or digits[nsn].char not in NSN_FIRST_DIGITS:
        return None
    first = digits[nsn].char
    last = _last_boundary(digits, nsn, lambda n: _uk_length_ok(first, n), 10)
    return None if last is None else (digits[last].group, UK_SCORE)


def _uk_length_ok(first: str, length: int) -> bool:
    return length == 10 or (length == 9 and first in SHORT_NSN_FIRST_DIGITS)


def _last_boundary(
    digits: list[_Digit], start: int, valid: _LengthCheck, longest: int
) -> int | None:
    """The last group-ending digit at which the count from ``start`` is valid."""
    best: int | None = None
    for position in range(start, min(len(digits), start + longest)):
        if digits[position].ends_group and valid(position - start + 1):
            best = position
    return best
