"""Workspace archive records: record one from a scan of an issue-book page, serve the scan.

An issue book may not note everything (no birth date, no programme code): what
it leaves out stays empty, and the document page says "not recorded". The scan
is required here and kept in the database (``archive.service``), so every host
serves it; it is handed out only as a download, to staff who may see the record.

The form lives beside its views rather than in ``forms.py``: it is this page's
alone, and the record's rules stay in the service (``documents.parse`` with
``archive=True``), exactly as ``verifier archive import`` applies them.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, send_file, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response as BaseResponse
from wtforms import BooleanField, StringField

from verifier.archive import service as archive
from verifier.archive.media import download_name
from verifier.documents import institutions, registry
from verifier.documents.parse import FIELD_LABELS, parse_record
from verifier.documents.record import Record
from verifier.errors import Conflict, NotFound
from verifier.translations import Message, lazy_gettext
from verifier.vocabulary import DocumentType, StaffRole
from verifier.web.context import current_runtime
from verifier.web.errors import message_of, status_of
from verifier.web.i18n import gettext as _
from verifier.web.i18n import select_language
from verifier.web.workspace.auth import actor, refuse, require_staff, roles, visible_document

bp = Blueprint("archive", __name__)

MAX_VALUE_LENGTH = 2000
SCAN_LABEL = lazy_gettext("Scan of the issue-book page")
# The form's fields in page order: an archive import row's (documents.parse.ARCHIVE_FIELDS),
# but for a transcript's grade table, which an issue-book entry does not hold.
FORM_FIELDS = (
    "type", "number", "surname", "given_name", "patronymic", "birth_date", "institution",
    "program_code", "program_name", "qualification", "study_form", "start_date", "end_date",
    "issue_date", "issue_year", "honors", "diploma_number", "course_name", "hours",
    "source", "checked_by",
)  # fmt: skip
LABELS: dict[str, Message] = {**FIELD_LABELS, "scan": SCAN_LABEL}


def _text(value: str | None) -> str:
    return (value or "").strip()[:MAX_VALUE_LENGTH]


class ArchiveRecordForm(FlaskForm):  # type: ignore[misc]  # flask_wtf has no type hints
    """One archive record, field for field an archive import row, and its scan.

    For a registrar the institution is always their own; the field is read only
    so that a post naming another one can be refused (and recorded) as such.
    """

    type = StringField(default=DocumentType.DIPLOMA.value, filters=[_text])
    honors = BooleanField()
    scan = FileField(
        validators=[
            FileRequired(
                message=lazy_gettext("Choose the scan of the issue-book page (PDF, JPEG or PNG).")
            )
        ]
    )

    def names_other_institution(self, own: str | None) -> bool:
        return bool(self["institution"].raw_data) and self["institution"].data.upper() != own

    def record_values(self, institution: str | None) -> dict[str, Any]:
        """The row to check and record, as ``verifier archive import`` would read it."""
        values: dict[str, Any] = {
            name: self[name].data
            for name in FORM_FIELDS
            if name not in {"institution", "honors"} and self[name].data
        }
        if institution:
            values["institution"] = institution
        values["honors"] = "true" if self.honors.data else "false"
        return values


for _name in FORM_FIELDS:
    # Every other field is plain text, checked by the service's own rules.
    if not hasattr(ArchiveRecordForm, _name):
        setattr(ArchiveRecordForm, _name, StringField(filters=[_text]))


@bp.route("/archive/new", methods=["GET", "POST"])
@roles(StaffRole.REGISTRAR, StaffRole.ADMIN)
def new() -> BaseResponse | tuple[str, int]:
    """Record one archive document from a scan; every problem is shown beside its field."""
    staff = require_staff()
    form = ArchiveRecordForm()
    if not form.is_submitted():
        return _form(form, {}, 200)
    if staff.is_registrar and form.names_other_institution(staff.institution_code):
        refuse(403, "recording an archive record for another institution")
    problems: dict[str, list[str]] = {}
    if not form.validate():
        for name, messages in form.errors.items():
            problems.setdefault(str(name), []).extend(str(m) for m in messages)
    own = staff.institution_code if staff.is_registrar else form["institution"].data.upper()
    parsed = parse_record(form.record_values(own), 1, archive=True)
    if isinstance(parsed, list):
        language = select_language()
        for problem in parsed:
            problems.setdefault(problem.field, []).append(problem.in_language(language))
    scan = _scan(form.scan.data, problems)
    if problems:
        return _form(form, problems, 422)
    assert isinstance(parsed, Record)
    assert scan is not None
    try:
        with current_runtime().database.transaction() as db:
            # The very same record again changes nothing, its scan included.
            known = registry.find_document(db, parsed.number) is not None
            archive.record(db, parsed, actor=actor(), scan=None if known else scan)
    except (Conflict, NotFound) as exc:
        field = exc.field or ("number" if isinstance(exc, Conflict) else "institution")
        return _form(form, {field: [message_of(exc)]}, status_of(exc))
    if known:
        flash(_("%(number)s is already recorded with these details; nothing changed.",
                number=parsed.number))  # fmt: skip
    else:
        flash(_("%(number)s is recorded from the issue book.", number=parsed.number))
    return redirect(url_for("registrar.documents.view", number=parsed.number))


def _scan(upload: FileStorage | None, problems: dict[str, list[str]]) -> archive.Scan | None:
    """The uploaded scan judged by its content; a refusal is added to ``problems``."""
    if not isinstance(upload, FileStorage) or "scan" in problems:
        return None
    content = upload.stream.read(archive.MAX_SCAN_BYTES + 1)
    try:
        return archive.Scan.of(upload.filename or "scan", content)
    except archive.ScanRefused as exc:
        problems.setdefault("scan", []).append(message_of(exc))
        return None


def _form(form: ArchiveRecordForm, problems: dict[str, list[str]], status: int) -> tuple[str, int]:
    staff = require_staff()
    codes: list[str] = []
    if not staff.is_registrar:
        with current_runtime().database.session() as db:
            codes = institutions.codes(db)
    return render_template(
        "registrar/archive_new.html",
        form=form,
        problems=problems,
        fields=FORM_FIELDS,
        labels=LABELS,
        institutions=codes,
        max_mb=archive.MAX_SCAN_BYTES >> 20,
    ), status


@bp.get("/documents/<number>/scan")
def scan(number: str) -> Response:
    """The scan of an archive record's issue-book page, as a download (never shown inline)."""
    with current_runtime().database.session() as db:
        canonical = visible_document(db, number).number
        try:
            stored = archive.scan_of(db, canonical)
        except NotFound:
            refuse(404, f"{canonical} has no scan")
            raise  # refuse() aborts; this line only tells the type checker so
        content, media_type = stored.content, stored.media_type
    name = download_name(f"{canonical}-scan", media_type)
    return send_file(
        io.BytesIO(content),
        mimetype=media_type,
        as_attachment=True,
        download_name=name,
        etag=False,
        conditional=False,
    )
