"""Canonical encodings the signed formats share: strict base64url.

A verifier must refuse what it would not have produced, so decoding is as
narrow as encoding: no padding, no other alphabet, canonical trailing bits.
"""

from __future__ import annotations

import base64
import re

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url: no padding, no other alphabet, canonical trailing bits."""
    if len(text) % 4 == 1 or _BASE64URL.fullmatch(text) is None:
        raise ValueError("not canonical base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url(data) != text:
        raise ValueError("not canonical base64url")
    return data
