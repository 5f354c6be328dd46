"""The official report's PDF, judged by independent tools: pyHanko and pdfsig validate its
signature, zxing-cpp reads its QR code from the rendered page, jwcrypto verifies the QR's
token against the published keys, and pdftotext reads what it says."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws

from tests.support.pdfs import (
    decode_qr_codes,
    page_count,
    pdfsig,
    pdftotext,
    pyhanko_status,
    trusting_our_certificate,
)
from tests.support.values import transcript_values
from tests.unit.reports.conftest import ISSUER, MakeReport
from verifier.keys import lifecycle
from verifier.printing.pades import PdfSigner
from verifier.reports import service
from verifier.reports.service import Signatory, StoredReport
from verifier.runtime import Runtime


def signed_pdf(runtime: Runtime, report: StoredReport) -> bytes:
    with runtime.database.session() as session:
        signer = PdfSigner(lifecycle.document_signing_key(session, runtime.keystore))
    return service.pdf(report, runtime.settings.base_url, signer)


def test_pyhanko_finds_the_report_signed_intact_over_the_whole_file(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    pdf = signed_pdf(runtime, make_report())
    assert pyhanko_status(pdf, trusting_our_certificate(runtime)) == (True, True, "ENTIRE_FILE")


def test_pdfsig_finds_the_report_signature_valid_over_the_whole_document(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport, tmp_path: Path
) -> None:
    issue()
    path = tmp_path / "report.pdf"
    path.write_bytes(signed_pdf(runtime, make_report()))
    report = pdfsig(path)
    assert "Signature is Valid." in report and "Total document signed" in report


def test_the_qr_code_holds_the_re_check_address_and_jwcrypto_verifies_its_token(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    report = make_report()
    (content,) = decode_qr_codes(signed_pdf(runtime, report))
    assert content == f"{runtime.settings.base_url}/r/{report.token}"
    with runtime.database.session() as session:
        jwks = lifecycle.keyring(session).to_jwks()
    parsed = jwcrypto_jws.JWS()
    parsed.allowed_algs = ["Ed25519", "EdDSA"]
    parsed.deserialize(content.rsplit("/r/", 1)[1])
    keys = jwcrypto_jwk.JWKSet.from_json(json.dumps(jwks))
    parsed.verify(keys.get_key(parsed.jose_header["kid"]))
    assert json.loads(parsed.payload)[:5] == [1, "R", report.number, "KT2400001", "valid"]


def test_the_report_says_who_issued_it_what_was_asked_the_answer_checks_and_validity(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport, tmp_path: Path
) -> None:
    issue()
    report = make_report("KT 2400001", "GULOMOV")
    text = " ".join(pdftotext(service.pdf(report, runtime.settings.base_url), tmp_path).split())
    for expected in (
        "OFFICIAL VERIFICATION REPORT",
        ISSUER,
        f"No. {report.number}",
        "UTC",
        "Tashkent time, UTC+5",
        "Document number KT 2400001 with the holder's surname «GULOMOV»",
        "Valid",
        "Gʻulomov Abdulla Rustam oʻgʻli",
        "17.04.2003",
        "Registry record: passed",
        "Holder: passed",
        "It may be relied on until",
        "Issued automatically by the service",
    ):
        assert expected in text, expected


def test_a_transcripts_report_prints_every_grade_and_numbers_its_pages(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport, tmp_path: Path
) -> None:
    issue()
    courses = [{"name": f"Fan {n}", "hours": 36 + n, "grade": "5"} for n in range(1, 61)]
    issue(transcript_values(courses=courses))
    report = make_report("KTI2400001", "Gʻulomov")
    pdf = service.pdf(report, runtime.settings.base_url)
    text = pdftotext(pdf, tmp_path)
    pages = page_count(pdf)
    assert pages >= 2
    assert all(f"Fan {n}" in text for n in range(1, 61))
    assert f"page {pages} of {pages}" in text


def test_a_letter_names_its_signer_and_position_instead_of_the_service(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport, tmp_path: Path
) -> None:
    issue()
    signatory = Signatory("Karimova Dilnoza", "Head of the verification department")
    letter = make_report(signatory=signatory, reference="INQ-2026-000123")
    text = " ".join(pdftotext(service.pdf(letter, runtime.settings.base_url), tmp_path).split())
    assert "OFFICIAL LETTER" in text and "In reply to: INQ-2026-000123" in text
    assert "Signed by Karimova Dilnoza, Head of the verification department" in text
    assert "Issued automatically" not in text


def test_markup_in_a_letters_note_is_printed_as_text(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport, tmp_path: Path
) -> None:
    issue()
    note = "<script>alert(1)</script> <b>confirmed</b>"
    letter = make_report(signatory=Signatory("A B", "Clerk"), note=note)
    text = pdftotext(service.pdf(letter, runtime.settings.base_url), tmp_path)
    assert note in text


def test_a_stored_report_prints_the_same_page_every_time(
    runtime: Runtime, issue: Callable[..., str], make_report: MakeReport
) -> None:
    issue()
    report = make_report()
    with runtime.database.session() as session:
        again = service.find(session, report.number)
    assert again is not None
    base_url = runtime.settings.base_url
    assert service.pdf(report, base_url) == service.pdf(again, base_url)


@pytest.mark.parametrize(
    ("language", "title", "status"),
    [
        ("uz", "RASMIY TEKSHIRUV MAʼLUMOTNOMASI", "Haqiqiy"),
        ("ru", "ОФИЦИАЛЬНАЯ СПРАВКА О ПРОВЕРКЕ", "Действителен"),
        ("en", "OFFICIAL VERIFICATION REPORT", "Valid"),
    ],
)
def test_the_report_is_written_in_the_language_asked(
    runtime: Runtime,
    issue: Callable[..., str],
    make_report: MakeReport,
    tmp_path: Path,
    language: str,
    title: str,
    status: str,
) -> None:
    issue()
    report = make_report(language=language)
    text = " ".join(pdftotext(service.pdf(report, runtime.settings.base_url), tmp_path).split())
    assert title in text and status in text
