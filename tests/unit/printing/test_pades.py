"""Every PDF is PAdES-signed with a certificate that rotates with the keys."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from pyhanko.pdf_utils.generic import TextStringObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from tests.support.pdfs import pdfsig, pyhanko_status, signed, trusting_our_certificate
from verifier.errors import SigningKeyError
from verifier.keys import lifecycle
from verifier.keys.lifecycle import active_key
from verifier.runtime import Runtime
from verifier.signing.certificates import DocumentCertificates
from verifier.verification.outcome import Outcome, Status
from verifier.verification.service import verify_pdf


def test_pyhanko_reports_the_signature_intact_valid_and_covering_the_whole_file(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    pdf = signed(runtime, issue())
    assert pyhanko_status(pdf, trusting_our_certificate(runtime)) == (True, True, "ENTIRE_FILE")


def test_pdfsig_reports_the_signature_valid_over_the_whole_document(
    runtime: Runtime, issue: Callable[..., str], tmp_path: Path
) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed(runtime, issue()))
    report = pdfsig(path)
    assert "Signature is Valid." in report
    assert "Total document signed" in report
    assert "ETSI.CAdES.detached" in report


def test_an_edited_pdf_is_reported_as_modified_by_pyhanko_and_pdfsig(
    runtime: Runtime, issue: Callable[..., str], tmp_path: Path
) -> None:
    pdf = signed(runtime, issue())
    # A forger edits a date in place: same length, inside the signed byte range.
    edited = pdf.replace(b"/Producer", b"/Produce2", 1)
    assert edited != pdf
    intact, _, _ = pyhanko_status(edited, trusting_our_certificate(runtime))
    assert not intact
    path = tmp_path / "edited.pdf"
    path.write_bytes(edited)
    assert "Signature is Valid." not in pdfsig(path)


def test_content_appended_after_signing_is_not_covered_by_the_signature(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed(runtime, issue())))
    writer.root["/Lang"] = TextStringObject("ru")
    writer.update_root()  # type: ignore[no-untyped-call]
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    _, _, coverage = pyhanko_status(out.getvalue(), trusting_our_certificate(runtime))
    assert coverage != "ENTIRE_FILE"


def test_rotating_the_keys_rotates_the_document_signing_certificate(runtime: Runtime) -> None:
    store = runtime.keystore
    with runtime.database.transaction() as session:
        old = active_key(session)
        assert old is not None
        new_kid = lifecycle.rotate(session, store, actor="test")
    old_certificate = store.certificates.certificate(old.kid)
    new_certificate = store.certificates.certificate(new_kid)
    assert new_certificate.serial_number != old_certificate.serial_number
    assert new_kid in new_certificate.subject.rfc4514_string()
    assert store.certificates.load(new_kid).kid == new_kid


def test_the_signing_key_file_is_private_and_encrypted_with_the_passphrase(
    tmp_path: Path,
) -> None:
    certificates = DocumentCertificates(tmp_path, b"correct horse")
    certificates.create("kid12345678")
    key_file = certificates.files("kid12345678").key
    assert key_file.stat().st_mode & 0o077 == 0
    assert b"ENCRYPTED" in key_file.read_bytes()
    with pytest.raises(SigningKeyError, match="PASSPHRASE"):
        DocumentCertificates(tmp_path, b"wrong").load("kid12345678")


def verify(runtime: Runtime, pdf: bytes) -> Outcome:
    with runtime.database.session() as session:
        ring = lifecycle.keyring(session)
        certificates = runtime.keystore.certificates.published(key.kid for key in ring)
        return verify_pdf(session, pdf, ring, certificates=certificates)


def test_an_intact_signed_pdf_verifies_and_says_it_is_unchanged(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    outcome = verify(runtime, signed(runtime, issue()))
    assert outcome.status is Status.VALID
    assert outcome.checks[0].detail.startswith("signed PDF, unchanged since it was signed")


def test_a_signed_pdf_edited_in_place_is_invalid_even_with_its_proof_intact(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    edited = signed(runtime, issue()).replace(b"/Producer", b"/Produce2", 1)
    outcome = verify(runtime, edited)
    assert outcome.status is Status.INVALID
    assert outcome.checks[0].detail == "the PDF was changed after it was signed"


def test_a_signed_pdf_with_content_appended_is_invalid(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed(runtime, issue())))
    writer.root["/Lang"] = TextStringObject("ru")
    writer.update_root()  # type: ignore[no-untyped-call]
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    outcome = verify(runtime, out.getvalue())
    assert outcome.status is Status.INVALID
    assert outcome.checks[0].detail == "content was added to the PDF after it was signed"
