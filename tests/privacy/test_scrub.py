"""The PII scrubber as its callers see it: what is replaced, what is kept, and what never leaks."""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

import pytest
import spacy
from presidio_analyzer import RecognizerResult

from bot.privacy import nlp
from bot.privacy.lexicon import LexiconError, load_lexicon
from bot.privacy.recognizers import nhs_checksum_ok
from bot.privacy.scrub import Finding, Scrubber, merge

KNOWN_NAMES = ["Priya Sharma", "Will Jones", "Li Wei", "Zoë O'Neill", "Dr Tomasz Kowalczyk"]


@pytest.fixture(scope="module")
def scrubber(tmp_path_factory: pytest.TempPathFactory) -> Scrubber:
    return Scrubber(data_dir=tmp_path_factory.mktemp("privacy"), names=KNOWN_NAMES)


def scrubbed(scrubber: Scrubber, text: str) -> str:
    return scrubber.scrub(text)


# --------------------------------------------------------------------------- contact details


@pytest.mark.parametrize(
    "text",
    [
        "priya.sharma@nhs.net",
        "PRIYA.SHARMA@NHS.NET",
        "j.o'neill+coaching@example.co.uk",
        "priya.sharma @ nhs.net",
        "<mailto:bob@example.com|bob@example.com>",
    ],
)
def test_email_addresses_are_replaced(scrubber: Scrubber, text: str) -> None:
    assert scrubbed(scrubber, f"Write to {text}, thanks.") == "Write to <EMAIL>, thanks."


@pytest.mark.parametrize(
    "number",
    [
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)7700 900123",
        "+44 07700 900123",
        "0044 7700 900123",
        "07700900123",
        "07700 900123",
        "07700 900 123",
        "07700-900-123",
        "07700.900.123",
        "0161 496 0000",
        "0161-496-0000",
        "(0161) 496 0000",
        "(020) 7946 0958",
        "020 7946 0958",
        "+44 20 7946 0958",
        "+44 (0)20 7946 0958",
        "0300 0303 300",
        "0800 123 4567",
        "01697 73456",
        "07700  900123",
        "+1 415 555 0100",
        "+353 1 234 5678",
    ],
)
def test_phone_numbers_in_any_format_are_replaced(scrubber: Scrubber, number: str) -> None:
    assert scrubbed(scrubber, f"ring me on {number} today") == "ring me on <PHONE> today"


def test_numbers_phonenumbers_calls_invalid_are_still_phone_numbers(scrubber: Scrubber) -> None:
    # Ofcom's drama ranges are not allocated, so validity checks would miss them.
    text = "mobile 07700 900999, office 0113 496 0123, London 020 7946 0000"
    assert scrubbed(scrubber, text) == "mobile <PHONE>, office <PHONE>, London <PHONE>"


def test_two_numbers_in_a_row_and_a_trailing_count_are_read_apart(scrubber: Scrubber) -> None:
    assert scrubbed(scrubber, "07700 900123 07700 900456") == "<PHONE> <PHONE>"
    assert scrubbed(scrubber, "call 0161 496 0000 2 times") == "call <PHONE> 2 times"


@pytest.mark.parametrize(
    "text",
    [
        "Samaritans are on 116 123, any time.",
        "Call NHS 111 or 999 in an emergency; 112 works too.",
        "Childline 0800 1111 and the police on 101.",
        "116 117 is the out-of-hours line.",
    ],
)
def test_helpline_and_service_numbers_are_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubbed(scrubber, text) == text


# --------------------------------------------------------------------------- identifiers


@pytest.mark.parametrize(
    "number",
    ["943 476 5919", "9434765919", "943-476-5919", "943  476  5919", "678 698 1984", "6346484850"],
)
def test_nhs_numbers_with_a_good_checksum_are_replaced(scrubber: Scrubber, number: str) -> None:
    assert scrubbed(scrubber, f"NHS no. {number}.") == "NHS no. <NHS_NUMBER>."


