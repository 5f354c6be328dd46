"""Workspace documents: search, view with history, issue one, revoke, reissue, print.

Reading is open to every role (a registrar sees their own institution only);
changing and printing are for registrars, on their own institution's documents.
Every change goes through the service layer, which records it in the event log.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from verifier.audit import trail
from verifier.documents import downloads, institutions, registry
from verifier.documents import search as finder
from verifier.documents.parse import parse_record
from verifier.documents.record import Record
from verifier.errors import Conflict, NotFound, RowError, VerifierError
from verifier.imports import files
from verifier.keys import lifecycle
from verifier.vocabulary import DocumentStatus, DocumentType, StaffRole
from verifier.web.context import current_runtime
from verifier.web.errors import message_of, status_of
from verifier.web.i18n import gettext as _
from verifier.web.i18n import select_language
from verifier.web.workspace.auth import (
    actor,
    refuse,
    require_staff,
    roles,
    source_address,
    visible_document,
)
from verifier.web.workspace.forms import (
    FORM_FIELDS,
    DocumentSearchForm,
    IssueForm,
    ReissueForm,
    RevokeForm,
    first_error,
    requested_page,
)

bp = Blueprint("documents", __name__, url_prefix="/documents")


@bp.get("/")
def search() -> str:
    """Search by number, holder name in any spelling, issue dates and status."""
    staff = require_staff()
    form = DocumentSearchForm(request.args)
    form.validate()  # a malformed date is shown beside its field and filters nothing
    with current_runtime().database.session() as db:
        page = finder.search(
            db, form.filters(), institution_id=staff.scope, page=requested_page(request.args)
        )
        codes = [] if staff.is_registrar else institutions.codes(db)
    return render_template(
        "registrar/documents.html",
        page=page,
        form=form,
        statuses=[s.value for s in DocumentStatus],
        types=[t.value for t in DocumentType],
        institutions=codes,
    )


def render_document(number: str, status: int = 200, **context: Any) -> tuple[str, int]:
    context.setdefault("revoke_form", RevokeForm(formdata=None))
    context.setdefault("reissue_form", ReissueForm(formdata=None))
    with current_runtime().database.session() as db:
        document = visible_document(db, number)
        history = trail.history(db, document.number)
        qr = registry.qr_url_of(document, current_runtime().settings.base_url)
        courses = list(document.courses)
    return render_template(
        "registrar/document.html",
        document=document,
        history=history,
        qr_url=qr,
        courses=courses,
        **context,
    ), status


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
    form = RevokeForm()
    if not form.validate():
        return render_document(number, 422, revoke_form=form, revoke_error=first_error(form))
    if not form.confirmed:
        with current_runtime().database.session() as db:
            document = visible_document(db, number)
            linked = registry.linked_documents(db, document.number)
            return render_template(
                "registrar/confirm_revoke.html",
                document=document,
                reason=form.reason.data,
                code=form.code.data,
                linked=linked,
            ), 200
    canonical = _own(number)
    try:
        with current_runtime().database.transaction() as db:
            registry.revoke(
                db, canonical, reason=form.reason.data, code=form.code.data, actor=actor()
            )
    except Conflict as exc:
        return render_document(
            number, status_of(exc), revoke_error=_("This document is no longer valid.")
        )
    flash(_("%(number)s is revoked.", number=canonical))
    return redirect(url_for(".view", number=canonical))


@bp.post("/<number>/reissue")
@roles(StaffRole.REGISTRAR)
def reissue(number: str) -> BaseResponse | tuple[str, int]:
    form = ReissueForm()
    if not form.validate():
        return render_document(number, 422, reissue_form=form, reissue_error=first_error(form))
    new_number, reason = form.new_number.data, form.reason.data
    runtime = current_runtime()
    if not form.confirmed:
        # Everything that would refuse the reissue is checked here, before the
        # confirmation step, so the registrar never confirms what then fails.
        with runtime.database.session() as db:
            document = visible_document(db, number)
            if new_number == document.number:
                return render_document(
                    number,
                    422,
                    reissue_form=form,
                    reissue_error=_("A duplicate needs a new number."),
                )
            if registry.find_document(db, new_number) is not None:
                return render_document(
                    number,
                    409,
                    reissue_form=form,
                    reissue_error=_("%(number)s is already issued.", number=new_number),
                )
            try:
                carried = registry.plan_supplements(db, document.number, new_number, {})
            except Conflict as exc:
                return render_document(
                    number, status_of(exc), reissue_form=form, reissue_error=message_of(exc)
                )
            return render_template(
                "registrar/confirm_reissue.html",
                document=document,
                new_number=new_number,
                reason=reason,
                carried=carried,
            ), 200
    old = _own(number)
    try:
        with runtime.database.transaction() as db:
            registry.reissue(
                db,
                old,
                new_number=new_number,
                reason=reason or None,
                signer=lifecycle.load_signer(db, runtime.keystore),
                actor=actor(),
            )
    except VerifierError as exc:
        return render_document(
            number, status_of(exc), reissue_form=form, reissue_error=message_of(exc)
        )
    flash(_("%(old)s is superseded by %(new)s.", old=old, new=new_number))
    return redirect(url_for(".view", number=new_number))


@bp.post("/<number>/pdf")
@roles(StaffRole.REGISTRAR)
def pdf(number: str) -> Response | tuple[str, int]:
    """The signed PDF, as an attachment; recorded as a download (a POST, so never prefetched)."""
    runtime = current_runtime()
    canonical = _own(number)
    with runtime.database.session() as db:
        try:
            body = downloads.signed_pdf(
                db, runtime.keystore, canonical, base_url=runtime.settings.base_url
            )
        except registry.PrintRefused as exc:
            return render_document(
                number,
                status_of(exc),
                pdf_error=_("A revoked or superseded document is not printed."),
            )
    with runtime.database.transaction() as db:
        downloads.record_download(db, canonical, source=source_address(), actor=actor())
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{canonical}.pdf"'},
    )


def _field_of(problem: RowError) -> str:
    """``courses[2].hours`` belongs to the courses field on the form."""
    return re.split(r"[\[.]", problem.field, maxsplit=1)[0]


@bp.route("/new", methods=["GET", "POST"])
@roles(StaffRole.REGISTRAR)
def issue() -> BaseResponse | tuple[str, int]:
    """Issue one document; every problem is shown beside its field."""
    staff = require_staff()
    form = IssueForm()
    if not form.is_submitted():
        return _issue_form(form, {}, 200)
    if form.names_other_institution(staff.institution_code):
        refuse(403, "issuing for another institution")
    problems: dict[str, list[str]] = {}
    if not form.validate():
        for name, messages in form.errors.items():
            problems.setdefault(str(name), []).extend(str(m) for m in messages)
    runtime = current_runtime()
    parsed = parse_record(form.record_values(staff.institution_code), 1)
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
            registry.issue(db, [parsed], lifecycle.load_signer(db, runtime.keystore), actor=actor())
    except (Conflict, NotFound) as exc:
        return _issue_form(form, {exc.field or "number": [message_of(exc)]}, status_of(exc))
    flash(_("%(number)s is issued.", number=parsed.number))
    return redirect(url_for(".view", number=parsed.number))


def _issue_form(form: IssueForm, problems: dict[str, list[str]], status: int) -> tuple[str, int]:
    return render_template(
        "registrar/issue.html", form=form, problems=problems, fields=FORM_FIELDS
    ), status
