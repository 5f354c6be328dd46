"""QR images of verification URLs, within the contract's budget (version 15, level M)."""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from verifier.errors import InvalidInput

MAX_VERSION = 15


def make_qr(url: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(url.encode())
    code.make(fit=True)
    if code.version > MAX_VERSION:
        raise InvalidInput("qr_over_budget", version=code.version, budget=MAX_VERSION)
    return code


def qr_png(url: str, box_size: int = 8) -> bytes:
    code = make_qr(url)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()
