"""The public look-up site: the form, the answer page, the QR landing page, PDF
upload, and the pages that say who answers (about, privacy).

Plain HTML forms and links only, so it works without JavaScript, on a phone,
with a keyboard or a screen reader, and prints cleanly for a clerk's file.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from flask_wtf.file import FileField
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from verifier.documents.coverage import InstitutionCoverage, registry_coverage
from verifier.documents.names import latin_reading
from verifier.documents.numbers import display_number
from verifier.documents.record import Record
from verifier.errors import VerifierError
from verifier.translations import lazy_gettext
from verifier.verification.outcome import Check, Outcome, Status
from verifier.verification.service import verify_numbers, verify_pdf, verify_token
from verifier.web import guesses
from verifier.web.context import current_keyring, current_runtime
from verifier.web.errors import message_of, status_of
from verifier.web.i18n import LANGUAGE_NAMES, LANGUAGES, select_language
from verifier.web.messages import (
    CHECK_NAMES,
    DOCUMENT_TYPES,
    ERROR_MESSAGES,
    OFFLINE_TEXTS,
    REVOCATION_REASONS,
    STATUS_EXPLANATIONS,
    STATUS_WORDS,
)
from verifier.web.public.lookup import parse_query
from verifier.web.public.operator import operator_texts
from verifier.web.security import set_headers

bp = Blueprint("public", __name__)

# Shape as well as colour and words tell the statuses apart.
STATUS_MARKS = {
    "valid": "✓",
    "revoked": "✗",
    "superseded": "↻",
    "not_found": "?",
    "invalid": "✗",
    "error": "!",
}


@bp.app_template_filter("display_number")
def _display_number(number: str) -> str:
    return display_number(number)


def institution_name(outcome: Outcome, language: str) -> str:
    """The institution's name in ``language`` (its Uzbek one when it has none), else its code."""
    names = outcome.institution_names or {}
    code = outcome.document.institution if outcome.document else ""
    return names.get(language) or names.get("uz") or code


@dataclass(frozen=True)
class SiteUrls:
    """The links every public page carries in its header and footer."""

    stylesheet: str
    home: str
    openapi: str
    jwks: str
    offline: str
    about: str
    privacy: str
    upload: str


_SITE_URLS_KEPT = 64


def site_urls(language: str) -> SiteUrls:
    """This request's links in ``language``, built once per app, script root and language.

    Each ``url_for`` costs a URL map build; the chrome's links never change.
    """
    key = (request.script_root, language)
    kept: dict[tuple[str, str], SiteUrls] = current_app.extensions.setdefault(
        "verifier.site_urls", {}
    )
    urls = kept.get(key)
    if urls is None:
        if len(kept) >= _SITE_URLS_KEPT:  # the script root can come from a proxy header
            kept.clear()
        urls = kept[key] = SiteUrls(
            stylesheet=url_for("static", filename="site.css"),
            home=url_for("public.index", lang=key[1]),
            openapi=url_for("api.openapi_document"),
            jwks=url_for("wellknown.jwks"),
            offline=url_for("public.offline", lang=key[1]),
            about=url_for("public.about", lang=key[1]),
            privacy=url_for("public.privacy", lang=key[1]),
            upload=url_for("public.verify_pdf_upload", lang=key[1]),
        )
    return urls


@bp.app_context_processor
def _helpers() -> dict[str, object]:
    language = select_language()
    return {
        "status_marks": STATUS_MARKS,
        "site_urls": site_urls(language),
        "operator": operator_texts(language),
    }


@bp.after_request
def _private(response: Response) -> Response:
    # Answer pages show personal data and tokens: keep them out of shared caches.
    set_headers(
        response,
        defaults=[("Cache-Control", "no-store")],
        values=[("Vary", "Accept-Language")],
    )
    return response


def _page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, **context), status


class CheckNames(dict[str, str]):
    """Checks' names to show; a check without one shows its own name."""

    def __missing__(self, name: str) -> str:
        return name


@dataclass(frozen=True)
class AnswerTexts:
    """The answer page's variable sentences in one language."""

    status_words: Mapping[Status, str]
    explanations: Mapping[Status, str]
    check_names: Mapping[str, str]
    document_types: Mapping[str, str]
    revocation_reasons: Mapping[str, str]


