"""Registrar API for institutions' student-information systems (bearer API tokens).

Issuing follows the import rules exactly (all or nothing, every problem named
by row and field) and is idempotent twice over: re-sending an identical record
changes nothing, and an ``Idempotency-Key`` replays the first answer verbatim.
A token acts for one institution only; another institution's documents answer
404, exactly like numbers that do not exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from verifier.db.models import ApiToken, Document, Event, IdempotencyKey
from verifier.documents import registry
from verifier.documents.numbers import normalise_number
from verifier.documents.parse import parse_record
from verifier.documents.record import Record
from verifier.errors import (
    Conflict,
    InvalidInput,
    Malformed,
    MalformedNumber,
    NotFound,
    RowError,
    Unauthorized,
    UnsupportedMediaType,
)
from verifier.imports import files
from verifier.keys import lifecycle
from verifier.staff import api_tokens
from verifier.web.context import current_runtime
from verifier.web.errors import Refused
from verifier.web.i18n import select_language

bp = Blueprint("registrar_api", __name__, url_prefix="/api/v1/documents")

MAX_DOCUMENTS_PER_REQUEST = 1000
MAX_IDEMPOTENCY_KEY_LENGTH = 200


def _json(body: Any, status: int) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status,
        mimetype="application/json",
    )


def _token(session: Session) -> ApiToken:
    try:
        return api_tokens.authenticate(session, request.headers.get("Authorization"))
    except api_tokens.InvalidApiToken:
        raise Unauthorized("unauthorized") from None


def _actor(token: ApiToken) -> str:
    return f"api-token:{token.id}:{token.name}"


def _own_document(session: Session, token: ApiToken, number: str) -> Document:
    try:
        canonical = normalise_number(number)
    except MalformedNumber as exc:
        raise Refused(exc, code="malformed_number", field="number") from None
    document = registry.find_document(session, canonical)
    if document is None or document.institution_id != token.institution_id:
        raise NotFound("not_found")
    return document


def _body() -> Any:
    if not request.is_json:
        raise Refused(UnsupportedMediaType("not_json"), code="unsupported_media_type")
    body = request.get_json(silent=True)
    if body is None:
        raise Refused(Malformed("body_not_json"), code="bad_request")
    return body


def _records(
    session: Session, items: list[Any], token: ApiToken, base_url: str
) -> tuple[list[Record], list[RowError]]:
    """Parse and screen the documents of one request exactly as a file import would."""
    institution = token.institution.code
    rows: list[tuple[int, Record]] = []
    problems: list[RowError] = []
    for row, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(RowError(row, "(document)", "not_an_object"))
            continue
        given = item.get("institution")
        # Left out, null or empty alike (as for every other field): the token's own.
        if given is None or (isinstance(given, str) and not given.strip()):
            item = {**item, "institution": institution}
        parsed = parse_record(item, row)
        if isinstance(parsed, list):
            problems.extend(parsed)
        elif parsed.institution != institution:
            problems.append(RowError(row, "institution", "token_institution", {"own": institution}))
        else:
            rows.append((row, parsed))
    screening = files.Screening({institution: token.institution_id}, base_url)
    _fresh, _already, screened = screening.screen(session, rows)
    # Identical records already issued stay in the answer as already_issued.
    return [record for _, record in rows], problems + screened


def _invalid(problems: list[RowError]) -> Refused:
    language = select_language()
    return Refused(
        InvalidInput("invalid_documents"),
        rows=[
            {"row": p.row, "field": p.field, "code": p.code, "message": p.in_language(language)}
            for p in problems
        ],
    )


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if (
        not key
        or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH
        or not key.isascii()
        or not key.isprintable()
    ):
        raise Malformed("bad_idempotency_key")
    return key


@bp.post("")
def issue_documents() -> Response:
    """Issue one document (an object) or several (a list of objects)."""
    runtime = current_runtime()
    with runtime.database.session() as session:
        _token(session)  # who asks comes first: a stranger's body is not even parsed
    body = _body()
    items = body if isinstance(body, list) else [body]
    if not items or len(items) > MAX_DOCUMENTS_PER_REQUEST:
        raise InvalidInput("bad_batch_size")
    key = _idempotency_key()
    request_hash = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    # A concurrent request with the same key loses the race on the unique
    # constraint; the second pass then replays the winner's answer.
    for _attempt in range(2):
        try:
            with runtime.database.transaction() as session:
                token = _token(session)
                replay = _replayed(session, token, key, request_hash)
                if replay is not None:
                    return replay
                status, answer = _issue(session, token, items, runtime.settings.base_url)
                if key is not None:
                    session.add(IdempotencyKey(
                        api_token_id=token.id, key=key, request_hash=request_hash,
                        status_code=status, response_body=json.dumps(answer, ensure_ascii=False),
                        created_at=dt.datetime.now(dt.UTC),
                    ))  # fmt: skip
            # Only now, after the commit, do tokens and QR URLs leave the service.
            return _json(answer, status)
        except IntegrityError:
            continue
    raise Refused(Conflict("concurrent_change"), code="conflict")


def _replayed(
    session: Session, token: ApiToken, key: str | None, request_hash: str
) -> Response | None:
    if key is None:
        return None
    stored = session.scalars(
        select(IdempotencyKey).where(
            IdempotencyKey.api_token_id == token.id, IdempotencyKey.key == key
        )
    ).first()
    if stored is None:
        return None
    if stored.request_hash != request_hash:
        raise Conflict("idempotency_key_reused")
    response = Response(
        stored.response_body, status=stored.status_code, mimetype="application/json"
    )
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _issue(
    session: Session, token: ApiToken, items: list[Any], base_url: str
) -> tuple[int, dict[str, Any]]:
    records, problems = _records(session, items, token, base_url)
    if problems:
        raise _invalid(sorted(problems, key=lambda p: p.row))
    signer = lifecycle.load_signer(session, current_runtime().keystore)
    try:
        issued = registry.issue(session, records, signer, actor=_actor(token))
    except Conflict as exc:  # a concurrent request issued one of these numbers otherwise
        raise Refused(exc, code="conflict") from None
    documents = session.scalars(
        select(Document).where(Document.number.in_([r.number for r in records]))
    )
    by_number = {d.number: d for d in documents}
    answer = {
        "issued": issued,
        "already_issued": [r.number for r in records if r.number not in issued],
        "documents": [
            {
                "number": r.number,
                "status": by_number[r.number].status,
                "qr_url": registry.qr_url_of(by_number[r.number], base_url),
            }
            for r in records
        ],
    }
    return (201 if issued else 200), answer


def _record_json(document: Document) -> dict[str, Any]:
    """The document's import fields, as the API takes them."""
    record = registry.record_of(document)
    values: dict[str, Any] = {
        name: value.isoformat() if hasattr(value, "isoformat") else value
        for name, value in record._asdict().items()
    }
    values["type"] = record.type.value
    values["courses"] = [course._asdict() for course in record.courses or ()]
    return values


def _history(session: Session, number: str) -> list[Mapping[str, Any]]:
    rows = session.scalars(select(Event).where(Event.subject == number).order_by(Event.seq))
    return [
        {"seq": e.seq, "kind": e.kind, "at": e.occurred_at.isoformat(), "actor": e.actor}
        for e in rows
    ]


@bp.get("/<number>")
def get_document(number: str) -> Response:
    """The full record of one of the token's institution's documents."""
    runtime = current_runtime()
    with runtime.database.session() as session:
        token = _token(session)
        document = _own_document(session, token, number)
        body = {
            "number": document.number,
            "status": document.status,
            "record": _record_json(document),
            "revocation": (
                {
                    "date": document.revoked_at.isoformat(),
                    "reason": document.revocation_reason,
                    "code": document.revocation_code,
                }
                if document.revoked_at
                else None
            ),
            "superseded_by": document.superseded_by,
            "recorded_at": document.recorded_at.isoformat(),
            "kid": document.kid,
            "token": document.token,
            "qr_url": registry.qr_url_of(document, runtime.settings.base_url),
            "history": _history(session, document.number),
        }
    return _json(body, 200)


@bp.post("/<number>/revoke")
def revoke_document(number: str) -> Response:
    runtime = current_runtime()
    with runtime.database.transaction() as session:
        token = _token(session)  # who asks comes first: nothing is read for a stranger
        body = _body()
        reason = body.get("reason") if isinstance(body, dict) else None
        if not isinstance(reason, str) or not reason.strip():
            raise Refused(
                InvalidInput("revocation_reason_required"), code="reason_required", field="reason"
            )
        # Optional (added with public reason codes): what the public sees; the reason
        # stays the institution's internal note.
        code = body.get("code", "other")
        if not isinstance(code, str):
            raise Refused(InvalidInput("code_not_text"), code="invalid_reason", field="code")
        document = _own_document(session, token, number)
        try:
            registry.revoke(session, document.number, reason=reason, code=code, actor=_actor(token))
        except Conflict as exc:
            raise Refused(exc, code="conflict") from None
        except InvalidInput as exc:  # the reason, or its public code
            raise Refused(exc, code="invalid_reason", field=exc.field or "reason") from None
        answer = {
            "number": document.number,
            "status": document.status,
            "revocation": {"date": document.revoked_at.isoformat() if document.revoked_at else None,
                           "reason": document.revocation_reason,
                           "code": document.revocation_code},
        }  # fmt: skip
    return _json(answer, 200)
