"""JSON Schema pieces both API descriptions share (public and registrar OpenAPI).

Each states exactly what the views accept, so that a schemathesis run with
every check (schema-valid requests accepted, schema-violating ones refused)
holds the description and the code to each other.
"""

from __future__ import annotations

from typing import Any

from verifier.documents.numbers import MAX_INPUT_LENGTH
from verifier.web.i18n import LANGUAGES

# What str.strip() and str.split() remove, which is what the views strip. Spelt
# out: JSON Schema patterns are ECMA-262, whose \s differs from Python's.
WHITESPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
BLANK = f"^[{WHITESPACE}]*$"
NOT_BLANK = f"[^{WHITESPACE}]"  # unanchored: at least one character that is not a space

# A number as verifier.documents.numbers.normalise_number accepts it (a test holds
# the two equal): 1-4 Latin letters, or Cyrillic ones that look Latin, then 1-12
# digits, with spaces and dashes anywhere; at most MAX_INPUT_LENGTH characters.
_SEPARATOR = rf"[{WHITESPACE}\-\u2010-\u2015\u2212]"
_LETTER = (
    r"[A-Za-z\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425\u0423"
    r"\u0430\u0432\u0435\u043a\u043c\u043d\u043e\u0440\u0441\u0442\u0445\u0443]"
)
NUMBER_PATTERN = f"^{_SEPARATOR}*(?:{_LETTER}{_SEPARATOR}*){{1,4}}(?:[0-9]{_SEPARATOR}*){{1,12}}$"
NUMBER_DESCRIPTION = (
    "Document number as printed: 1-4 letters then 1-12 digits; spaces, dashes and "
    "Cyrillic look-alike letters are normalised (KT 2400101, кт-2400101)."
)
NUMBER: dict[str, Any] = {
    "type": "string",
    "maxLength": MAX_INPUT_LENGTH,
    "pattern": NUMBER_PATTERN,
}

LANG: dict[str, Any] = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": (
        "Language of the answer's messages; without it, Accept-Language, then Uzbek. "
        "Any other value is refused: 400 unsupported_language, field lang."
    ),
    "schema": {"type": "string", "enum": list(LANGUAGES)},
}
# Pages never refuse a language: a person following ?lang=de gets a page they can
# read. The enum names the languages; any other string is accepted and ignored.
PAGE_LANG: dict[str, Any] = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": (
        "Language of the page: uz, ru or en. Any other value is ignored: the page "
        "follows Accept-Language, then Uzbek."
    ),
    "schema": {"anyOf": [{"type": "string", "enum": list(LANGUAGES)}, {"type": "string"}]},
}


DATE_OR_BLANK = {
    "type": "string",
    "anyOf": [{"format": "date"}, {"pattern": BLANK}],
    "description": "YYYY-MM-DD; empty means not given.",
}
