"""Workspace inquiries: the queue, a case page, take, answer with a signed letter, reject.

Registrars see the cases naming their institution (another's is a 404, exactly
like a missing case); admins see all and handle all; auditors read. The case
page searches the registry for the number asked, both as the public look-up
answers it (number and the asked surname) and as staff see it (the number alone,
with its holder's name), so the registrar can link the record that settles the
case or create the archive record from the issue book, prefilled from the case.

After an answer or a rejection commits, the requester is mailed; a mail that
cannot be sent is logged without personal data and shown as a warning: the case
stays answered, and the mail is recorded as an event only once it went out.

The forms live beside their views (as the archive page's do): they are this
page's alone, and the rules (outcomes, notes, records) stay in the services.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response as BaseResponse
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from verifier.archive.media import download_name
from verifier.documents import institutions, registry
from verifier.documents.numbers import normalise_number
from verifier.documents.parse import parse_record
from verifier.documents.record import Record
from verifier.errors import (
    ConfigurationError,
    MalformedNumber,
    NotFound,
    SigningKeyError,
    VerifierError,
)
from verifier.inquiries import service
from verifier.inquiries.mail import ANSWERED, REJECTED, MailFailed, answer_mail, mailer_from
from verifier.printing.data import display_date
from verifier.reports.service import MAX_TEXT, Signatory
from verifier.translations import Message, lazy_gettext
from verifier.verification.service import NumberQuery, verify_numbers
from verifier.vocabulary import DocumentType, StaffRole
from verifier.web.context import current_runtime
from verifier.web.errors import message_of, status_of
from verifier.web.i18n import gettext as _
from verifier.web.i18n import select_language
from verifier.web.letters import issuer, letters
from verifier.web.messages import REQUESTER_KINDS
from verifier.web.workspace.archive import ArchiveRecordForm
from verifier.web.workspace.auth import Staff, current_staff, refuse, require_staff, roles
from verifier.web.workspace.forms import requested_page

if TYPE_CHECKING:  # annotations only: the view reaches rows through the service
    from sqlalchemy.orm import Session

    from verifier.db.models import Inquiry

bp = Blueprint("inquiries", __name__, url_prefix="/inquiries")
logger = logging.getLogger(__name__)

PER_PAGE = 50
MAX_PAGES = 40  # the queue is read newest-due first; nobody pages past 2,000 cases
MAX_NUMBER_LENGTH = 20  # Inquiry.number's column
INQUIRY_STATUSES: dict[str, Message] = {
    service.RECEIVED: lazy_gettext("Received"),
    service.IN_PROGRESS: lazy_gettext("In progress"),
    service.ANSWERED: lazy_gettext("Answered"),
    service.REJECTED: lazy_gettext("Rejected"),
}
FILTERS: dict[str, Message] = {
    "open": lazy_gettext("Open (received or in progress)"),
    **INQUIRY_STATUSES,
    "all": lazy_gettext("All"),
}
OUTCOME_WORDS: dict[str, Message] = {
    service.CONFIRMED: lazy_gettext("Confirmed"),
    service.NOT_CONFIRMED: lazy_gettext("Not confirmed"),
    service.UNDETERMINED: lazy_gettext("Cannot be determined"),
}
# The answer form's record fields: what an issue-book entry usually notes. The rest of
# an archive record's fields stay empty ("not recorded"); the full page records them.
RECORD_FIELDS = (
    "type", "number", "surname", "given_name", "patronymic", "birth_date", "institution",
    "program_name", "qualification", "issue_date", "issue_year", "source", "checked_by",
)  # fmt: skip
ANSWER_FIELDS = ("outcome", "note", "signatory_name", "signatory_position", "link")
SETTLE_LINK, SETTLE_CREATE = "link", "create"
# A download is never run as a page of this site, whatever it holds.
DOWNLOAD_POLICY = "default-src 'none'; sandbox"
REQUIRED = lazy_gettext("This field is required.")
AT_MOST = lazy_gettext("At most %(max)d characters.")


def _stripped(value: str | None) -> str:
    return (value or "").strip()


def _one_line(value: str | None) -> str:
    return " ".join((value or "").split())


class AnswerForm(FlaskForm):  # type: ignore[misc]  # flask_wtf has no type hints
    """The outcome, its note, who signs, and what settles the case (a link or a new record)."""

    outcome = StringField(filters=[_stripped])
    note = TextAreaField(
        filters=[_stripped], validators=[Length(max=service.MAX_NOTE, message=AT_MOST)]
    )
    signatory_name = StringField(
        filters=[_one_line],
        validators=[DataRequired(message=REQUIRED), Length(max=MAX_TEXT["name"], message=AT_MOST)],
    )
    signatory_position = StringField(
        filters=[_one_line],
        validators=[
            DataRequired(message=REQUIRED),
            Length(max=MAX_TEXT["position"], message=AT_MOST),
        ],
    )
    settle = StringField(filters=[_stripped])
    link = StringField(filters=[_stripped, lambda value: (value or "")[:64]])


class RecordForm(ArchiveRecordForm):
    """The archive page's record form inside the answer form (prefix ``record-``), without
    the scan: the answer form posts no file (the full page records one with its scan)."""

    scan = None

    class Meta:
        csrf = False  # the answer form around it carries the token


class RejectForm(FlaskForm):  # type: ignore[misc]
    reason = TextAreaField(
        filters=[_stripped], validators=[Length(max=service.MAX_NOTE, message=AT_MOST)]
    )


class TakeForm(FlaskForm):  # type: ignore[misc]
    """Nothing but the CSRF token."""


def _staff() -> service.Staff:
    """The signed-in person as the inquiries service knows staff."""
    staff = require_staff()
    return service.Staff(staff.email, staff.role, staff.institution_id)


def open_inquiries() -> int:
    """Open cases for the navigation's "Inquiries (N open)"; called only by its template."""
    staff = current_staff()
    if staff is None:
        return 0
    with current_runtime().database.session() as db:
        return service.open_count(db, service.Staff(staff.email, staff.role, staff.institution_id))


