"""Finding documents for the staff workspace: by number, holder name in any spelling,
issue dates, status, type and institution, within what the person may see."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from verifier.db.models import Document, Institution
from verifier.db.pages import Page, paginate
from verifier.documents.names import name_key
from verifier.documents.numbers import normalise_number
from verifier.errors import MalformedNumber
from verifier.vocabulary import DocumentStatus, DocumentType

PER_PAGE = 50
MAX_NAME_WORDS = 6
_NOT_NUMBER = re.compile(r"[^0-9A-Za-z]")


@dataclass(frozen=True)
class Filters:
    """What the person asked for; empty values do not filter."""

    number: str = ""  # the beginning of a number, in any accepted spelling
    name: str = ""  # words of the holder's name, in any spelling
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    status: DocumentStatus | None = None
    type: DocumentType | None = None
    institution: str = ""  # a code; ignored for a person bound to one institution


def number_prefix(text: str) -> str:
    """A typed number's beginning in canonical form (``kt 24`` -> ``KT24``)."""
    try:
        return normalise_number(text)
    except MalformedNumber:  # "KT 24" alone is not a whole number, but is a fine prefix
        return _NOT_NUMBER.sub("", text).upper()


def search(
    session: Session,
    filters: Filters,
    *,
    institution_id: int | None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page[Document]:
    """Documents matching ``filters``, newest issue first.

    ``institution_id`` is the scope: a registrar's own institution (nothing else
    is ever found), or None for staff who see every institution.
    """
    query = select(Document)
    if institution_id is not None:
        query = query.where(Document.institution_id == institution_id)
    elif filters.institution:
        query = query.join(Institution).where(Institution.code == filters.institution.upper())
    if filters.number and (prefix := number_prefix(filters.number)):
        query = query.where(Document.number.startswith(prefix, autoescape=True))
    for word in filters.name.split()[:MAX_NAME_WORDS]:
        if key := name_key(word):
            query = query.where(Document.name_key.contains(key, autoescape=True))
    if filters.issued_from:
        query = query.where(Document.issue_date >= filters.issued_from)
    if filters.issued_to:
        query = query.where(Document.issue_date <= filters.issued_to)
    if filters.status:
        query = query.where(Document.status == filters.status.value)
    if filters.type:
        query = query.where(Document.type == filters.type.value)
    query = query.order_by(Document.issue_date.desc(), Document.number)
    return paginate(session, query, page=page, per_page=per_page)
