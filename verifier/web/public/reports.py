"""Official reports on the public site and API: make one, re-check one, download its PDF.

``POST /api/v1/reports`` and the form behind every answer's "Official report
(PDF)" button run the same look-up as ``/api/v1/verify`` or the QR page, with
its limits (the client's rate limit, the number's budget of wrong guesses),
and refuse what a look-up would not show: a number with a wrong surname is
refused exactly like a number that does not exist. ``GET /r/<token>`` is the
report's QR landing page (HTML, or JSON when asked with ``Accept``), and
``GET /r/<token>.pdf`` its signed PDF: the report token in the address is the
key to it (docs/reports.md, "Who may download a report").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
from flask_wtf import FlaskForm
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import BadRequest, UnsupportedMediaType
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice

from verifier.errors import (
    InvalidInput,
    Malformed,
    NotFound,
    RateLimited,
    SigningKeyError,
    Unavailable,
    VerifierError,
)
from verifier.keys import lifecycle
from verifier.printing.data import display_date
from verifier.printing.pades import PdfSigner
from verifier.printing.report import TASHKENT, moment_text
from verifier.reports import service
from verifier.reports.check import ReportCheck, check_json, check_report
from verifier.reports.service import Asked, StoredReport
from verifier.translations import lazy_gettext
from verifier.verification.outcome import Outcome, Status
from verifier.verification.service import verify_numbers, verify_token
from verifier.web import guesses
from verifier.web.context import current_keyring, current_runtime
from verifier.web.errors import Refused, message_of, prefers_json, status_of
from verifier.web.i18n import LANGUAGE_NAMES, LANGUAGES, select_language
from verifier.web.letters import issuer
from verifier.web.messages import (
    CHECK_NAMES,
    DOCUMENT_TYPES,
    ERROR_MESSAGES,
    REVOCATION_REASONS,
    STATUS_EXPLANATIONS,
    STATUS_WORDS,
)
from verifier.web.public.lookup import parse_query
from verifier.web.security import set_headers

bp = Blueprint("reports", __name__)
# JSON under /api/v1 (and exempt from CSRF: it takes no cookies), registered with bp.
api = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC_ACTOR = "public"  # who made a report, in the event log: nobody by name

VERDICT_WORDS = {
    Status.VALID: lazy_gettext("Genuine report"),
    Status.INVALID: lazy_gettext("Not a genuine report"),
    Status.ERROR: lazy_gettext("Cannot check now"),
}
VERDICT_TEXTS = {
    Status.VALID: lazy_gettext(
        "The registry issued this report and holds it as shown here. Compare the report's "
        "number and the document's details with the paper."
    ),
    Status.INVALID: lazy_gettext(
        "This code is not a report this registry issued, or it has been altered. Do not rely "
        "on the paper that carries it."
    ),
    Status.ERROR: ERROR_MESSAGES["unavailable"],
}
KIND_WORDS = {
    service.REPORT: lazy_gettext("Official verification report"),
    service.LETTER: lazy_gettext("Official letter"),
}
REPORT_STATUS_WORDS = {
    **{status.value: word for status, word in STATUS_WORDS.items()},
    "expired": lazy_gettext("Expired"),
}


@bp.after_request  # also runs for the nested API's responses
def _private(response: Response) -> Response:
    # Reports show personal data and carry their token in the address.
    set_headers(response, defaults=[("Cache-Control", "no-store")], values=[("Vary", "Accept")])
    return response


class ReportRefused(NotFound):
    """No report of an answer a look-up would not show: answered as a look-up's not_found."""

    def __init__(self) -> None:
        super().__init__("report_not_found")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), ())


