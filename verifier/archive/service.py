"""Archive records: documents issued before the registry, transcribed from issue books.

An archive record lives beside issued documents in the ``documents`` table
(``origin`` = ``archive``), so a look-up by number and surname answers it like
any other, and revoke and reissue work on it. It has no token, QR code or PDF
of its own: the institution's issue book is the evidence, and the record names
where it was transcribed from (``source``), who checked it (``checked_by``) and,
when one was recorded in the workspace, the scan of the issue-book page, kept in
the database so every host serves it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from verifier.archive.media import media_type_of
from verifier.db.models import ArchiveScan, Document
from verifier.documents import registry, rows
from verifier.documents.record import Record
from verifier.errors import InvalidInput, NotFound

MAX_SCAN_BYTES = 10 * 1024 * 1024


class ScanRefused(InvalidInput):
    """An uploaded scan that is empty, too large, or not a PDF, JPEG or PNG by its content."""


@dataclass(frozen=True)
class Scan:
    """An uploaded scan of an issue-book page, checked by its content."""

    filename: str
    content: bytes
    media_type: str

    @classmethod
    def of(cls, filename: str, content: bytes) -> Scan:
        if not content:
            raise ScanRefused("scan_empty", field="scan")
        if len(content) > MAX_SCAN_BYTES:
            raise ScanRefused(
                "scan_too_large", megabytes=MAX_SCAN_BYTES // (1024 * 1024), field="scan"
            )
        media_type = media_type_of(content)
        if media_type is None:
            raise ScanRefused("scan_not_allowed", field="scan")
        name = "".join(c for c in filename if c.isprintable())[-200:] or "scan"
        return cls(name, content, media_type)


def record(session: Session, document: Record, *, actor: str, scan: Scan | None = None) -> str:
    """Record one archive document (the workspace's form); returns its number.

    Refused like an import row: a number the registry holds with other
    content is a conflict; the very same record recorded again changes nothing,
    except that a record without a scan takes the one given.
    """
    institutions = registry.institution_ids(session)
    laid_out = rows.archived([rows.lay_out(document, rows.ARCHIVE)], institutions)
    registry.issue_rows(session, laid_out, actor=actor)
    # A record recorded again keeps the scan it has; one without a scan (e.g. imported
    # from a file) takes this one.
    has_scan = session.scalar(select(Document.scan_id).where(Document.number == document.number))
    if scan is not None and has_scan is None:
        stored = _store_scan(session, institutions[document.institution], scan, actor)
        session.execute(
            update(Document).where(Document.number == document.number).values(scan_id=stored.id)
        )
    return document.number


def _store_scan(session: Session, institution_id: int, scan: Scan, actor: str) -> ArchiveScan:
    stored = ArchiveScan(
        institution_id=institution_id,
        filename=scan.filename,
        media_type=scan.media_type,
        sha256=hashlib.sha256(scan.content).hexdigest(),
        content=scan.content,
        created_at=dt.datetime.now(dt.UTC),
        created_by=actor,
    )
    session.add(stored)
    session.flush()
    return stored


def scan_of(session: Session, number: str) -> ArchiveScan:
    """The scan behind an archive record; raises :class:`NotFound` when it has none."""
    found = session.scalars(
        select(ArchiveScan)
        .join(Document, Document.scan_id == ArchiveScan.id)
        .where(Document.number == number)
    ).first()
    if found is None:
        raise NotFound("no_scan", number=number)
    return found