@cache
def answer_texts(language: str) -> AnswerTexts:
    """Translated once per language: a lazy message looks the request's language
    up through ``g``'s proxy each time a page shows it."""
    return AnswerTexts(
        status_words={status: word.in_language(language) for status, word in STATUS_WORDS.items()},
        explanations={
            status: text.in_language(language) for status, text in STATUS_EXPLANATIONS.items()
        },
        check_names=CheckNames(
            {name: text.in_language(language) for name, text in CHECK_NAMES.items()}
        ),
        document_types={kind: text.in_language(language) for kind, text in DOCUMENT_TYPES.items()},
        revocation_reasons={
            code: text.in_language(language) for code, text in REVOCATION_REASONS.items()
        },
    )


def holder_reading(document: Record, language: str) -> str | None:
    """The holder's name in Latin letters for English pages, when it is written in Cyrillic."""
    if language != "en":
        return None
    name = document.full_name
    reading = latin_reading(name)
    return reading if reading != name else None


# Where the answer came from: a typed look-up, a QR code's link, an uploaded PDF.
Source = Literal["number", "qr", "pdf"]


def _answer(outcome: Outcome, *, source: Source, form: dict[str, str]) -> tuple[str, int]:
    language = select_language()
    texts = answer_texts(language)
    document = outcome.document
    return _page(
        "public/answer.html",
        503 if outcome.status is Status.ERROR else 200,
        outcome=outcome,
        institution=institution_name(outcome, language) if document else None,
        holder=document.full_name if document else None,
        holder_latin=holder_reading(document, language) if document else None,
        status_word=texts.status_words[outcome.status],
        explanation=texts.explanations[outcome.status],
        check_names=texts.check_names,
        document_types=texts.document_types,
        revocation_reasons=texts.revocation_reasons,
        source=source,
        form=form,
        errors={},
    )


LOOKUP_FIELDS = ("number", "surname", "birth_date")


class PdfUploadForm(FlaskForm):  # type: ignore[misc]  # flask_wtf has no type hints
    """The PDF to check: multipart, its body capped before parsing (security.py); the
    CSRF code is checked for every form post (app.py) and rendered with ``csrf_token()``."""

    file = FileField()


UPLOAD_ERRORS = {
    "missing_file": lazy_gettext("Choose the PDF file of the document to check."),
    "too_large": lazy_gettext(
        "The file is larger than 10 MiB: a document issued by this service is far smaller."
    ),
    "expired_form": lazy_gettext(
        "The form expired or your browser did not return its cookie. Choose the file again "
        "(this form needs cookies for this site)."
    ),
}


def _index(
    status: int = 200,
    *,
    form: Mapping[str, str] | None = None,
    errors: Mapping[str, Any] | None = None,
    upload_errors: Mapping[str, Any] | None = None,
) -> tuple[str, int]:
    return _page(
        "public/index.html",
        status,
        form=form or {},
        errors=errors or {},
        upload_errors=upload_errors or {},
    )


@bp.get("/")
def index() -> tuple[str, int]:
    return _index()


@bp.get("/verify")
def verify() -> tuple[str, int]:
    form = {name: request.args.get(name, "")[:200] for name in LOOKUP_FIELDS}
    if not any(name in request.args for name in LOOKUP_FIELDS):
        return _index(form=form)  # the address alone, not a submitted form
    # An empty or half-filled form: say everything that is missing at once.
    missing = {}
    if not form["number"].strip():
        missing["number"] = ERROR_MESSAGES["missing_number"]
    if not form["surname"].strip() and not form["birth_date"].strip():
        missing["surname"] = ERROR_MESSAGES["missing_surname"]
    if missing:
        return _index(422, form=form, errors=missing)
    try:
        query = parse_query(form["number"], form["surname"], form["birth_date"])
    except VerifierError as exc:
        errors = {exc.field or "number": message_of(exc)}
        return _index(status_of(exc), form=form, errors=errors)
    guard = guesses.budget()
    if guard.spent(query.number):  # see guesses.py: says nothing about the number
        abort(429)
    (outcome,) = verify_numbers(current_runtime().lookups, [query])
    if outcome.status is Status.NOT_FOUND:
        guard.charge(query.number)
    return _answer(outcome, source="number", form=form)


