"""JSON API v1: single, batch, token and PDF verification, keys and the API description."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import BadRequest

from verifier.errors import (
    InvalidInput,
    Malformed,
    RateLimited,
    Unavailable,
    UnsupportedMediaType,
    VerifierError,
)
from verifier.verification import answers
from verifier.verification.outcome import Outcome, Status
from verifier.verification.service import NumberQuery, verify_numbers, verify_pdf, verify_token
from verifier.web import guesses
from verifier.web.context import current_keyring, current_runtime
from verifier.web.errors import error_body
from verifier.web.messages import STATUS_EXPLANATIONS
from verifier.web.public import openapi
from verifier.web.public.inquiries import inquiry_url
from verifier.web.public.lookup import MAX_BATCH, parse_query
from verifier.web.security import set_headers

bp = Blueprint("api", __name__, url_prefix="/api/v1")
wellknown = Blueprint("wellknown", __name__, url_prefix="/.well-known")


@bp.after_request
def _private(response: Response) -> Response:
    # Answers carry personal data: no shared cache may keep them.
    set_headers(response, defaults=[("Cache-Control", "no-store")])
    return response


def outcome_json(outcome: Outcome, query: NumberQuery | None = None) -> dict[str, Any]:
    """The contract's answer plus ``message``: the status explained in the client's language.

    A ``not_found`` answer adds ``inquiry_url``, the formal inquiry's form filled with
    what was asked (``query``; a token's or a PDF's answer: its number alone).
    """
    body = answers.outcome_json(outcome)
    body["message"] = str(STATUS_EXPLANATIONS[outcome.status])
    if outcome.status is Status.NOT_FOUND:
        birth_date = query.birth_date if query else None
        body["inquiry_url"] = inquiry_url(
            query.number if query else outcome.number,
            query.surname if query else None,
            birth_date.isoformat() if birth_date else None,
        )
    return body


def answer(outcome: Outcome, query: NumberQuery | None = None) -> tuple[Response, int]:
    status = 503 if outcome.status is Status.ERROR else 200
    response = jsonify(outcome_json(outcome, query))
    if status == 503:
        response.headers["Retry-After"] = "30"
    return response, status


def _json_object() -> dict[str, Any]:
    if not request.is_json:
        raise UnsupportedMediaType("unsupported_media_type")
    try:
        data = request.get_json()
    except BadRequest:
        raise Malformed("invalid_json") from None
    if not isinstance(data, dict):
        raise InvalidInput("invalid_request")
    return data


@bp.get("/verify")
def verify_single() -> tuple[Response, int]:
    args = request.args
    query = parse_query(args.get("number"), args.get("surname"), args.get("birth_date"))
    guard = guesses.budget()
    if guard.spent(query.number):
        retry_after = guard.retry_after(query.number)
        raise RateLimited("rate_limited", retry_after=retry_after, field="number")
    (outcome,) = verify_numbers(current_runtime().lookups, [query])
    if outcome.status is Status.NOT_FOUND:
        guard.charge(query.number)
    return answer(outcome, query)


@bp.post("/verify")
def verify_batch() -> tuple[Response, int]:
    queries = _json_object().get("queries")
    if not isinstance(queries, list):
        raise InvalidInput("invalid_request", field="queries")
    if len(queries) > MAX_BATCH:
        raise InvalidInput("too_many_queries", field="queries")
    parsed: list[Any] = []
    for item in queries:
        if not isinstance(item, dict):
            parsed.append(InvalidInput("invalid_request"))
            continue
        try:
            parsed.append(
                parse_query(item.get("number"), item.get("surname"), item.get("birth_date"))
            )
        except VerifierError as exc:
            parsed.append(exc)
    good = [item for item in parsed if not isinstance(item, VerifierError)]
    outcomes = verify_numbers(current_runtime().lookups, good) if good else []
    # In order: once a number's wrong guesses are spent, every later query for it
    # is refused, matching or not; one storage round trip for the batch (guesses.py).
    admitted = guesses.budget().admit(
        [
            (query.number, outcome.status is Status.NOT_FOUND)
            for query, outcome in zip(good, outcomes, strict=True)
        ]
    )
    replies = iter(zip(outcomes, admitted, strict=True))
    results: list[dict[str, Any]] = []
    for item in parsed:
        if isinstance(item, VerifierError):
            results.append(error_body(item))
            continue
        outcome, shown = next(replies)
        results.append(
            outcome_json(outcome, item)
            if shown
            else error_body(RateLimited("rate_limited", field="number"))
        )
    unavailable = any(result.get("status") == Status.ERROR.value for result in results)
    response = jsonify(results=results)
    if unavailable:
        response.headers["Retry-After"] = "30"
    return response, 503 if unavailable else 200


@bp.post("/verify/token")
def verify_token_route() -> tuple[Response, int]:
    token = _json_object().get("token")
    if not isinstance(token, str) or not token.strip():
        raise InvalidInput("missing_token", field="token")
    outcome = verify_token(current_runtime().lookups, token, current_keyring())
    return answer(outcome)


@bp.post("/verify/pdf")
def verify_pdf_route() -> tuple[Response, int]:
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType("unsupported_media_type")
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("missing_file", field="file")
    data = upload.read()
    if not data:
        raise InvalidInput("missing_file", field="file")
    try:
        ring = current_keyring()()
    except SQLAlchemyError:
        raise Unavailable("unavailable") from None
    runtime = current_runtime()
    certificates = runtime.keystore.certificates.published(key.kid for key in ring)
    outcome = verify_pdf(runtime.lookups, data, ring, certificates=certificates)
    return answer(outcome)


@bp.get("/openapi.json")
def openapi_document() -> Response:
    response = jsonify(openapi.document())
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@wellknown.get("/jwks.json")
def jwks() -> tuple[Response, int]:
    try:
        ring = current_keyring()()
    except SQLAlchemyError:  # say so; never publish an empty key set
        raise Unavailable("unavailable") from None
    response = jsonify(ring.to_jwks())
    response.headers["Access-Control-Allow-Origin"] = "*"
    # Short: a rotation or compromise must reach verifiers within minutes.
    response.headers["Cache-Control"] = "public, max-age=300"
    return response, 200
