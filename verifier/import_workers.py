"""Worker processes that parse rows and sign tokens for a file import.

An import spends most of its time parsing rows and making Ed25519 signatures,
both pure computation; the registry writes are a small part and must stay in
one process. So the command line forks workers for the computation and keeps
the writing (and the all-or-nothing screening) in the importing process.

Workers are forked, not spawned: they inherit the signer and the spool file,
so neither a private key nor the spool's content crosses a pipe, and they start
in milliseconds. Forking is only safe from a single-threaded process, which is
why the web workspace's imports (run on a thread of a web worker) stay serial.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import pickle
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool
from typing import Any, BinaryIO, TypeVar

from verifier import registry
from verifier.errors import RowError
from verifier.keys import Signer
from verifier.records import Record, parse_record

T = TypeVar("T")
R = TypeVar("R")

RawRow = tuple[int, dict[str, Any]]
ParsedRow = tuple[int, Record | list[RowError]]


@dataclass(frozen=True)
class Extent:
    """Where one pickled chunk of records lies in the spool file."""

    offset: int
    length: int


def spool_chunk(spool: BinaryIO, records: list[Record]) -> Extent:
    """Append a chunk of records to the spool; return where it lies."""
    data = pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)
    offset = spool.tell()
    spool.write(data)
    return Extent(offset, len(data))


def read_chunk(spool_fd: int, extent: Extent) -> list[Record]:
    """The records at ``extent``; positional reads, so processes can share the file."""
    data = os.pread(spool_fd, extent.length, extent.offset)
    records: list[Record] = pickle.loads(data)  # noqa: S301 - our own spool, written by this import
    return records


def parse_rows(rows: list[RawRow], today: dt.date) -> list[ParsedRow]:
    """Parse a chunk of rows, and work out what screening and issuing read of each record
    (digest, holder identity, token claims) here, where it runs in parallel."""
    parsed: list[ParsedRow] = []
    for row_number, values in rows:
        if "__shape__" in values:
            parsed.append((row_number, [RowError(row_number, "(row)", str(values["__shape__"]))]))
            continue
        result = parse_record(values, row_number, today=today)
        if isinstance(result, Record):
            result.digest, result.holder_identity, result.claims.to_json()
        parsed.append((row_number, result))
    return parsed


@dataclass(frozen=True)
class _Inherited:
    """What a forked worker takes from the importing process."""

    signer: Signer
    spool_fd: int


# Set only inside a forked worker, by _start_worker.
_inherited: _Inherited | None = None


def _start_worker(inherited: _Inherited) -> None:
    # Workers need no more than this to stop with a killed import: each waits on
    # a pipe whose only writer is the importing process, and ends when it closes.
    global _inherited
    _inherited = inherited


def _sign_extent(extent: Extent) -> list[str]:
    if _inherited is None:
        raise RuntimeError("_sign_extent runs in a forked import worker")
    records = read_chunk(_inherited.spool_fd, extent)
    return registry.sign_records(records, _inherited.signer)


class Workers:
    """Parses chunks of rows and signs chunks of spooled records, in order.

    ``serial()`` does it in this process (issuing then signs inside each
    chunk's transaction); ``forked()`` on a pool of worker processes, a few
    chunks ahead of the importing process.
    """

    def __init__(self, today: dt.date, pool: Pool | None = None, ahead: int = 0) -> None:
        self._today = today
        self._pool = pool
        self._ahead = ahead

    @classmethod
    def serial(cls, today: dt.date | None = None) -> Workers:
        return cls(today or dt.date.today())

    @classmethod
    @contextmanager
    def forked(cls, count: int, signer: Signer, spool: BinaryIO) -> Iterator[Workers]:
        """``count`` forked workers; serial where fork is unsafe or unavailable."""
        today = dt.date.today()
        if (
            count < 2
            or "fork" not in multiprocessing.get_all_start_methods()
            or threading.active_count() > 1
        ):
            yield cls.serial(today)
            return
        context = multiprocessing.get_context("fork")
        inherited = _Inherited(signer, spool.fileno())
        pool = context.Pool(count, initializer=_start_worker, initargs=(inherited,))
        try:
            yield cls(today, pool, ahead=2 * count)
        finally:
            pool.terminate()
            pool.join()

    def parse(self, chunks: Iterable[list[RawRow]]) -> Iterator[list[ParsedRow]]:
        if self._pool is None:
            return (parse_rows(chunk, self._today) for chunk in chunks)
        return self._ordered(parse_rows, ((chunk, self._today) for chunk in chunks))

    def sign(self, extents: Iterable[Extent]) -> Iterator[list[str] | None]:
        """Each extent's tokens, or None where issuing is to sign them itself."""
        if self._pool is None:
            return (None for _ in extents)
        return self._ordered(_sign_extent, ((extent,) for extent in extents))

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
