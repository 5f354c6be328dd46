"""Render a document's PDF: layout by type, embedded proof, optional PAdES signature."""

from __future__ import annotations

import io

from sqlalchemy.orm import Session

from verifier.errors import SigningKeyError
from verifier.printing import certificate, diploma, transcript
from verifier.printing.data import PrintData
from verifier.printing.embed import attach_proof
from verifier.printing.labels import UZ_EN, Languages
from verifier.printing.pades import PdfSigner
from verifier.printing.page import new_canvas
from verifier.signing.keys import KeyStore, active_key
from verifier.vocabulary import DocumentType

_LAYOUTS = {
    DocumentType.DIPLOMA: (diploma.PAGE, diploma.draw),
    DocumentType.TRANSCRIPT: (transcript.PAGE, transcript.draw),
    DocumentType.CERTIFICATE: (certificate.PAGE, certificate.draw),
}


def render_unsigned(data: PrintData, languages: Languages = UZ_EN) -> bytes:
    """The printable PDF with its QR code and embedded proof, not yet signed."""
    pagesize, draw = _LAYOUTS[data.type]
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, pagesize, data)
    draw(canvas, data, languages)
    attach_proof(canvas, data.proof)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_signed(data: PrintData, signer: PdfSigner, languages: Languages = UZ_EN) -> bytes:
    """The PDF as handed out: rendered, proof embedded, PAdES-signed."""
    return signer.sign(render_unsigned(data, languages), location=data.base_url)


def load_pdf_signer(session: Session, store: KeyStore) -> PdfSigner:
    """The document-signing certificate of the active token key."""
    row = active_key(session)
    if row is None:
        raise SigningKeyError("no_active_key_for_pdf")
    return store.certificates.load(row.kid)
