"""Scrubber round 16: places that are no bodies nor people. A place's railway station ("Leeds
Piccadilly", "Coventry New Street"), a verb made of a noun before a kind of body in lower
case ("pseudonymised hospital data") and a landmark's bridge or wall ("the Humber bridge",
"along Offa's wall") are kept; local bodies and people still go."""

from __future__ import annotations

import pytest

from bot.privacy.scrub import Scrubber


@pytest.mark.parametrize(
    "text",
    [
        # A place then only a station's words.
        "is there a decent cafe near Leeds Piccadilly",
        "my train into Coventry New Street is running twenty minutes late",
        "change at Exeter Parkway for the conference venue",
        "the taxi rank at Plymouth Temple Meads was empty",
        # A verb made of a noun ("-ised", "-izing") before a kind of body in lower case.
        "we asked for tokenised hospital records for the audit",
        "the team was anonymising hospital extracts all week",
        "they moved to a pseudonymized practice dataset last year",
        # Asking the way is a journey: the places after it are places.
        "what is the best way to get from Paddington to the venue",
        "quickest way from Marylebone to the hotel with a suitcase?",
        "can you send directions from Holborn to the venue",
        # A landmark's bridge after "the", its wall after "along".
        "traffic on the Humber bridge made me late for the board",
        "we stood on the Menai suspension bridge for the photo",
        "the away day is a walk along Offa's wall and a pub lunch",
    ],
)
def test_stations_and_made_verbs_are_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A place then words that are no station's still names a body.
        ("she moved across to Sheffield Teaching in May", "she moved across to <ORG> in May"),
        ("Kirklees Refugee Welcome need drivers", "<ORG> need drivers"),
        # A place in lower case before a kind of body is still a body.
        ("he was admitted to wharfedale hospital", "he was admitted to <ORG>"),
        # A name before "bridge" as a verb, or a wall that is someone's, is still a name.
        ("can Tamsin bridge the gap with finance", "can <NAME> bridge the gap with finance"),
        ("Priyanka's wall planner is out of date", "<NAME>'s wall planner is out of date"),
        # Only a way asked makes a place: "the best way to" someone is a name.
        ("the best way to Anna is a text", "the best way to <NAME> is a text"),
        # People near a station are still people, and the station a station.
        (
            "meet Tamsin Oduya at Leeds Piccadilly at 9",
            "meet <NAME> at Leeds Piccadilly at 9",
        ),
        (
            "Priyanka Raman says the barriers at Leeds Piccadilly are shut",
            "<NAME> says the barriers at Leeds Piccadilly are shut",
        ),
    ],
)
def test_bodies_and_people_still_go(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected
