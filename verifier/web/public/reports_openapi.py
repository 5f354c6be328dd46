"""The official reports' part of the OpenAPI document (merged by ``openapi.py``).

Kept beside the report views so the two change together. It refers to the
public document's ``Error`` and ``Outcome`` schemas by reference.
"""

from __future__ import annotations

from typing import Any

from verifier.signing.tokens import REPORT_STATUSES
from verifier.web.api_schemas import DATE_OR_BLANK, NUMBER, NUMBER_DESCRIPTION, PAGE_LANG

REF = "#/components/schemas/"
LANGUAGES = ["uz", "ru", "en"]
_RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "string"}}
}
_MOMENT = {"type": "string", "format": "date-time"}
_TOKEN = {
    "name": "token",
    "in": "path",
    "required": True,
    "description": (
        "The report token, as in the report's QR code ({BASE_URL}/r/{token}); whatever "
        "else the address holds is answered as not genuine."
    ),
    "schema": {"type": "string"},
}
_LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "Language of the page and messages; otherwise Accept-Language, then Uzbek.",
    "schema": {"type": "string", "enum": LANGUAGES},
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def _json(schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
        **extra,
    }


def _page_or_json(description: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A page that answers HTML, or JSON when asked with ``Accept: application/json``."""
    return {
        "description": description,
        "content": {
            "text/html": {"schema": {"type": "string"}},
            "application/json": {"schema": schema},
        },
        **extra,
    }


_ERRORS = {
    400: "Malformed request (unparseable JSON, malformed number, date or language).",
    404: "No report can be made: no document with this number AND this holder (the same "
    "answer for a number that does not exist and for a wrong surname or birth date).",
    413: "Request body larger than this operation accepts.",
    414: "Address too long.",
    415: "Request body of the wrong media type.",
    422: "A required field is missing, both number and token are given, or the token is not "
    "genuine (invalid_token).",
    429: "Too many requests from this client, or too many wrong guesses for this number; "
    "see Retry-After.",
    503: "The service cannot answer now; see Retry-After.",
}


def _errors(*statuses: int) -> dict[str, Any]:
    return {
        str(status): _json(
            _ref("Error"),
            _ERRORS[status],
            **({"headers": _RETRY_AFTER} if status in {429, 503} else {}),
        )
        for status in statuses
    }


def _page_errors(*statuses: int) -> dict[str, Any]:
    texts = {
        404: "No such address, or (the PDF) no genuine report behind the token.",
        414: "Address too long.",
        429: "Too many requests from this client; see Retry-After.",
        503: "The service cannot answer now; see Retry-After.",
    }
    return {
        str(status): _page_or_json(
            texts[status],
            _ref("Error"),
            **({"headers": _RETRY_AFTER} if status in {429, 503} else {}),
        )
        for status in statuses
    }


SCHEMAS: dict[str, Any] = {
    "ReportRequest": {
        "type": "object",
        "description": (
            "What to report on, as for a look-up: a number with the holder's surname or birth "
            "date, or a document's token (or its QR URL); not both. language: the report's "
            "language (default: ?lang=, then Accept-Language, then uz)."
        ),
        "examples": [{"number": "KT2400101", "surname": "Gʻulomov", "language": "en"}],
        "properties": {
            "number": {**NUMBER, "description": NUMBER_DESCRIPTION},
            "surname": {
                "type": ["string", "null"],
                "maxLength": 100,
                "description": "Required with number unless birth_date is given; null: not given.",
            },
            "birth_date": {"anyOf": [DATE_OR_BLANK, {"type": "null"}]},
            "token": {
                "type": "string",
                "maxLength": 1536,
                "description": "A document's token or its QR URL, as the service signed it.",
            },
            "language": {
                "enum": [*LANGUAGES, None],
                "description": "The report's language; null or absent: the request's.",
            },
        },
    },
    "Report": {
        "type": "object",
        "required": ["number", "status", "checked_at", "expires", "url", "pdf_url"],
        "properties": {
            "token": {
                "type": "string",
                "description": "The report token (type R, docs/token-format.md): url ends with it.",
            },
            "number": {
                "type": "string",
                "pattern": "^[A-Z]{1,4}-[0-9]{4}-[0-9]{1,12}$",
                "description": "VR-YYYY-NNNNNNNN for reports, VL-… for letters.",
            },
            "status": {
                "type": "string",
                "enum": list(REPORT_STATUSES),
                "description": "The document's status the report states, at checked_at.",
            },
            "checked_at": _MOMENT,
            "expires": {**_MOMENT, "description": "The end of the report's validity."},
            "url": {
                "type": "string",
                "description": "{BASE_URL}/r/{token}: the QR code's content and re-check page.",
            },
            "pdf_url": {
                "type": "string",
                "description": "The signed PDF; the token in the address is the key to it.",
            },
        },
    },
    "ReportCheck": {
        "type": "object",
        "required": [
            "status",
            "genuine",
            "expired",
            "changed",
            "checked_at",
            "report",
            "current",
            "checks",
            "message",
        ],
        "properties": {
            "status": {
                "type": "string",
                "enum": ["valid", "invalid", "error"],
                "description": (
                    "valid: a genuine report (expired or not); invalid: not a report this "
                    "registry issued, or altered; error: cannot check now (HTTP 503)."
                ),
            },
            "genuine": {"type": ["boolean", "null"], "description": "null when status is error."},
            "expired": {
                "type": ["boolean", "null"],
                "description": "Whether its validity had ended at checked_at; null unless genuine.",
            },
            "changed": {
                "type": ["boolean", "null"],
                "description": (
                    "Whether the document's status now differs from the report's; null unless "
                    "genuine."
                ),
            },
            "checked_at": _MOMENT,
            "report": {
                "oneOf": [
                    {
                        "allOf": [_ref("Report")],
                        "type": "object",
                        "properties": {
                            "kind": {"type": "string", "enum": ["report", "letter"]},
                            "document_number": {"type": "string"},
                            "language": {"type": "string", "enum": LANGUAGES},
                            "issuer": {"type": "string"},
                            "signer": {
                                "type": ["object", "null"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "position": {"type": "string"},
                                },
                            },
                            "reference": {"type": ["string", "null"]},
                            "answer": {
                                **_ref("Outcome"),
                                "description": "The look-up's answer as the report stated it.",
                            },
                        },
                    },
                    {"type": "null"},
                ]
            },
            "current": {
                "oneOf": [_ref("Outcome"), {"type": "null"}],
                "description": "The document's answer now (the report's question asked again).",
            },
            "checks": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "required": ["passed", "detail"],
                    "properties": {"passed": {"type": "boolean"}, "detail": {"type": "string"}},
                },
            },
            "message": {"type": "string", "description": "The verdict explained, translated."},
        },
    },
}

PATHS: dict[str, Any] = {
    "/api/v1/reports": {
        "post": {
            "operationId": "createReport",
            "summary": "Make an official verification report (a signed PDF with a QR code)",
            "description": (
                "The same look-up as /api/v1/verify (by number and surname or birth date) or "
                "/api/v1/verify/token, with the same limits; a report is made of a valid, "
                "revoked or superseded answer. A wrong holder is refused exactly like a "
                "number that does not exist (404 not_found)."
            ),
            "parameters": [_LANG],
            "requestBody": {
                "required": True,
                "description": "At most 16 KiB.",
                "content": {"application/json": {"schema": _ref("ReportRequest")}},
            },
            "responses": {
                "201": _json(
                    {
                        "type": "object",
                        "required": ["report"],
                        "properties": {"report": _ref("Report")},
                    },
                    "The report was made.",
                    headers={
                        "Location": {
                            "description": "The report's url.",
                            "schema": {"type": "string"},
                        }
                    },
                    links={
                        "CheckReport": {
                            "operationId": "reportCheck",
                            "parameters": {"token": "$response.body#/report/token"},
                            "description": "Re-check the report just made.",
                        },
                        "ReportPdf": {
                            "operationId": "reportPdf",
                            "parameters": {"token": "$response.body#/report/token"},
                            "description": "The signed PDF of the report just made.",
                        },
                    },
                ),
                **_errors(400, 404, 413, 414, 415, 422, 429, 503),
            },
        }
    },
    "/r/{token}": {
        "get": {
            "operationId": "reportCheck",
            "summary": "Re-check a report: genuine or not, expired or not, changed since or not",
            "description": (
                "The report's QR landing page (HTML); JSON with Accept: application/json. A "
                "report made before a revocation says the status has changed since."
            ),
            "parameters": [_TOKEN, PAGE_LANG],
            "responses": {
                "200": _page_or_json("The answer, genuine or not.", _ref("ReportCheck")),
                "503": _page_or_json(
                    "Status error: cannot check now.", _ref("ReportCheck"), headers=_RETRY_AFTER
                ),
                **_page_errors(404, 414, 429),
            },
        }
    },
    "/r/{token}.pdf": {
        "get": {
            "operationId": "reportPdf",
            "summary": "The report's PDF, PAdES-signed, for whoever holds its token",
            "parameters": [_TOKEN],
            "responses": {
                "200": {
                    "description": "The PDF.",
                    "content": {"application/pdf": {"schema": {"type": "string"}}},
                },
                **_page_errors(404, 414, 429, 503),
            },
        }
    },
}
