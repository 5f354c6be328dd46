"""The public look-up site: the form, the answer page and the QR landing page.

Plain HTML forms and links only, so it works without JavaScript, on a phone,
with a keyboard or a screen reader, and prints cleanly for a clerk's file.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from verifier.documents.numbers import display_number
from verifier.errors import VerifierError
from verifier.verification.service import (
    DocumentView,
    Outcome,
    Status,
    verify_numbers,
    verify_token,
)
from verifier.web import guesses
from verifier.web.context import current_keyring, current_runtime
from verifier.web.errors import message_of, status_of
from verifier.web.i18n import LANGUAGE_NAMES, LANGUAGES, select_language
from verifier.web.messages import (
    CHECK_NAMES,
    DOCUMENT_TYPES,
    OFFLINE_TEXTS,
    REVOCATION_REASONS,
    STATUS_EXPLANATIONS,
    STATUS_WORDS,
)
from verifier.web.public.lookup import parse_query
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


def institution_name(document: DocumentView, language: str) -> str:
    names = document.institution_names or {}
    return names.get(language) or names.get("uz") or document.institution_code


@dataclass(frozen=True)
class SiteUrls:
    """The links every public page carries in its header and footer."""

    stylesheet: str
    home: str
    openapi: str
    jwks: str
    offline: str


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
        )
    return urls


@bp.app_context_processor
def _helpers() -> dict[str, object]:
    return {
        "status_marks": STATUS_MARKS,
        "site_urls": site_urls(select_language()),
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


def _answer(outcome: Outcome, *, from_qr: bool, form: dict[str, str]) -> tuple[str, int]:
    language = select_language()
    texts = answer_texts(language)
    document = outcome.document
    return _page(
        "public/answer.html",
        503 if outcome.status is Status.ERROR else 200,
        outcome=outcome,
        institution=institution_name(document, language) if document else None,
        status_word=texts.status_words[outcome.status],
        explanation=texts.explanations[outcome.status],
        check_names=texts.check_names,
        document_types=texts.document_types,
        revocation_reasons=texts.revocation_reasons,
        from_qr=from_qr,
        form=form,
    )


@bp.get("/")
def index() -> tuple[str, int]:
    return _page("public/index.html", form={}, errors={})


@bp.get("/verify")
def verify() -> tuple[str, int]:
    form = {name: request.args.get(name, "")[:200] for name in ("number", "surname", "birth_date")}
    if not any(value.strip() for value in form.values()):
        return _page("public/index.html", form=form, errors={})
    try:
        query = parse_query(form["number"], form["surname"], form["birth_date"])
    except VerifierError as exc:
        errors = {exc.field or "number": message_of(exc)}
        return _page("public/index.html", status_of(exc), form=form, errors=errors)
    guard = guesses.budget()
    if guard.spent(query.number):  # see guesses.py: says nothing about the number
        abort(429)
    (outcome,) = verify_numbers(current_runtime().database.lookups, [query])
    if outcome.status is Status.NOT_FOUND:
        guard.charge(query.number)
    return _answer(outcome, from_qr=False, form=form)


@bp.get("/v/<token>")
def landing(token: str) -> tuple[str, int]:
    outcome = verify_token(current_runtime().database.lookups, token, current_keyring())
    return _answer(outcome, from_qr=True, form={})


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
