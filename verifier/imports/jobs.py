"""Workspace imports: check a file on upload, issue it later outside the request.

An upload is validated completely (the importer's rules, plus "only your own
institution") and stored with its verdict as an :class:`ImportJob`. Issuing runs
in a background thread through :func:`files.issue_file`, which is all or
nothing per file and resumable, so a job interrupted with its worker is finished
by starting it again. Progress is written to the job row chunk by chunk; pages
only read it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import tempfile
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, undefer

from verifier.audit import events
from verifier.audit.events import EventKind
from verifier.db import Database
from verifier.db.models import Document, ImportJob, Institution
from verifier.errors import ImportRejected, InvalidInput, RowError, VerifierError
from verifier.imports import files
from verifier.imports.workers import RawRow
from verifier.signing import tokens
from verifier.signing.keys import KeyStore

MAX_STORED_ERRORS = 2000
# A running job whose row has not been touched for this long lost its worker.
STALE_AFTER = dt.timedelta(minutes=5)

log = logging.getLogger(__name__)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _kind(filename: str) -> str:
    try:
        return files.file_kind(Path(filename))
    except VerifierError:
        raise InvalidInput("choose_import_file", field="file") from None


def _own_institution_errors(path: Path, kind: str, code: str) -> list[RowError]:
    """Rows that name another institution: a registrar issues for their own only."""
    problems = []
    with path.open("rb") as handle:
        try:
            for row, values in files.raw_rows(handle, kind):
                named = str(values.get("institution", "")).strip().upper()
                if named and named != code:
                    problems.append(
                        RowError(
                            row, "institution", "other_institution", {"own": code, "other": named}
                        )
                    )
        except ImportRejected:
            return []  # the importer reports problems with the file itself
    return problems


def check_upload(
    database: Database,
    *,
    institution: str,
    filename: str,
    content: bytes,
    base_url: str,
    actor: str,
) -> int:
    """Validate an uploaded file and store it as a job; return the job's id.

    A file with any bad row is stored as ``rejected`` with every problem, so
    the preview can show them; nothing is ever issued from it.
    """
    kind = _kind(filename)
    with tempfile.TemporaryDirectory(prefix="verifier-upload-") as folder:
        path = Path(folder) / f"upload.{kind}"
        path.write_bytes(content)
        problems: list[RowError] = []
        try:
            total, _already = files.validate(database, path, base_url=base_url)
        except ImportRejected as rejected:
            problems = list(rejected.errors)
            total = rejected.total_rows or 0
        problems += _own_institution_errors(path, kind, institution)
    problems.sort(key=lambda p: p.row)
    now = _now()
    with database.transaction() as session:
        institution_id = session.scalars(
            select(Institution.id).where(Institution.code == institution)
        ).one()
        job = ImportJob(
            institution_id=institution_id,
            created_by=actor,
            created_at=now,
            filename=Path(filename).name[:200] or f"upload.{kind}",
            kind=kind,
            content=content,
            status="rejected" if problems else "ready",
            total_rows=total,
            invalid_rows=len({p.row for p in problems}),
            errors=json.dumps(
                # The English sentence stays beside the code for whoever reads the raw row.
                [
                    [p.row, p.field, p.message, p.code, p.params]
                    for p in problems[:MAX_STORED_ERRORS]
                ],
                ensure_ascii=False,
            ),
            error_count=len(problems),
            done_rows=0,
            issued=0,
            updated_at=now,
        )
        session.add(job)
        session.flush()
        if problems:
            events.record(
                session,
                EventKind.IMPORT_REJECTED,
                institution,
                {
                    "job": job.id,
                    "file": job.filename,
                    "rows": total,
                    "invalid_rows": job.invalid_rows,
                },
                actor=actor,
                at=now,
            )
        return job.id


RECENT_JOBS = 100


def recent(session: Session, *, institution_id: int | None) -> list[ImportJob]:
    """The latest jobs, newest first: of one institution, or of all (None)."""
    query = select(ImportJob).order_by(ImportJob.id.desc()).limit(RECENT_JOBS)
    if institution_id is not None:
        query = query.where(ImportJob.institution_id == institution_id)
    return list(session.scalars(query))


def get_job(session: Session, job_id: int, *, with_content: bool = False) -> ImportJob | None:
    """A job by id; ``with_content`` loads its stored file too (deferred otherwise)."""
    query = select(ImportJob).where(ImportJob.id == job_id)
    if with_content:
        query = query.options(undefer(ImportJob.content))
    return session.scalars(query).first()


def stored_errors(job: ImportJob) -> list[RowError]:
    """The job's row errors, each as stored: ``[row, field, English, code, params]``."""
    return [_stored_error(*entry) for entry in json.loads(job.errors)]


def _stored_error(row: int, field: str, english: str, *coded: Any) -> RowError:
    # Stored before row errors had codes, or under a code this version no longer
    # has: shown as it was recorded, in English, rather than not at all.
    try:
        return RowError(row, field, *coded)
    except TypeError:
        return RowError(row, field, "as_recorded", {"message": english})


