"""The formal inquiries' part of the OpenAPI document (merged by ``openapi.py``).

Kept beside the inquiry views so the two change together. Refusals use their own
error schema: an inquiry is refused under the code of the field's rule
(``inquiry_consent``, ``unknown_country``, ``attachment_not_allowed``...), always
naming the field.
"""

from __future__ import annotations

from typing import Any

from verifier.inquiries.attachments import MAX_ATTACHMENTS, MAX_BYTES
from verifier.inquiries.requests import LANGUAGES, LIMITS, REQUESTER_KINDS, countries
from verifier.vocabulary import DocumentType
from verifier.web.api_schemas import (
    LANG,
    NOT_BLANK,
    NUMBER,
    NUMBER_DESCRIPTION,
    PAGE_LANG,
    WHITESPACE,
)

REF = "#/components/schemas/"
_RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "string"}}
}
# What the request's parser takes (verifier.inquiries.requests), stated exactly: a
# one-line field has its whitespace collapsed first, so only the control characters
# that are not whitespace are refused; the purpose is stripped, and keeps line breaks
# and tabs inside but no other control character. Blank is "not given".
_CONTROL_LINE = "\\u0000-\\u0008\\u000e-\\u001b\\u007f-\\u0084\\u0086-\\u009f"
_CONTROL_PURPOSE = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
_LINE = f"^[^{_CONTROL_LINE}]*$"
_PURPOSE = f"^[{WHITESPACE}]*[^{_CONTROL_PURPOSE}]*[{WHITESPACE}]*$"
_EMAIL = (
    f"^[{WHITESPACE}]*[^@{WHITESPACE}{_CONTROL_LINE}<>\"',;]{{1,64}}@"
    "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    f"(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?)+[{WHITESPACE}]*$"
)
# A country code in any case, with spaces around (the parser strips and upper-cases).
_COUNTRY = (
    f"^[{WHITESPACE}]*(?:"
    + "|".join(
        f"[{a}{a.lower()}][{b}{b.lower()}]"
        for a, b in (tuple(code) for code in sorted(countries()))
    )
    + f")[{WHITESPACE}]*$"
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def _text(key: str, description: str, *, required: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "maxLength": LIMITS[key], "pattern": _LINE}
    if required:
        return {"allOf": [schema, {"pattern": NOT_BLANK}], "description": description}
    return {"anyOf": [schema, {"type": "null"}], "description": description}


def _json(schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
        **extra,
    }


_ERRORS = {
    400: "Malformed request: unparseable JSON, a malformed number or date, an unknown language.",
    413: "Request larger than 3 attachments of 10 MiB (the field is absent), or one attachment "
    "larger than 10 MiB (field attachments[i]).",
    414: "Address too long.",
    415: "Neither JSON nor multipart/form-data.",
    422: "A field is missing or breaks its rule (no consent, an e-mail address that is not one, "
    "a country that is not an ISO 3166-1 code, an attachment that is not a PDF, JPEG or PNG "
    "by its content or whose name says otherwise, a PDF too costly to read, a fourth "
    "attachment...). The error names the field: requester.email, consent, attachments[0]...",
    429: "Too many inquiries (or requests) from this client, or too many wrong guesses for "
    "this number; see Retry-After.",
    503: "The service cannot take inquiries now; see Retry-After.",
}


def _errors(*statuses: int) -> dict[str, Any]:
    return {
        str(status): _json(
            _ref("InquiryError"),
            _ERRORS[status],
            **({"headers": _RETRY_AFTER} if status in {429, 503} else {}),
        )
        for status in statuses
    }


SCHEMAS: dict[str, Any] = {
    "InquiryError": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string", "description": "In the client's language."},
                    "field": {
                        "type": "string",
                        "description": "The field as the body spells it: requester.email, "
                        "document.number, consent, attachments[1]...",
                    },
                },
            }
        },
    },
    "InquiryRequest": {
        "type": "object",
        "description": (
            "A formal request for an official answer. requester.organisation is required "
            "unless requester.kind is individual; document.birth_date must be a past date and "
            "document.year a year from 1920 to this year. consent must be true: the requester "
            "is the holder or holds the holder's consent. language: of the answer and the mails "
            "(default: ?lang=, then Accept-Language, then uz)."
        ),
        "required": ["requester", "document", "consent"],
        "additionalProperties": False,
        "properties": {
            "requester": {
                "type": "object",
                "required": ["kind", "country", "name", "email"],
                "properties": {
                    "kind": {"type": "string", "enum": list(REQUESTER_KINDS)},
                    "organisation": _text("organisation", "Required unless kind is individual."),
                    "country": {
                        "type": "string",
                        "pattern": _COUNTRY,
                        "description": "ISO 3166-1 alpha-2 (any case).",
                    },
                    "name": _text("name", "Who asks.", required=True),
                    "email": {
                        "type": "string",
                        "maxLength": LIMITS["email"],
                        "pattern": _EMAIL,
                        "description": "Where the receipt and the answer are mailed.",
                    },
                    "reference": _text("reference", "The requester's own file reference."),
                },
            },
            "document": {
                "type": "object",
                "required": ["number", "surname"],
                "properties": {
                    "number": {**NUMBER, "description": NUMBER_DESCRIPTION},
                    "surname": _text("surname", "The holder's surname.", required=True),
                    "given_name": _text("given_name", "The holder's given name."),
                    "birth_date": {
                        "anyOf": [
                            {"type": "string", "format": "date"},
                            {"const": ""},
                            {"type": "null"},
                        ],
                        "description": "YYYY-MM-DD, a past date; empty or null: not known.",
                    },
                    "institution": _text("institution", "The issuing institution, as known."),
                    "year": {
                        "anyOf": [
                            {"type": "integer", "minimum": 1920},
                            {
                                "type": "string",
                                "pattern": f"^[{WHITESPACE}]*[0-9]+[{WHITESPACE}]*$",
                            },
                            {"const": ""},
                            {"type": "null"},
                        ],
                        "description": "The year of issue, 1920 to this year (digits as text too).",
                    },
                    "type": {
                        "enum": [*(kind.value for kind in DocumentType), "", None],
                        "description": "The kind of document, if known.",
                    },
                },
            },
            "purpose": {
                "anyOf": [
                    {"type": "string", "maxLength": LIMITS["purpose"], "pattern": _PURPOSE},
                    {"type": "null"},
                ],
                "description": "Why the requester asks (line breaks allowed).",
            },
            "consent": {"const": True},
            "language": {"type": "string", "enum": list(LANGUAGES)},
        },
    },
    "InquiryCreated": {
        "type": "object",
        "required": ["number", "status", "due", "url"],
        "properties": {
            "number": {"type": "string", "pattern": "^INQ-[0-9]{4}-[0-9]{6,}$"},
            "status": {
                "type": "string",
                "enum": ["received", "answered"],
                "description": "answered: a look-up already settled it; the letter is at url.",
            },
            "due": {"type": "string", "format": "date", "description": "Answer due by."},
            "url": {
                "type": "string",
                "description": (
                    "{BASE_URL}/inquiries/{number}?key={key}: the requester's only way in (the "
                    "key is shown once)."
                ),
            },
        },
    },
    "InquiryCase": {
        "type": "object",
        "required": ["number", "status", "received_at", "due", "document", "history"],
        "properties": {
            "number": {"type": "string"},
            "status": {
                "type": "string",
                "enum": ["received", "in_progress", "answered", "rejected"],
            },
            "received_at": {"type": "string", "format": "date-time"},
            "due": {"type": "string", "format": "date"},
            "document": {
                "type": "object",
                "properties": {"number": {"type": "string"}, "surname": {"type": "string"}},
            },
            "history": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["at", "event"],
                    "properties": {
                        "at": {"type": "string", "format": "date-time"},
                        "event": {"type": "string"},
                    },
                },
            },
            "outcome": {"enum": ["confirmed", "not_confirmed", "undetermined", None]},
            "note": {"type": ["string", "null"]},
            "reason": {"type": ["string", "null"]},
            "letter": {"$ref": REF + "Report"},
        },
    },
}

