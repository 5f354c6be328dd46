"""The registrar API's part of the OpenAPI document (merged by ``openapi.py``).

Kept beside the registrar API so the two change together; the public document
only gains paths, a schema and the bearer security scheme.
"""

from __future__ import annotations

from typing import Any

from verifier.documents.names import MAX_NAME_LENGTH
from verifier.documents.parse import MAX_COURSES, ONLY_FOR, REQUIRED_BY_TYPE, REQUIRED_COLUMNS
from verifier.documents.registry import MAX_REASON_LENGTH
from verifier.vocabulary import DocumentType, RevocationCode
from verifier.web.api_schemas import (
    BLANK,
    LANG,
    NOT_BLANK,
    NUMBER,
    NUMBER_DESCRIPTION,
    WHITESPACE,
)
from verifier.web.registrar_api.views import MAX_DOCUMENTS_PER_REQUEST, MAX_IDEMPOTENCY_KEY_LENGTH
from verifier.web.security import BODY_LIMITS

REF = "#/components/schemas/"
SECURITY: list[dict[str, list[str]]] = [{"apiToken": []}]
SECURITY_SCHEMES = {
    "apiToken": {
        "type": "http",
        "scheme": "bearer",
        "description": (
            "An institution's API token (vrf_…), created by an administrator in the "
            "workspace or with `verifier api-token create`; shown once, revocable."
        ),
    }
}

_ERROR = {"$ref": REF + "RegistrarError"}
REQUIRED_COLUMNS_BUT_INSTITUTION = [name for name in REQUIRED_COLUMNS if name != "institution"]
# Left out: null or an empty (or all-space) string; for courses an empty list too.
_ABSENT: dict[str, Any] = {"anyOf": [{"type": "null"}, {"type": "string", "pattern": BLANK}]}
_NO_COURSES: dict[str, Any] = {"anyOf": [*_ABSENT["anyOf"], {"type": "array", "maxItems": 0}]}


def _absent(field: str) -> dict[str, Any]:
    return _NO_COURSES if field == "courses" else _ABSENT


_HONORS = ("true", "false", "yes", "no", "1", "0", "ha", "yoʻq", "да", "нет", "")
_NAME: dict[str, Any] = {
    "type": "string",
    "pattern": NOT_BLANK,
    "maxLength": MAX_NAME_LENGTH,
    "description": "Letters (Latin or Cyrillic), spaces, hyphens and apostrophes.",
}
_DATE: dict[str, Any] = {"type": "string", "format": "date"}
# Control characters that are not whitespace (whitespace is collapsed to spaces).
_CONTROL = r"\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"
REASON_PATTERN = f"^[^{_CONTROL}]*[^{WHITESPACE}{_CONTROL}][^{_CONTROL}]*$"


# The same ranges spelt as digits, at most 6 of them (leading zeros allowed).
_DIGITS_UP_TO = {
    2000: "^0*(?:[1-9][0-9]{0,2}|1[0-9]{3}|2000)$",
    10_000: "^0*(?:[1-9][0-9]{0,3}|10000)$",
}


def _whole_number(high: int) -> dict[str, Any]:
    """1..``high``, as a JSON integer or a string of digits (as a CSV cell has it)."""
    return {
        "anyOf": [
            {"type": "integer", "minimum": 1, "maximum": high},
            {"type": "string", "maxLength": 6, "pattern": _DIGITS_UP_TO[high]},
        ]
    }


def _text(limit: int) -> dict[str, Any]:
    return {"type": "string", "pattern": NOT_BLANK, "maxLength": limit}


def _OPTIONAL(schema: dict[str, Any], field: str = "") -> dict[str, Any]:  # noqa: N802
    return {"anyOf": [schema, _absent(field)]}


