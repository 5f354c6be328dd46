"""Stream a CSV or JSONL file of records into the registry.

Two passes over the file, never holding it in memory: the first validates
every row (and checks each against the registry) and issues nothing if any row
is wrong; the second issues in chunks, each chunk its own transaction. Because
issuing skips numbers already issued with identical content, an interrupted
import (even ``kill -9``) is finished by running the same command again.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, TypeVar, cast

from sqlalchemy.orm import Session

from verifier.db import Database
from verifier.documents import registry
from verifier.documents.claims import claims_of
from verifier.documents.parse import (
    ARCHIVE_FIELDS,
    ARCHIVE_REQUIRED_COLUMNS,
    FIELDS,
    REQUIRED_COLUMNS,
)
from verifier.documents.record import Record
from verifier.documents.rows import Rows
from verifier.errors import ImportRejected, InvalidInput, RowError
from verifier.imports.workers import (
    SHAPE,
    Extent,
    Issuing,
    RawRow,
    Workers,
    parse_row,
    spool_chunk,
)
from verifier.keys.lifecycle import load_signer
from verifier.signing import tokens
from verifier.signing.encoding import b64url
from verifier.signing.keys import KeyStore

CHUNK_SIZE = 1000
T = TypeVar("T")
MAX_LINE_BYTES = 1_000_000
Progress = Callable[[int, int], None]

_HEADER_TOKEN_LENGTH = len(b64url(b'{"alg":"Ed25519","kid":"AAAAAAAAAAA"}'))
_SIGNATURE_LENGTH = 86


@dataclass(frozen=True)
class ImportSummary:
    rows: int
    issued: int
    already_issued: int
    seconds: float


def _lines(handle: BinaryIO) -> Iterator[tuple[int, str]]:
    """Decoded lines with their 1-based line numbers; undecodable bytes are a row error."""
    for line_number, raw in enumerate(handle, start=1):
        if len(raw) > MAX_LINE_BYTES:
            raise ImportRejected([RowError(line_number, "(file)", "line_too_long")])
        if line_number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # a UTF-8 byte order mark, as spreadsheet programs write
        try:
            yield line_number, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problem = RowError(
                line_number,
                "(file)",
                "not_utf8",
                {"byte": f"{raw[exc.start]:02X}", "column": exc.start + 1},
            )
            raise ImportRejected([problem]) from None


def _csv_rows(handle: BinaryIO, archive: bool) -> Iterator[tuple[int, dict[str, Any]]]:
    required, known = (
        (ARCHIVE_REQUIRED_COLUMNS, ARCHIVE_FIELDS) if archive else (REQUIRED_COLUMNS, FIELDS)
    )
    lines = _lines(handle)
    reader = csv.reader(text for _, text in lines)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise ImportRejected([RowError(1, "(header)", "file_empty")]) from None
    problems = []
    if missing := [name for name in required if name not in header]:
        problems.append(RowError(1, "(header)", "missing_columns", {"names": ", ".join(missing)}))
    if unknown := [name for name in header if name not in known]:
        problems.append(RowError(1, "(header)", "unknown_columns", {"names": ", ".join(unknown)}))
    if duplicated := sorted({name for name in header if header.count(name) > 1}):
        problems.append(
            RowError(1, "(header)", "repeated_columns", {"names": ", ".join(duplicated)})
        )
    if problems:
        raise ImportRejected(problems)
    # Spreadsheet row numbers: the header is row 1, whatever newlines cells contain.
    for row_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            yield row_number, {SHAPE: ("cell_count", {"cells": len(cells), "header": len(header)})}
            continue
        yield row_number, dict(zip(header, cells, strict=True))


def _jsonl_rows(handle: BinaryIO) -> Iterator[tuple[int, dict[str, Any]]]:
    for line_number, text in _lines(handle):
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield line_number, {SHAPE: ("invalid_json_line", {"reason": exc.msg})}
            continue
        if not isinstance(value, dict):
            yield line_number, {SHAPE: ("not_an_object", {})}
            continue
        yield line_number, value


def raw_rows(handle: BinaryIO, kind: str, archive: bool = False) -> Iterator[RawRow]:
    """The rows of a file as written, numbered as the row errors number them."""
    rows = _csv_rows(handle, archive) if kind == "csv" else _jsonl_rows(handle)
    return (RawRow(number, values) for number, values in rows)


def read_rows(
    handle: BinaryIO, kind: str, *, archive: bool = False
) -> Iterator[tuple[int, Record | list[RowError]]]:
    """Parse rows one at a time: (row number, record or its errors)."""
    today = dt.date.today()
    for row_number, values in raw_rows(handle, kind, archive):
        yield row_number, parse_row(row_number, values, today, archive=archive)


def file_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".jsonl"}:
        raise InvalidInput("not_an_import_file", name=path.name)
    return suffix[1:]


def _chunks(rows: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(islice(rows, size)):
        yield chunk


# What screening reads: a record, or a record laid out for issuing.
S = TypeVar("S", bound=Record | Rows)


def payload_size(record: Record | Rows) -> int:
    """Bytes of the record's token claim set, on which the QR budget is measured."""
    if isinstance(record, Rows):
        return record.payload_size
    return len(claims_of(record).to_json())


def qr_overflow(record: Record | Rows, base_url: str) -> int:
    """Bytes by which the record's QR URL would exceed the QR budget (0 when it fits)."""
    payload_length = (payload_size(record) * 4 + 2) // 3  # unpadded base64url
    token_length = _HEADER_TOKEN_LENGTH + 1 + payload_length + 1 + _SIGNATURE_LENGTH
    url_length = len(base_url.encode()) + len(tokens.QR_PATH) + token_length
    return max(0, url_length - tokens.QR_MAX_BYTES)