@bp.get("/v/<token>")
def landing(token: str) -> tuple[str, int]:
    outcome = verify_token(current_runtime().lookups, token, current_keyring())
    return _answer(outcome, source="qr", form={})


@bp.post("/verify/pdf")
def verify_pdf_upload() -> tuple[str, int]:
    """The answer page for an uploaded PDF: what ``POST /api/v1/verify/pdf`` answers in JSON."""
    chosen = PdfUploadForm().file.data
    data = chosen.read() if isinstance(chosen, FileStorage) else b""
    if not data:
        return _index(422, upload_errors={"file": UPLOAD_ERRORS["missing_file"]})
    try:
        ring = current_keyring()()
    except SQLAlchemyError:
        unavailable = Check("registry", False, "the registry cannot be reached right now")
        return _answer(Outcome(Status.ERROR, None, (unavailable,)), source="pdf", form={})
    runtime = current_runtime()
    certificates = runtime.keystore.certificates.published(key.kid for key in ring)
    outcome = verify_pdf(runtime.lookups, data, ring, certificates=certificates)
    return _answer(outcome, source="pdf", form={})


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> tuple[str, int] | RequestEntityTooLarge:
    if request.endpoint != "public.verify_pdf_upload":
        return error
    return _index(413, upload_errors={"file": UPLOAD_ERRORS["too_large"]})


@bp.errorhandler(CSRFError)
def _expired_form(error: CSRFError) -> tuple[str, int]:
    return _index(400, upload_errors={"file": UPLOAD_ERRORS["expired_form"]})


# The coverage changes only when documents are issued; a minute's delay is harmless
# and keeps the about page to one grouped query a minute per worker.
COVERAGE_TTL_SECONDS = 60.0
_coverage_lock = threading.Lock()


@dataclass(frozen=True)
class Coverage:
    institutions: list[InstitutionCoverage]
    computed_at: float  # time.time()


def coverage() -> Coverage | None:
    """What the registry holds, computed at most once a minute per worker; None if unreachable."""
    kept: list[tuple[float, Coverage]] = current_app.extensions.setdefault("verifier.coverage", [])
    now = time.monotonic()
    with _coverage_lock:
        if kept and now - kept[0][0] < COVERAGE_TTL_SECONDS:
            return kept[0][1]
    try:
        with current_runtime().database.session() as session:
            found = Coverage(registry_coverage(session), time.time())
    except SQLAlchemyError:
        return None
    with _coverage_lock:
        kept[:] = [(now, found)]
    return found


@bp.get("/about")
def about() -> tuple[str, int]:
    language = select_language()
    held = coverage()
    rows = (
        [
            (item, item.names.get(language) or item.names.get("uz") or item.code)
            for item in held.institutions
        ]
        if held
        else []
    )
    return _page(
        "public/about.html",
        coverage=held,
        rows=rows,
        document_types=answer_texts(language).document_types,
        computed_at=dt.datetime.fromtimestamp(held.computed_at, dt.UTC) if held else None,
    )


@bp.get("/privacy")
def privacy() -> tuple[str, int]:
    return _page("public/privacy.html")


@cache
def offline_texts() -> dict[str, dict[str, str]]:
    """The offline page's words in every language: a saved copy switches among them alone."""
    return {
        language: {key: text.in_language(language) for key, text in OFFLINE_TEXTS.items()}
        for language in LANGUAGES
    }


@bp.get("/offline")
def offline() -> Response:
    """One self-contained page that verifies tokens with the JWKS embedded now.

    Saved from a browser as one HTML file it keeps working with no network and
    no service: its script implements docs/token-format.md on WebCrypto Ed25519.
    Its inline script and style run under a per-response nonce; nothing else may.
    """
    nonce = secrets.token_urlsafe(18)
    body = render_template(
        "public/offline.html",
        nonce=nonce,
        jwks=current_keyring()().to_jwks(),
        texts=offline_texts(),
        languages=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        language=select_language(),
    )
    response = Response(body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
        "img-src 'none'; connect-src 'none'; form-action 'none'; frame-ancestors 'none'; "
        "base-uri 'none'"
    )
    return response
