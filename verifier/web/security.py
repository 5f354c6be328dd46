"""Security headers on every response, and size limits checked before any parsing."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, Response, abort, request

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)

# A QR URL is at most 412 bytes and a token at most 1024 characters; a look-up
# query is far shorter. Anything longer is refused before routing looks at it.
MAX_URL_LENGTH = 2048
# Bodies per endpoint; everything else (GET pages) takes no body at all.
BODY_LIMITS = {
    "api.verify_batch": 512 * 1024,  # 1000 queries with room for pretty-printing
    "api.verify_token_route": 8 * 1024,
    "api.verify_pdf_route": 10 * 1024 * 1024,
    "public.verify_pdf_upload": 10 * 1024 * 1024,  # the same PDF from the look-up page's form
    # An inquiry with up to three 10 MiB attachments (verifier.web.public.inquiries).
    "inquiries.api.create": 31 * 1024 * 1024,
    "inquiries.create_from_form": 31 * 1024 * 1024,
    "registrar_api.issue_documents": 8 * 1024 * 1024,  # 1000 transcripts with course lines
    "registrar_api.revoke_document": 8 * 1024,
    # Workspace: a 16 MB import file plus its multipart wrapping; one document's form.
    "registrar.imports.upload": 16 * 1024 * 1024 + 64 * 1024,
    "registrar.documents.issue": 256 * 1024,
    "registrar.archive.new": 10 * 1024 * 1024 + 256 * 1024,  # a 10 MiB scan and the form
    "registrar.inquiries.answer": 64 * 1024,  # a 2,000-character note and an archive record
}
DEFAULT_BODY_LIMIT = 16 * 1024


def _limit_sizes() -> None:
    if len(request.full_path) > MAX_URL_LENGTH:
        abort(414)
    limit = BODY_LIMITS.get(request.endpoint or "", DEFAULT_BODY_LIMIT)
    if request.content_length is not None and request.content_length > limit:
        abort(413)
    # Also caps chunked bodies that announce no length: reading past it raises 413.
    request.max_content_length = limit


# Set on every response, replacing any a view set.
FIXED_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    # Tokens travel in URLs (/v/<token>): never leak them to other sites.
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def set_headers(
    response: Response,
    *,
    defaults: Iterable[tuple[str, str]] = (),
    values: Iterable[tuple[str, str]] = (),
) -> None:
    """``headers.setdefault`` for each of ``defaults``, then ``headers[name] = value``.

    Werkzeug's versions each scan and lower-case every header, setdefault raising
    and catching an HTTP exception for a missing one; a response rarely has any
    of ours yet, so this looks once and appends. Each name appears once.
    """
    headers = response.headers
    present = set(headers.keys(lower=True))
    for name, value in defaults:
        if name.lower() not in present:
            headers.add(name, value)
    for name, value in values:
        if name.lower() in present:
            headers[name] = value
        else:
            headers.add(name, value)


def _headers(response: Response) -> Response:
    set_headers(
        response,
        defaults=[("Content-Security-Policy", CONTENT_SECURITY_POLICY)],  # a view may set its own
        values=FIXED_HEADERS,
    )
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return response


def init_app(app: Flask) -> None:
    app.before_request(_limit_sizes)
    app.after_request(_headers)
