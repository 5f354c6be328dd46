"""The PAdES signature on every PDF the service prints.

PDFs are signed with the document-signing certificate of the active token key
(:mod:`verifier.signing.certificates`), ECDSA P-256 because PDF readers (Acrobat,
poppler/NSS) verify it everywhere.
"""

from __future__ import annotations

import io
from typing import Any

from cryptography.hazmat.primitives import serialization

from verifier.signing.certificates import DocumentSigningKey

SIGNATURE_FIELD = "VerifierSignature"


class PdfSigner:
    """Signs PDFs (PAdES baseline B-B) with one document-signing certificate."""

    def __init__(self, key: DocumentSigningKey) -> None:
        from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
        from asn1crypto import x509 as asn1_x509
        from pyhanko.sign import signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        self.kid = key.kid
        self.certificate = certificate = key.certificate
        der_key = key.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        self._signer = signers.SimpleSigner(
            signing_cert=asn1_x509.Certificate.load(
                certificate.public_bytes(serialization.Encoding.DER)
            ),
            signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
            cert_registry=SimpleCertificateStore(),  # type: ignore[no-untyped-call]
        )

    def sign(
        self, data: bytes, *, location: str | None = None, field_name: str = SIGNATURE_FIELD
    ) -> bytes:
        """Return ``data`` with an incremental update holding the signature."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        writer = IncrementalPdfFileWriter(io.BytesIO(data))
        metadata = signers.PdfSignatureMetadata(
            field_name=field_name,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason="Issued by the registry; verify at the QR address",
            location=location,
        )
        output: Any = signers.PdfSigner(metadata, signer=self._signer).sign_pdf(writer)
        return bytes(output.getvalue())
