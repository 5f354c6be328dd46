"""Worker processes that parse rows and prepare documents for a file import.

Most of an import is pure computation: parsing and checking rows, and signing
tokens and laying out rows for the registry. The writing must stay in one
process (one writer; screening sees every row before anything is issued), so
the command line forks workers for the computation, a few chunks ahead, and
the importing process only screens, spools, inserts and chains events.

Workers are forked, not spawned: they inherit the signer and the spool file,
so neither a private key nor the spool's content crosses a pipe, and they start
in milliseconds. Forking is only safe from a single-threaded process, which is
why the web workspace's imports (run on a thread of a web worker) stay serial.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import pickle  # nosec B403
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool
from typing import Any, BinaryIO, NamedTuple, TypeVar

from verifier.documents.parse import parse_record
from verifier.documents.record import Record
from verifier.documents.rows import ARCHIVE, REGISTRY, Rows, archived, lay_out, sign
from verifier.errors import RowError
from verifier.signing.keys import Signer

R = TypeVar("R")

# The key under which a reader hands on a row it could not read as fields:
# (row error code, params).
SHAPE = "__shape__"


class RawRow(NamedTuple):
    """One row as written in the file: its number as an editor shows it, and its values."""

    row: int
    values: dict[str, Any]


@dataclass(frozen=True)
class Extent:
    """Where one pickled chunk of laid-out documents lies in the spool file."""

    offset: int
    length: int
    count: int


def spool_chunk(spool: BinaryIO, documents: list[Rows]) -> Extent:
    """Append a chunk of laid-out documents to the spool; return where it lies."""
    data = pickle.dumps(documents, protocol=pickle.HIGHEST_PROTOCOL)
    offset = spool.tell()
    spool.write(data)
    return Extent(offset, len(data), len(documents))


def read_chunk(spool_fd: int, extent: Extent) -> list[Rows]:
    """The documents at ``extent``; positional reads, so processes can share the file."""
    data = os.pread(spool_fd, extent.length, extent.offset)
    documents: list[Rows] = pickle.loads(data)  # noqa: S301  # nosec B301
    return documents


@dataclass(frozen=True)
class ParsedChunk:
    """A chunk of rows, parsed: its problems, and its records, each laid out for
    issuing (see :func:`verifier.documents.rows.lay_out`) or, when only validating, as is."""

    rows: int
    problems: list[RowError]
    records: list[tuple[int, Record | Rows]]


def parse_row(
    row_number: int, values: dict[str, Any], today: dt.date, *, archive: bool = False
) -> Record | list[RowError]:
    if SHAPE in values:
        code, params = values[SHAPE]
        return [RowError(row_number, "(row)", code, params)]
    return parse_record(values, row_number, today=today, archive=archive)


def parse_rows(
    rows: list[RawRow], today: dt.date, for_issuing: bool, archive: bool = False
) -> ParsedChunk:
    """Parse a chunk of rows, laying each record out for issuing if asked: here,
    where it runs in parallel, rather than in the importing process."""
    problems: list[RowError] = []
    records: list[tuple[int, Record | Rows]] = []
    origin = ARCHIVE if archive else REGISTRY
    for row_number, values in rows:
        result = parse_row(row_number, values, today, archive=archive)
        if isinstance(result, list):
            problems.extend(result)
        else:
            records.append((row_number, lay_out(result, origin) if for_issuing else result))
    return ParsedChunk(len(rows), problems, records)


@dataclass(frozen=True)
class Issuing:
    """What storing spooled documents needs; forked workers inherit it.

    ``signer`` None: archive records, stored as transcribed and never signed.
    """

    signer: Signer | None
    institutions: Mapping[str, int]
    spool_fd: int

    @property
    def archive(self) -> bool:
        return self.signer is None

    def prepare(self, extent: Extent) -> list[Rows]:
        documents = read_chunk(self.spool_fd, extent)
        if self.signer is None:
            return archived(documents, self.institutions)
        return sign(documents, self.signer, self.institutions)


# Set only inside a forked worker, by _start_worker.
_issuing: Issuing | None = None


def _start_worker(issuing: Issuing) -> None:
    # Workers need no more than this to stop with a killed import: each waits on
    # a pipe whose only writer is the importing process, and ends when it closes.
    global _issuing
    _issuing = issuing


def _prepare_in_worker(extent: Extent) -> list[Rows]:
    if _issuing is None:
        raise RuntimeError("runs in a forked import worker")
    return _issuing.prepare(extent)


class Workers:
    """Parses chunks of rows, and prepares chunks of spooled records for issuing
    (signed, laid out as rows), in order.

    ``serial()`` does it in this process; ``forked()`` on a pool of worker
    processes, a few chunks ahead of the importing process.
    """

    def __init__(
        self,
        today: dt.date,
        issuing: Issuing | None = None,
        pool: Pool | None = None,
        ahead: int = 0,
        *,
        archive: bool = False,
    ) -> None:
        self._today = today
        self._issuing = issuing
        self._pool = pool
        self._ahead = ahead
        self._archive = archive or (issuing is not None and issuing.archive)

    @classmethod
    def serial(cls, issuing: Issuing | None = None, *, archive: bool = False) -> Workers:
        return cls(dt.date.today(), issuing, archive=archive)

    @classmethod
    @contextmanager
    def forked(cls, count: int, issuing: Issuing) -> Iterator[Workers]:
        """``count`` forked workers; serial where fork is unsafe or unavailable."""
        if (
            count < 2
            or "fork" not in multiprocessing.get_all_start_methods()
            or threading.active_count() > 1
        ):
            yield cls.serial(issuing)
            return
        context = multiprocessing.get_context("fork")
        pool = context.Pool(count, initializer=_start_worker, initargs=(issuing,))
        try:
            yield cls(dt.date.today(), issuing, pool, ahead=2 * count)
        finally:
            pool.terminate()
            pool.join()

    def parse(self, chunks: Iterable[list[RawRow]]) -> Iterator[ParsedChunk]:
        """Parse chunks of rows; laid out for issuing when these workers issue."""
        for_issuing, archive = self._issuing is not None, self._archive
        if self._pool is None:
            return (parse_rows(chunk, self._today, for_issuing, archive) for chunk in chunks)
        return self._ordered(
            parse_rows, ((chunk, self._today, for_issuing, archive) for chunk in chunks)
        )

    def prepare(self, extents: Iterable[Extent]) -> Iterator[list[Rows]]:
        if self._issuing is None:
            raise RuntimeError("these workers were made to validate, not to issue")
        if self._pool is None:
            return map(self._issuing.prepare, extents)
        return self._ordered(_prepare_in_worker, ((extent,) for extent in extents))

    def _ordered(
        self, function: Callable[..., R], argument_tuples: Iterable[tuple[Any, ...]]
    ) -> Iterator[R]:
        # Pool.imap would read its whole input at once; keeping a few chunks in
        # flight keeps memory flat however long the file is.
        assert self._pool is not None
        pending: deque[AsyncResult[R]] = deque()
        for arguments in argument_tuples:
            pending.append(self._pool.apply_async(function, arguments))
            if len(pending) > self._ahead:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
