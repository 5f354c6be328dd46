"""A document's signed PDF handed to a registrar, and the record that it was.

Rendering reads only; recording the download writes. They are two calls so
that the caller renders in a read session and holds the write lock (one
writer at a time on SQLite) only for the one event.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from verifier.audit import events
from verifier.audit.events import EventKind
from verifier.signing.keys import KeyStore


def signed_pdf(session: Session, store: KeyStore, number: str, *, base_url: str) -> bytes:
    """The document's PAdES-signed PDF; :class:`~verifier.documents.registry.PrintRefused`
    if it may not be printed (revoked, superseded, an archive record)."""
    # Imported here: the PDF stack takes most of a second to import, and a web
    # worker that never prints should not pay for it at start.
    from verifier.documents.registry import print_data
    from verifier.keys.lifecycle import document_signing_key
    from verifier.printing.pades import PdfSigner
    from verifier.printing.render import render_signed

    data = print_data(session, number, base_url)
    return render_signed(data, PdfSigner(document_signing_key(session, store)))


def record_download(session: Session, number: str, *, source: str, actor: str) -> None:
    """Record that ``actor`` took the PDF of ``number`` from ``source``."""
    events.record(
        session,
        EventKind.DOWNLOADED,
        number,
        {"number": number, "what": "pdf", "source": source},
        actor=actor,
    )
