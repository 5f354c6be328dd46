"""verify_pdf(): the proof a PDF carries is checked like a token, plus its grade table."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from reportlab.pdfgen.canvas import Canvas

from tests.support.values import transcript_values
from verifier.documents import registry
from verifier.keys import lifecycle
from verifier.printing.embed import attach_proof
from verifier.printing.pades import PdfSigner
from verifier.runtime import Runtime
from verifier.signing.keys import KeyRing
from verifier.signing.proof import Proof
from verifier.verification.outcome import Outcome, Status
from verifier.verification.pdf.proof import MAX_PDF_BYTES, read_proof
from verifier.verification.service import verify_pdf

GRADES = (("Oliy matematika", 216, "4"), ("Dasturlash asoslari", 288, "5"))


def pdf_carrying(proof: Proof | None) -> bytes:
    """A bare one-page PDF with (or without) an embedded proof."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "Diplom")
    if proof is not None:
        attach_proof(canvas, proof)
    canvas.save()
    return buffer.getvalue()


def token_of(runtime: Runtime, number: str) -> str:
    with runtime.database.session() as session:
        token = registry.get_document(session, number).token
    assert token is not None
    return token


def service_certificates(runtime: Runtime, ring: KeyRing) -> tuple[bytes, ...]:
    return runtime.keystore.certificates.published(key.kid for key in ring)


def check(runtime: Runtime, data: bytes, *, online: bool = True, sign: bool = True) -> Outcome:
    """verify_pdf() of ``data``, first signed by the service (as every PDF it issues is)."""
    with runtime.database.session() as session:
        if sign:
            data = PdfSigner(lifecycle.document_signing_key(session, runtime.keystore)).sign(data)
        ring = lifecycle.keyring(session)
        certificates = service_certificates(runtime, ring) if online else None
        return verify_pdf(session if online else None, data, ring, certificates=certificates)


def test_the_embedded_proof_reads_back_as_written() -> None:
    proof = Proof("header.payload.signature", GRADES)
    assert read_proof(pdf_carrying(proof)) == proof


def test_a_diploma_pdf_with_its_token_is_valid_online_and_offline(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    data = pdf_carrying(Proof(token_of(runtime, issue())))
    for online in (True, False):
        outcome = check(runtime, data, online=online)
        assert outcome.status is Status.VALID, outcome
        assert outcome.document is not None and outcome.document.surname == "Gʻulomov"


def test_a_transcript_with_its_grade_table_is_valid(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    data = pdf_carrying(Proof(token_of(runtime, issue(transcript_values())), GRADES))
    outcome = check(runtime, data)
    assert outcome.is_valid
    assert any(c.name == "grades" and c.passed for c in outcome.checks)


def test_one_changed_grade_makes_a_transcript_invalid(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    changed = (GRADES[0], ("Dasturlash asoslari", 288, "4"))
    data = pdf_carrying(Proof(token_of(runtime, issue(transcript_values())), changed))
    for online in (True, False):
        outcome = check(runtime, data, online=online)
        assert outcome.status is Status.INVALID
        assert any(c.name == "grades" and not c.passed for c in outcome.checks)


def test_a_transcript_without_its_grade_table_is_invalid(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    data = pdf_carrying(Proof(token_of(runtime, issue(transcript_values()))))
    assert check(runtime, data).status is Status.INVALID


def test_an_unsigned_pdf_with_a_genuine_token_is_invalid(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    outcome = check(runtime, pdf_carrying(Proof(token_of(runtime, issue()))), sign=False)
    assert outcome.status is Status.INVALID
    assert outcome.checks[0].detail == "the PDF is not signed by the service"


def test_a_pdf_without_a_token_is_invalid_and_says_so(runtime: Runtime) -> None:
    outcome = check(runtime, pdf_carrying(None))
    assert outcome.status is Status.INVALID
    assert "no verification token" in outcome.checks[0].detail


def test_a_pdf_with_a_forged_token_is_invalid(runtime: Runtime, issue: Callable[..., str]) -> None:
    token = token_of(runtime, issue())
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBA")
    assert check(runtime, pdf_carrying(Proof(forged))).status is Status.INVALID


def test_a_revoked_document_pdf_answers_revoked_online(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    number = issue()
    data = pdf_carrying(Proof(token_of(runtime, number)))
    with runtime.database.transaction() as session:
        registry.revoke(session, number, reason="issued in error", actor="test")
    assert check(runtime, data).status is Status.REVOKED


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a pdf at all",
        b"%PDF-1.7\n" + b"\x00garbage" * 100,
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Names 1 0 R >> endobj\ntrailer << /Root 1 0 R >>",
        pdf_carrying(None)[:400],
        b"%PDF-1.7\n" + b" " * (MAX_PDF_BYTES),
    ],
    ids=["empty", "text", "garbage", "self-referencing", "truncated", "oversized"],
)
def test_malformed_input_is_invalid_never_an_exception(data: bytes) -> None:
    outcome = verify_pdf(None, data, KeyRing([]), certificates=())
    assert outcome.status is Status.INVALID
    assert not outcome.checks[0].passed
