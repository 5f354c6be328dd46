"""The PDF sandbox warms pyHanko up with a signed PDF shipped in the package."""

from __future__ import annotations

import logging

import pytest

from verifier.verification.pdf.integrity import GENUINE, signature_state
from verifier.verification.pdf.proof import read_proof
from verifier.verification.pdf.sandbox import WARM_UP_PDF


def test_the_warm_up_pdf_carries_a_proof() -> None:
    assert read_proof(WARM_UP_PDF.read_bytes()).token == "warm.up.token"


def test_the_warm_up_pdf_is_signed_once_over_the_whole_file(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Its signer is a throw-away certificate: offline, the signer is not judged.
    with caplog.at_level(logging.CRITICAL):
        genuine, detail = signature_state(WARM_UP_PDF.read_bytes(), None)
    assert genuine and detail.startswith(GENUINE)