def _answer_for(values: dict[str, Any]) -> tuple[Outcome, Asked]:
    """The look-up a report states: by token, or by number with the holder's surname or birth date.

    Same rules and limits as a look-up; raises a :class:`~verifier.errors.VerifierError`
    for what a look-up would not show (:class:`ReportRefused` alike for a missing number
    and a wrong holder).
    """
    runtime = current_runtime()
    token = values.get("token")
    if "token" in values and (not isinstance(token, str) or values.get("number") is not None):
        raise InvalidInput("invalid_request", field="token")
    if token is not None:
        if not isinstance(token, str) or not token.strip():
            raise InvalidInput("missing_token", field="token")
        outcome = verify_token(runtime.lookups, token, current_keyring())
        if outcome.status is Status.INVALID:
            raise InvalidInput("invalid_token", field="token")
        asked = Asked(outcome.number or "", by_token=True) if outcome.document else None
    else:
        query = parse_query(values.get("number"), values.get("surname"), values.get("birth_date"))
        guard = guesses.budget()
        if guard.spent(query.number):  # says nothing about the number (guesses.py)
            retry_after = guard.retry_after(query.number)
            raise RateLimited("rate_limited", retry_after=retry_after, field="number")
        (outcome,) = verify_numbers(runtime.lookups, [query])
        if outcome.status is Status.NOT_FOUND:
            guard.charge(query.number)
        asked = Asked.of(query)
    if outcome.status is Status.ERROR:
        raise Unavailable("unavailable")
    if outcome.status not in service.REPORTABLE or asked is None:
        raise ReportRefused()
    return outcome, asked


def _make(outcome: Outcome, asked: Asked, language: str) -> StoredReport:
    runtime = current_runtime()
    try:
        with runtime.database.transaction() as session:
            return service.make_report(
                session,
                outcome,
                asked,
                signer=lifecycle.load_signer(session, runtime.keystore),
                language=language,
                issuer=issuer(language),
                days=runtime.settings.report_days,
                actor=PUBLIC_ACTOR,
            )
    except (SQLAlchemyError, SigningKeyError):
        current_app.logger.exception("a report could not be made")
        raise Unavailable("unavailable") from None


def _language(value: object) -> str:
    if value is None:
        return select_language()
    if not isinstance(value, str) or value not in LANGUAGES:
        raise Malformed("unsupported_language", field="language")
    return value


@api.post("/reports")
def create() -> tuple[Response, int]:
    """Make an official report of a look-up: ``201 {"report": {...}}``."""
    if not request.is_json:
        raise UnsupportedMediaType()
    try:
        values = request.get_json()
    except BadRequest:
        raise Malformed("invalid_json") from None
    if not isinstance(values, dict):
        raise InvalidInput("invalid_request")
    language = _language(values.get("language"))
    try:
        outcome, asked = _answer_for(values)
    except ReportRefused as exc:  # the contract's code, as a look-up's not_found
        raise Refused(exc, code="not_found") from None
    report = _make(outcome, asked, language)
    base_url = current_runtime().settings.base_url
    response = jsonify(report=report.summary(base_url))
    response.headers["Location"] = report.url(base_url)
    return response, 201


class ReportForm(FlaskForm):  # type: ignore[misc]  # flask_wtf has no type hints
    """The button behind an answer: what to look up again, and the report's language."""

    number = HiddenField()
    surname = HiddenField()
    birth_date = HiddenField()
    token = HiddenField()
    language = RadioField(choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES])


@dataclass(frozen=True)
class _Request:
    """What the form asks for, as the API would read it."""

    values: dict[str, Any]

    @classmethod
    def of(cls, form: ReportForm) -> _Request:
        if form.token.data:
            return cls({"token": form.token.data})
        return cls(
            {
                "number": form.number.data or None,
                "surname": form.surname.data or None,
                "birth_date": form.birth_date.data or None,
            }
        )


def _form_page(
    form: ReportForm, status: int = 200, error: VerifierError | None = None
) -> tuple[str, int]:
    return render_template(
        "public/report_new.html",
        form=form,
        error=message_of(error) if error else None,
        days=current_runtime().settings.report_days,
    ), status


