"""JSON API v1: single, batch, token and PDF verification, keys and the API description."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from verifier.verification.service import Outcome, Status, verify_numbers, verify_pdf, verify_token
from verifier.web import guesses
from verifier.web.context import current_keyring, current_runtime
from verifier.web.errors import ApiError, error_body
from verifier.web.messages import STATUS_EXPLANATIONS
from verifier.web.public import openapi
from verifier.web.public.lookup import (
    MAX_BATCH,
    BadQuery,
    parse_query,
)
from verifier.web.security import set_headers

bp = Blueprint("api", __name__, url_prefix="/api/v1")
wellknown = Blueprint("wellknown", __name__, url_prefix="/.well-known")


@bp.after_request
def _private(response: Response) -> Response:
    # Answers carry personal data: no shared cache may keep them.
    set_headers(response, defaults=[("Cache-Control", "no-store")])
    return response


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    """The contract's answer plus ``message``: the status explained in the client's language."""
    body = outcome.to_json()
    body["message"] = str(STATUS_EXPLANATIONS[outcome.status])
    return body


def answer(outcome: Outcome) -> tuple[Response, int]:
    status = 503 if outcome.status is Status.ERROR else 200
    response = jsonify(outcome_json(outcome))
    if status == 503:
        response.headers["Retry-After"] = "30"
    return response, status


def _json_object() -> dict[str, Any]:
    if not request.is_json:
        raise UnsupportedMediaType()
    try:
        data = request.get_json()
    except BadRequest:
        raise ApiError("invalid_json", 400) from None
    if not isinstance(data, dict):
        raise ApiError("invalid_request", 422)
    return data


@bp.get("/verify")
def verify_single() -> tuple[Response, int]:
    args = request.args
    try:
        query = parse_query(args.get("number"), args.get("surname"), args.get("birth_date"))
    except BadQuery as exc:
        raise ApiError(exc.code, exc.status, exc.field) from None
    guard = guesses.budget()
    if guard.spent(query.number):
        raise ApiError("rate_limited", 429, "number", retry_after=guard.retry_after(query.number))
    (outcome,) = verify_numbers(current_runtime().database.lookups, [query])
    if outcome.status is Status.NOT_FOUND:
        guard.charge(query.number)
    return answer(outcome)


@bp.post("/verify")
def verify_batch() -> tuple[Response, int]:
    queries = _json_object().get("queries")
    if not isinstance(queries, list):
        raise ApiError("invalid_request", 422, "queries")
    if len(queries) > MAX_BATCH:
        raise ApiError("too_many_queries", 422, "queries")
    parsed: list[Any] = []
    for item in queries:
        if not isinstance(item, dict):
            parsed.append(BadQuery("invalid_request", 422))
            continue
        try:
            parsed.append(
                parse_query(item.get("number"), item.get("surname"), item.get("birth_date"))
            )
        except BadQuery as exc:
            parsed.append(exc)
    good = [item for item in parsed if not isinstance(item, BadQuery)]
    outcomes = verify_numbers(current_runtime().database.lookups, good) if good else []
    # In order: once a number's wrong guesses are spent, every later query for it
    # is refused, matching or not; one storage round trip for the batch (guesses.py).
    admitted = guesses.budget().admit(
        [
            (query.number, outcome.status is Status.NOT_FOUND)
            for query, outcome in zip(good, outcomes, strict=True)
        ]
    )
    answers = iter(zip(outcomes, admitted, strict=True))
    results: list[dict[str, Any]] = []
    for item in parsed:
        if isinstance(item, BadQuery):
            results.append(error_body(item.code, item.field))
            continue
        outcome, shown = next(answers)
        results.append(outcome_json(outcome) if shown else error_body("rate_limited", "number"))
    unavailable = any(result.get("status") == Status.ERROR.value for result in results)
    response = jsonify(results=results)
    if unavailable:
        response.headers["Retry-After"] = "30"
    return response, 503 if unavailable else 200


@bp.post("/verify/token")
def verify_token_route() -> tuple[Response, int]:
    token = _json_object().get("token")
    if not isinstance(token, str) or not token.strip():
        raise ApiError("missing_token", 422, "token")
    outcome = verify_token(current_runtime().database.lookups, token, current_keyring())
    return answer(outcome)


@bp.post("/verify/pdf")
def verify_pdf_route() -> tuple[Response, int]:
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType()
    upload = request.files.get("file")
    if upload is None:
        raise ApiError("missing_file", 422, "file")
    data = upload.read()
    if not data:
        raise ApiError("missing_file", 422, "file")
    try:
        ring = current_keyring()()
    except SQLAlchemyError:
        raise ApiError("unavailable", 503) from None
    runtime = current_runtime()
    certificates = runtime.keystore.certificates.published(key.kid for key in ring)
    outcome = verify_pdf(runtime.database.lookups, data, ring, certificates=certificates)
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
        raise ApiError("unavailable", 503) from None
    response = jsonify(ring.to_jwks())
    response.headers["Access-Control-Allow-Origin"] = "*"
    # Short: a rotation or compromise must reach verifiers within minutes.
    response.headers["Cache-Control"] = "public, max-age=300"
    return response, 200
