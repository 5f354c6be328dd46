"""Schemathesis hooks: the request rules an OpenAPI 3.1 document cannot state.

Loaded by ``st run`` through ``SCHEMATHESIS_HOOKS``. Each hook touches only
*positive* cases (those schemathesis promises the server will accept) and only
where a rule spans several values or depends on the registry, which JSON
Schema cannot express; the operation descriptions state every one of these
rules in words. Negative cases are sent as generated, so every
schema-violating request must still be refused.

- A look-up names a number and the holder's surname or birth date (one of two
  optional parameters is required).
- An inquiry names an organisation unless an individual asks, a birth date in the
  past and a year of issue up to this year.
- A document to issue is a real one: names of letters, short printable texts
  (the QR budget), dates in order and in the past, the token's own
  institution, and a number not yet issued to anyone else.

One filter drops negative cases that cannot be sent at all: a multipart part
is bytes, so a PDF "file" that is JSON null, a number or an object has no
spelling on the wire (schemathesis sends its JSON text, which is a non-empty
file like any other).
"""

from __future__ import annotations

import itertools
import os
import unicodedata
from typing import Any, TypeGuard

import schemathesis

_NEW_NUMBERS = (f"ST{n:07d}" for n in itertools.count(1))
_NAMES = {"surname": "Gʻulomov", "given_name": "Abdulla", "patronymic": "Rustam oʻgʻli"}
_TEXTS = {
    "program_name": "Kompyuter injiniringi",
    "qualification": "Kompyuter tizimlari texnigi",
    "study_form": "kunduzgi",
    "course_name": "Raqamli pedagogik texnologiyalar",
}
# Born, studied, finished, issued: in that order, all in the past.
_DATES = {
    "birth_date": "2003-04-17",
    "start_date": "2021-09-01",
    "end_date": "2024-06-28",
    "issue_date": "2024-07-05",
}
_SHORT = 40  # keeps any record within the QR code's budget


def _given(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())


def _is_name(value: str) -> bool:
    name = unicodedata.normalize("NFC", value.strip())
    return name.isalpha() and len(name) <= _SHORT and any(c not in "ʻʼ" for c in name)


def _is_text(value: str, limit: int) -> bool:
    text = " ".join(value.split())
    return bool(text) and len(text) <= min(limit, _SHORT) and text.isprintable()


def _real_document(record: Any) -> Any:
    if not isinstance(record, dict):
        return record
    record["number"] = next(_NEW_NUMBERS)
    for field, name in _NAMES.items():
        value = record.get(field)
        if _given(value) and not _is_name(value):
            record[field] = name
    for field, text in _TEXTS.items():
        value = record.get(field)
        if _given(value) and not _is_text(value, 300):
            record[field] = text
    for field, date in _DATES.items():
        if _given(record.get(field)):
            record[field] = date
    if _given(record.get("institution")):
        record["institution"] = "TATT"
    for course in record.get("courses") or []:
        if isinstance(course, dict):
            if not _is_text(course.get("name", ""), 300):
                course["name"] = "Oliy matematika"
            if not _is_text(course.get("grade", ""), 16):
                course["grade"] = "5"
    return record


def _real_inquiry(body: Any) -> None:
    """What an inquiry's rules say across fields or about today: an organisation unless
    the requester is an individual, a past birth date, a year of issue up to this year."""
    if not isinstance(body, dict):
        return
    requester, document = body.get("requester"), body.get("document")
    if (
        isinstance(requester, dict)
        and requester.get("kind") != "individual"
        and not _given(requester.get("organisation"))
    ):
        requester["organisation"] = "Federal Ministry of Education"
    if isinstance(document, dict):
        if _given(document.get("birth_date")):
            document["birth_date"] = "1990-02-03"
        if document.get("year") not in (None, ""):
            document["year"] = 2009


def _with_holder(query: dict[str, Any]) -> None:
    if not _given(query.get("surname")) and not _given(query.get("birth_date")):
        query["surname"] = "Gʻulomov"


@schemathesis.hook
def filter_case(context: Any, case: Any) -> bool:
    if case.operation.label != "POST /api/v1/verify/pdf" or not isinstance(case.body, dict):
        return True
    if "file" not in case.body:
        return True
    return not isinstance(case.body["file"], None | bool | int | float | dict | list)


def _genuine_report_request(body: dict[str, Any]) -> None:
    """A report states a genuine answer: of a token the service signed, or of a holder."""
    if "token" in body:
        body["token"] = os.environ["VERIFIER_SCHEMATHESIS_DOCUMENT_TOKEN"]
        body.pop("number", None)
    else:
        if not _given(body.get("number")):
            body["number"] = "KT2400101"
        _with_holder(body)


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    label = case.operation.label
    if label == "POST /api/v1/reports" and case.meta is None and isinstance(case.body, dict):
        _genuine_report_request(case.body)  # the document's own examples: genuine ones
        return case
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return case
    if label == "GET /api/v1/verify" and isinstance(case.query, dict):
        _with_holder(case.query)
    elif label == "GET /verify" and isinstance(case.query, dict):
        fields = ("number", "surname", "birth_date")
        # A submitted form (any field present, even blank) needs its number and holder;
        # the address with none of them is the empty form.
        if any(field in case.query for field in fields):
            if not _given(case.query.get("number")):
                case.query["number"] = "KT2400101"
            _with_holder(case.query)
    elif label == "POST /api/v1/reports" and isinstance(case.body, dict):
        _genuine_report_request(case.body)
    elif label == "POST /api/v1/inquiries":
        _real_inquiry(case.body)
    elif label == "POST /api/v1/documents":
        if isinstance(case.body, list):
            case.body = [_real_document(record) for record in case.body]
        else:
            case.body = _real_document(case.body)
    return case
