"""A record as the rows it is stored as: what issuing lays out, signs and writes.

Issuing is a pipeline (see :mod:`verifier.imports.workers`): records are laid
out as :class:`Rows` (plain values, cheap to pickle between processes), signed
(the token, the key and the ``issued`` event join them), then written in bulk by
:func:`verifier.documents.registry.issue_rows`. The ``documents`` columns are
derived from :class:`~verifier.documents.record.Record`'s fields, so a field
added to the record and to the model is stored without touching this module.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from verifier.audit import events
from verifier.audit.events import EncodedEvent, EventKind
from verifier.db.bulk import BulkInsert
from verifier.db.models import CourseLine, Document, Holder, table
from verifier.documents.claims import claims_of
from verifier.documents.names import name_key
from verifier.documents.record import Record
from verifier.errors import NotFound
from verifier.signing.keys import Signer
from verifier.signing.tokens import grades_digest, sign_payloads
from verifier.vocabulary import DocumentStatus, DocumentType

# The record's own columns (its fields but the institution, stored as an id,
# and the grade table, stored as course lines), then what is derived from it.
CONTENT_COLUMNS = tuple(name for name in Record._fields if name not in {"institution", "courses"})
DERIVED_COLUMNS = (
    "origin", "status", "surname_key", "name_key", "grades_digest", "record_digest"
)  # fmt: skip
# Known once signed, and once written.
SIGNED_COLUMNS = ("token", "kid", "institution_id")
WRITTEN_COLUMNS = ("holder_id", "recorded_at")
DOCUMENT_ROWS = BulkInsert(
    table(Document), (*CONTENT_COLUMNS, *DERIVED_COLUMNS, *SIGNED_COLUMNS, *WRITTEN_COLUMNS)
)
HOLDER_ROWS = BulkInsert(
    table(Holder), ("identity_key", "surname", "given_name", "patronymic", "birth_date")
)
COURSE_ROWS = BulkInsert(table(CourseLine), ("document_id", "position", "name", "hours", "grade"))

_content = operator.itemgetter(*(Record._fields.index(name) for name in CONTENT_COLUMNS[1:]))
_VALID = DocumentStatus.VALID.value
REGISTRY, ARCHIVE = "registry", "archive"


class Rows(NamedTuple):
    """One document laid out as rows; ``document`` ends with the signed columns once signed."""

    number: str
    institution: str
    digest: str
    holder_identity: str
    holder: tuple[Any, ...]  # the holders row
    document: tuple[Any, ...]  # the documents row, up to the signed or the written columns
    courses: tuple[tuple[str, int, str], ...]  # name, hours, grade in printed order
    payload: bytes  # the token's claim set (JSON), measured against the QR budget
    event: EncodedEvent | None = None  # the ``issued`` event, once signed

    @property
    def payload_size(self) -> int:
        return len(self.payload)


def lay_out(record: Record, origin: str = REGISTRY) -> Rows:
    """The rows ``record`` will be stored as, but for its token.

    ``origin`` ``archive``: a record transcribed from an issue book, which is
    stored as it is and never signed (see :func:`archived`).
    """
    claims = claims_of(record) if origin == REGISTRY else None
    digest = record.digest
    identity = record.holder_identity
    names = (record.surname, record.given_name, record.patronymic)
    return Rows(
        number=record.number,
        institution=record.institution,
        digest=digest,
        holder_identity=identity,
        holder=(identity, *names, record.birth_date),
        document=(
            # The type's plain value: a driver may store an enum by its name.
            record.type.value,
            *_content(record),
            origin,
            _VALID,
            name_key(record.surname),
            " ".join(name_key(part) for part in names if part),
            claims.grades_digest if claims else _grade_table_digest(record),
            digest,
        ),
        courses=tuple((c.name, c.hours, c.grade) for c in record.courses or ()),
        payload=claims.to_json() if claims else b"",
    )


def _grade_table_digest(record: Record) -> str | None:
    if record.type is not DocumentType.TRANSCRIPT or not record.courses:
        return None
    return grades_digest(record.courses)


def archived(rows: Sequence[Rows], institutions: Mapping[str, int]) -> list[Rows]:
    """Complete archive records' rows: no token or key, an ``archive_recorded`` event each."""
    stored = []
    for document in rows:
        event = events.encode(EventKind.ARCHIVE_RECORDED, document.number, _event_payload(document))
        stored.append(
            document._replace(
                document=(*document.document, None, None, _institution_id(document, institutions)),
                event=event,
            )
        )
    return stored


def _institution_id(document: Rows, institutions: Mapping[str, int]) -> int:
    institution_id = institutions.get(document.institution)
    if institution_id is None:
        raise NotFound(
            "unknown_institution_of_document",
            number=document.number,
            institution=document.institution,
        )
    return institution_id


def _event_payload(document: Rows) -> dict[str, object]:
    return {
        "number": document.number,
        "type": document.document[0],
        "institution": document.institution,
        "record_digest": document.digest,
    }


def sign(rows: Sequence[Rows], signer: Signer, institutions: Mapping[str, int]) -> list[Rows]:
    """Sign laid-out documents: each gains its token, key, institution and ``issued`` event."""
    tokens = sign_payloads([document.payload for document in rows], signer)
    signed = []
    for document, token in zip(rows, tokens, strict=True):
        institution_id = _institution_id(document, institutions)
        event = events.encode(
            EventKind.ISSUED, document.number, {**_event_payload(document), "kid": signer.kid}
        )
        signed.append(
            document._replace(
                document=(*document.document, token, signer.kid, institution_id), event=event
            )
        )
    return signed
