"""Colleagues written by their initials, or by a given name and a surname's initial."""

from __future__ import annotations

import pytest

from bot.privacy.member_initials import MemberInitials
from bot.privacy.scrub import Scrubber

DIRECTORY = [
    "Grace Okonkwo-Bell",
    "Rosemary Hart",
    "Will Penrose",
    "Mark Summers",
    "Priya Raghunathan",
    "Dr Faisal Qureshi",
    "Rosa de Souza",
    "Hope Ingram",
    "Daniel Whitfield",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "GO-B and RH to take the workstream, PR on prevention, FQ on the money",
            "<NAME> and <NAME> to take the workstream, <NAME> on prevention, <NAME> on the money",
        ),
        ("who is 'RH' on the action log?", "who is '<NAME>' on the action log?"),
        ("RdS has the figures", "<NAME> has the figures"),
        ("spoke to will p re the winter plan", "spoke to <NAME> re the winter plan"),
        ("mark s and I met the CD", "<NAME> and I met the CD"),
        ("priya r's leaving do is on friday", "<NAME>'s leaving do is on friday"),
        ("Who wrote it, Hope or Daniel?", "Who wrote it, <NAME> or <NAME>?"),
    ],
)
def test_members_initials_and_surname_initials_are_names(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the PR team meets at 2",  # a member's initials that are also an abbreviation, alone
        "will a new plan help?",  # no member's surname starts with the next letter
        "Hope I can make it",
        "the MS clinic is full",
    ],
)
def test_abbreviations_and_words_that_look_like_initials_stay(
    scrubber: Scrubber, text: str
) -> None:
    assert scrubber.scrub(text) == text


def test_initials_cover_hyphens_particles_and_titles() -> None:
    members = MemberInitials(particles=["de"], titles=["dr"])
    members.add(["Grace Okonkwo-Bell", "Rosa de Souza", "Dr Faisal Qureshi", "Lucy-Mae Ashworth"])
    for written in ("GOB", "GO-B", "RS", "RdS", "RDS", "FQ", "LMA", "LA"):
        assert members.is_initials(written), written
    assert not members.is_initials("DF")
    assert members.surname_initials("lucy") == frozenset({"a"})
    assert members.surname_initials("grace") == frozenset({"o"})