SCHEMAS: dict[str, Any] = {
    "RegistrarError": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "field": {"type": "string"},
                    "rows": {
                        "type": "array",
                        "description": "Every problem, by document (row) and field.",
                        "items": {
                            "type": "object",
                            "required": ["row", "field", "message"],
                            "properties": {
                                "row": {"type": "integer"},
                                "field": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        },
                    },
                },
            }
        },
    },
    "ImportRecord": {
        "type": "object",
        "description": (
            "One document in the import fields of DESIGN.md; institution defaults to the "
            "token's own. Null or an empty string is the same as leaving a field out. "
            "Checked as an import row is (all refused together, 422 invalid_documents, "
            "each problem by row and field): besides this schema, names are letters, "
            "spaces, hyphens and apostrophes; texts hold no control or invisible "
            "characters; dates are in order (born before the studies start, studies "
            "end before the issue date, nothing issued in the future); a number is not "
            "issued twice in one request nor to someone else before; and the record "
            "must fit the QR code."
        ),
        "required": list(REQUIRED_COLUMNS_BUT_INSTITUTION),
        "additionalProperties": False,
        "properties": {
            "type": {
                "type": "string",
                "enum": [kind.value for kind in DocumentType],
                "description": "Case and surrounding spaces are ignored.",
            },
            "number": {**NUMBER, "description": NUMBER_DESCRIPTION},
            "surname": _NAME,
            "given_name": _NAME,
            "patronymic": _OPTIONAL(_NAME),
            "birth_date": _DATE,
            "institution": _OPTIONAL(
                {
                    "type": "string",
                    "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$",
                    "description": "The token's institution code; any other is refused.",
                }
            ),
            "program_code": _OPTIONAL(
                {"type": "string", "pattern": "^[0-9A-Za-z][0-9A-Za-z.\\-]{0,31}$"}
            ),
            "program_name": _OPTIONAL(_text(300)),
            "qualification": _OPTIONAL(_text(300)),
            "study_form": _OPTIONAL(_text(40)),
            "start_date": _OPTIONAL(_DATE),
            "end_date": _OPTIONAL(_DATE),
            "issue_date": _DATE,
            "honors": {
                "anyOf": [
                    {"type": ["boolean", "null"]},
                    {"type": "string", "enum": list(_HONORS)},
                ],
                "description": "Diplomas: with honours. Strings in any case.",
            },
            "diploma_number": _OPTIONAL({**NUMBER, "description": "Transcripts: their diploma."}),
            "courses": _OPTIONAL(
                {
                    "type": "array",
                    "maxItems": MAX_COURSES,
                    "description": "Transcripts: the grade table, in printed order.",
                    "items": {
                        "type": "object",
                        "required": ["name", "hours", "grade"],
                        "additionalProperties": False,
                        "properties": {
                            "name": _text(300),
                            "hours": _whole_number(2000),
                            "grade": _text(16),
                        },
                    },
                },
                "courses",
            ),
            "course_name": _OPTIONAL({**_text(300), "description": "Certificates only."}),
            "hours": _OPTIONAL({**_whole_number(10_000), "description": "Certificates only."}),
        },
        # What each type requires, and what only another type may have.
        "oneOf": [
            {
                "properties": {
                    "type": {"const": kind.value},
                    **{
                        field: _absent(field)
                        for field, owner in ONLY_FOR.items()
                        if owner is not kind
                    },
                    **{
                        field: {"not": _absent(field)}
                        for field in sorted(REQUIRED_BY_TYPE[kind] - {"type", "institution"})
                    },
                },
                "required": sorted(REQUIRED_BY_TYPE[kind] - {"institution"}),
            }
            for kind in DocumentType
        ],
    },
}


def _json(schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
        **extra,
    }


def _errors(*statuses: int) -> dict[str, Any]:
    texts = {
        400: "Malformed JSON, number, lang or Idempotency-Key.",
        401: "Missing, unknown or revoked API token.",
        404: "No such document for this token's institution (or no such address).",
        409: "Conflicts with the registry (already revoked, number issued differently).",
        413: "Request body too large.",
        414: "Address too long.",
        415: "Send application/json.",
        422: "Invalid documents (nothing issued), bad batch size or missing reason.",
        429: "Too many requests from this client; see Retry-After.",
    }
    responses = {}
    for status in statuses:
        extra: dict[str, Any] = {}
        if status == 401:
            extra["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
        if status == 429:
            extra["headers"] = {"Retry-After": {"schema": {"type": "string"}}}
        responses[str(status)] = _json(_ERROR, texts[status], **extra)
    return responses


_NUMBER = {
    "name": "number",
    "in": "path",
    "required": True,
    "description": NUMBER_DESCRIPTION,
    "schema": NUMBER,
    "example": "KT2400101",
}
_ISSUED = {
    "type": "object",
    "required": ["issued", "already_issued", "documents"],
    "properties": {
        "issued": {"type": "array", "items": {"type": "string"}},
        "already_issued": {"type": "array", "items": {"type": "string"}},
        "documents": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["number", "status", "qr_url"],
                "properties": {
                    "number": {"type": "string"},
                    "status": {"type": "string"},
                    "qr_url": {"type": "string"},
                },
            },
        },
    },
}

