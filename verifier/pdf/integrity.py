"""Is a PDF byte-for-byte what the service signed?

The embedded token proves the claims; the PDF signature proves the page around
them: a signed PDF whose visible text was edited, or which had content appended
after signing, fails here even when its embedded proof is intact. An unsigned
PDF is not refused: its token is self-proving, as the QR code is, and the answer
shows the signed claims to compare with the page. Trust in the certificate is
not judged here (it is the service's own, self-signed); integrity and coverage are.
"""

from __future__ import annotations

import io

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import CMSStructuralError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

_UNREADABLE = (
    PdfError,
    CMSStructuralError,
    SignatureValidationError,
    ValueError,
    KeyError,
    TypeError,
)


def signature_state(data: bytes) -> tuple[bool, str]:
    """(holds, what a person is told): False only for a signature present and broken."""
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
        if not signatures:
            return True, "the PDF itself is not signed: only its embedded token was checked"
        # Integrity only: the token, not the PDF certificate, says who issued
        # the document, so no trust store is consulted.
        context = ValidationContext(trust_roots=[], allow_fetching=False)
        status = validate_pdf_signature(signatures[-1], context)
    except _UNREADABLE as exc:
        return False, f"the PDF signature cannot be read ({exc.__class__.__name__})"
    if not status.intact or not status.valid:
        return False, "the PDF was changed after it was signed"
    if status.coverage is not SignatureCoverageLevel.ENTIRE_FILE:
        return False, "content was added to the PDF after it was signed"
    return True, "signed PDF, unchanged since it was signed"
