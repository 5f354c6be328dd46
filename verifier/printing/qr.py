"""QR images (PNG) of verification URLs, within the contract's budget.

The budget (QR version 15 at level M) is checked once, by the encoder the
printed codes use (:func:`verifier.printing.qrmatrix.budget_version`); the PNG is
drawn by qrcode at that version.
"""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from verifier.printing.qrmatrix import budget_version


def make_qr(url: str) -> qrcode.QRCode:
    data = url.encode()
    code = qrcode.QRCode(version=budget_version(data), error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=False)
    return code


def qr_png(url: str, box_size: int = 8) -> bytes:
    code = make_qr(url)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()
