"""Clean texts whose words are also members' names, eponyms, brands or national bodies."""

from __future__ import annotations

import pytest

from bot.privacy.scrub import Scrubber

DIRECTORY = ["Patience Mensah", "Mark Summers", "Ruth Mills", "Hope Ingram"]


@pytest.mark.parametrize(
    "text",
    [
        "Patience is running thin in the system, frankly.",
        "Summers are meant to be quiet. Not this one.",
        "Mills & Boon levels of romance between the trust and the council",
        "sessions on freedom to speak up and Martha's Rule. lunch provided",
        "Healthwatch England report on GP access out today.",
        "Sickness absence at 6.1%. Musculoskeletal and stress still top two.",
        "Hope I can make it on Thursday",
        "Nobody from Region said thanks for the winter numbers",
        "Liberty Protection Safeguards were delayed again",
        "we're north of the Watford Gap, so no",
        "two Marie Curie nurses joined the huddle",
        "the Mary Seacole programme starts in May",
        "the Elizabeth Garrett Anderson cohort meets on Friday",
        "Francis Report lessons are still not learned",
        "Dupuytren's contracture list is six months long",
        "Occam's razor says it's the rota",
        "Storm Ciarán took the roof off the portakabin",
    ],
)
def test_clean_texts_stay_as_written(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Patience is off sick today", "<NAME> is off sick today"),
        ("Summers and Mills were both there", "<NAME> and <NAME> were both there"),
        ("Healthwatch Kirklees report out today", "<ORG> report out today"),
        ("Lerato and Thandeka from the nurses group", "<NAME> and <NAME> from the nurses group"),
        ("the Ruth Mills programme is full", "the <NAME> programme is full"),
        ("the Summers Review is late", "the <NAME> Review is late"),
        ("Ruth's law again: the printer broke", "<NAME>'s law again: the printer broke"),
        ("and Tolu said no", "and <NAME> said no"),
        ("Liberty Okafor is chairing", "<NAME> is chairing"),
    ],
)
def test_the_same_words_are_still_names_or_bodies_in_context(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected
