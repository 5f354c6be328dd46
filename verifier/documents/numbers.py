"""Parse and normalise document numbers (``KT 1234567`` -> ``KT1234567``).

Numbers are typed by people from paper, sometimes on a Russian keyboard, so the
Cyrillic letters that look like Latin ones are mapped before anything else.
Anything that is still not ``[A-Z]{1,4}[0-9]{1,12}`` is rejected, never guessed.
"""

from __future__ import annotations

import re

from verifier.errors import MalformedNumber

# Only letters whose printed shape equals a Latin capital: the paper shows the
# same glyph, so a clerk on a Cyrillic layout types these.
_CYRILLIC_LOOKALIKES = str.maketrans("АВЕКМНОРСТХУавекмнорстху", "ABEKMHOPCTXYABEKMHOPCTXY")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_CANONICAL = re.compile(r"[A-Z]{1,4}[0-9]{1,12}")
MAX_INPUT_LENGTH = 64


def normalise_number(text: str) -> str:
    """Return the canonical form of a document number or raise :class:`MalformedNumber`."""
    if len(text) > MAX_INPUT_LENGTH:
        raise MalformedNumber("number_too_long", length=len(text))
    compact = _SEPARATORS.sub("", text).translate(_CYRILLIC_LOOKALIKES)
    if not compact:
        raise MalformedNumber("number_empty")
    # Checked before upper-casing: "ß".upper() is "SS", and other scripts' digits
    # pass str.isdigit(); the contract allows ASCII only.
    if not compact.isascii() or _CANONICAL.fullmatch(compact := compact.upper()) is None:
        raise MalformedNumber("number_malformed", text=repr(text.strip()))
    return compact


def series_of(number: str) -> str:
    """The letter prefix of a canonical number."""
    return number.rstrip("0123456789")


def display_number(number: str) -> str:
    """``KT1234567`` -> ``KT 1234567``, as printed on paper."""
    series = series_of(number)
    return f"{series} {number[len(series) :]}"
