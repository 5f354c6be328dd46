"""Formal inquiries on the public site and API: ask for an official check, follow it.

``GET /inquiries/new`` is the form (pre-filled from the look-up that found
nothing) and ``POST /inquiries`` its submission; ``POST /api/v1/inquiries`` takes
the contract's JSON body, or multipart with that body in a part named
``inquiry`` and up to three files in parts named ``attachments``. Both parse
everything (the request, then each attachment) before anything is stored, and
both are rate-limited per client (``VERIFIER_INQUIRY_RATELIMIT``, one budget for
the two) on top of the public budget. An inquiry whose number and surname a
look-up already answers counts like a look-up: its wrong guesses spend the
number's budget (:mod:`verifier.web.guesses`), so the automatic answer is not a
way round it.

Mail goes after the transaction commits: a mail server that is down loses a
mail (logged, without any personal data), never an inquiry.

``GET /inquiries/<number>?key=...`` is the requester's page (HTML, or JSON with
``Accept: application/json``); a wrong or missing key answers exactly like a
number that does not exist. The key travels in the address, so the page is
``no-store``, refers nowhere (``Referrer-Policy: no-referrer``, on every
response) and the access log drops query strings (:mod:`verifier.web.accesslog`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from verifier.errors import (
    InvalidInput,
    Malformed,
    NotFound,
    RateLimited,
    SigningKeyError,
    TooLarge,
    Unavailable,
    UnsupportedMediaType,
    VerifierError,
)
from verifier.inquiries import attachments as attached
from verifier.inquiries import calendar, mail, service
from verifier.inquiries.requests import (
    LANGUAGES as INQUIRY_LANGUAGES,
)
from verifier.inquiries.requests import (
    LIMITS,
    REQUESTER_KINDS,
    InquiryRequest,
    countries,
    country_name,
)
from verifier.inquiries.service import Received
from verifier.printing.data import display_date
from verifier.printing.report import TASHKENT, moment_text
from verifier.translations import lazy_gettext
from verifier.vocabulary import DocumentType
from verifier.web import guesses
from verifier.web.context import current_runtime
from verifier.web.errors import message_of, prefers_json, refusal, status_of, wants_json
from verifier.web.i18n import LANGUAGE_NAMES, LANGUAGES, select_language
from verifier.web.letters import issuer, letters
from verifier.web.limits import limiter
from verifier.web.messages import DOCUMENT_TYPES
from verifier.web.messages import REQUESTER_KINDS as REQUESTER_KIND_WORDS
from verifier.web.security import set_headers

bp = Blueprint("inquiries", __name__)
# JSON under /api/v1 (and exempt from CSRF: it takes no cookies), registered with bp.
api = Blueprint("api", __name__, url_prefix="/api/v1")

# The body limit (three 10 MiB attachments and the form) is in verifier.web.security.
MAX_INQUIRY_NUMBER = 32  # INQ-2026-000123; anything longer is no inquiry's

# Words of the status page.
STATUS_WORDS = {
    service.RECEIVED: lazy_gettext("Received"),
    service.IN_PROGRESS: lazy_gettext("Being checked"),
    service.ANSWERED: lazy_gettext("Answered"),
    service.REJECTED: lazy_gettext("Rejected"),
}
OUTCOME_WORDS = {
    service.CONFIRMED: lazy_gettext("Confirmed: the registry holds this document"),
    service.NOT_CONFIRMED: lazy_gettext("Not confirmed"),
    service.UNDETERMINED: lazy_gettext("Could not be determined"),
}
STEP_WORDS = {
    "inquiry_received": lazy_gettext("Inquiry received"),
    "inquiry_taken": lazy_gettext("A registrar started checking it"),
    "inquiry_answered": lazy_gettext("Answered with an official letter"),
    "inquiry_rejected": lazy_gettext("Rejected"),
    "inquiry_mailed": lazy_gettext("An e-mail was sent to you"),
}
CONSENT_TEXT = lazy_gettext(
    "I am the holder of this document, or I hold the holder's consent to ask about it. "
    "I understand that the institution and the registry will see what I send here, and "
    "that the answer will state what the registry holds about this document."
)
EXPIRED_FORM = lazy_gettext(
    "The form expired or your browser did not return its cookie. Send it again "
    "(this form needs cookies for this site)."
)
TOO_LARGE = lazy_gettext(
    "The request is too large: at most 3 attachments of 10 MiB each. Nothing was stored."
)


@bp.after_request  # also runs for the nested API's responses
def _private(response: Response) -> Response:
    # The status address holds the requester's key; the pages hold personal data.
    set_headers(response, defaults=[("Cache-Control", "no-store")], values=[("Vary", "Accept")])
    return response


def inquiry_url(number: str | None, surname: str | None, birth_date: str | None = None) -> str:
    """``{BASE_URL}/inquiries/new?...``: the form, pre-filled with what the look-up typed.

    Only the request's own values: a ``not_found`` answer's offer must say nothing
    the registry holds, and be the same for a missing number and a wrong holder.
    """
    query = {
        name: value
        for name, value in (("number", number), ("surname", surname), ("birth_date", birth_date))
        if value
    }
    base = f"{current_runtime().settings.base_url}/inquiries/new"
    return f"{base}?{urlencode(query)}" if query else base


# --- receiving -----------------------------------------------------------------


def _today() -> dt.date:
    return calendar.tashkent_day(dt.datetime.now(dt.UTC))


def _receive(request_: InquiryRequest, files: Sequence[tuple[str, bytes]]) -> Received:
    """Check the attachments, store the inquiry, then mail the requester.

    Everything is checked before the transaction opens: a refusal stores nothing.
    """
    checked = attached.check_all(files)
    number = request_.document.number
    guard = guesses.budget()
    if guard.spent(number):  # the automatic answer is a look-up: same budget
        raise RateLimited(
            "rate_limited", retry_after=guard.retry_after(number), field="document.number"
        )
    runtime = current_runtime()
    try:
        with runtime.database.transaction() as session:
            received = service.receive(
                session,
                request_,
                checked,
                working_days=runtime.settings.inquiry_working_days,
                letters=letters(session),
            )
    except (SQLAlchemyError, SigningKeyError):
        current_app.logger.exception("an inquiry could not be stored")
        raise Unavailable("unavailable") from None
    if received.letter is None:
        guard.charge(number)
    _mail(received, request_)
    return received


def _mail(received: Received, request_: InquiryRequest) -> None:
    """The receipt (and the answer, when it came at once); a failure is logged, not raised."""
    try:
        mails = _mails(received, request_)
    except VerifierError as exc:  # an address the parser took but a mail cannot carry
        current_app.logger.warning("inquiry %s: no mail: %s", received.number, exc.code)
        return
    runtime = current_runtime()
    mailer = mail.mailer_from(runtime.settings)
    for what, message in mails:
        try:
            mailer.send(message)
        except mail.MailFailed as exc:
            # The inquiry's number and the failure's kind only: no address, no name.
            current_app.logger.warning(
                "mail %s for inquiry %s not sent: %s", what, received.number, exc
            )
            continue
        try:
            with runtime.database.transaction() as session:
                service.mailed(session, received.number, what)
        except SQLAlchemyError:
            current_app.logger.exception(
                "inquiry %s: the mail could not be recorded", received.number
            )


def _mails(received: Received, request_: InquiryRequest) -> list[tuple[str, mail.Mail]]:
    language = request_.language
    link = received.url(current_runtime().settings.base_url)
    to = request_.requester.email
    operator_name = issuer(language)
    mails = [
        (
            "received",
            mail.receipt_mail(
                to=to,
                number=received.number,
                status_url=link,
                due=received.due,
                language=language,
                operator_name=operator_name,
            ),
        )
    ]
    if received.status == service.ANSWERED:
        mails.append(
            (
                "answered",
                mail.answer_mail(
                    to=to,
                    number=received.number,
                    status_url=link,
                    status=service.ANSWERED,
                    language=language,
                    operator_name=operator_name,
                ),
            )
        )
    return mails


# --- the API -------------------------------------------------------------------


def _json_part(text: str) -> Any:
    try:
        return current_app.json.loads(text)
    except ValueError:
        raise Malformed("invalid_json", field="inquiry") from None


def _api_body() -> tuple[Any, list[tuple[str, bytes]]]:
    """The JSON body and the files, from a JSON request or a multipart one."""
    if request.mimetype == "multipart/form-data":
        part = request.form.get("inquiry")
        if part is None and "inquiry" in request.files:  # sent as a file part
            raw = request.files["inquiry"].read()
            try:
                part = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise Malformed("invalid_json", field="inquiry") from None
        if part is None:
            raise InvalidInput("invalid_request", field="inquiry")
        files = [
            (upload.filename or "", upload.read())
            for upload in request.files.getlist("attachments")
        ]
        return _json_part(part), files
    if not request.is_json:
        raise UnsupportedMediaType("unsupported_media_type")
    try:
        return request.get_json(), []
    except ValueError:  # werkzeug's BadRequest on a body that is not JSON
        raise Malformed("invalid_json") from None


def _language() -> str:
    """The request's language, for a body that names none."""
    language = select_language()
    return language if language in INQUIRY_LANGUAGES else "uz"