# Described in words, not as a second media type: an OpenAPI multipart body cannot say
# that its "inquiry" part is the JSON document above (clients send it as text).
_MULTIPART_TEXT = (
    "JSON (the schema below), or multipart/form-data with that JSON document as the text of "
    f"a part named inquiry and up to {MAX_ATTACHMENTS} files in parts named attachments "
    f"(PDF, JPEG or PNG by their content, at most {MAX_BYTES // (1024 * 1024)} MiB each; "
    "a file named .pdf that is not a PDF is refused). At most 31 MiB in all."
)

PATHS: dict[str, Any] = {
    "/api/v1/inquiries": {
        "post": {
            "operationId": "createInquiry",
            "summary": "Ask for an official check of a document (a formal inquiry)",
            "description": (
                "JSON (the body below), or multipart/form-data with that body as JSON in a part "
                f"named inquiry and up to {MAX_ATTACHMENTS} files in parts named attachments "
                f"(PDF, JPEG or PNG by content, {MAX_BYTES // (1024 * 1024)} MiB each). Nothing "
                "is stored unless all of it is accepted. If a look-up of the number with the "
                "surname already answers (valid, revoked, superseded) the inquiry is answered at "
                "once with a signed letter. Rate-limited per client."
            ),
            "parameters": [LANG],
            "requestBody": {
                "required": True,
                "description": _MULTIPART_TEXT,
                "content": {"application/json": {"schema": _ref("InquiryRequest")}},
            },
            "responses": {
                "201": _json(
                    {
                        "type": "object",
                        "required": ["inquiry"],
                        "properties": {"inquiry": _ref("InquiryCreated")},
                    },
                    "Received (or answered at once).",
                    headers={
                        "Location": {"description": "The status url.", "schema": {"type": "string"}}
                    },
                ),
                **_errors(400, 413, 414, 415, 422, 429, 503),
            },
        }
    },
    "/inquiries/{number}": {
        "get": {
            "operationId": "inquiryStatus",
            "summary": "The requester's status page of an inquiry (HTML, or JSON when asked)",
            "description": (
                "Status, due date, history and, once answered, the letter. A wrong or missing "
                "key answers 404 exactly like a number that does not exist."
            ),
            "parameters": [
                {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}},
                {
                    "name": "key",
                    "in": "query",
                    "required": False,
                    "description": "The secret key from the url given when the inquiry was made.",
                    "schema": {"type": "string"},
                },
                PAGE_LANG,
            ],
            "responses": {
                "200": {
                    "description": "The case.",
                    "content": {
                        "text/html": {"schema": {"type": "string"}},
                        "application/json": {"schema": _ref("InquiryCase")},
                    },
                },
                "404": {
                    "description": "No inquiry at this address (or a wrong or missing key).",
                    "content": {
                        "text/html": {"schema": {"type": "string"}},
                        "application/json": {"schema": _ref("InquiryError")},
                    },
                },
                "414": {
                    "description": "Address too long.",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                },
                "429": {"description": "Too many requests.", "headers": _RETRY_AFTER},
            },
        }
    },
    "/inquiries/new": {
        "get": {
            "operationId": "inquiryForm",
            "summary": "The inquiry form (HTML), filled with what a look-up typed",
            "parameters": [
                {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
                for name in ("number", "surname", "birth_date")
            ]
            + [PAGE_LANG],
            "responses": {
                "200": {
                    "description": "The form.",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                },
                "414": {
                    "description": "Address too long.",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                },
                "429": {"description": "Too many requests.", "headers": _RETRY_AFTER},
            },
        }
    },
}
