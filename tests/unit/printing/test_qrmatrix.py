"""The printed QR symbol is an ISO/IEC 18004 encoding of the URL that qrcode and segno agree on
and zxing-cpp reads back, however qrmatrix builds it."""

from __future__ import annotations

import io

import pytest
import qrcode
import segno
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import MODE_8BIT_BYTE, QRData
from reportlab.pdfgen.canvas import Canvas

from verifier.errors import VerifierError
from verifier.printing import qrmatrix
from verifier.printing.qrdraw import draw_qr, qr_total_size
from verifier.printing.qrmatrix import MAX_VERSION

# What follows /v/ in a QR URL: base64url segments and dots.
TOKEN_TEXT = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.",
    min_size=1,
    max_size=380,
)
MASKS = st.integers(min_value=0, max_value=7)


def qrcode_symbol(data: bytes, version: int, mask: int) -> list[str]:
    """qrcode's symbol (public API) for ``data`` in byte mode at level M, as row strings."""
    code = qrcode.QRCode(
        version=version, error_correction=ERROR_CORRECT_M, border=0, mask_pattern=mask
    )
    code.add_data(QRData(data, mode=MODE_8BIT_BYTE))  # byte mode even for digits
    code.make(fit=False)
    return ["".join("1" if cell else "0" for cell in row) for row in code.get_matrix()]


def qrcode_encodings(url: str) -> list[list[str]]:
    """All eight masked symbols qrcode makes for ``url`` in byte mode at level M."""
    data = url.encode()
    version = qrmatrix.version_for(len(data))
    return [qrcode_symbol(data, version, mask) for mask in range(8)]


def image_of(rows: list[str], scale: int = 4, quiet: int = 4) -> Image.Image:
    """The symbol as a black-on-white picture with its quiet zone, for zxing-cpp."""
    side = len(rows) + 2 * quiet
    picture = Image.new("L", (side, side), 255)
    for r, row in enumerate(rows):
        for c, module in enumerate(row):
            if module == "1":
                picture.putpixel((c + quiet, r + quiet), 0)
    return picture.resize((side * scale, side * scale), Image.Resampling.NEAREST)


def full_capacity(version: int) -> int:
    """The most bytes a version holds at level M in byte mode."""
    capacity = sum(data for data, _ in qrmatrix._blocks(version))
    return capacity - (2 if version < 10 else 3)  # mode nibble + count, rounded up to bytes


@settings(max_examples=40, deadline=None)
@given(data=st.binary(min_size=0, max_size=412))
def test_codewords_are_those_in_qrcodes_symbol(data: bytes) -> None:
    # qrcode does not publish its codewords: read them out of its mask-0 symbol.
    version = qrmatrix.version_for(len(data))
    symbol = qrcode_symbol(data, version, 0)
    ours = qrmatrix.codewords(data, version)
    bits = "".join(
        str(int(symbol[r][c]) ^ ((r + c) % 2 == 0)) for r, c in qrmatrix.data_order(version)
    )
    theirs = [int(bits[i : i + 8], 2) for i in range(0, 8 * len(ours), 8)]
    assert ours == theirs


@settings(max_examples=40, deadline=None)
@given(data=st.binary(min_size=0, max_size=700))
def test_the_version_is_the_smallest_that_qrcode_fits_the_bytes_in(data: bytes) -> None:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M)
    code.add_data(QRData(data, mode=MODE_8BIT_BYTE))
    code.make(fit=True)
    assert qrmatrix.version_for(len(data)) == code.version


@settings(max_examples=40, deadline=None)
@given(data=st.binary(min_size=0, max_size=412), mask=MASKS)
def test_each_masked_symbol_is_qrcodes_with_that_mask(data: bytes, mask: int) -> None:
    version = qrmatrix.version_for(len(data))
    assert qrmatrix.symbols(data, version)[mask] == qrcode_symbol(data, version, mask)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), version=st.integers(min_value=1, max_value=MAX_VERSION), mask=MASKS)
def test_each_masked_symbol_is_segnos_at_full_capacity(
    data: st.DataObject, version: int, mask: int
) -> None:
    # Full symbols only: segno 1.6 adds a zero byte after a terminator that ends on a
    # codeword boundary (always, in byte mode) where ISO and qrcode go straight to the
    # 0xEC 0x11 padding, so shorter data gives a different, equally readable symbol.
    length = full_capacity(version)
    payload = data.draw(st.binary(min_size=length, max_size=length))
    reference = segno.make(
        payload, version=version, error="m", mask=mask, mode="byte", boost_error=False
    )
    rows = ["".join(str(module) for module in row) for row in reference.matrix]
    assert qrmatrix.symbols(payload, version)[mask] == rows


@settings(max_examples=25, deadline=None)
@given(token=TOKEN_TEXT)
def test_the_chosen_symbol_is_one_of_qrcodes_eight_masked_encodings(token: str) -> None:
    url = "https://verify.example.uz/v/" + token
    assert qrmatrix.qr_row_strings(url) in qrcode_encodings(url)


@settings(max_examples=15, deadline=None)
@given(token=TOKEN_TEXT)
def test_zxing_reads_the_symbol_back_to_the_url_bytes(token: str) -> None:
    url = "https://verify.example.uz/v/" + token
    results = zxingcpp.read_barcodes(image_of(qrmatrix.qr_row_strings(url)))
    assert [result.bytes for result in results] == [url.encode()]


def test_a_realistic_token_url_fits_the_budget_and_matches_qrcode() -> None:
    url = "https://verify.example.uz/v/" + "eyJhbGciOiJFZDI1NTE5In0." + "Qk" * 150 + ".sig"
    matrix = qrmatrix.qr_matrix(url)
    assert len(matrix) <= MAX_VERSION * 4 + 17
    assert qrmatrix.qr_row_strings(url) in qrcode_encodings(url)


def test_a_version_beyond_the_budget_is_refused() -> None:
    with pytest.raises(VerifierError, match="not supported"):
        qrmatrix.symbols(b"", MAX_VERSION + 1)


def test_a_url_beyond_the_budget_is_refused() -> None:
    with pytest.raises(VerifierError, match="budget"):
        qrmatrix.qr_row_strings("https://verify.example.uz/v/" + "A" * 400)


@pytest.mark.parametrize("length", [20, 150, 300, 380])
def test_the_size_a_layout_reserves_is_the_size_drawn(length: int) -> None:
    url = "https://diplom.example.uz/r/" + "a" * length
    placed = draw_qr(Canvas(io.BytesIO()), url, 0, 0, 32)
    assert qr_total_size(url, 32) == pytest.approx(placed.size)
