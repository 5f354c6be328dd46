"""Document numbers: normalised before any look-up, malformed ones rejected."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verifier.documents.numbers import display_number, normalise_number
from verifier.errors import MalformedNumber


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("KT1234567", "KT1234567"),
        ("KT 1234567", "KT1234567"),
        ("kt-123-45-67", "KT1234567"),
        (" KT\t1234567 ", "KT1234567"),
        ("КТ 1234567", "KT1234567"),  # Cyrillic К and Т
        ("кт1234567", "KT1234567"),
        ("АВЕКМНОРСТХУ"[:4] + "1", "ABEK1"),
        ("ХМ 0000123", "XM0000123"),  # leading zeros are part of the number
        ("KT–1234567", "KT1234567"),  # en dash
    ],
)
def test_number_is_normalised_to_canonical_form(typed: str, canonical: str) -> None:
    assert normalise_number(typed) == canonical


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "1234567",
        "KT",
        "ABCDE1234",
        "KT1234567890123",
        "KT 12a4",
        "ДТ 1234567",  # Д has no Latin look-alike
        "KT １２３",  # full-width digits
        "KT ١٢٣٤",  # Arabic-Indic digits
        "ß1234",  # upper-cases to SS: must not sneak in
        "KT1234567; DROP TABLE documents",
        "K" * 100,
    ],
)
def test_malformed_number_is_rejected_with_a_message(typed: str) -> None:
    with pytest.raises(MalformedNumber, match=r"document number"):
        normalise_number(typed)


@given(st.text(max_size=40))
def test_normalising_never_raises_anything_but_malformed_number(text: str) -> None:
    try:
        canonical = normalise_number(text)
    except MalformedNumber:
        return
    assert normalise_number(canonical) == canonical


@given(st.from_regex(r"[A-Z]{1,4}[0-9]{1,12}", fullmatch=True))
def test_canonical_numbers_survive_display_round_trip(number: str) -> None:
    assert normalise_number(display_number(number)) == number