def _inquiry_limit() -> str:
    return current_runtime().settings.inquiry_ratelimit


# One budget for the form and the API: the same person asking by either way.
_creation_limit = limiter.shared_limit(_inquiry_limit, scope="inquiries")


@api.post("/inquiries")
@_creation_limit
def create() -> tuple[Response, int]:
    """Receive an inquiry: ``201 {"inquiry": {"number", "status", "due", "url"}}``."""
    values, files = _api_body()
    parsed = InquiryRequest.from_json(values, today=_today(), language=_language())
    received = _receive(parsed, files)
    base_url = current_runtime().settings.base_url
    response = jsonify(inquiry=received.summary(base_url))
    response.headers["Location"] = received.url(base_url)
    return response, 201


# --- the form ------------------------------------------------------------------


@cache
def country_choices(language: str) -> tuple[tuple[str, str], ...]:
    """Every ISO 3166-1 country as code and name in ``language``, by name."""
    named = ((code, country_name(code, language)) for code in countries())
    return tuple(sorted(named, key=lambda item: item[1].casefold()))


FORM_FIELDS = {
    "requester.kind": "requester_kind",
    "requester.organisation": "requester_organisation",
    "requester.country": "requester_country",
    "requester.name": "requester_name",
    "requester.email": "requester_email",
    "requester.reference": "requester_reference",
    "document.number": "number",
    "document.surname": "surname",
    "document.given_name": "given_name",
    "document.birth_date": "birth_date",
    "document.institution": "institution",
    "document.year": "year",
    "document.type": "type",
    "purpose": "purpose",
    "consent": "consent",
    "language": "language",
}


