"""What a requester sends: parsed strictly into objects that cannot be built invalid.

The JSON body of ``POST /api/v1/inquiries`` and the public form arrive here as
plain values; every refusal is an :class:`~verifier.errors.InvalidInput` (or
:class:`~verifier.errors.Malformed`) naming the field as the JSON body spells
it (``requester.email``, ``document.number``...), so the API, the form and the
tests name the same thing. Nothing is stored before all of it is read.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from babel import Locale

from verifier.documents.numbers import normalise_number
from verifier.errors import InvalidInput, Malformed, MalformedNumber
from verifier.vocabulary import DocumentType

REQUESTER_KINDS = ("ministry", "agency", "employer", "individual")
LANGUAGES = ("uz", "ru", "en")
# Codes CLDR knows that ISO 3166-1 does not assign to a country.
_NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)
LIMITS = {
    "organisation": 300,
    "name": 200,
    "email": 254,
    "reference": 100,
    "purpose": 2000,
    "number": 64,
    "surname": 100,
    "given_name": 100,
    "institution": 300,
}
_CONTROL = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ud800-\udfff]")
_EMAIL = re.compile(
    r"[^@\s<>\"',;]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FIRST_YEAR = 1920


@functools.cache
def countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (from CLDR, which Babel ships)."""
    codes = (str(code) for code in Locale("en").territories)
    return frozenset(
        code for code in codes if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )


def country_name(code: str, language: str) -> str:
    """A country's name in ``language`` (CLDR), e.g. ``DE`` -> ``Germany``."""
    return str(Locale(language).territories.get(code, code))


def _refused(code: str, field: str, **params: str | int) -> InvalidInput:
    """A refusal naming ``field`` in its message too (a form shows it beside the field)."""
    return InvalidInput(code, field=field, name=field, **params)


def _text(values: Mapping[str, Any], key: str, field: str, *, required: bool = False) -> str | None:
    value = values.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _refused("inquiry_field_required", field)
        return None
    if not isinstance(value, str):
        raise _refused("inquiry_field_not_text", field)
    # Newlines only in the purpose; everything else is one line.
    text = value.strip() if key == "purpose" else " ".join(value.split())
    if _CONTROL.search(text.replace("\n", "").replace("\r", "").replace("\t", " ")):
        raise _refused("inquiry_field_control", field)
    if len(text) > LIMITS[key]:
        raise _refused("inquiry_field_too_long", field, limit=LIMITS[key])
    return text


def _object(values: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = values.get(key)
    if not isinstance(value, dict):
        raise _refused("inquiry_field_required", key)
    return value


@dataclass(frozen=True)
class Requester:
    """Who asks: a ministry, an agency, an employer or an individual."""

    kind: str
    country: str
    name: str
    email: str
    organisation: str | None = None
    reference: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in REQUESTER_KINDS:
            raise InvalidInput(
                "unknown_requester_kind", choices=", ".join(REQUESTER_KINDS), field="requester.kind"
            )
        if self.country not in countries():
            raise InvalidInput("unknown_country", field="requester.country")
        if _EMAIL.fullmatch(self.email) is None:
            raise InvalidInput("inquiry_email", field="requester.email")
        if self.kind != "individual" and not self.organisation:
            raise _refused("inquiry_field_required", "requester.organisation")

    @classmethod
    def from_json(cls, values: Mapping[str, Any]) -> Requester:
        kind = values.get("kind")
        country = values.get("country")
        if not isinstance(kind, str):
            raise _refused("inquiry_field_required", "requester.kind")
        if not isinstance(country, str):
            raise _refused("inquiry_field_required", "requester.country")
        name = _text(values, "name", "requester.name", required=True)
        email = _text(values, "email", "requester.email", required=True)
        assert name is not None
        assert email is not None
        return cls(
            kind=kind,
            country=country.strip().upper(),
            name=name,
            email=email,
            organisation=_text(values, "organisation", "requester.organisation"),
            reference=_text(values, "reference", "requester.reference"),
        )


@dataclass(frozen=True)
class AskedDocument:
    """The document asked about, as the requester describes it: number and surname required."""

    number: str  # canonical
    surname: str
    given_name: str | None = None
    birth_date: dt.date | None = None
    institution: str | None = None
    year: int | None = None
    type: DocumentType | None = None

    def __post_init__(self) -> None:
        if normalise_number(self.number) != self.number:
            raise ValueError("the number must be in canonical form")
        if not self.surname:
            raise _refused("inquiry_field_required", "document.surname")

    @classmethod
    def from_json(cls, values: Mapping[str, Any], today: dt.date) -> AskedDocument:
        typed = _text({"number": values.get("number")}, "number", "document.number", required=True)
        try:
            number = normalise_number(typed or "")
        except MalformedNumber:
            raise Malformed("malformed_number", field="document.number") from None
        surname = _text(values, "surname", "document.surname", required=True)
        assert surname is not None
        return cls(
            number=number,
            surname=surname,
            given_name=_text(values, "given_name", "document.given_name"),
            birth_date=_birth_date(values.get("birth_date"), today),
            institution=_text(values, "institution", "document.institution"),
            year=_year(values.get("year"), today),
            type=_type(values.get("type")),
        )


def _birth_date(value: object, today: dt.date) -> dt.date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or _DATE.fullmatch(value.strip()) is None:
        raise Malformed("malformed_birth_date", field="document.birth_date")
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise Malformed("malformed_birth_date", field="document.birth_date") from None
    if not dt.date(1900, 1, 1) <= day <= today:
        raise InvalidInput("inquiry_birth_date_range", field="document.birth_date")
    return day


def _year(value: object, today: dt.date) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput("inquiry_year", first=FIRST_YEAR, last=today.year, field="document.year")
    if not FIRST_YEAR <= value <= today.year:
        raise InvalidInput("inquiry_year", first=FIRST_YEAR, last=today.year, field="document.year")
    return value


def _type(value: object) -> DocumentType | None:
    if value is None or value == "":
        return None
    try:
        return DocumentType(str(value))
    except ValueError:
        choices = ", ".join(t.value for t in DocumentType)
        raise InvalidInput(
            "inquiry_document_type", choices=choices, field="document.type"
        ) from None


@dataclass(frozen=True)
class InquiryRequest:
    """A whole inquiry as received; only a request with the requester's consent can be built."""

    requester: Requester
    document: AskedDocument
    language: str
    consent: bool
    purpose: str | None = None

    def __post_init__(self) -> None:
        if self.consent is not True:
            raise InvalidInput("inquiry_consent", field="consent")
        if self.language not in LANGUAGES:
            raise Malformed("unsupported_language", field="language")

    @classmethod
    def from_json(cls, values: object, *, today: dt.date, language: str) -> InquiryRequest:
        """Read the contract's body; ``language`` is used when the body names none."""
        if not isinstance(values, dict):
            raise InvalidInput("invalid_request")
        unknown = set(values) - {"requester", "document", "purpose", "consent", "language"}
        if unknown:
            raise _refused("inquiry_unknown_field", sorted(unknown)[0])
        chosen = values.get("language", language)
        if not isinstance(chosen, str) or chosen not in LANGUAGES:
            raise Malformed("unsupported_language", field="language")
        consent = values.get("consent")
        if consent is not True:
            raise InvalidInput("inquiry_consent", field="consent")
        return cls(
            requester=Requester.from_json(_object(values, "requester")),
            document=AskedDocument.from_json(_object(values, "document"), today),
            language=chosen,
            consent=True,
            purpose=_text(values, "purpose", "purpose"),
        )
