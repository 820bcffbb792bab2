"""Professional registration numbers: GMC (with context), NMC PINs (alone), HCPC (with context)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.privacy.scrub import Scrubber


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("her GMC number is 4412876.", "her GMC number is <REG_NUMBER>."),
        ("GMC no. 7034519 - specialist register", "GMC no. <REG_NUMBER> - specialist register"),
        ("GMC: 6129384", "GMC: <REG_NUMBER>"),
        ("Dr Siddiqui (GMC 5098712)", "<NAME> (GMC <REG_NUMBER>)"),
        ("gmc number 3345120 was in the email", "gmc number <REG_NUMBER> was in the email"),
        ("registration number 7211093 (GMC)", "registration number <REG_NUMBER> (GMC)"),
        ("reg no 4820011", "reg no <REG_NUMBER>"),
        (
            "4820011 is his General Medical Council number",
            "<REG_NUMBER> is his General Medical Council number",
        ),
    ],
)
def test_gmc_numbers_near_a_context_word_are_replaced(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "invoice number 4412876 is overdue",
        "we served 1234567 meals last year",
        "the budget is £1234567 this year",
        "GMC survey: 1234 responses, 12345678 page views",
        "GMC guidance changed.\nRef 4412876 on the next line is an order number",
        "registration for the conference closes on 14 March",
    ],
)
def test_seven_digits_without_context_are_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize("pin", ["12A3456E", "98i1234e", "05H7812W", "19J4455O", "11k3344s"])
def test_nmc_pins_are_replaced_without_context(scrubber: Scrubber, pin: str) -> None:
    assert (
        scrubber.scrub(f"the nurse {pin} did not turn up")
        == "the nurse <REG_NUMBER> did not turn up"
    )


@pytest.mark.parametrize(
    "text", ["room 12A3456 is free", "code X12A3456E and 12A3456E7", "12A-3456E", "Band 8C 2024"]
)
def test_things_near_the_pin_shape_are_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "HCPC registration PH123456 for the physio",
            "HCPC registration <REG_NUMBER> for the physio",
        ),
        ("the paramedic's HCPC no is PA 045678", "the paramedic's HCPC no is <REG_NUMBER>"),
        ("HCPC: OT71234", "HCPC: <REG_NUMBER>"),
        ("Social Work England SW123456", "Social Work England <REG_NUMBER>"),
    ],
)
def test_hcpc_numbers_with_context_are_registration_numbers(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    # "PH123456" is also shaped like an NI number; with the context it is tagged as registration.
    assert scrubber.scrub(text) == expected


def test_hcpc_shapes_without_context_are_not_registration_numbers(scrubber: Scrubber) -> None:
    assert scrubber.scrub("ward OT12345 and bay PH 12345") == "ward OT12345 and bay PH 12345"


def test_registration_findings_use_one_entity(tmp_path: Path) -> None:
    scrubber = Scrubber(data_dir=tmp_path)
    findings = scrubber.analyze("GMC 4412876 and NMC 12A3456E")
    assert [f.entity for f in findings] == ["REG_NUMBER", "REG_NUMBER"]


def test_an_hcpc_number_with_a_context_word_anywhere_in_the_message_is_replaced(
    scrubber: Scrubber,
) -> None:
    text = (
        "Can someone check the HCPC number for the OT we're bringing in from the agency? "
        "It's OT61734 on the CV"
    )
    assert scrubber.scrub(text).endswith("It's <REG_NUMBER> on the CV")
    far = "the GMC said a lot about rotas this year, all of it long and dull; ref 4412876"
    assert scrubber.scrub(far) == far  # seven digits still need the context close by
