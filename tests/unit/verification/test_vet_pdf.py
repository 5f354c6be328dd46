"""vet_pdf reads every page of an untrusted PDF in the sandbox and says how many there are."""

from __future__ import annotations

import pytest

from tests.support import hostile_attachments as files
from verifier.signing.proof import ProofError
from verifier.verification.pdf.proof import MAX_PDF_BYTES
from verifier.verification.pdf.sandbox import WARM_UP_PDF, vet_pdf


def test_it_counts_the_pages_of_a_pdf_reportlab_wrote() -> None:
    assert vet_pdf(files.pdf(pages=3)) == 3


def test_it_reads_the_pdfs_the_service_signs() -> None:
    assert vet_pdf(WARM_UP_PDF.read_bytes()) == 1


def test_what_does_not_start_as_a_pdf_is_not_a_pdf() -> None:
    with pytest.raises(ProofError) as refused:
        vet_pdf(files.png())
    assert refused.value.code == "not_a_pdf"


def test_a_file_larger_than_any_pdf_read_is_refused_unread() -> None:
    with pytest.raises(ProofError) as refused:
        vet_pdf(b"%PDF-1.7\n" + b"\0" * MAX_PDF_BYTES)
    assert refused.value.code == "pdf_too_large"


def test_a_page_content_that_inflates_beyond_the_budget_is_too_costly() -> None:
    with pytest.raises(ProofError) as refused:
        vet_pdf(files.page_content_stacked_flate_bomb())
    assert refused.value.code == "pdf_too_costly"