def _form_values(form: Mapping[str, str]) -> dict[str, Any]:
    """The form's fields as the API's JSON body (blank: not given)."""

    def value(name: str) -> str | None:
        text = form.get(name, "")
        return text if text.strip() else None

    def group(prefix: str) -> dict[str, Any]:
        return {
            path.split(".", 1)[1]: value(name)
            for path, name in FORM_FIELDS.items()
            if path.startswith(prefix + ".")
        }

    return {
        "requester": group("requester"),
        "document": group("document"),
        "purpose": value("purpose"),
        "consent": form.get("consent") == "yes",
        "language": value("language") or _language(),
    }


def _form_files() -> list[tuple[str, bytes]]:
    """The chosen files; an input left empty sends an empty part with no name."""
    files = []
    for upload in request.files.getlist("attachments"):
        if not isinstance(upload, FileStorage):
            continue
        content = upload.read()
        if not upload.filename and not content:
            continue
        files.append((upload.filename or "", content))
    return files


def _error_field(error: VerifierError) -> str:
    field = error.field or ""
    if field.startswith("attachments"):
        return "attachments"
    return FORM_FIELDS.get(field, field or "form")


def _form_page(
    form: Mapping[str, str], status: int = 200, errors: Mapping[str, str] | None = None
) -> tuple[str, int]:
    language = select_language()
    return render_template(
        "public/inquiry_new.html",
        form=form,
        errors=errors or {},
        countries=country_choices(language),
        kinds=[(kind, REQUESTER_KIND_WORDS[kind]) for kind in REQUESTER_KINDS],
        types=[(kind.value, DOCUMENT_TYPES[kind.value]) for kind in DocumentType],
        languages=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        limits=LIMITS,
        consent_text=CONSENT_TEXT,
        max_attachments=attached.MAX_ATTACHMENTS,
        working_days=current_runtime().settings.inquiry_working_days,
    ), status