def preview_rows(job: ImportJob, *, offset: int, limit: int) -> list[RawRow]:
    """Rows ``offset`` to ``offset + limit`` of the stored file, as written."""
    rows: list[RawRow] = []
    try:
        for index, (row, values) in enumerate(files.raw_rows(io.BytesIO(job.content), job.kind)):
            if index >= offset + limit:
                break
            if index >= offset:
                rows.append(RawRow(row, values))
    except ImportRejected:
        pass  # a file-level problem: the error list already says so
    return rows


def is_stale(job: ImportJob, now: dt.datetime | None = None) -> bool:
    return job.status == "running" and (now or _now()) - job.updated_at > STALE_AFTER


def claim(session: Session, job_id: int, *, actor: str) -> bool:
    """Mark a job running if it may start (ready, failed, or interrupted); False otherwise.

    One conditional UPDATE, so two clicks (or two workers) cannot both start it.
    """
    now = _now()
    startable = (ImportJob.status.in_(["ready", "failed"])) | (
        (ImportJob.status == "running") & (ImportJob.updated_at < now - STALE_AFTER)
    )
    result = session.execute(
        update(ImportJob)
        .where(ImportJob.id == job_id, startable)
        .values(status="running", started_at=now, updated_at=now, message=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    job = session.get(ImportJob, job_id)
    assert job is not None
    events.record(
        session,
        EventKind.IMPORT_STARTED,
        job.institution.code,
        {"job": job.id, "file": job.filename, "rows": job.total_rows},
        actor=actor,
        at=now,
    )
    return True


def start(database: Database, store: KeyStore, job_id: int, *, base_url: str, actor: str) -> None:
    """Issue a claimed job in a background thread (the request returns at once)."""
    thread = threading.Thread(
        target=run,
        args=(database, store, job_id),
        kwargs={"base_url": base_url, "actor": actor},
        name=f"import-job-{job_id}",
        daemon=True,
    )
    thread.start()


def run(database: Database, store: KeyStore, job_id: int, *, base_url: str, actor: str) -> None:
    """Issue a claimed job's file, writing progress to its row; never raises."""
    with database.session() as session:
        job = session.get(ImportJob, job_id)
        assert job is not None
        content, kind, code = job.content, job.kind, job.institution.code

    def progress(done: int, total: int) -> None:
        with database.transaction() as session:
            session.execute(
                update(ImportJob)
                .where(ImportJob.id == job_id)
                .values(done_rows=done, total_rows=total, updated_at=_now())
            )

    try:
        with tempfile.TemporaryDirectory(prefix="verifier-import-") as folder:
            path = Path(folder) / f"job.{kind}"
            path.write_bytes(content)
            # Checked again: the registry may have changed since the upload.
            if wrong := _own_institution_errors(path, kind, code):
                raise ImportRejected(wrong)
            summary = files.issue_file(
                database, store, path, base_url=base_url, actor=actor, progress=progress
            )
    except Exception as exc:
        if isinstance(exc, VerifierError):
            message = str(exc)
            if isinstance(exc, ImportRejected):
                message += ": " + "; ".join(str(e) for e in exc.errors[:5])
        else:
            log.exception("import job %s failed", job_id)
            message = "unexpected error; the job can be resumed"
        _finish(
            database, job_id, "failed", actor, EventKind.IMPORT_FAILED, {"message": message[:500]}
        )
        return
    _finish(
        database,
        job_id,
        "done",
        actor,
        EventKind.IMPORT_FINISHED,
        {"issued": summary.issued, "already_issued": summary.already_issued},
    )


def _finish(
    database: Database,
    job_id: int,
    status: str,
    actor: str,
    kind: EventKind,
    details: dict[str, Any],
) -> None:
    now = _now()
    with database.transaction() as session:
        job = session.get(ImportJob, job_id)
        assert job is not None
        job.status = status
        job.finished_at = now
        job.updated_at = now
        if status == "done":
            job.issued = int(details["issued"])
            job.done_rows = job.total_rows
        else:
            job.message = str(details["message"])
        events.record(
            session,
            kind,
            job.institution.code,
            {"job": job.id, "file": job.filename, **details},
            actor=actor,
            at=now,
        )


def report_csv(session: Session, job: ImportJob, base_url: str) -> str:
    """number, status, QR URL for every document of the file, in file order."""
    numbers: list[str] = []
    for _row, parsed in files.read_rows(io.BytesIO(job.content), job.kind):
        if not isinstance(parsed, list):
            numbers.append(parsed.number)
    found: dict[str, tuple[str, str | None]] = {}
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        for number, status, token in session.execute(
            select(Document.number, Document.status, Document.token).where(
                Document.number.in_(chunk), Document.institution_id == job.institution_id
            )
        ):
            found[number] = (status, token)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["number", "status", "qr_url"])
    for number in numbers:
        if number in found:
            status, token = found[number]
            writer.writerow([number, status, tokens.qr_url(base_url, token) if token else ""])
        else:
            writer.writerow([number, "not_issued", ""])
    return out.getvalue()
