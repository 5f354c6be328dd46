"""The registrar API's part of the OpenAPI document (merged by ``openapi.py``).

Kept beside the registrar API so the two change together; the public document
only gains paths, a schema and the bearer security scheme.
"""

from __future__ import annotations

from typing import Any

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
            "Import fields as in DESIGN.md (type, number, surname, given_name, patronymic, "
            "birth_date, program_code, …); institution defaults to the token's own."
        ),
        "required": ["type", "number", "surname", "given_name", "birth_date", "issue_date"],
        "properties": {
            "type": {"type": "string", "enum": ["diploma", "transcript", "certificate"]},
            "number": {"type": "string"},
        },
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
        400: "Malformed JSON, number or Idempotency-Key.",
        401: "Missing, unknown or revoked API token.",
        404: "No such document for this token's institution (or no such address).",
        409: "Conflicts with the registry (already revoked, number issued differently).",
        413: "Request body too large.",
        414: "Address too long.",
        415: "Send application/json.",
        422: "Invalid documents (nothing issued), bad batch size or missing reason.",
    }
    responses = {}
    for status in statuses:
        extra: dict[str, Any] = {}
        if status == 401:
            extra["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
        responses[str(status)] = _json(_ERROR, texts[status], **extra)
    return responses


_NUMBER = {
    "name": "number",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "maxLength": 64},
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
                    "schema": {"type": "string", "maxLength": MAX_IDEMPOTENCY_KEY_LENGTH},
                }
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
                                {"type": "array", "items": {"$ref": REF + "ImportRecord"}},
                            ]
                        }
                    }
                },
            },
            "responses": {
                "201": _json(_ISSUED, "Issued (some or all)."),
                "200": _json(_ISSUED, "Nothing new: every document was already issued."),
                **_errors(400, 401, 409, 413, 414, 415, 422),
            },
        }
    },
    "/api/v1/documents/{number}": {
        "get": {
            "operationId": "getDocument",
            "summary": "The full record of one of the token's institution's documents",
            "security": SECURITY,
            "parameters": [_NUMBER],
            "responses": {
                "200": _json({"type": "object"}, "Record, status, token, QR URL and history."),
                **_errors(400, 401, 404, 414),
            },
        }
    },
    "/api/v1/documents/{number}/revoke": {
        "post": {
            "operationId": "revokeDocument",
            "summary": "Revoke one of the token's institution's documents",
            "security": SECURITY,
            "parameters": [_NUMBER],
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
                                    "maxLength": 500,
                                    "description": "Internal note, never published.",
                                },
                                "code": {
                                    "type": "string",
                                    "enum": [
                                        "issued_in_error",
                                        "annulled_by_decision",
                                        "replaced_by_duplicate",
                                        "other",
                                    ],
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
                **_errors(400, 401, 404, 409, 413, 414, 415, 422),
            },
        }
    },
}
