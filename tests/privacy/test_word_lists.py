"""Names found with the broad word lists (census surnames and given names, English words)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.datafiles import ContentError
from bot.privacy.scrub import Scrubber
from bot.privacy.word_lists import (
    ENGLISH,
    GIVEN_NAME,
    SURNAME,
    default_word_lists,
    load_word_lists,
)


def test_the_shipped_lists_load_with_what_their_sources_file_says() -> None:
    lists = load_word_lists()
    assert lists.kinds("okafor") == SURNAME
    assert lists.kinds("excellent") == ENGLISH
    assert lists.kinds("grace") & (ENGLISH | GIVEN_NAME) == ENGLISH | GIVEN_NAME
    assert lists.is_english("providers")  # inflected: the dictionary has "provider"
    assert not lists.is_english("chukwuemeka")


def test_newer_words_count_as_english_with_their_inflections() -> None:
    lists = load_word_lists()
    assert lists.is_english("webinar")
    assert lists.is_english("handovers")  # the plural of a newer word
    assert not lists.is_given_name("webinar")


@pytest.mark.parametrize(
    "word",
    ["organised", "summarising", "analysed", "colour", "behaviours", "favourite", "centres"],
)
def test_british_spellings_count_as_english(word: str) -> None:
    assert load_word_lists().is_english(word)


@pytest.mark.parametrize("word", ["cancelled", "travelling", "paediatric", "oestrogen"])
def test_more_british_spellings_count_as_english(word: str) -> None:
    assert load_word_lists().is_english(word)


@pytest.mark.parametrize(
    "name", ["louise", "denise", "seymour", "michaela", "harbourside", "raphael"]
)
def test_names_are_no_british_spellings(name: str) -> None:
    assert not load_word_lists().is_english(name)


def test_a_newer_word_that_is_not_one_lower_case_word_is_a_content_error(
    tmp_path: Path,
) -> None:
    source = Path("prompts/privacy/word_lists.yaml").read_text(encoding="utf-8")
    (tmp_path / "word_lists.yaml").write_text(source.replace("handover,", "Hand-over,"))
    with pytest.raises(ContentError, match="Hand-over"):
        load_word_lists(tmp_path / "word_lists.yaml")


def test_a_list_with_the_wrong_count_is_a_content_error(tmp_path: Path) -> None:
    source = Path("prompts/privacy/word_lists.yaml").read_text(encoding="utf-8")
    (tmp_path / "word_lists.yaml").write_text(source.replace("words: 5163", "words: 5"))
    for name in ("surnames_census", "given_names_census", "english_words"):
        data = (Path("prompts/privacy") / f"{name}.txt.gz").read_bytes()
        (tmp_path / f"{name}.txt.gz").write_bytes(data)
    with pytest.raises(ContentError, match="5163 words"):
        load_word_lists(tmp_path / "word_lists.yaml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mthunzi has the figures.", "<NAME> has the figures."),
        ("Nasser's out, ping Yara instead", "<NAME>'s out, ping <NAME> instead"),
        ("Tbh, Valentina's reframe changed the room", "Tbh, <NAME>'s reframe changed the room"),
        ("Zhang Wei (pharmacy) will join", "<NAME> (pharmacy) will join"),
        ("Chen Xiaoling (digital) will join", "<NAME> (digital) will join"),
        ("Rose from comms wants a quote", "<NAME> from comms wants a quote"),
        ("Jack from estates says it is fixed", "<NAME> from estates says it is fixed"),
        ("Thnks Shabnum, really helpful", "Thnks <NAME>, really helpful"),
        ("Happy retirement Bernie!!!", "Happy retirement <NAME>!!!"),
    ],
)
def test_names_no_list_had_are_found(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "we need to rob Peter to pay Paul on staffing",
        "feeling like we're robbing Peter to pay Paul with these winter monies",
        "Fox News is not my go-to for health policy",
        "Back from the walk up Ben Nevis for the charity challenge",
        "the 'Dr Google' problem in our 111 data is real",
        "Hope Street is closed for roadworks",
        "Childline is 0800 1111 if a young person needs it",
        "Scores were 0.5, 0.7 and 0.9 across the three domains",
        "NHS Providers and the LGA wrote a joint letter",
        "January is going to hurt",
        "goodness knows how we fill the rota",
        "sunny spells forecast for the staff awards",
        "Our district nurses round Aberaeron are doing heroic things",
        "King George and Queen Elizabeth wards",
        "the Leader of the Council joined us",
        "Church Hall meeting on Thursday",
        "Better Care Fund money",
    ],
)
def test_ordinary_text_stays_as_written(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


def test_words_newer_than_the_dictionary_are_english_by_their_ending() -> None:
    lists = default_word_lists()
    assert lists.is_english("sustainability")
    assert lists.is_english("personalisation")
    assert not lists.is_english("okonkwo")
