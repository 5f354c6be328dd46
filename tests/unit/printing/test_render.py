"""Printed documents: layouts, fonts, vector QR code and embedded proof."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest

from tests.support.pdfs import (
    LONGEST_NAME,
    courses,
    data_for,
    decode_qr_codes,
    page_count,
    pdftotext,
    unsigned,
)
from tests.support.values import certificate_values, diploma_values, transcript_values
from verifier.documents.record import Course
from verifier.documents.registry import PrintRefused, print_data
from verifier.errors import NotFound, VerifierError
from verifier.keys import lifecycle
from verifier.printing.blank import load_form, render_on_blank
from verifier.printing.diploma import NAME_WIDTH
from verifier.printing.fonts import SERIF_BOLD, FontMissing, check_fonts, register_fonts
from verifier.printing.pades import PdfSigner
from verifier.printing.qrdraw import draw_qr, merged_rects
from verifier.printing.qrmatrix import qr_matrix, qr_row_strings
from verifier.printing.render import render_signed, render_unsigned
from verifier.printing.textfit import fit
from verifier.runtime import Runtime
from verifier.verification.outcome import Status
from verifier.verification.service import verify_pdf, verify_token


def test_the_qr_code_decodes_to_the_document_url_which_verifies_valid(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    number = issue()
    data = data_for(runtime, number)
    decoded = decode_qr_codes(render_unsigned(data))
    assert decoded == [data.qr_url]
    with runtime.database.session() as session:
        assert verify_token(session, decoded[0], lifecycle.keyring(session)).is_valid


def test_the_qr_code_is_vector_drawing_not_an_image(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    document = pypdfium2.PdfDocument(unsigned(runtime, issue()))
    kinds = {obj.type for obj in document[0].get_objects()}
    document.close()
    assert pdfium_c.FPDF_PAGEOBJ_IMAGE not in kinds
    assert pdfium_c.FPDF_PAGEOBJ_PATH in kinds


def test_dark_modules_are_merged_into_far_fewer_rectangles() -> None:
    rows = qr_row_strings("https://verify.example.uz/v/" + "x" * 300)
    dark = sum(row.count("1") for row in rows)
    rects = merged_rects(rows)
    assert sum(w * h for _, _, w, h in rects) == dark
    assert len(rects) < dark / 2


def test_a_qr_code_below_30_mm_is_refused() -> None:
    with pytest.raises(ValueError, match="30 mm"):
        draw_qr(None, "https://x.uz/v/t", 0, 0, symbol_mm=25)


@pytest.mark.parametrize(
    "values",
    [
        diploma_values(),
        transcript_values(),
        certificate_values(),
        diploma_values(surname="Ғуломов", given_name="Ўткир", patronymic="Қаҳрамонович"),
    ],
    ids=["diploma", "transcript", "certificate", "uzbek-cyrillic"],
)
def test_pdftotext_returns_the_holder_name_exactly_as_stored(
    runtime: Runtime, issue: Callable[..., str], tmp_path: Path, values: dict[str, object]
) -> None:
    data = data_for(runtime, issue(values))
    assert data.full_name in pdftotext(render_unsigned(data), tmp_path)


def test_the_longest_realistic_name_shrinks_onto_one_line_and_extracts_exactly(
    runtime: Runtime, issue: Callable[..., str], tmp_path: Path
) -> None:
    data = data_for(runtime, issue(diploma_values(**LONGEST_NAME)))
    register_fonts()
    fitted = fit(data.full_name, SERIF_BOLD, width=NAME_WIDTH, max_size=26, min_size=15)
    assert fitted.lines == (data.full_name,) and 15 <= fitted.size < 26
    assert data.full_name in pdftotext(render_unsigned(data), tmp_path).splitlines()


def test_a_transcript_of_80_courses_spills_onto_numbered_pages_and_verifies(
    runtime: Runtime, issue: Callable[..., str], tmp_path: Path
) -> None:
    number = issue(transcript_values(courses=courses(80)))
    pdf = unsigned(runtime, number)
    pages = page_count(pdf)
    assert pages >= 3
    text = pdftotext(pdf, tmp_path)
    for n in range(1, pages + 1):
        assert f"page {n} of {pages}" in text
    for line in courses(80):
        assert str(line["name"]) in text
    assert text.count("(davomi / continued)") == pages - 1
    with runtime.database.session() as session:
        ring = lifecycle.keyring(session)
        signed_pdf = PdfSigner(lifecycle.document_signing_key(session, runtime.keystore)).sign(pdf)
        certificates = runtime.keystore.certificates.published(key.kid for key in ring)
        assert verify_pdf(session, signed_pdf, ring, certificates=certificates).is_valid


def test_a_reprinted_transcript_with_one_changed_grade_is_invalid(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    data = data_for(runtime, issue(transcript_values()))
    name, hours, grade = data.courses[0]
    changed = (Course(name, hours, "5"), *data.courses[1:])
    forged = replace(data, record=data.record._replace(courses=changed))
    assert grade != "5"
    with runtime.database.session() as session:
        ring = lifecycle.keyring(session)
        forged_pdf = render_signed(
            forged, PdfSigner(lifecycle.document_signing_key(session, runtime.keystore))
        )
        certificates = runtime.keystore.certificates.published(key.kid for key in ring)
        outcome = verify_pdf(session, forged_pdf, ring, certificates=certificates)
    assert outcome.status is Status.INVALID


def test_russian_labels_are_added_when_asked(
    runtime: Runtime, issue: Callable[..., str], tmp_path: Path
) -> None:
    from verifier.printing.labels import UZ_RU_EN

    text = pdftotext(unsigned(runtime, issue(), UZ_RU_EN), tmp_path)
    assert "ДИПЛОМ" in text and "DIPLOMA" in text


def test_a_revoked_document_is_not_printed(runtime: Runtime, issue: Callable[..., str]) -> None:
    from verifier.documents import registry

    number = issue()
    with runtime.database.transaction() as session:
        registry.revoke(session, number, reason="issued in error", actor="test")
    with runtime.database.session() as session, pytest.raises(PrintRefused, match="revoked"):
        print_data(session, number, runtime.settings.base_url)


def test_an_unknown_number_is_a_clear_error(runtime: Runtime) -> None:
    with runtime.database.session() as session, pytest.raises(NotFound, match="KT2409999"):
        print_data(session, "KT 2409999", runtime.settings.base_url)


def test_a_missing_font_file_fails_at_start_naming_it(tmp_path: Path) -> None:
    with pytest.raises(FontMissing, match=r"DejaVuSerif\.ttf"):
        check_fonts(tmp_path)


def test_the_print_sheet_for_a_blank_form_carries_the_data_and_a_working_qr(
    runtime: Runtime, issue: Callable[..., str], tmp_path: Path
) -> None:
    data = data_for(runtime, issue())
    sheet = render_on_blank(data, load_form("diploma-a4-landscape"))
    assert decode_qr_codes(sheet) == [data.qr_url]
    text = pdftotext(sheet, tmp_path)
    assert data.full_name in text
    assert "DIPLOM" not in text  # the blank already carries the printed labels


def test_a_url_beyond_the_qr_budget_is_refused() -> None:
    with pytest.raises(VerifierError, match="budget"):
        qr_matrix("https://verify.example.uz/v/" + "x" * 500)