@pytest.mark.parametrize("number", ["943 476 5918", "9434765910", "400 000 0080", "123 456 7890"])
def test_ten_digits_with_a_bad_checksum_are_not_nhs_numbers(
    scrubber: Scrubber, number: str
) -> None:
    text = f"reference {number} on the form"
    assert scrubbed(scrubber, text) == text
    assert not nhs_checksum_ok(number.replace(" ", ""))


@pytest.mark.parametrize(
    "postcode",
    [
        "M1 1AE",
        "B33 8TH",
        "CR2 6XH",
        "DN55 1PT",
        "W1A 0AX",
        "EC1A 1BB",
        "SW1A 1AA",
        "GIR 0AA",
        "sw1a 1aa",
        "sw1a1aa",
        "m11ae",
        "Ls2  9JT",
    ],
)
def test_postcodes_in_every_format_and_case_are_replaced(scrubber: Scrubber, postcode: str) -> None:
    assert scrubbed(scrubber, f"she lives at {postcode} now") == "she lives at <POSTCODE> now"


@pytest.mark.parametrize(
    "nino", ["QQ 12 34 56 C", "QQ123456C", "AB123456C", "ab123456c", "qq 12 34 56 c", "AB 12 34 56"]
)
def test_national_insurance_numbers_are_replaced(scrubber: Scrubber, nino: str) -> None:
    assert scrubbed(scrubber, f"NI: {nino}.") == "NI: <NI_NUMBER>."


@pytest.mark.parametrize(
    "text",
    ["we spend at 250000 a year", "prefixes BG123456C and GB123456A are never issued"],
)
def test_things_shaped_like_ni_numbers_are_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubbed(scrubber, text) == text


