"""People's names in hard forms: particles opening a message, a given name and an initial in
lower case, initials, a family's surname, names in brackets, "X and I", a name repeated, a
lower-case name opening a line; and the ordinary words the same shapes leave alone."""

from __future__ import annotations

import pytest

from bot.privacy.scrub import Scrubber

DIRECTORY = ["Idris bin Rahman", "Marieke van den Broek", "Rhodri ap Gwilym", "Ivy Nwachukwu"]
DIRECTORY += ["Robin Ellerby", "Nuala Ní Dhomhnaill"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # surname particles before a name found
        ("bin Rahman said he'd chair it", "<NAME> said he'd chair it"),
        ("van den Broek's audit is out", "<NAME>'s audit is out"),
        ("me + ap Gwilym on capital", "me + <NAME> on capital"),
        ("ni dhomhnaill wants the draft by 5", "<NAME> wants the draft by 5"),
        # a given name and a surname's initial, in lower case
        ("oluwaseun k - can you send the rota", "<NAME> - can you send the rota"),
        ("jonathan p has the keys", "<NAME> has the keys"),
        # two pairs of initials before a person's verb, though one is an English word
        ("MB and AK have both said no", "<NAME> and <NAME> have both said no"),
        # a surname naming a family, or in the plural
        ("the Brennan family want it in writing", "the <NAME> family want it in writing"),
        ("the Adeyemi twins came to the panel", "the <NAME> twins came to the panel"),
        ("the Chukwus have been very patient", "the <NAME> have been very patient"),
        # a given name in brackets after a person
        ("our receptionist (Blessing) found it", "our receptionist (<NAME>) found it"),
        ("the daughter (Precious, very anxious) rang", "the daughter (<NAME>, very anxious) rang"),
        ("their nurse (Mary-Kate) is visiting", "their nurse (<NAME>) is visiting"),
        # a name before "and I"
        ("Grace and I walked the wards", "<NAME> and I walked the wards"),
        # the first word of a name found, again capitalised
        ("Dawn Tetley (our Dawn, not HR's) retires", "<NAME> (our <NAME>, not HR's) retires"),
        # a lower-case name opening a line
        ("ngozi's covering tonight", "<NAME>'s covering tonight"),
        ("chidinma from the Bradford team rang", "<NAME> from the Bradford team rang"),
        ("grace, if you see this, call me", "<NAME>, if you see this, call me"),
        # two members in lower case joined by "or"
        ("ask ivy or robin, they'll know", "ask <NAME> or <NAME>, they'll know"),
        # after "ask for"
        ("ask for Patience, she's the deputy", "ask for <NAME>, she's the deputy"),
    ],
)
def test_a_name_in_a_hard_form_is_scrubbed(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "put it in the bin as soon as you can",
        "the van was late again",
        "I'd go with plan b - it is cheaper",
        "LA says us, we say LA",
        "wrking from home, wifi patchy, bear with",
        "the Royal family visited the hospice",
        "the Leeds family hubs are opening",
        "a grace period of two weeks (May, not June)",
        "hope, as ever, is not a plan",
        "the Caldicott Guardian says no to the data share",
        "Bolam was mentioned four times in the briefing",
        "the Parkinson's nurse post is filled, and the Crohn's pathway too",
        "Finance and I agreed the figures",
        "lol at the GIRFT report",
        "the Leader and the ICB chair actually met",
    ],
)
def test_ordinary_words_in_the_same_shapes_are_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text