# --- the queue -----------------------------------------------------------------------


@bp.get("/")
def queue() -> str:
    """Open cases first, overdue first, then by due date; filtered by status."""
    shown = request.args.get("status", "open")
    if shown not in FILTERS:
        shown = "open"
    page = min(requested_page(request.args), MAX_PAGES)
    with current_runtime().database.session() as db:
        rows = service.queue(
            db,
            _staff(),
            status=None if shown == "all" else shown,
            limit=page * PER_PAGE + 1,  # one more tells whether a next page exists
        )
    first = (page - 1) * PER_PAGE
    return render_template(
        "registrar/inquiries.html",
        rows=rows[first : first + PER_PAGE],
        more=len(rows) > first + PER_PAGE,
        page_number=page,
        shown=shown,
        filters=FILTERS,
        inquiry_statuses=INQUIRY_STATUSES,
        display_date=display_date,
    )


# --- a case ------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """The document the registry holds under the number asked, as staff may see it."""

    number: str
    holder: str
    status: str
    origin: str
    institution: str


def _prefill(inquiry: Inquiry, institution_code: str | None) -> dict[str, str]:
    """The archive record as the case describes it; the registrar adds the issue book's rest."""
    return {
        "type": inquiry.document_type or DocumentType.DIPLOMA.value,
        "number": inquiry.document_number,
        "surname": inquiry.surname,
        "given_name": inquiry.given_name or "",
        "birth_date": inquiry.birth_date.isoformat() if inquiry.birth_date else "",
        "institution": institution_code or "",
        "issue_year": str(inquiry.year) if inquiry.year else "",
    }


def _signatory_default() -> dict[str, str]:
    """Who signed this person's last answer, remembered in their session."""
    remembered = session.get("signatory")
    if isinstance(remembered, list) and len(remembered) == 2:
        return {"signatory_name": str(remembered[0]), "signatory_position": str(remembered[1])}
    return {}


def _case_number(number: str) -> str:
    if len(number) > MAX_NUMBER_LENGTH or not number.isascii():
        abort(404)
    return number.upper()


