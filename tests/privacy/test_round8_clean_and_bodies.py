"""Scrubber round 8: clean texts read as people or bodies, and the names that must still go."""

from __future__ import annotations

import pytest

from bot.privacy.scrub import Scrubber

DIRECTORY = ["Summer Adebayo-Price", "Patience Oyelaran", "Hazel Quigley", "Bill Thackeray"]


@pytest.mark.parametrize(
    "text",
    [
        # A word of degree inside a phrase that makes a name-word a thing.
        "Patience is running really thin on the ward after the third rota change",
        "Patience is wearing pretty thin with the new booking system",
        # A season before "was meant" or "is supposed".
        "Summer was meant to be the quiet stretch. it never is",
        "Summer is supposed to be when we catch up on appraisals",
        # A colour that is a member's given name.
        "Hazel eyes and a lanyard, that's all I remember of the inspector",
        # National charities and inspectorates named alone or together.
        "Marie Curie and the district nurses share the night rota now",
        "Sue Ryder took over the day hospice last spring",
        "Mind and Samaritans are both running the new listening line",
        "Ofsted and the CQC are doing a joint visit in March",
        # A role's abbreviation before "is".
        "DoN is on leave so the DoF is chairing",
        # An adjective the dictionary lacks before a kind of body in lower case.
        "we are a proud teaching hospital and it shows in the training numbers",
        # A model's author before a verb, not only with "'s".
        "Kotter would call this a burning platform",
        "Belbin might say we have too many shapers",
    ],
)
def test_clean_texts_stay_as_written(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A member's given name before a person's verb is still a name.
        ("Hazel said she'd cover the huddle", "<NAME> said she'd cover the huddle"),
        ("Summer was off so Bill chaired", "<NAME> was off so <NAME> chaired"),
        # An author's surname after a capitalised given name may be a colleague.
        ("Marek Kotter would rather we waited", "<NAME> would rather we waited"),
        # Initials with a small particle are a person's, not a role's.
        ("RdS said yes to the pilot", "<NAME> said yes to the pilot"),
        # A place still makes a local branch of a national charity.
        ("Thornbury Mind have lost their grant", "<ORG> have lost their grant"),
        ("Mind in Thornbury have lost their grant", "<ORG> have lost their grant"),
        ("the wharrowby hospital board met", "the <ORG> board met"),
    ],
)
def test_names_and_bodies_still_scrubbed(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


BODY_DIRECTORY = ["Joy Ekwueme", "Frank Osei"]


@pytest.fixture(scope="module")
def body_scrubber(tmp_path_factory: pytest.TempPathFactory) -> Scrubber:
    return Scrubber(data_dir=tmp_path_factory.mktemp("round8-bodies"), names=BODY_DIRECTORY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A local Healthwatch, before or after its place.
        ("Healthwatch Pellbury want a meeting", "<ORG> want a meeting"),
        ("Healthwatch Corran Vale wrote to the chair", "<ORG> wrote to the chair"),
        ("Moss Bank Healthwatch were right all along", "<ORG> were right all along"),
        # A local hub, a hospital's short name, a unit named after someone.
        ("the Wendholme Health Hub is closing", "the <ORG> is closing"),
        ("Tarnby Gen is on black again", "<ORG> is on black again"),
        ("the Okafor Unit has no beds", "the <ORG> has no beds"),
        # A hospital's initials before a department.
        ("PGH ED were full by ten", "<ORG> ED were full by ten"),
        # A member's name in lower case opening a line before "from" and a body.
        ("joy from Tarnby Carers Network rang back", "<NAME> from <ORG> rang back"),
    ],
)
def test_local_bodies_found(body_scrubber: Scrubber, text: str, expected: str) -> None:
    assert body_scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Healthwatch England published the national picture",
        "the local Healthwatch chair came along",
        "the Intensive Care Unit and the Renal Unit share a corridor",
        "UEC ED performance is the only slide anyone reads",
        "NHS ED waits are on the news again",
        "joy from the whole team when the CQC letter came",
    ],
)
def test_kinds_of_body_stay(body_scrubber: Scrubber, text: str) -> None:
    assert body_scrubber.scrub(text) == text


AUTHOR_DIRECTORY = ["Kim Adeyemi", "Tobias Renwick"]


@pytest.fixture(scope="module")
def author_scrubber(tmp_path_factory: pytest.TempPathFactory) -> Scrubber:
    return Scrubber(data_dir=tmp_path_factory.mktemp("round8-authors"), names=AUTHOR_DIRECTORY)


@pytest.mark.parametrize(
    "text",
    [
        # Well-known authors where they are cited.
        "as Michael West puts it, compassion is a team sport",
        "Michael West's book is on the programme reading list",
        "Dare to Lead by Brené Brown, chapter 3 is the useful one",
        "Nancy Kline would say give them time to think",
        # Verb forms the dictionary lacks before a kind of body in lower case.
        "we heard healthwatch say the same at the last board",
        "I emailed healthwatch twice about the report",
    ],
)
def test_cited_authors_and_verbs_stay(author_scrubber: Scrubber, text: str) -> None:
    assert author_scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A member shares a word of the author's name: a name.
        ("Kim Scott's rota is up", "<NAME>'s rota is up"),
        # Not cited: a person, as ever.
        ("I met Simon Sinek at the bus stop", "I met <NAME> at the bus stop"),
    ],
)
def test_authors_not_cited_are_names(author_scrubber: Scrubber, text: str, expected: str) -> None:
    assert author_scrubber.scrub(text) == expected
