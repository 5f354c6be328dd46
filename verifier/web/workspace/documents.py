"""Workspace documents: search, view with history, issue one, revoke, reissue, print.

Reading is open to every role (a registrar sees their own institution only);
changing and printing are for registrars, on their own institution's documents.
Every change goes through the service layer, which records it in the event log.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from verifier.audit import events
from verifier.audit.events import NewEvent
from verifier.db.models import Document, Event, Institution
from verifier.documents import registry
from verifier.documents.names import name_key
from verifier.documents.numbers import normalise_number
from verifier.documents.parse import FIELDS, parse_record
from verifier.documents.record import Record
from verifier.errors import Conflict, MalformedNumber, NotFound, RowError, VerifierError
from verifier.imports import files
from verifier.signing import keys, tokens
from verifier.vocabulary import DocumentStatus, DocumentType, RevocationCode, StaffRole
from verifier.web.context import current_runtime
from verifier.web.errors import message_of, status_of
from verifier.web.i18n import gettext as _
from verifier.web.i18n import select_language
from verifier.web.workspace.auth import (
    actor,
    refuse,
    require_staff,
    roles,
    scoped,
    source_address,
    visible_document,
)

bp = Blueprint("documents", __name__, url_prefix="/documents")

PER_PAGE = 50
DOWNLOADED = "downloaded"
FORM_FIELDS = [name for name in FIELDS if name != "institution"]
_NUMBER_PREFIX = re.compile(r"[^0-9A-Za-z]")


@dataclass(frozen=True)
class Page:
    items: list[Any]
    number: int
    total: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def page_number() -> int:
    raw = request.args.get("page", "1")
    # ASCII digits only: "²".isdigit() is True and int("²") raises.
    if raw.isascii() and raw.isdigit() and len(raw) <= 7:
        return max(1, int(raw))
    return 1


def date_argument(name: str, problems: dict[str, str]) -> dt.date | None:
    """A YYYY-MM-DD query argument; a bad one is noted in ``problems`` by name."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        problems[name] = _("Enter a date as YYYY-MM-DD.")
        return None


@bp.get("/")
def search() -> str:
    """Search by number, holder name in any spelling, issue dates and status."""
    staff = require_staff()
    problems: dict[str, str] = {}
    query = scoped(select(Document), staff)
    number = request.args.get("number", "").strip()[:64]
    if number:
        try:
            prefix = normalise_number(number)
        except MalformedNumber:
            prefix = _NUMBER_PREFIX.sub("", number).upper()
        query = query.where(Document.number.startswith(prefix, autoescape=True))
    name = request.args.get("name", "").strip()[:200]
    for word in name.split()[:6]:
        key = name_key(word)
        if key:
            query = query.where(Document.name_key.contains(key, autoescape=True))
    issued_from = date_argument("issued_from", problems)
    issued_to = date_argument("issued_to", problems)
    if issued_from:
        query = query.where(Document.issue_date >= issued_from)
    if issued_to:
        query = query.where(Document.issue_date <= issued_to)
    status = request.args.get("status", "")
    if status in {s.value for s in DocumentStatus}:
        query = query.where(Document.status == status)
    kind = request.args.get("type", "")
    if kind in {t.value for t in DocumentType}:
        query = query.where(Document.type == kind)
    institution = request.args.get("institution", "").strip().upper()[:16]
    with current_runtime().database.session() as db:
        institutions = [] if staff.is_registrar else list(db.scalars(select(Institution.code)))
        if institution and not staff.is_registrar:
            query = query.join(Institution).where(Institution.code == institution)
        total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
        number_of_page = page_number()
        rows = list(
            db.scalars(
                query.order_by(Document.issue_date.desc(), Document.number)
                .limit(PER_PAGE)
                .offset((number_of_page - 1) * PER_PAGE)
            )
        )
    return render_template(
        "registrar/documents.html",
        page=Page(rows, number_of_page, total),
        problems=problems,
        form=request.args,
        statuses=[s.value for s in DocumentStatus],
        types=[t.value for t in DocumentType],
        institutions=institutions,
    )


def _history(db: Session, number: str) -> list[Event]:
    return list(db.scalars(select(Event).where(Event.subject == number).order_by(Event.seq)))


