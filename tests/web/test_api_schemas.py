"""The OpenAPI documents' patterns accept exactly what the views accept.

Schemathesis trusts the patterns to tell good input from bad; these hold them
to the code they describe, over every character and many generated strings.
"""

from __future__ import annotations

import re
import sys

from hypothesis import example, given
from hypothesis import strategies as st

from verifier.documents.numbers import MAX_INPUT_LENGTH, normalise_number
from verifier.documents.registry import _reason
from verifier.errors import MalformedNumber, VerifierError
from verifier.web.api_schemas import BLANK, NOT_BLANK, NUMBER_PATTERN
from verifier.web.registrar_api.openapi import REASON_PATTERN

LATIN = "ABCKTXYZakqtz"
LOOKALIKES = "АВЕКМНОРСТХУавекмнорстху"
SEPARATORS = " \t\n\u00a0\u2007\u3000\x1c-\u2010\u2011\u2013\u2015\u2212"
# Near misses: other Cyrillic, Greek and fullwidth letters, other digits and dashes.
STRANGERS = "БДЖЗИЛПФЦШЯбдΑΚΤkｋ٣２\u2016\u2043_/.\u200b\ufeff"


def accepted(text: str) -> bool:
    try:
        normalise_number(text)
    except MalformedNumber:
        return False
    return True


def matches(text: str) -> bool:
    return len(text) <= MAX_INPUT_LENGTH and re.search(NUMBER_PATTERN, text) is not None


@st.composite
def number_like(draw: st.DrawFn) -> str:
    """A number as people type it, sometimes with one character swapped for a near miss."""
    gaps = st.text(st.sampled_from(SEPARATORS), max_size=2)
    letters = draw(st.lists(st.sampled_from(LATIN + LOOKALIKES), min_size=1, max_size=5))
    digits = draw(st.lists(st.sampled_from("0123456789"), min_size=1, max_size=13))
    chars = [draw(gaps)] + [c + draw(gaps) for c in letters + digits]
    text = "".join(chars)
    if text and draw(st.booleans()):
        at = draw(st.integers(0, len(text) - 1))
        text = text[:at] + draw(st.sampled_from(STRANGERS)) + text[at + 1 :]
    return text


@given(number_like())
@example("KT 2400101")
@example("кт-2400101")
@example("KTIX2400101000000")
@example("ABCDE1")
@example("A1234567890123")
@example(" " * 60 + "KT12")
@example("KT\n")
def test_the_number_pattern_accepts_exactly_what_normalise_number_accepts(text: str) -> None:
    assert matches(text) == accepted(text)


@given(st.text(max_size=20))
def test_the_number_pattern_agrees_on_any_text(text: str) -> None:
    assert matches(text) == accepted(text)


def test_blank_means_what_strip_removes_for_every_character() -> None:
    blank, not_blank = re.compile(BLANK), re.compile(NOT_BLANK)
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        stripped = not char.strip()
        assert (blank.search(char) is not None) == stripped, hex(code)
        assert (not_blank.search(char) is None) == stripped, hex(code)


def test_the_revocation_reason_pattern_accepts_exactly_what_revoke_accepts() -> None:
    note = re.compile(REASON_PATTERN)
    for code in range(0x10000):
        text = f"Issued in error{chr(code)}"
        try:
            _reason(text, required=True)
        except VerifierError:
            allowed = False
        else:
            allowed = True
        assert (note.search(text) is not None) == allowed, hex(code)
    assert note.search(" \t\n") is None  # blank
