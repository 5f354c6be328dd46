"""The printed QR symbol is one of qrcode's own encodings of the URL, however it is built."""

from __future__ import annotations

import qrcode
from hypothesis import given, settings
from hypothesis import strategies as st
from qrcode import util
from qrcode.constants import ERROR_CORRECT_M

from verifier.pdf import qrmatrix
from verifier.qr import MAX_VERSION

# What follows /v/ in a QR URL: base64url segments and dots.
TOKEN_TEXT = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.",
    min_size=1,
    max_size=380,
)


def qrcode_encodings(url: str) -> list[list[list[bool]]]:
    """All eight masked symbols qrcode makes for ``url`` in byte mode at level M."""
    candidates = []
    for pattern in range(8):
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=pattern)
        code.add_data(url.encode(), optimize=0)
        code.make(fit=True)
        candidates.append([list(row) for row in code.modules])
    return candidates


@settings(max_examples=40, deadline=None)
@given(data=st.binary(min_size=0, max_size=412))
def test_codewords_are_those_qrcode_computes(data: bytes) -> None:
    version = qrmatrix.version_for(len(data))
    reference = util.create_data(
        version, ERROR_CORRECT_M, [util.QRData(data, mode=util.MODE_8BIT_BYTE)]
    )
    assert qrmatrix.codewords(data, version) == reference


@settings(max_examples=40, deadline=None)
@given(data=st.binary(min_size=0, max_size=700))
def test_the_version_is_the_smallest_that_qrcode_fits_the_bytes_in(data: bytes) -> None:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M)
    code.add_data(util.QRData(data, mode=util.MODE_8BIT_BYTE))
    code.make(fit=True)
    assert qrmatrix.version_for(len(data)) == code.version


@settings(max_examples=25, deadline=None)
@given(token=TOKEN_TEXT)
def test_the_symbol_is_one_of_qrcodes_eight_masked_encodings(token: str) -> None:
    url = "https://verify.example.uz/v/" + token
    assert qrmatrix.qr_matrix(url) in qrcode_encodings(url)


def test_a_realistic_token_url_fits_the_budget_and_matches_qrcode() -> None:
    url = "https://verify.example.uz/v/" + "eyJhbGciOiJFZDI1NTE5In0." + "Qk" * 150 + ".sig"
    matrix = qrmatrix.qr_matrix(url)
    assert len(matrix) <= MAX_VERSION * 4 + 17
    assert matrix in qrcode_encodings(url)