def render_document(number: str, status: int = 200, **context: Any) -> tuple[str, int]:
    with current_runtime().database.session() as db:
        document = visible_document(db, number)
        history = _history(db, document.number)
        qr = tokens.qr_url(current_runtime().settings.base_url, document.token)
        courses = list(document.courses)
    return render_template(
        "registrar/document.html",
        document=document,
        history=history,
        qr_url=qr,
        courses=courses,
        payload=_payload,
        **context,
    ), status


def _payload(event: Event) -> str:
    """An event's details as a short readable line."""
    try:
        details = json.loads(event.payload)
    except ValueError:
        return event.payload
    return ", ".join(f"{k}: {v}" for k, v in details.items() if v not in (None, ""))


@bp.get("/<number>")
def view(number: str) -> tuple[str, int]:
    return render_document(number)


def _own(number: str) -> str:
    """The canonical number of a document the registrar may change (else 404, logged).

    Checked in a read session before the write transaction opens, so a refusal
    can record itself without waiting on the transaction's lock.
    """
    with current_runtime().database.session() as db:
        return visible_document(db, number).number


@bp.post("/<number>/revoke")
@roles(StaffRole.REGISTRAR)
def revoke(number: str) -> BaseResponse | tuple[str, int]:
    reason = " ".join(request.form.get("reason", "").split())[: registry.MAX_REASON_LENGTH + 1]
    code = request.form.get("code", RevocationCode.OTHER.value)
    if code not in set(RevocationCode):
        return render_document(number, 422, revoke_error=_("Choose the reason the public sees."))
    if not reason:
        return render_document(number, 422, revoke_error=_("Give the reason for revoking."))
    if len(reason) > registry.MAX_REASON_LENGTH:
        return render_document(
            number, 422, revoke_error=_("The reason is too long (at most 500 characters).")
        )
    if request.form.get("confirm") != "yes":
        with current_runtime().database.session() as db:
            document = visible_document(db, number)
            linked = registry.linked_documents(db, document.number)
            return render_template(
                "registrar/confirm_revoke.html",
                document=document,
                reason=reason,
                code=code,
                linked=linked,
            ), 200
    canonical = _own(number)
    try:
        with current_runtime().database.transaction() as db:
            registry.revoke(db, canonical, reason=reason, code=code, actor=actor())
    except Conflict as exc:
        return render_document(
            number, status_of(exc), revoke_error=_("This document is no longer valid.")
        )
    flash(_("%(number)s is revoked.", number=canonical))
    return redirect(url_for(".view", number=canonical))


@bp.post("/<number>/reissue")
@roles(StaffRole.REGISTRAR)
def reissue(number: str) -> BaseResponse | tuple[str, int]:
    new_number = request.form.get("new_number", "").strip()[:64]
    reason = " ".join(request.form.get("reason", "").split())[:500]
    try:
        canonical = normalise_number(new_number)
    except MalformedNumber:
        return render_document(
            number,
            422,
            reissue_error=_("Enter the new number: 1-4 letters then digits, e.g. KT 2400905."),
        )
    runtime = current_runtime()
    if request.form.get("confirm") != "yes":
        # Everything that would refuse the reissue is checked here, before the
        # confirmation step, so the registrar never confirms what then fails.
        with runtime.database.session() as db:
            document = visible_document(db, number)
            if canonical == document.number:
                return render_document(
                    number, 422, reissue_error=_("A duplicate needs a new number.")
                )
            if registry.find_document(db, canonical) is not None:
                return render_document(
                    number,
                    409,
                    reissue_error=_("%(number)s is already issued.", number=canonical),
                )
            try:
                carried = registry.plan_supplements(db, document.number, canonical, {})
            except Conflict as exc:
                return render_document(number, status_of(exc), reissue_error=message_of(exc))
            return render_template(
                "registrar/confirm_reissue.html",
                document=document,
                new_number=canonical,
                reason=reason,
                carried=carried,
            ), 200
    old = _own(number)
    try:
        with runtime.database.transaction() as db:
            registry.reissue(
                db,
                old,
                new_number=canonical,
                reason=reason or None,
                signer=keys.load_signer(db, runtime.keystore),
                actor=actor(),
            )
    except VerifierError as exc:
        return render_document(number, status_of(exc), reissue_error=message_of(exc))
    flash(_("%(old)s is superseded by %(new)s.", old=old, new=canonical))
    return redirect(url_for(".view", number=canonical))