def validate(
    database: Database,
    path: Path,
    *,
    base_url: str,
    chunk_size: int = CHUNK_SIZE,
    archive: bool = False,
) -> tuple[int, int]:
    """Check every row; raise :class:`ImportRejected` with all errors, else return
    (rows, rows already issued)."""
    workers = Workers.serial(archive=archive)
    return _validate(database, path, base_url, chunk_size, workers, keep=None, archive=archive)


def _validate(
    database: Database,
    path: Path,
    base_url: str,
    chunk_size: int,
    workers: Workers,
    keep: Callable[[list[Record | Rows]], None] | None,
    archive: bool = False,
) -> tuple[int, int]:
    """:func:`validate`, parsing on ``workers`` and handing each chunk's records
    still to issue, laid out, to ``keep``, so issuing needs neither the memory
    nor a second parse."""
    kind = file_kind(path)
    errors: list[RowError] = []
    rows = already = 0
    with database.session() as session, path.open("rb") as handle:
        screening = Screening(registry.institution_ids(session), base_url, archive=archive)
        for chunk in workers.parse(_chunks(raw_rows(handle, kind, archive), chunk_size)):
            rows += chunk.rows
            errors.extend(chunk.problems)
            fresh, skipped, problems = screening.screen(session, chunk.records)
            already += skipped
            errors.extend(problems)
            if keep is not None and fresh and not errors:
                keep(fresh)
    if rows == 0 and not errors:
        errors.append(RowError(1, "(file)", "no_rows"))
    if errors:
        raise ImportRejected(errors, total_rows=rows)
    return rows, already


class Screening:
    """What stops well-formed records from being issued with the rest of a batch.

    A number repeated within the batch, an unknown institution, a record too
    long for the QR code, a number the registry holds with other content. Used
    by file imports and by the registrar API, so both refuse alike.
    """

    def __init__(
        self, institutions: Mapping[str, int], base_url: str, *, archive: bool = False
    ) -> None:
        self._institutions = institutions
        self._base_url = base_url
        # Archive records have no token and no QR code: no QR budget to keep.
        self._qr = not archive
        self._first_row_of: dict[str, int] = {}

    def screen(
        self, session: Session, rows: Sequence[tuple[int, S]]
    ) -> tuple[list[S], int, list[RowError]]:
        """(records to issue, records already issued identically, problems)."""
        errors: list[RowError] = []
        clean: list[tuple[int, S]] = []
        for row_number, record in rows:
            problem = self._problem(row_number, record)
            if problem is None:
                clean.append((row_number, record))
            else:
                errors.append(problem)
        existing = registry.existing_documents(session, [r.number for _, r in clean])
        fresh, already = [], 0
        for row_number, record in clean:
            if record.number not in existing:
                fresh.append(record)
            elif clash := registry.conflict(record, existing[record.number]):
                errors.append(RowError.of(row_number, "number", clash))
            else:
                already += 1
        return fresh, already, errors

    def _problem(self, row_number: int, record: Record | Rows) -> RowError | None:
        if record.number in self._first_row_of:
            first = self._first_row_of[record.number]
            return RowError(
                row_number, "number", "repeated_number", {"number": record.number, "row": first}
            )
        self._first_row_of[record.number] = row_number
        if record.institution not in self._institutions:
            return RowError(
                row_number, "institution", "unknown_institution_code", {"code": record.institution}
            )
        if self._qr and (overflow := qr_overflow(record, self._base_url)):
            return RowError(row_number, "(record)", "qr_too_long", {"bytes": overflow})
        return None


def issue_file(
    database: Database,
    store: KeyStore,
    path: Path,
    *,
    base_url: str,
    actor: str,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
    processes: int = 1,
    archive: bool = False,
) -> ImportSummary:
    """Validate the whole file, then issue what is not yet issued, chunk by chunk.

    ``archive``: the file holds archive records (``verifier archive import``),
    parsed by the archive's rules and stored unsigned, with the same
    all-or-nothing, resumable, row-error rules.

    Each chunk is its own transaction; a chunk that another process issued in
    the meantime is skipped by :func:`registry.issue_rows`, so a killed import is
    finished by running it again. With ``processes`` > 1, rows are parsed and
    tokens signed on that many forked workers (see :mod:`verifier.imports.workers`).
    """
    started = time.monotonic()
    with database.session() as session:
        signer = None if archive else load_signer(session, store)
        institutions = registry.institution_ids(session)
    with tempfile.TemporaryFile(prefix="verifier-import-") as spool:
        issuing = Issuing(signer, institutions, spool.fileno())
        with Workers.forked(processes, issuing) as workers:
            extents: list[Extent] = []

            def keep(documents: list[Record | Rows]) -> None:
                # Workers that issue lay every record out (Workers.parse).
                extents.append(spool_chunk(spool, cast(list[Rows], documents)))

            total, already = _validate(
                database,
                path,
                base_url,
                chunk_size,
                workers,
                keep=keep,
                archive=archive,
            )
            spool.flush()
            issued, done = 0, already
            if progress:
                progress(done, total)
            for extent, prepared in zip(extents, workers.prepare(extents), strict=True):
                with database.transaction() as session:
                    issued += len(registry.issue_rows(session, prepared, actor=actor))
                done += extent.count
                if progress:
                    progress(done, total)
    return ImportSummary(total, issued, total - issued, time.monotonic() - started)