@bp.get("/reports/new")
def new() -> tuple[str, int]:
    """The form behind an answer's "Official report (PDF)" button."""
    args = request.args
    form = ReportForm(
        formdata=None,
        number=args.get("number", "")[:64],
        surname=args.get("surname", "")[:100],
        birth_date=args.get("birth_date", "")[:10],
        token=args.get("token", "")[:1536],
        language=select_language(),
    )
    if not (form.token.data or form.number.data):
        return _form_page(form, 422, InvalidInput("missing_number", field="number"))
    return _form_page(form)


@bp.post("/reports")
def create_from_form() -> ResponseReturnValue:
    """Make the report and hand over its signed PDF (a redirect to its address)."""
    form = ReportForm()
    try:
        language = _language(form.language.data or None)
        outcome, asked = _answer_for(_Request.of(form).values)
        report = _make(outcome, asked, language)
    except RateLimited:
        abort(429)
    except VerifierError as exc:
        return _form_page(form, status_of(exc), exc)
    return redirect(url_for("reports.pdf", token=report.token), 303)


def _check(token: str, *, recheck: bool = True) -> ReportCheck:
    runtime = current_runtime()
    with runtime.database.session() as session:
        return check_report(session, token, current_keyring(), recheck=recheck)


@bp.get("/r/<token>")
def recheck(token: str) -> ResponseReturnValue:
    """A report's QR landing page: genuine or not, expired or not, changed since or not."""
    result = _check(token)
    status = 503 if result.status is Status.ERROR else 200
    if prefers_json():
        body = check_json(result, current_runtime().settings.base_url)
        body["message"] = str(VERDICT_TEXTS[result.status])
        # Each answer inside says its status in words too, as the look-up's do.
        for answer in (body["current"], (body["report"] or {}).get("answer")):
            if answer is not None:
                answer["message"] = str(STATUS_EXPLANATIONS[Status(answer["status"])])
        response = jsonify(body)
        if status == 503:
            response.headers["Retry-After"] = "30"
        return response, status
    report = result.report
    language = select_language()
    return render_template(
        "public/report_check.html",
        result=result,
        report=report,
        verdict_word=VERDICT_WORDS[result.status],
        verdict_text=VERDICT_TEXTS[result.status],
        kind_word=KIND_WORDS[report.kind] if report else None,
        status_words=REPORT_STATUS_WORDS,
        status_explanations=STATUS_EXPLANATIONS,
        check_names=CHECK_NAMES,
        document_types=DOCUMENT_TYPES,
        revocation_reasons=REVOCATION_REASONS,
        record=service.reported_record(report) if report else None,
        institution=_institution(report, language) if report else None,
        display_date=display_date,
        times=_times(result),
    ), status


def _institution(report: StoredReport, language: str) -> str | None:
    document = report.answer.get("document")
    if not document:
        return None
    names = document["institution"].get("name") or {}
    return str(names.get(language) or names.get("uz") or document["institution"]["code"])


def _times(result: ReportCheck) -> dict[str, str]:
    """Moments as the paper prints them, in UTC and in Tashkent."""
    claims = result.claims
    if claims is None:
        return {}
    return {
        "checked_utc": moment_text(claims.checked_at),
        "checked_tashkent": moment_text(claims.checked_at, TASHKENT),
        "expires_utc": moment_text(claims.expires),
        "expires_tashkent": moment_text(claims.expires, TASHKENT),
        "now_utc": moment_text(result.checked_at),
    }


@bp.get("/r/<token>.pdf")
def pdf(token: str) -> Response:
    """The report's PDF, signed with the active key's certificate; the token is the key to it."""
    result = _check(token, recheck=False)
    if result.status is Status.ERROR:
        abort(503)
    if result.report is None:
        abort(404)  # not a genuine report: nothing to hand out
    runtime = current_runtime()
    try:
        with runtime.database.session() as session:
            signer = PdfSigner(lifecycle.document_signing_key(session, runtime.keystore))
    except (SQLAlchemyError, SigningKeyError):
        current_app.logger.exception("no document-signing key for a report's PDF")
        abort(503)
    body = service.pdf(result.report, runtime.settings.base_url, signer)
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{result.report.number}.pdf"'
    return response


bp.register_blueprint(api)