# --------------------------------------------------------------------------- links and Slack


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see https://www.england.nhs.uk/long-read/plan/?a=1.", "see <URL>."),
        ("read www.kingsfund.org.uk, then", "read <URL>, then"),
        ("short link bit.ly/3xYzAb (ours)", "short link <URL> (ours)"),
        ("on gov.uk/guidance today", "on <URL> today"),
        ("<https://example.com/a|the report> is out", "<URL> is out"),
        ("HTTP://EXAMPLE.ORG/X", "<URL>"),
    ],
)
def test_urls_are_replaced(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubbed(scrubber, text) == expected


@pytest.mark.parametrize(
    "mention",
    [
        "<@U012AB3CD>",
        "<@U012AB3CD|priya>",
        "<@W012AB3CD>",
        "<#C123ABC|leaders-cohort>",
        "<#C123ABC>",
        "<!subteam^S123ABC>",
        "<!subteam^S123ABC|@programme-team>",
        "@priya.sharma",
    ],
)
def test_slack_mentions_are_replaced(scrubber: Scrubber, mention: str) -> None:
    assert scrubbed(scrubber, f"thanks {mention}!") == "thanks <MENTION>!"


def test_slack_broadcasts_name_nobody_and_are_kept(scrubber: Scrubber) -> None:
    text = "<!here> and <!channel>: the board moved"
    assert scrubbed(scrubber, text) == text


# --------------------------------------------------------------------------- people


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I met Priya Sharma today", "I met <NAME> today"),
        ("I met priya sharma today", "I met <NAME> today"),
        ("PRIYA said no", "<NAME> said no"),
        ("Priya's team and Sharma's plan", "<NAME>'s team and <NAME>'s plan"),
        ("Priya’s budget", "<NAME>’s budget"),
        ("li wei and Li Wei", "<NAME> and <NAME>"),
        ("zoe o'neill and Zoë O’Neill", "<NAME> and <NAME>"),
        ("Tomasz agreed, Dr Kowalczyk too", "<NAME> agreed, <NAME> too"),
        ("the Sharma-Okafor review", "the <NAME>-Okafor review"),
    ],
)
def test_deny_list_names_are_replaced_as_whole_words(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubbed(scrubber, text) == expected


def test_name_parts_that_are_ordinary_words_need_a_capital(scrubber: Scrubber) -> None:
    assert scrubbed(scrubber, "what will you do, Will?") == "what will you do, <NAME>?"
    assert scrubbed(scrubber, "will jones come?") == "<NAME> come?"
    assert scrubbed(scrubber, "the lion is a big cat") == "the lion is a big cat"


def test_names_inside_words_are_kept(scrubber: Scrubber) -> None:
    # in lower case, so that only the directory could find them (capitalised, "Priyanka and
    # Sharmanova are" look like names and are found by their shape: test_word_lists.py)
    text = "priyanka and sharmanova are not on the list; nor is Willow"
    assert scrubbed(scrubber, text) == text


def test_names_can_be_added_later(tmp_path: Path) -> None:
    scrubber = Scrubber(data_dir=tmp_path)  # a name on no list: neither directory nor common
    assert scrubbed(scrubber, "Ngaio Tuhiwai chairs it") == "Ngaio Tuhiwai chairs it"
    scrubber.add_names(["Ngaio Tuhiwai"])
    assert scrubbed(scrubber, "Ngaio Tuhiwai chairs it") == "<NAME> chairs it"
    assert scrubbed(scrubber, "ask ngaio") == "ask <NAME>"


@pytest.mark.parametrize(
    "person",
    [
        "Dr Adeyemi",
        "Dr. Adeyemi",
        "Mr O'Brien",
        "Mrs Smith-Jones",
        "Prof. Nkemelu",
        "Cllr Patel",
        "Ms McAllister",
        "Sir Simon Stevens",
        "Dr A. Adeyemi",
        "Dr van der Berg",
        "dr adeyemi",
        "cllr patel",
        "DR ADEYEMI",
    ],
)
def test_title_and_surname_are_replaced(scrubber: Scrubber, person: str) -> None:
    assert scrubbed(scrubber, f"I asked {person} about it") == "I asked <NAME> about it"


def test_a_possessive_after_a_title_stays(scrubber: Scrubber) -> None:
    assert scrubbed(scrubber, "Dr Adeyemi's view") == "<NAME>'s view"


@pytest.mark.parametrize(
    "text", ["we met on MS Teams", "join on ms teams", "Ms Teams again", "the Dr said so"]
)
def test_titles_without_a_person_are_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubbed(scrubber, text) == text


# --------------------------------------------------------------------------- ordinary text


@pytest.mark.parametrize(
    "text",
    [
        "the ICB board meets on 12 March at 10am",
        "we have 42 ICSs",
        "£30bn gap by 2028/29",
        "the 4-hour target slipped to 71.2% in Q3",
        "In 2019, 2020 and 2021 we missed the 18-week RTT for 7,500 patients.",
        "Band 7 and Band 8a posts, 1.5 WTE, 0.6 FTE, 24/7 cover, section 75",
        "Scores were 0.5 0.7 0.9 0.3 0.2 0.1 across the year",
        "the M6 2nd junction and the 4pm huddle",
        "What will you do next? What do you hope for?",
        "Version 3.2.1 of plan.docx, e.g. the GP practices (PCNs) and 111 online",
        "",
        "   ",
    ],
)
def test_ordinary_leadership_text_is_untouched(scrubber: Scrubber, text: str) -> None:
    assert scrubbed(scrubber, text) == text
    assert scrubber.analyze(text) == []


# --------------------------------------------------------------------------- findings


def test_findings_are_ordered_spans_with_entity_and_score(scrubber: Scrubber) -> None:
    text = "Priya: 07700 900123, priya@nhs.net, SW1A 1AA"
    findings = scrubber.analyze(text)
    assert [f.entity for f in findings] == [
        "PERSON",
        "PHONE_NUMBER",
        "EMAIL_ADDRESS",
        "UK_POSTCODE",
    ]
    assert [text[f.start : f.end] for f in findings] == [
        "Priya",
        "07700 900123",
        "priya@nhs.net",
        "SW1A 1AA",
    ]
    assert all(0.5 <= f.score <= 1.0 for f in findings)


def test_a_finding_never_holds_the_matched_text(scrubber: Scrubber) -> None:
    secret = "priya.sharma@nhs.net"
    findings = scrubber.analyze(f"mail {secret} or call Dr Adeyemi on 07700 900123")
    assert set(Finding.model_fields) == {"entity", "start", "end", "score"}
    for finding in findings:
        dumped = repr(finding) + finding.model_dump_json()
        for fragment in (secret, "priya", "Adeyemi", "900123"):
            assert fragment not in dumped
    with pytest.raises(ValueError):
        Finding(entity="EMAIL_ADDRESS", start=0, end=3, score=1.0, text="bob")  # type: ignore[call-arg]


def test_overlapping_findings_merge_and_the_longest_names_them(scrubber: Scrubber) -> None:
    # The e-mail contains a deny-list name and a bare domain; the mention contains a name.
    assert scrubbed(scrubber, "priya.sharma@nhs.uk") == "<EMAIL>"
    assert scrubbed(scrubber, "<@U012AB3CD|Priya Sharma>") == "<MENTION>"
    partial = [
        RecognizerResult("PERSON", 0, 5, 0.9),
        RecognizerResult("URL", 3, 12, 0.6),
        RecognizerResult("PHONE_NUMBER", 20, 25, 0.8),
    ]
    assert merge(partial) == [
        Finding(entity="URL", start=0, end=12, score=0.6),
        Finding(entity="PHONE_NUMBER", start=20, end=25, score=0.8),
    ]


# --------------------------------------------------------------------------- offline, NER, speed


def test_nothing_touches_the_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the scrubber tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for use_ner in (False, True):
        scrubber = Scrubber(data_dir=tmp_path, names=KNOWN_NAMES, use_ner=use_ner)
        text = "Dr Adeyemi: priya@nhs.net, https://example.org, 07700 900123, SW1A 1AA"
        assert scrubber.scrub(text) == "<NAME>: <EMAIL>, <URL>, <PHONE>, <POSTCODE>"


def _ner_installed() -> bool:
    return any(spacy.util.is_package(name) for name in nlp.NER_PACKAGES)


@pytest.mark.skipif(_ner_installed(), reason="a spaCy NER model is installed here")
def test_ner_without_a_model_warns_once_and_carries_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    nlp.warn_no_ner_model.cache_clear()
    with caplog.at_level(logging.WARNING, logger="bot.privacy.nlp"):
        first = Scrubber(data_dir=tmp_path, use_ner=True)
        second = Scrubber(data_dir=tmp_path, use_ner=True)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "NER" in warnings[0].getMessage()
    assert not first.uses_ner and not second.uses_ner
    assert first.scrub("Dr Adeyemi") == "<NAME>"


def test_ner_uses_a_model_folder_in_the_data_dir(tmp_path: Path) -> None:
    pipeline = spacy.blank("en")
    ruler: Any = pipeline.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "PERSON", "pattern": "Zanele Thwalaqa"},
            {"label": "GPE", "pattern": "Leeds"},
        ]
    )
    folder = tmp_path / nlp.NER_MODEL_DIR
    folder.parent.mkdir(parents=True)
    pipeline.to_disk(folder)
    scrubber = Scrubber(data_dir=tmp_path, use_ner=True)
    assert scrubber.uses_ner
    assert scrubber.scrub("Zanele Thwalaqa moved to Leeds") == "<NAME> moved to Leeds"
    assert Scrubber(data_dir=tmp_path).scrub("Zanele Thwalaqa") == "Zanele Thwalaqa"


def test_a_bad_lexicon_is_refused_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.yaml"
    lines = ["honorifics: {titles: ['Dr Who']}", "names: {}", "urls: {bare_domain_endings: [uk]}"]
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(LexiconError, match=r"lexicon\.yaml: honorifics\.titles"):
        load_lexicon(path)
    with pytest.raises(LexiconError, match=r"missing\.yaml: file: not found"):
        load_lexicon(tmp_path / "missing.yaml")
