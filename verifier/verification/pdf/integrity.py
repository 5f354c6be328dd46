"""Is a PDF exactly what the service signed, and signed by the service alone?

The embedded token proves the claims; the PDF signature proves the page around
them. A PDF is genuine only if it carries exactly one signature, made with one
of the service's own document-signing certificates (at a time within that
certificate's validity), and that signature covers the whole file: a visible
edit, an incremental update after signing (an overlay "all grades 5"), a second
signature by anyone (the classic re-signing forgery) or an unsigned file all
fail here, each with its reason, even when the embedded proof is intact.

Runs inside the PDF sandbox (``sandbox.py``): the reader is strict, so
malformed cross-reference data is refused rather than repaired.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

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
    AttributeError,
    IndexError,
)

UNSIGNED = "the PDF is not signed by the service"
NOT_OURS = "the PDF is signed with a certificate that is not the service's"
SEVERAL = "the PDF carries more than one signature (it was signed again after the service)"
CHANGED = "the PDF was changed after it was signed"
ADDED = "content was added to the PDF after it was signed"
GENUINE = "signed PDF, unchanged since it was signed"


def signature_state(data: bytes, certificates: Sequence[bytes] | None) -> tuple[bool, str]:
    """(genuine, what a person is told).

    ``certificates``: DER of the service's document-signing certificates; None
    means they are not at hand (offline check against a JWKS file): the signer
    is then not judged, and the answer says so.
    """
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=True).embedded_signatures
        if not signatures:
            return False, UNSIGNED
        if len(signatures) > 1:
            return False, SEVERAL
        (signature,) = signatures
        signer = signature.signer_cert
        if certificates is not None and signer.dump() not in set(certificates):
            return False, NOT_OURS
        # Integrity here; the signer's identity was settled above by comparing
        # certificates, so no trust store is consulted.
        context = ValidationContext(trust_roots=[], allow_fetching=False)
        status = validate_pdf_signature(signature, context)
    except _UNREADABLE as exc:
        return False, f"the PDF signature cannot be read ({exc.__class__.__name__})"
    if not status.intact or not status.valid:
        return False, CHANGED
    if status.coverage is not SignatureCoverageLevel.ENTIRE_FILE:
        return False, ADDED
    moment = status.signer_reported_dt
    validity = signer["tbs_certificate"]["validity"]
    if moment is not None and not (
        validity["not_before"].native <= moment <= validity["not_after"].native
    ):
        return False, "the PDF was signed outside its certificate's validity"
    if certificates is None:
        return True, GENUINE + " (signer not checked: offline, without the service's certificates)"
    return True, GENUINE
