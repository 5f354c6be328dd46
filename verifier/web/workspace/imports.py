"""Workspace imports: upload a CSV/JSONL file, preview every row, issue in the background.

Nothing is issued by the upload: it stores the file with every problem found.
Issuing is a separate POST that starts a background job and returns at once;
the job page (a plain GET that only reads) refreshes itself while it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response as BaseResponse

from verifier.db.pages import Page
from verifier.documents.parse import field_label
from verifier.errors import RowError, VerifierError
from verifier.imports import jobs
from verifier.vocabulary import StaffRole
from verifier.web.context import current_runtime
from verifier.web.i18n import gettext as _
from verifier.web.i18n import select_language
from verifier.web.workspace.auth import Staff, actor, refuse, require_staff, roles
from verifier.web.workspace.forms import UploadForm, first_error, requested_page

if TYPE_CHECKING:  # annotations only: the view layer reaches rows through services
    from verifier.db.models import ImportJob

bp = Blueprint("imports", __name__, url_prefix="/imports")

MAX_UPLOAD_BYTES = 16 * 1024 * 1024  # ~40,000 diplomas; security.BODY_LIMITS enforces it
ROWS_PER_PAGE = 100
REFRESH_SECONDS = 2


class ShownProblem(NamedTuple):
    """A row error as the page shows it: the field by its label, in the page's language."""

    row: int
    field: str
    message: str

    @classmethod
    def of(cls, problem: RowError, language: str) -> ShownProblem:
        return cls(problem.row, field_label(problem.field, language), problem.in_language(language))


def _visible_job(db: Session, staff: Staff, job_id: int, *, content: bool = False) -> ImportJob:
    job = jobs.get_job(db, job_id, with_content=content)
    if job is None:
        abort(404)
    if staff.is_registrar and job.institution_id != staff.institution_id:
        refuse(404, f"import {job_id} belongs to another institution")
    return job


@bp.get("/")
def index() -> str:
    staff = require_staff()
    with current_runtime().database.session() as db:
        listed = jobs.recent(db, institution_id=staff.scope)
    return render_template("registrar/imports.html", jobs=listed, max_mb=MAX_UPLOAD_BYTES >> 20)


@bp.post("/")
@roles(StaffRole.REGISTRAR)
def upload() -> BaseResponse | tuple[str, int]:
    staff = require_staff()
    form = UploadForm()
    if not form.validate():
        return _upload_refused(first_error(form) or "")
    upload = form.file.data
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        abort(413)
    runtime = current_runtime()
    assert staff.institution_code is not None
    try:
        job_id = jobs.check_upload(
            runtime.database,
            institution=staff.institution_code,
            filename=upload.filename,
            content=content,
            base_url=runtime.settings.base_url,
            actor=actor(),
        )
    except VerifierError:
        return _upload_refused(_("Choose a .csv or .jsonl file to upload."))
    return redirect(url_for(".job", job_id=job_id))


def _upload_refused(message: str) -> tuple[str, int]:
    staff = require_staff()
    with current_runtime().database.session() as db:
        listed = jobs.recent(db, institution_id=staff.scope)
    return render_template(
        "registrar/imports.html", jobs=listed, max_mb=MAX_UPLOAD_BYTES >> 20, upload_error=message
    ), 422


@bp.get("/<int:job_id>")
def job(job_id: int) -> str:
    """The preview (every row, with its problems) or the progress, or the outcome."""
    staff = require_staff()
    number = requested_page(request.args)
    with current_runtime().database.session() as db:
        found = _visible_job(db, staff, job_id, content=True)
        rows = jobs.preview_rows(found, offset=(number - 1) * ROWS_PER_PAGE, limit=ROWS_PER_PAGE)
        language = select_language()
        problems = [ShownProblem.of(p, language) for p in jobs.stored_errors(found)]
    by_row: dict[int, list[str]] = {}
    for problem in problems:
        by_row.setdefault(problem.row, []).append(f"{problem.field}: {problem.message}")
    running = found.status == "running" and not jobs.is_stale(found)
    return render_template(
        "registrar/import.html",
        job=found,
        problems=problems,
        by_row=by_row,
        page=Page(rows, number, found.total_rows, ROWS_PER_PAGE),
        refresh=REFRESH_SECONDS if running else None,
        stale=jobs.is_stale(found),
        percent=int(100 * found.done_rows / found.total_rows) if found.total_rows else 0,
    )


@bp.post("/<int:job_id>/issue")
@roles(StaffRole.REGISTRAR)
def issue(job_id: int) -> BaseResponse:
    staff = require_staff()
    runtime = current_runtime()
    with runtime.database.session() as db:
        _visible_job(db, staff, job_id)
    with runtime.database.transaction() as db:
        claimed = jobs.claim(db, job_id, actor=actor())
    if claimed:
        jobs.start(
            runtime.database,
            runtime.keystore,
            job_id,
            base_url=runtime.settings.base_url,
            actor=actor(),
        )
    else:
        flash(_("This import cannot be started now (already running, finished or rejected)."))
    return redirect(url_for(".job", job_id=job_id))


@bp.get("/<int:job_id>/report.csv")
def report(job_id: int) -> Response:
    staff = require_staff()
    runtime = current_runtime()
    with runtime.database.session() as db:
        found = _visible_job(db, staff, job_id, content=True)
        if found.status != "done":
            abort(404)
        body = jobs.report_csv(db, found, runtime.settings.base_url)
        name = secure_filename(found.filename.rsplit(".", 1)[0]) or "import"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}-report.csv"'},
    )