# What a client does next with a document it issued (and what stateful testing follows).
_FIRST_ISSUED = {"number": "$response.body#/documents/0/number"}
_ISSUED_LINKS = {
    "GetFirstDocument": {
        "operationId": "getDocument",
        "parameters": _FIRST_ISSUED,
        "description": "The first document of the request, as recorded.",
    },
    "RevokeFirstDocument": {
        "operationId": "revokeDocument",
        "parameters": _FIRST_ISSUED,
        "description": "Revoke the first document of the request.",
    },
}

PATHS: dict[str, Any] = {
    "/api/v1/documents": {
        "post": {
            "operationId": "issueDocuments",
            "summary": f"Issue one document or a list of up to {MAX_DOCUMENTS_PER_REQUEST}",
            "description": (
                "Same validation as an import file: all or nothing, every problem named by "
                "row and field. Re-sending an identical record changes nothing; an "
                "Idempotency-Key replays the first answer."
            ),
            "security": SECURITY,
            "parameters": [
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "description": "1-200 printable ASCII characters.",
                    "schema": {
                        "type": "string",
                        "pattern": f"^[\\x20-\\x7e]{{1,{MAX_IDEMPOTENCY_KEY_LENGTH}}}$",
                    },
                },
                LANG,
            ],
            "requestBody": {
                "required": True,
                "description": (
                    f"At most {BODY_LIMITS['registrar_api.issue_documents'] // 1024} KiB."
                ),
                "content": {
                    "application/json": {
                        "schema": {
                            "oneOf": [
                                {"$ref": REF + "ImportRecord"},
                                {
                                    "type": "array",
                                    "minItems": 1,
                                    "maxItems": MAX_DOCUMENTS_PER_REQUEST,
                                    "items": {"$ref": REF + "ImportRecord"},
                                },
                            ]
                        }
                    }
                },
            },
            "responses": {
                "201": _json(_ISSUED, "Issued (some or all).", links=_ISSUED_LINKS),
                "200": _json(
                    _ISSUED,
                    "Nothing new: every document was already issued.",
                    links=_ISSUED_LINKS,
                ),
                **_errors(400, 401, 409, 413, 414, 415, 422, 429),
            },
        }
    },
    "/api/v1/documents/{number}": {
        "get": {
            "operationId": "getDocument",
            "summary": "The full record of one of the token's institution's documents",
            "security": SECURITY,
            "parameters": [_NUMBER, LANG],
            "responses": {
                "200": _json({"type": "object"}, "Record, status, token, QR URL and history."),
                **_errors(400, 401, 404, 414, 429),
            },
        }
    },
    "/api/v1/documents/{number}/revoke": {
        "post": {
            "operationId": "revokeDocument",
            "summary": "Revoke one of the token's institution's documents",
            "security": SECURITY,
            "parameters": [_NUMBER, LANG],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["reason"],
                            "properties": {
                                "reason": {
                                    "type": "string",
                                    "pattern": REASON_PATTERN,
                                    "maxLength": MAX_REASON_LENGTH,
                                    "description": (
                                        "Internal note, never published: not blank, no "
                                        "control characters (line breaks and tabs are spaces)."
                                    ),
                                },
                                "code": {
                                    "type": "string",
                                    "enum": [code.value for code in RevocationCode],
                                    "default": "other",
                                    "description": "The reason the public sees.",
                                },
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": _json({"type": "object"}, "Revoked: number, status, revocation."),
                **_errors(400, 401, 404, 409, 413, 414, 415, 422, 429),
            },
        }
    },
}