def render_case(number: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """The case page; forms and messages in ``context`` replace the fresh ones."""
    staff = require_staff()
    with current_runtime().database.session() as db:
        try:
            view = service.case(db, number, _staff())
        except NotFound:
            refuse(404, f"inquiry {number} is not shown to this person")
            raise  # refuse() aborts; this line only tells the type checker so
        inquiry = view.inquiry
        listed = {institution.id: institution.code for institution in institutions.listed(db)}
        institution_code = listed.get(inquiry.institution_id) if inquiry.institution_id else None
        context.setdefault("answer_form", AnswerForm(formdata=None, data=_signatory_default()))
        context.setdefault(
            "record_form",
            RecordForm(formdata=None, prefix="record", data=_prefill(inquiry, institution_code)),
        )
        context.setdefault("reject_form", RejectForm(formdata=None))
        context.setdefault("take_form", TakeForm(formdata=None))
        (lookup,) = verify_numbers(
            db, [NumberQuery(inquiry.document_number, inquiry.surname, None)]
        )
        return render_template(
            "registrar/inquiry.html",
            view=view,
            inquiry=inquiry,
            institution_code=institution_code,
            lookup=lookup,
            found=_found(db, inquiry.document_number, staff),
            codes=[] if staff.is_registrar else sorted(listed.values()),
            may_handle=staff.role is not StaffRole.AUDITOR and inquiry.status in service.OPEN,
            inquiry_statuses=INQUIRY_STATUSES,
            outcome_words=OUTCOME_WORDS,
            requester_kinds=REQUESTER_KINDS,
            record_fields=RECORD_FIELDS,
            display_date=display_date,
            problems=context.pop("problems", {}),
            **context,
        ), status


def _found(db: Session, number: str, staff: Staff) -> Found | None:
    """Any document under the number asked, whatever its holder (staff see names)."""
    document = registry.find_document(db, number)
    if document is None or (staff.is_registrar and document.institution_id != staff.institution_id):
        return None
    holder = " ".join(
        part for part in (document.surname, document.given_name, document.patronymic) if part
    )
    return Found(
        document.number, holder, document.status, document.origin, document.institution.code
    )


@bp.get("/<number>")
def case(number: str) -> tuple[str, int]:
    return render_case(_case_number(number))


def _handled(number: str) -> str:
    """The case's number if this person may handle it (else 404 or 403, logged).

    Checked in a read session before the write transaction opens, so that a
    refusal can record itself without waiting on the transaction's lock.
    """
    number = _case_number(number)
    staff = _staff()
    with current_runtime().database.session() as db:
        try:
            view = service.case(db, number, staff)
        except NotFound:
            refuse(404, f"inquiry {number} is not shown to this person")
            raise
        if not staff.may_handle(view.inquiry):
            refuse(403, f"inquiry {number} may not be handled by this person")
    return number


@bp.get("/<number>/attachments/<int:index>")
def attachment(number: str, index: int) -> Response:
    """An attachment as a download, never shown inline: its name made safe, its type kept."""
    number = _case_number(number)
    with current_runtime().database.session() as db:
        try:
            stored = service.attachment(db, number, index, _staff())
        except NotFound:
            refuse(404, f"inquiry {number} has no attachment {index} shown to this person")
            raise
        content, media_type, filename = stored.content, stored.media_type, stored.filename
    stem = secure_filename(filename.rsplit(".", 1)[0])[:80]
    # The extension of what it is by content, never of the name it was sent with.
    name = download_name(f"{number}-{index}{'-' + stem if stem else ''}", media_type)
    response = Response(content, mimetype=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response


# --- take, answer, reject ----------------------------------------------------------


@bp.post("/<number>/take")
@roles(StaffRole.REGISTRAR, StaffRole.ADMIN)
def take(number: str) -> BaseResponse | tuple[str, int]:
    number = _handled(number)
    TakeForm().validate()  # the token was checked app-wide; nothing else to read
    try:
        with current_runtime().database.transaction() as db:
            service.take(db, number, _staff())
    except VerifierError as exc:
        return render_case(number, status_of(exc), take_error=message_of(exc))
    flash(_("You have taken %(number)s.", number=number))
    return redirect(url_for(".case", number=number))


def _problems_of(form: FlaskForm, prefix: str = "") -> dict[str, list[str]]:
    return {f"{prefix}{name}": [str(m) for m in messages] for name, messages in form.errors.items()}


@bp.post("/<number>/answer")
@roles(StaffRole.REGISTRAR, StaffRole.ADMIN)
def answer(number: str) -> BaseResponse | tuple[str, int]:
    """Answer with a letter; a link or a new archive record settles the case first."""
    number = _handled(number)
    staff = require_staff()
    form = AnswerForm()
    record_form = RecordForm(prefix="record")
    problems: dict[str, list[str]] = {}
    if not form.validate():
        problems |= _problems_of(form)
    link: str | None = None
    create: Record | None = None
    if form.settle.data == SETTLE_LINK:
        try:
            link = normalise_number(form.link.data)
        except MalformedNumber:
            problems.setdefault("link", []).append(
                _("Enter the number of a record in the registry, e.g. KT 2400905.")
            )
    elif form.settle.data == SETTLE_CREATE:
        if staff.is_registrar and record_form.names_other_institution(staff.institution_code):
            refuse(403, "recording an archive record for another institution")
        create = _record(record_form, staff, problems)
    render = {"answer_form": form, "record_form": record_form}
    try:
        signatory = Signatory(form.signatory_name.data, form.signatory_position.data)
    except ValueError:  # a control character: the letter prints only plain text
        problems.setdefault("signatory_name", []).append(_("Plain text only, please."))
    if problems:
        return render_case(number, 422, problems=problems, **render)
    try:
        with current_runtime().database.transaction() as db:
            letter = service.answer(
                db,
                number,
                _staff(),
                outcome=form.outcome.data,
                note=form.note.data,
                signatory=signatory,
                letters=letters(db),
                link=link,
                create=create,
            )
    except SigningKeyError:
        logger.exception("no signing key to sign the letter of %s", number)
        message = _("No letter can be signed now: the service has no active signing key.")
        return render_case(number, 503, answer_error=message, **render)
    except VerifierError as exc:
        if isinstance(exc, NotFound) and exc.code == "no_such_inquiry":
            abort(404)
        key = _answer_key(exc.field, staff, create=create is not None)
        return render_case(number, status_of(exc), problems={key: [message_of(exc)]}, **render)
    session["signatory"] = [signatory.name, signatory.position]
    flash(_("%(number)s is answered with letter %(letter)s.", number=number, letter=letter.number))
    _mail_requester(number, ANSWERED)
    return redirect(url_for(".case", number=number))


def _record(form: RecordForm, staff: Staff, problems: dict[str, list[str]]) -> Record | None:
    """The archive record the answer creates, checked by the archive import's own rules."""
    if not form.validate():
        problems |= _problems_of(form, "record-")
    own = staff.institution_code if staff.is_registrar else form["institution"].data.upper()
    parsed = parse_record(form.record_values(own), 1, archive=True)
    if isinstance(parsed, list):
        language = select_language()
        for problem in parsed:
            key = _answer_key(problem.field, staff, create=True)
            problems.setdefault(key, []).append(problem.in_language(language))
        return None
    return parsed


def _answer_key(field: str | None, staff: Staff, *, create: bool) -> str:
    """Where the answer form shows a refusal: beside its field, else above the form."""
    if field in ANSWER_FIELDS:
        return str(field)
    shown = field in RECORD_FIELDS and not (field == "institution" and staff.is_registrar)
    if create and shown:
        return f"record-{field}"
    return "answer"


@bp.post("/<number>/reject")
@roles(StaffRole.REGISTRAR, StaffRole.ADMIN)
def reject(number: str) -> BaseResponse | tuple[str, int]:
    number = _handled(number)
    form = RejectForm()
    if not form.validate():
        return render_case(number, 422, reject_form=form, problems=_problems_of(form))
    try:
        with current_runtime().database.transaction() as db:
            service.reject(db, number, _staff(), reason=form.reason.data)
    except VerifierError as exc:
        field = exc.field or "reason"
        return render_case(
            number, status_of(exc), reject_form=form, problems={field: [message_of(exc)]}
        )
    flash(_("%(number)s is rejected.", number=number))
    _mail_requester(number, REJECTED)
    return redirect(url_for(".case", number=number))


def _mail_requester(number: str, status: str) -> None:
    """Tell the requester (after the commit); a failure is a warning, never a lost answer.

    The status address holds the requester's key, which only its hash keeps: the
    mail links the case's page, opened with the link of the receipt mail.
    """
    runtime = current_runtime()
    with runtime.database.session() as db:
        inquiry = service.find_for_mail(db, number)
        to, language = inquiry.email, inquiry.language
    try:
        mail = answer_mail(
            to=to,
            number=number,
            status_url=None,  # only the requester holds the key: the receipt mail has it
            status=status,
            language=language,
            operator_name=issuer(language),
        )
        mailer_from(runtime.settings).send(mail)
    except (MailFailed, ConfigurationError) as exc:
        # The code and the exception's class only: its text may hold the address.
        logger.warning("the %s mail of %s was not sent: %s", status, number, exc.code)
        flash(_("The requester could not be mailed; the case's page shows the answer."))
        return
    with runtime.database.transaction() as db:
        service.mailed(db, number, status)
