"""The document-signing certificates: one ECDSA key pair and certificate per token key.

Each Ed25519 token key has a companion ECDSA P-256 certificate, named after
the key's ``kid`` and made (self-signed) when the key is made, so rotating or
replacing the key rotates the certificate too. ECDSA P-256 rather than Ed25519
because PDF readers (Acrobat, poppler/NSS) verify it everywhere. The private
key stays in the keys directory beside the token keys, encrypted when
``VERIFIER_KEY_PASSPHRASE`` is set; it is never committed.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from verifier.errors import SigningKeyError

CERT_DIRNAME = "pdf-signing"
VALIDITY = dt.timedelta(days=5 * 366)
SUBJECT_ORGANISATION = "Diploma verification service"
# id-kp-documentSigning (RFC 9336): the purpose PDF readers look for.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")


@dataclass(frozen=True)
class DocumentSigningKey:
    """A document-signing private key with its certificate: what a PDF signer needs."""

    kid: str
    private_key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    def __repr__(self) -> str:
        return f"DocumentSigningKey(kid={self.kid!r})"


@dataclass(frozen=True)
class CertificateFiles:
    key: Path
    certificate: Path


class DocumentCertificates:
    """Document-signing keys and certificates on disk, one pair per token ``kid``."""

    def __init__(self, keys_dir: Path, passphrase: bytes | None = None) -> None:
        self.directory = keys_dir / CERT_DIRNAME
        self._passphrase = passphrase

    def files(self, kid: str) -> CertificateFiles:
        return CertificateFiles(
            self.directory / f"{kid}.key.pem", self.directory / f"{kid}.crt.pem"
        )

    def exists(self, kid: str) -> bool:
        files = self.files(kid)
        return files.key.is_file() and files.certificate.is_file()

    def create(self, kid: str, *, now: dt.datetime | None = None) -> x509.Certificate:
        """Make the key pair and self-signed certificate for ``kid``; return the certificate."""
        moment = now or dt.datetime.now(dt.UTC)
        private_key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, f"Document signing {kid}"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, SUBJECT_ORGANISATION),
                x509.NameAttribute(NameOID.COUNTRY_NAME, "UZ"),
            ]
        )
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(private_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(moment - dt.timedelta(hours=1))
            .not_valid_after(moment + VALIDITY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                critical=False,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(private_key.public_key()), critical=False
            )
            .sign(private_key, hashes.SHA256())
        )
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(self._passphrase)
            if self._passphrase
            else serialization.NoEncryption()
        )
        files = self.files(kid)
        self.directory.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(files.key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(
                private_key.private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
                )
            )
        files.certificate.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        return certificate

    def certificate(self, kid: str) -> x509.Certificate:
        path = self.files(kid).certificate
        try:
            return x509.load_pem_x509_certificate(path.read_bytes())
        except FileNotFoundError:
            raise SigningKeyError("pdf_certificate_missing", kid=kid, path=str(path)) from None

    def published(self, kids: Iterable[str]) -> tuple[bytes, ...]:
        """DER of the certificates of these (published) keys: the only signers a PDF may have."""
        found = []
        for kid in kids:
            path = self.files(kid).certificate
            try:
                certificate = x509.load_pem_x509_certificate(path.read_bytes())
            except (FileNotFoundError, ValueError):
                continue  # a key made before PDFs were signed has no certificate
            found.append(certificate.public_bytes(serialization.Encoding.DER))
        return tuple(found)

    def load(self, kid: str) -> DocumentSigningKey:
        """The key and certificate of ``kid``; raises :class:`SigningKeyError` if unusable."""
        files = self.files(kid)
        certificate = self.certificate(kid)
        try:
            private_key = serialization.load_pem_private_key(
                files.key.read_bytes(), password=self._passphrase
            )
        except FileNotFoundError:
            raise SigningKeyError("pdf_key_missing", path=str(files.key)) from None
        except (TypeError, ValueError) as exc:
            raise SigningKeyError("pdf_key_unreadable", path=str(files.key)) from exc
        if not isinstance(private_key, ec.EllipticCurvePrivateKey):
            raise SigningKeyError("pdf_key_not_ecdsa", path=str(files.key))
        if private_key.public_key().public_numbers() != certificate.public_key().public_numbers():  # type: ignore[union-attr]
            raise SigningKeyError("pdf_key_mismatch", path=str(files.key))
        return DocumentSigningKey(kid, private_key, certificate)


def fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()
