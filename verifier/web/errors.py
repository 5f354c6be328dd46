"""Errors as the web shows them: the one place that maps kinds to HTTP statuses.

A :class:`~verifier.errors.VerifierError` that reaches a view's edge answers with
the status of its kind and, under the JSON APIs, the one error envelope
``{"error": {"code", "message", "field"?, ...}}``; elsewhere an HTML page. The
message is in the client's language (``?lang=``, ``Accept-Language``); never a
traceback. Werkzeug's own refusals (404 route, 405, 413, 414...) answer in the
same envelope under the codes of ``_CODE_FOR_STATUS``.

An API whose contract names a refusal otherwise than the service's error does
(the registrar API answers ``conflict`` for any clash with the registry) raises
:class:`Refused` with that ``code``: the status and message still come from the
error.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from verifier.errors import MESSAGES, Kind, RateLimited, VerifierError
from verifier.translations import format_message
from verifier.web.i18n import select_language

STATUS_OF_KIND: dict[Kind, int] = {
    Kind.MALFORMED: 400,
    Kind.INVALID_INPUT: 422,
    Kind.UNAUTHORIZED: 401,
    Kind.FORBIDDEN: 403,
    Kind.NOT_FOUND: 404,
    Kind.CONFLICT: 409,
    Kind.TOO_LARGE: 413,
    Kind.UNSUPPORTED_MEDIA_TYPE: 415,
    Kind.RATE_LIMITED: 429,
    Kind.UNAVAILABLE: 503,
    Kind.CONFIGURATION: 500,
}
_CODE_FOR_STATUS = {
    400: "bad_request",
    404: "no_such_route",
    405: "method_not_allowed",
    413: "too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    429: "rate_limited",
    503: "unavailable",
}
JSON_PREFIXES = ("/api/", "/.well-known/")
RETRY_AFTER_UNAVAILABLE = 30  # seconds: long enough for a database restart
# Pages that also answer JSON when the client asks for it (a report's re-check, /r/<token>).
NEGOTIATED_PREFIXES = ("/r/",)


def status_of(error: VerifierError) -> int:
    """The HTTP status that answers ``error``."""
    return STATUS_OF_KIND[error.kind]


def message_of(error: VerifierError) -> str:
    """``error``'s sentence in the request's language."""
    return error.in_language(select_language())


class Refused(Exception):
    """An API's refusal of a request because of ``error``, under the contract's ``code``.

    ``extra`` members join the envelope (``rows`` of an invalid import).
    """

    def __init__(
        self,
        error: VerifierError,
        *,
        code: str | None = None,
        field: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(error.code)
        self.error = error
        self.code = code or error.code
        self.field = field if field is not None else error.field
        self.extra = extra


def error_body(
    error: VerifierError, *, code: str | None = None, field: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The envelope ``{"error": {"code", "message", "field"?, ...}}`` for ``error``."""
    body: dict[str, Any] = {"code": code or error.code, "message": message_of(error)}
    field = field if field is not None else error.field
    if field is not None:
        body["field"] = field
    body.update(extra)
    return {"error": body}


def refusal(
    error: VerifierError, *, code: str | None = None, field: str | None = None, **extra: Any
) -> Response:
    """The JSON response refusing a request because of ``error``."""
    response = jsonify(error_body(error, code=code, field=field, **extra))
    response.status_code = status_of(error)
    _add_headers(response, error)
    return response


def _add_headers(response: Response, error: VerifierError) -> None:
    if error.kind is Kind.UNAUTHORIZED:
        response.headers["WWW-Authenticate"] = 'Bearer realm="verifier"'
    elif error.kind is Kind.UNAVAILABLE:
        response.headers["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE)
    elif isinstance(error, RateLimited) and error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)


def prefers_json() -> bool:
    """Whether the client's ``Accept`` puts JSON before HTML."""
    best = request.accept_mimetypes.best_match(("text/html", "application/json"))
    return best == "application/json"


def wants_json() -> bool:
    path = request.path
    return path.startswith(JSON_PREFIXES) or (
        path.startswith(NEGOTIATED_PREFIXES) and prefers_json()
    )


def _refused(refused: Refused) -> Response:
    return refusal(refused.error, code=refused.code, field=refused.field, **refused.extra)


def _service_error(error: VerifierError) -> Response:
    if error.kind is Kind.CONFIGURATION:
        current_app.logger.error(
            "configuration error on %s %s: %s", request.method, request.path, error
        )
    if wants_json():
        return refusal(error)
    response = Response(
        render_template("errors/page.html", status=status_of(error), message=message_of(error)),
        status=status_of(error),
        mimetype="text/html",
    )
    _add_headers(response, error)
    return response


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    code = _CODE_FOR_STATUS.get(status, "internal_error" if status >= 500 else "bad_request")
    message = format_message(MESSAGES[code], {}, select_language())
    response: Response
    if wants_json():
        response = jsonify({"error": {"code": code, "message": message}})
    else:
        response = Response(
            render_template("errors/page.html", status=status, message=message),
            mimetype="text/html",
        )
    response.status_code = status
    # Keep what the exception knows (Allow on 405, Retry-After on 429).
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _unexpected(exc: Exception) -> Response:
    # The log keeps the traceback; the client sees only a plain sentence.
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return _http_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(Refused, _refused)
    app.register_error_handler(VerifierError, _service_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