@bp.post("/<number>/pdf")
@roles(StaffRole.REGISTRAR)
def pdf(number: str) -> Response | tuple[str, int]:
    """The signed PDF, as an attachment; recorded as a download (a POST, so never prefetched)."""
    from verifier.printing.data import PrintData, PrintRefused, printable
    from verifier.printing.render import load_pdf_signer, render_signed

    runtime = current_runtime()
    canonical = _own(number)
    with runtime.database.session() as db:
        document = registry.get_document(db, canonical)
        try:
            printable(document)
        except PrintRefused as exc:
            return render_document(
                number,
                status_of(exc),
                pdf_error=_("A revoked or superseded document is not printed."),
            )
        data = PrintData.from_document(document, runtime.settings.base_url)
        body = render_signed(data, load_pdf_signer(db, runtime.keystore))
    with runtime.database.transaction() as db:
        events.append(
            db,
            [
                NewEvent(
                    DOWNLOADED,
                    document.number,
                    {"number": document.number, "what": "pdf", "source": source_address()},
                )
            ],
            actor=actor(),
        )
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{document.number}.pdf"'},
    )


def _course_lines(text: str) -> list[dict[str, str]] | None:
    """``name; hours; grade`` per line, as the import's course list; None if malformed."""
    courses = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(";")]
        if len(parts) != 3:
            return None
        courses.append({"name": parts[0], "hours": parts[1], "grade": parts[2]})
    return courses


def _field_of(problem: RowError) -> str:
    """``courses[2].hours`` belongs to the courses field on the form."""
    return re.split(r"[\[.]", problem.field, maxsplit=1)[0]


@bp.route("/new", methods=["GET", "POST"])
@roles(StaffRole.REGISTRAR)
def issue() -> BaseResponse | tuple[str, int]:
    """Issue one document; every problem is shown beside its field."""
    staff = require_staff()
    if request.method == "GET":
        return render_template(
            "registrar/issue.html", form={"type": "diploma"}, problems={}, fields=FORM_FIELDS
        ), 200
    form = {name: request.form.get(name, "")[:2000] for name in FORM_FIELDS}
    if request.form.get("institution", staff.institution_code) != staff.institution_code:
        refuse(403, "issuing for another institution")
    values: dict[str, Any] = {k: v for k, v in form.items() if v.strip()}
    values["institution"] = staff.institution_code
    values["honors"] = "true" if request.form.get("honors") else "false"
    problems: dict[str, list[str]] = {}
    if form["courses"].strip():
        courses = _course_lines(form["courses"])
        if courses is None:
            problems["courses"] = [_("Write one course per line: name; hours; grade.")]
        else:
            values["courses"] = courses
    runtime = current_runtime()
    parsed = parse_record(values, 1)
    if isinstance(parsed, list):
        language = select_language()
        for problem in parsed:
            problems.setdefault(_field_of(problem), []).append(problem.in_language(language))
    elif overflow := files.qr_overflow(parsed, runtime.settings.base_url):
        problems.setdefault("qualification", []).append(
            _("Too long for the QR code by %(bytes)d bytes; shorten it.", bytes=overflow)
        )
    if problems:
        return _issue_form(form, problems, 422)
    assert isinstance(parsed, Record)
    try:
        with runtime.database.transaction() as db:
            if parsed.number in registry.existing_documents(db, [parsed.number]):
                raise Conflict("already_issued", number=parsed.number, field="number")
            registry.issue(db, [parsed], keys.load_signer(db, runtime.keystore), actor=actor())
    except (Conflict, NotFound) as exc:
        return _issue_form(form, {exc.field or "number": [message_of(exc)]}, status_of(exc))
    flash(_("%(number)s is issued.", number=parsed.number))
    return redirect(url_for(".view", number=parsed.number))


def _issue_form(
    form: dict[str, str], problems: dict[str, list[str]], status: int
) -> tuple[str, int]:
    return render_template(
        "registrar/issue.html", form=form, problems=problems, fields=FORM_FIELDS
    ), status
