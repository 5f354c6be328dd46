"""Helpers for the PDF tests: render from the registry, rasterise, decode, extract text."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from verifier.documents import registry
from verifier.keys import lifecycle
from verifier.keys.lifecycle import active_key
from verifier.printing.data import PrintData
from verifier.printing.labels import UZ_EN, Languages
from verifier.printing.pades import PdfSigner
from verifier.printing.render import render_signed, render_unsigned
from verifier.runtime import Runtime

# The longest realistic Uzbek name with patronymic we print on one line.
LONGEST_NAME = {
    "surname": "Abdurahmonova-Saidazimxoʻjayeva",
    "given_name": "Gulchehraxon",
    "patronymic": "Abdulazizxoʻja qizi",
}


def data_for(runtime: Runtime, number: str) -> PrintData:
    with runtime.database.session() as session:
        return registry.print_data(session, number, runtime.settings.base_url)


def unsigned(runtime: Runtime, number: str, languages: Languages = UZ_EN) -> bytes:
    return render_unsigned(data_for(runtime, number), languages)


def signed(runtime: Runtime, number: str) -> bytes:
    with runtime.database.session() as session:
        signer = PdfSigner(lifecycle.document_signing_key(session, runtime.keystore))
    return render_signed(data_for(runtime, number), signer)


def trusting_our_certificate(runtime: Runtime) -> ValidationContext:
    """A pyHanko validation context whose one trust root is the active key's certificate."""
    with runtime.database.session() as session:
        row = active_key(session)
        assert row is not None
        certificate = runtime.keystore.certificates.certificate(row.kid)
    der = certificate.public_bytes(serialization.Encoding.DER)
    return ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)])


def pyhanko_status(pdf: bytes, context: ValidationContext) -> tuple[bool, bool, str]:
    """pyHanko's judgement of the first signature: intact, valid, and what it covers."""
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    status = validate_pdf_signature(signature, context)
    return status.intact, status.valid, status.coverage.name if status.coverage else "NONE"


def decode_qr_codes(pdf: bytes, page: int = 0, dpi: int = 200) -> list[str]:
    """Rasterise one page and decode every QR code on it with zxing-cpp."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[page].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    return [result.text for result in zxingcpp.read_barcodes(image)]


def page_count(pdf: bytes) -> int:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (Debian package poppler-utils)")
    return path


def pdftotext(pdf: bytes, tmp_path: Path, *args: str) -> str:
    source = tmp_path / "extract.pdf"
    source.write_bytes(pdf)
    done = subprocess.run(
        [need("pdftotext"), *args, str(source), "-"], capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def pdfsig(path: Path) -> str:
    done = subprocess.run([need("pdfsig"), str(path)], capture_output=True, check=False)
    return done.stdout.decode("utf-8", "replace")


def courses(count: int) -> list[dict[str, object]]:
    names: Sequence[str] = (
        "Oliy matematika",
        "Dasturlash asoslari (Python)",
        "Kasbiy faoliyatda axborot-kommunikatsiya texnologiyalaridan foydalanish",
        "Oʻzbek tili va adabiyoti",
        "Kompyuter tarmoqlari",
    )
    return [
        {"name": f"{names[i % len(names)]} {i + 1}", "hours": 36 + i, "grade": str(3 + i % 3)}
        for i in range(count)
    ]
