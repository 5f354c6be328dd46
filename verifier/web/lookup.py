"""What the public views share: parsing a look-up query, the key ring, batch look-ups.

Parsing raises :class:`BadQuery` with a stable error code; the API turns it into
``{"error": {...}}`` and the HTML form into a message beside the field.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import bindparam, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, lazyload

from verifier.errors import MalformedNumber
from verifier.keys import KeyRing
from verifier.models import Document
from verifier.names import surname_matches
from verifier.numbers import normalise_number
from verifier.runtime import current_runtime
from verifier.verification import (
    NOT_FOUND_CHECK,
    Check,
    Outcome,
    Status,
    _from_registry,
)

MAX_BATCH = 1000
# Key changes (rotation, compromise) reach every worker within this many seconds;
# rebuilding the ring per request would cost a query on the QR landing page's hot path.
KEYRING_TTL_SECONDS = 10.0


class BadQuery(Exception):
    """A request the service cannot act on; ``code`` is the API's error code."""

    def __init__(self, code: str, status: int, field: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.field = field


@dataclass(frozen=True)
class Query:
    number: str
    surname: str | None
    birth_date: dt.date | None


def parse_query(number: object, surname: object, birth_date: object) -> Query:
    """Validate one look-up: a number plus the holder's surname or birth date."""
    for name, value in (("number", number), ("surname", surname), ("birth_date", birth_date)):
        if value is not None and not isinstance(value, str):
            raise BadQuery("invalid_request", 422, name)
    assert number is None or isinstance(number, str)
    assert surname is None or isinstance(surname, str)
    assert birth_date is None or isinstance(birth_date, str)
    if number is None or not number.strip():
        raise BadQuery("missing_number", 422, "number")
    try:
        canonical = normalise_number(number)
    except MalformedNumber:
        raise BadQuery("malformed_number", 400, "number") from None
    date: dt.date | None = None
    if birth_date and birth_date.strip():
        try:
            date = dt.date.fromisoformat(birth_date.strip())
        except ValueError:
            raise BadQuery("malformed_birth_date", 400, "birth_date") from None
        if len(birth_date.strip()) != 10:  # fromisoformat also takes 20030417
            raise BadQuery("malformed_birth_date", 400, "birth_date")
    typed = surname.strip() if surname else ""
    if not typed and date is None:
        raise BadQuery("missing_surname", 422, "surname")
    return Query(canonical, typed or None, date)


def keyring_provider(app: Flask) -> Callable[[], KeyRing]:
    """A per-process cache of the registry's key ring, refreshed every few seconds."""
    lock = threading.Lock()
    cached: list[tuple[float, KeyRing]] = []

    def provide() -> KeyRing:
        now = time.monotonic()
        with lock:
            if cached and now - cached[0][0] < KEYRING_TTL_SECONDS:
                return cached[0][1]
        with current_runtime().database.session() as session:
            ring = KeyRing.from_registry(session)
        with lock:
            cached[:] = [(now, ring)]
        return ring

    app.extensions["verifier.keyring"] = provide
    return provide


def current_keyring() -> Callable[[], KeyRing]:
    from flask import current_app

    provider: Callable[[], KeyRing] = current_app.extensions["verifier.keyring"]
    return provider


def _holder_matches(query: Query, document: Document | None) -> bool:
    # The surname is folded and compared even when there is no document, so a
    # missing number costs the same work as a wrong surname.
    stored = document.surname if document is not None else "\u2063"
    surname_ok = query.surname is not None and surname_matches(query.surname, stored)
    date_ok = (
        document is not None
        and query.birth_date is not None
        and query.birth_date == document.birth_date
    )
    return document is not None and (surname_ok or date_ok)


# Built once: constructing the statement per request costs as much as running it.
_BY_NUMBERS = (
    select(Document)
    .where(Document.number.in_(bindparam("numbers", expanding=True)))
    .options(lazyload(Document.courses))
)


def verify_many(session: Session, queries: Sequence[Query]) -> list[Outcome]:
    """The look-up rule of :func:`verify_number` for many queries, in one database round trip."""
    numbers = sorted({query.number for query in queries})
    try:
        documents = {
            document.number: document
            for document in session.scalars(_BY_NUMBERS, {"numbers": numbers}).unique()
        }
    except SQLAlchemyError:
        return [
            Outcome(Status.ERROR, query.number, (Check("registry", False, _UNREACHABLE),))
            for query in queries
        ]
    outcomes = []
    for query in queries:
        document = documents.get(query.number)
        if document is None or not _holder_matches(query, document):
            outcomes.append(Outcome(Status.NOT_FOUND, query.number, (NOT_FOUND_CHECK,)))
            continue
        outcomes.append(
            _from_registry(
                document,
                (
                    Check("registry", True, "recorded in the registry"),
                    Check("holder", True, "the holder matches"),
                ),
            )
        )
    return outcomes


_UNREACHABLE = "the registry cannot be reached right now; try again later"