@bp.get("/inquiries/new")
def new() -> tuple[str, int]:
    """The form, pre-filled with what the look-up typed."""
    args = request.args
    form = {
        "number": args.get("number", "")[: LIMITS["number"]],
        "surname": args.get("surname", "")[: LIMITS["surname"]],
        "birth_date": args.get("birth_date", "")[:10],
        "language": select_language(),
    }
    return _form_page(form)


@bp.post("/inquiries")
@_creation_limit
def create_from_form() -> ResponseReturnValue:
    """Receive the form's inquiry and go to its status page (303)."""
    form = request.form.to_dict()
    try:
        parsed = InquiryRequest.from_json(_form_values(form), today=_today(), language=_language())
        received = _receive(parsed, _form_files())
    except RateLimited:
        abort(429)
    except Unavailable:
        raise
    except VerifierError as exc:
        return _form_page(form, status_of(exc), {_error_field(exc): message_of(exc)})
    target = url_for(
        "inquiries.status",
        number=received.number,
        key=received.key,
        lang=parsed.language if parsed.language in LANGUAGES else None,
    )
    return redirect(target, 303)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    """The form says so beside its files; the API and the pages as everywhere else.

    (A blueprint's handler is found before the app's, for the nested API too: it
    answers here what :mod:`verifier.web.errors` would.)
    """
    if request.endpoint == "inquiries.create_from_form":
        form = {"language": select_language()}
        return _form_page(form, 413, {"attachments": str(TOO_LARGE)})
    too_large = TooLarge("too_large")
    if wants_json():
        return refusal(too_large)
    page = render_template("errors/page.html", status=413, message=message_of(too_large))
    return page, 413


# --- the requester's page ------------------------------------------------------


@dataclass(frozen=True)
class StepView:
    word: str
    utc: str
    tashkent: str
    iso: str


def _not_found() -> Response:
    """The one answer for a missing case, a wrong key and no key: the same bytes."""
    error = NotFound("no_such_inquiry")
    if prefers_json():
        return refusal(error)
    # The language switcher points to the look-up page: a link back to this address
    # would differ by what was typed.
    links = [(code, LANGUAGE_NAMES[code], f"/?lang={code}") for code in LANGUAGES]
    body = render_template(
        "errors/page.html", status=404, message=message_of(error), language_links=links
    )
    return Response(body, status=404, mimetype="text/html")


@bp.get("/inquiries/<number>")
def status(number: str) -> ResponseReturnValue:
    """The requester's page: status, due date, history and, once answered, the letter."""
    key = request.args.get("key")
    runtime = current_runtime()
    base_url = runtime.settings.base_url
    with runtime.database.session() as session:
        try:
            if len(number) > MAX_INQUIRY_NUMBER or (key is not None and len(key) > 64):
                raise NotFound("no_such_inquiry")
            case = service.for_requester(session, number, key)
        except NotFound:
            return _not_found()
        if prefers_json():
            return jsonify(case.public_json(base_url))
        inquiry = case.inquiry
        steps = [
            StepView(
                word=str(STEP_WORDS.get(step.kind, step.kind)),
                utc=moment_text(step.at),
                tashkent=moment_text(step.at, TASHKENT),
                iso=step.at.astimezone(dt.UTC).isoformat(),
            )
            for step in case.steps()
        ]
        letter = case.letter
        return render_template(
            "public/inquiry.html",
            inquiry=inquiry,
            status_word=STATUS_WORDS.get(inquiry.status, inquiry.status),
            outcome_word=OUTCOME_WORDS.get(inquiry.outcome or ""),
            due=display_date(inquiry.due_on),
            received_utc=moment_text(inquiry.received_at),
            received_tashkent=moment_text(inquiry.received_at, TASHKENT),
            overdue=case.overdue,
            steps=steps,
            letter=letter,
            letter_pdf=url_for("reports.pdf", token=letter.token) if letter else None,
            letter_check=url_for("reports.recheck", token=letter.token) if letter else None,
            attachments=[a.filename for a in inquiry.attachments],
        )


bp.register_blueprint(api)
