"""Errors as the contract shapes them: JSON ``{"error": {code, message}}`` under the API,
an HTML page everywhere else; never a traceback, always in the client's language."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from verifier.web.messages import ERROR_MESSAGES

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
# Pages that also answer JSON when the client asks for it (a report's re-check, /r/<token>).
NEGOTIATED_PREFIXES = ("/r/",)


class ApiError(Exception):
    """A request the API refuses; ``field`` names the offending input when there is one."""

    def __init__(
        self, code: str, status: int, field: str | None = None, *, retry_after: int | None = None
    ) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.field = field
        self.retry_after = retry_after


def error_body(code: str, field: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": str(ERROR_MESSAGES[code])}
    if field is not None:
        error["field"] = field
    return {"error": error}


def prefers_json() -> bool:
    """Whether the client's ``Accept`` puts JSON before HTML."""
    best = request.accept_mimetypes.best_match(("text/html", "application/json"))
    return best == "application/json"


def wants_json() -> bool:
    path = request.path
    return path.startswith(JSON_PREFIXES) or (
        path.startswith(NEGOTIATED_PREFIXES) and prefers_json()
    )


def _api_error(exc: ApiError) -> tuple[Response, int]:
    response = jsonify(error_body(exc.code, exc.field))
    if exc.status == 503:
        response.headers["Retry-After"] = "30"
    elif exc.retry_after is not None:
        response.headers["Retry-After"] = str(exc.retry_after)
    return response, exc.status


def _http_error(exc: HTTPException) -> Response | tuple[Response | str, int]:
    status = exc.code or 500
    code = _CODE_FOR_STATUS.get(status, "internal_error" if status >= 500 else "bad_request")
    response: Response
    if wants_json():
        response = jsonify(error_body(code))
    else:
        response = Response(
            render_template("errors/page.html", status=status, message=ERROR_MESSAGES[code]),
            mimetype="text/html",
        )
    response.status_code = status
    # Keep what the exception knows (Allow on 405, Retry-After on 429).
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _unexpected(exc: Exception) -> Response | tuple[Response | str, int]:
    # The log keeps the traceback; the client sees only a plain sentence.
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return _http_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
