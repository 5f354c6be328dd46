"""The OpenAPI 3.1 description of the public HTTP interface (``/api/v1/openapi.json``).

Written by hand next to the views it describes: it is a public contract, so it
changes only by adding, and a schemathesis test holds the live app to it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from verifier.verification.outcome import Status
from verifier.web.api_schemas import (
    BLANK,
    DATE_OR_BLANK,
    LANG,
    NOT_BLANK,
    NUMBER,
    NUMBER_DESCRIPTION,
    PAGE_LANG,
)
from verifier.web.messages import ERROR_MESSAGES
from verifier.web.public import inquiries_openapi, reports_openapi
from verifier.web.public.lookup import MAX_BATCH
from verifier.web.registrar_api import openapi as registrar_openapi
from verifier.web.security import BODY_LIMITS, MAX_URL_LENGTH

REF = "#/components/schemas/"
NULLABLE_STRING = {"type": ["string", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def _json(schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
        **extra,
    }


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "string"},
    }
}


def _errors(*statuses: int, html: bool = False) -> dict[str, Any]:
    texts = {
        400: "Malformed request (unparseable JSON or form data, malformed number or date).",
        404: "No such address.",
        413: "Request body larger than this operation accepts.",
        414: f"Address longer than {MAX_URL_LENGTH} characters.",
        415: "Request body of the wrong media type.",
        422: "Well-formed request that lacks a required field or exceeds a limit.",
        429: "Too many requests from this client; see Retry-After.",
        503: "The service cannot answer now; see Retry-After.",
    }
    responses: dict[str, Any] = {}
    for status in statuses:
        extra = {"headers": _RETRY_AFTER} if status in {429, 503} else {}
        body = _html(texts[status]) if html else _json(_ref("Error"), texts[status])
        responses[str(status)] = {**body, **extra}
    return responses


_LOOKUP_DESCRIPTION = (
    "A number needs the holder's surname or birth date with it: a query with neither "
    "is refused (422 missing_surname). OpenAPI cannot state that one of two parameters "
    "is required, so both are optional below."
)
LOOKUP_PARAMETERS = [
    {
        "name": "number",
        "in": "query",
        "required": True,
        "description": NUMBER_DESCRIPTION,
        "schema": NUMBER,
        "example": "KT2400101",
    },
    {
        "name": "surname",
        "in": "query",
        "required": False,
        "description": (
            "Holder's surname, Latin or Cyrillic. Required unless birth_date is given; "
            "empty means not given."
        ),
        "schema": {"type": "string"},
        "example": "Gʻulomov",
    },
    {
        "name": "birth_date",
        "in": "query",
        "required": False,
        "description": "Holder's birth date (YYYY-MM-DD). Required unless surname is given.",
        "schema": DATE_OR_BLANK,
    },
    LANG,
]
# The answer page: all empty is the empty form; otherwise the API's rule.
PAGE_LOOKUP_PARAMETERS = [
    {
        **LOOKUP_PARAMETERS[0],
        "required": False,
        "schema": {
            "type": "string",
            "anyOf": [LOOKUP_PARAMETERS[0]["schema"], {"pattern": BLANK}],
        },
    },
    LOOKUP_PARAMETERS[1],
    LOOKUP_PARAMETERS[2],
    PAGE_LANG,
]

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "additionalProperties": False,
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "enum": sorted(ERROR_MESSAGES)},
                    "message": {"type": "string", "description": "In the client's language."},
                    "field": {"type": "string", "description": "The offending input, if one."},
                },
            }
        },
    },
    "Document": {
        "type": "object",
        "description": "The fields printed on the paper, to compare with it.",
        "required": ["type", "number", "holder", "birth_date", "institution", "issue_date"],
        "properties": {
            "type": {"type": "string", "enum": ["diploma", "transcript", "certificate"]},
            "number": {"type": "string", "pattern": "^[A-Z]{1,4}[0-9]{1,12}$"},
            "holder": {
                "type": "object",
                "required": ["surname", "given_name", "patronymic"],
                "properties": {
                    "surname": {"type": "string"},
                    "given_name": {"type": "string"},
                    "patronymic": NULLABLE_STRING,
                },
            },
            "birth_date": {
                "type": ["string", "null"],
                "format": "date",
                "description": "null only for an archive record whose issue book did not note it.",
            },
            "institution": {
                "type": "object",
                "required": ["code", "name"],
                "properties": {
                    "code": {"type": "string"},
                    "name": {
                        "type": ["object", "null"],
                        "description": "Full name by language: uz, ru, en.",
                        "additionalProperties": {"type": "string"},
                    },
                },
            },
            "program_code": NULLABLE_STRING,
            "program_name": NULLABLE_STRING,
            "qualification": NULLABLE_STRING,
            "issue_date": {
                "type": ["string", "null"],
                "format": "date",
                "description": "null only for an archive record that gives just the year.",
            },
            "issue_year": {
                "type": ["integer", "null"],
                "description": "The year of issue (an archive record may give only this).",
            },
            "origin": {
                "type": "string",
                "enum": ["registry", "archive"],
                "description": (
                    "registry: issued and signed by this service; archive: transcribed from "
                    "the institution's issue book (issued before the registry, no token)."
                ),
            },
            "diploma_number": {**NULLABLE_STRING, "description": "Transcripts: their diploma."},
            "course_name": {**NULLABLE_STRING, "description": "Certificates only."},
            "hours": {"type": ["integer", "null"], "description": "Certificates only."},
            "study_form": {**NULLABLE_STRING, "description": "As printed; null offline."},
            "start_date": {"type": ["string", "null"], "format": "date"},
            "end_date": {"type": ["string", "null"], "format": "date"},
            "honors": {
                "type": ["boolean", "null"],
                "description": "Diplomas: with honours; null when not known (offline).",
            },
            "courses": {
                "type": ["array", "null"],
                "description": "Transcripts: the whole grade table, in printed order.",
                "items": {
                    "type": "object",
                    "required": ["name", "hours", "grade"],
                    "properties": {
                        "name": {"type": "string"},
                        "hours": {"type": "integer"},
                        "grade": {"type": "string"},
                    },
                },
            },
        },
    },
    "Outcome": {
        "type": "object",
        "required": [
            "status",
            "number",
            "checked_at",
            "document",
            "revocation",
            "superseded_by",
            "checks",
            "message",
        ],
        "properties": {
            "status": {
                "type": "string",
                "enum": [status.value for status in Status],
                "description": (
                    "valid; revoked (see revocation); superseded (see superseded_by); "
                    "not_found (no document with this number AND this holder); invalid "
                    "(token or PDF tampered, unknown key, malformed); error (cannot verify "
                    "now, HTTP 503)."
                ),
            },
            "number": {**NULLABLE_STRING, "description": "Canonical number, when known."},
            "checked_at": {"type": "string", "format": "date-time"},
            "document": {"oneOf": [_ref("Document"), {"type": "null"}]},
            "revocation": {
                "oneOf": [
                    {
                        "type": "object",
                        "required": ["date", "reason"],
                        "properties": {
                            "date": {"type": "string", "format": "date-time"},
                            "reason": {
                                "type": "string",
                                "description": "The code's English wording.",
                            },
                            "code": {
                                "type": "string",
                                "enum": [
                                    "issued_in_error",
                                    "annulled_by_decision",
                                    "replaced_by_duplicate",
                                    "other",
                                ],
                            },
                            "diploma_number": {
                                **NULLABLE_STRING,
                                "description": (
                                    "Set when a supplement answers revoked because its diploma is."
                                ),
                            },
                        },
                    },
                    {"type": "null"},
                ]
            },
            "superseded_by": {**NULLABLE_STRING, "description": "The number now in force."},
            "superseded_at": {
                "oneOf": [{"type": "string", "format": "date-time"}, {"type": "null"}],
                "description": (
                    "When a superseded document was replaced (for a supplement answering "
                    "superseded with its diploma: when the diploma was); null otherwise."
                ),
            },
            "checks": {
                "type": "object",
                "description": "Each check made, by name (registry, holder, signature, key, pdf).",
                "additionalProperties": {
                    "type": "object",
                    "required": ["passed", "detail"],
                    "properties": {"passed": {"type": "boolean"}, "detail": {"type": "string"}},
                },
            },
            "message": {"type": "string", "description": "The status explained, translated."},
            "inquiry_url": {
                "type": "string",
                "description": (
                    "Only when status is not_found: {BASE_URL}/inquiries/new?number=&surname= "
                    "(or &birth_date=), the formal inquiry's form filled with what was asked, "
                    "to ask for an official check (POST /api/v1/inquiries)."
                ),
            },
        },
    },
    "Query": {
        "type": "object",
        "description": "One look-up: a number and the holder's surname or birth date.",
        "required": ["number"],
        "properties": {
            "number": {**NUMBER, "description": NUMBER_DESCRIPTION},
            "surname": {"type": "string", "description": "Required unless birth_date is given."},
            "birth_date": DATE_OR_BLANK,
        },
    },
    "BatchRequest": {
        "type": "object",
        "examples": [
            {
                "queries": [
                    {"number": "KT2400101", "surname": "Gʻulomov"},
                    {"number": "KT 2400103", "birth_date": "2002-12-25"},
                ]
            }
        ],
        "required": ["queries"],
        "properties": {
            "queries": {
                "type": "array",
                "maxItems": MAX_BATCH,
                "description": (
                    "Queries to answer in order. An item that is not a well-formed Query "
                    "is answered by an error in its place; the others are still answered."
                ),
                "items": {
                    "anyOf": [
                        _ref("Query"),
                        {"description": "Anything else: answered by an error in its place."},
                    ]
                },
            }
        },
    },
    "BatchResponse": {
        "type": "object",
        "required": ["results"],
        "properties": {
            "results": {
                "type": "array",
                "description": "One per query, in order: an outcome, or an error for that query.",
                "items": {"oneOf": [_ref("Outcome"), _ref("Error")]},
            }
        },
    },
    "JWKS": {
        "type": "object",
        "required": ["keys"],
        "properties": {
            "keys": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["kty", "crv", "x", "kid", "alg", "use", "status", "valid_from"],
                    "properties": {
                        "kty": {"const": "OKP"},
                        "crv": {"const": "Ed25519"},
                        "x": {"type": "string"},
                        "kid": {"type": "string"},
                        "alg": {"const": "Ed25519"},
                        "use": {"const": "sig"},
                        "status": {"enum": ["active", "retired", "compromised"]},
                        "valid_from": {"type": "string", "format": "date-time"},
                        "valid_until": {"type": ["string", "null"], "format": "date-time"},
                        "compromised_at": {"type": "string", "format": "date-time"},
                    },
                },
            }
        },
    },
}

_OUTCOME_RESPONSES = {
    "200": _json(_ref("Outcome"), "A verification outcome (every status except error)."),
    "503": _json(
        _ref("Outcome"),
        "Status error: the registry cannot be reached; nothing is confirmed or denied.",
        headers=_RETRY_AFTER,
    ),
}


def _json_body(schema: dict[str, Any], limit: int) -> dict[str, Any]:
    return {
        "required": True,
        "description": f"At most {limit // 1024} KiB.",
        "content": {"application/json": {"schema": schema}},
    }


PATHS: dict[str, Any] = {
    "/api/v1/verify": {
        "get": {
            "operationId": "verifyNumber",
            "summary": "Look a document up by number and the holder's surname or birth date",
            "description": (
                "A wrong surname answers not_found exactly like a number that does not exist. "
                + _LOOKUP_DESCRIPTION
            ),
            "parameters": LOOKUP_PARAMETERS,
            "responses": {**_OUTCOME_RESPONSES, **_errors(400, 414, 422, 429)},
        },
        "post": {
            "operationId": "verifyBatch",
            "summary": f"Look up to {MAX_BATCH} documents up in one request",
            "description": (
                "Answers in the order asked; a malformed query gets an error in its place "
                "without failing the others. HTTP 503 when any answer is error."
            ),
            "parameters": [LANG],
            "requestBody": _json_body(_ref("BatchRequest"), BODY_LIMITS["api.verify_batch"]),
            "responses": {
                "200": _json(_ref("BatchResponse"), "One result per query, in order."),
                "503": _json(
                    _ref("BatchResponse"), "The registry cannot be reached.", headers=_RETRY_AFTER
                ),
                **_errors(400, 413, 414, 415, 422, 429),
            },
        },
    },
    "/api/v1/verify/token": {
        "post": {
            "operationId": "verifyToken",
            "summary": "Verify a QR token (or the full QR URL) strictly, then against the registry",
            "parameters": [LANG],
            "requestBody": _json_body(
                {
                    "type": "object",
                    "required": ["token"],
                    "properties": {
                        "token": {
                            "type": "string",
                            "pattern": NOT_BLANK,
                            "description": "Compact JWS, or {BASE_URL}/v/{token}.",
                        }
                    },
                },
                BODY_LIMITS["api.verify_token_route"],
            ),
            "responses": {**_OUTCOME_RESPONSES, **_errors(400, 413, 414, 415, 422, 429)},
        }
    },
    "/api/v1/verify/pdf": {
        "post": {
            "operationId": "verifyPdf",
            "summary": "Verify an uploaded PDF by the token it embeds",
            "parameters": [LANG],
            "requestBody": {
                "required": True,
                "description": f"At most {BODY_LIMITS['api.verify_pdf_route'] // 2**20} MiB.",
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {
                                "file": {
                                    "type": "string",
                                    "format": "binary",
                                    "contentMediaType": "application/pdf",
                                    "minLength": 1,
                                    "description": "The PDF's bytes, not empty.",
                                }
                            },
                        },
                        # A file part, with a filename as browsers and `curl -F
                        # file=@x.pdf` send it: a part without one is a form field.
                        "encoding": {
                            "file": {
                                "headers": {
                                    "Content-Disposition": {
                                        "schema": {"type": "string"},
                                        "example": (
                                            'form-data; name="file"; filename="diploma.pdf"'
                                        ),
                                    }
                                },
                            }
                        },
                    }
                },
            },
            "responses": {**_OUTCOME_RESPONSES, **_errors(400, 413, 414, 415, 422, 429)},
        }
    },
    "/.well-known/jwks.json": {
        "get": {
            "operationId": "jwks",
            "summary": "Public signing keys, past and present (RFC 7517 JWK Set)",
            "parameters": [LANG],
            "responses": {
                "200": _json(_ref("JWKS"), "All keys ever used; retired keys stay."),
                **_errors(400, 414, 429, 503),
            },
        }
    },
    "/api/v1/openapi.json": {
        "get": {
            "operationId": "openapi",
            "summary": "This document",
            "parameters": [LANG],
            "responses": {
                "200": _json({"type": "object"}, "OpenAPI 3.1 description."),
                **_errors(400, 414, 429),
            },
        }
    },
    "/healthz": {
        "get": {
            "operationId": "health",
            "summary": "Liveness and database check",
            "responses": {
                "200": _json({"type": "object", "properties": {"status": {"const": "ok"}}}, "Up."),
                "503": _json(
                    {"type": "object", "properties": {"status": {"const": "error"}}},
                    "The database cannot be reached.",
                ),
                **_errors(414),
            },
        }
    },
    "/": {
        "get": {
            "operationId": "lookupPage",
            "summary": "Look-up page (HTML form)",
            "parameters": [PAGE_LANG],
            "responses": {"200": _html("The form."), **_errors(414, 429, html=True)},
        }
    },
    "/verify": {
        "get": {
            "operationId": "answerPage",
            "summary": "Answer page (HTML) for a look-up by number and surname or birth date",
            "description": (
                "No parameters: the empty form. A submitted form (any of the three "
                "parameters present, even blank) needs the number and the surname or birth "
                "date, else 422 with the form saying what is missing. " + _LOOKUP_DESCRIPTION
            ),
            "parameters": PAGE_LOOKUP_PARAMETERS,
            "responses": {
                "200": _html("The answer, or the empty form."),
                "503": _html("Status error: cannot check now."),
                **_errors(400, 414, 422, 429, html=True),
            },
        }
    },
    "/v/{token}": {
        "get": {
            "operationId": "qrLandingPage",
            "summary": "QR landing page (HTML): the token verified, then checked in the registry",
            "parameters": [
                {
                    "name": "token",
                    "in": "path",
                    "required": True,
                    "description": (
                        "The QR code's token. Anything else, of any length the address "
                        "allows, answers the page for status invalid."
                    ),
                    "schema": {"type": "string", "minLength": 1},
                },
                PAGE_LANG,
            ],
            "responses": {
                "200": _html("The answer."),
                "503": _html("Status error: cannot check now."),
                **_errors(404, 414, 429, html=True),
            },
        }
    },
}


@cache
def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Diploma verifier public API",
            "version": "1",
            "description": (
                "Verify diplomas, diploma supplements and certificates by number and holder, "
                "by QR token or by PDF. Every outcome is HTTP 200 except status error (503). "
                'Errors are {"error": {"code", "message"}}; messages follow ?lang= or '
                "Accept-Language (uz, ru, en). Requests are rate-limited per client (429 "
                "with Retry-After)."
            ),
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "paths": {
            **PATHS,
            **registrar_openapi.PATHS,
            **reports_openapi.PATHS,
            **inquiries_openapi.PATHS,
        },
        "components": {
            "schemas": {
                **SCHEMAS,
                **registrar_openapi.SCHEMAS,
                **reports_openapi.SCHEMAS,
                **inquiries_openapi.SCHEMAS,
            },
            "securitySchemes": registrar_openapi.SECURITY_SCHEMES,
        },
    }
