#!/usr/bin/env python3
"""Reference offline verifier for docs/token-format.md (token format version 1).

One file, Python 3.11+ standard library plus the `cryptography` package; it
does not use the service's code. Copy it, keep a copy of the published JWKS
beside it, and a diploma's QR code can be checked with nothing else:

    python verify_token.py --jwks jwks.json 'https://…/v/eyJhbGciOi…'

It checks an official report's or letter's code (…/r/…, type R) the same way.
It prints {"status", "rule", "reason", "claims", "expired"} as JSON and exits 0
for "valid", 1 for "invalid", 3 for "unsupported" and 2 when it cannot run (a
bad JWKS file, wrong arguments). "expired" is null for a document and, for a
report, whether its validity has ended by this computer's clock (§13): shown
beside the verdict, never instead of it. Section numbers (§) refer to
docs/token-format.md.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

MAX_TARGET_LENGTH = 1536  # §1
MAX_TOKEN_LENGTH = 1024  # §2.1
MAX_HEADER_BYTES = 128
MAX_PAYLOAD_BYTES = 768
SIGNATURE_BYTES = 64
ALGORITHMS = ("Ed25519", "EdDSA")  # §2.5
TARGET_SPACE = " \t\n\v\f\r"  # §1
WHITE_SPACE = (  # §3.4: Unicode White_Space
    "\u0009\u000a\u000b\u000c\u000d\u0020\u0085\u00a0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
FORBIDDEN_IN_TEXT = re.compile("[\u0000-\u001f\u007f-\u009f\ud800-\udfff]")
MAX_TEXT_CODE_POINTS = 300
BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
NUMBER = re.compile(r"[A-Z]{1,4}[0-9]{1,12}")
INSTITUTION = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,15}")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
REPORT_NUMBER = re.compile(r"[A-Z]{1,4}-[0-9]{4}-[0-9]{1,12}")
TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
REPORT_STATUSES = ("valid", "revoked", "superseded", "expired", "not_found")
STATUSES = ("active", "retired", "compromised")  # §5.2

# §3.3: position -> (claim, kind) for each document type.
COMMON = (
    ("v", "version"),
    ("t", "type"),
    ("no", "number"),
    ("sn", "text"),
    ("gn", "text"),
    ("pn", "optional text"),
    ("bd", "date"),
    ("in", "institution"),
    ("d", "date"),
)
LAYOUTS = {
    "D": (*COMMON, ("pc", "text"), ("q", "text")),
    "T": (*COMMON, ("dn", "number"), ("gd", "digest")),
    "C": (*COMMON, ("cn", "text"), ("h", "hours")),
    # §13: an official report or letter.
    "R": (
        ("v", "version"),
        ("t", "type"),
        ("rn", "report number"),
        ("no", "number"),
        ("st", "status"),
        ("ca", "time"),
        ("ex", "time"),
    ),
}


class Rejected(Exception):
    """The token is not valid (or not supported); ``rule`` names the section."""

    def __init__(self, status: str, rule: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.rule = rule
        self.reason = reason


class JWKSError(Exception):
    """The key set itself is unusable (§5.1): no verdict can be given."""


@dataclass(frozen=True)
class Result:
    status: str  # "valid" | "invalid" | "unsupported"
    rule: str | None = None
    reason: str = ""
    claims: dict[str, Any] | None = None
    kid: str | None = None
    key_status: str | None = None
    expired: bool | None = None  # reports only (§13), by this computer's clock

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "rule": self.rule,
            "reason": self.reason,
            "kid": self.kid,
            "key_status": self.key_status,
            "claims": self.claims,
            "expired": self.expired,
        }


def invalid(rule: str, reason: str) -> Rejected:
    return Rejected("invalid", rule, reason)


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str, rule: str = "2.3") -> bytes:
    """§2.3: alphabet A-Z a-z 0-9 - _, no padding, unused trailing bits zero."""
    if len(text) % 4 == 1 or BASE64URL.fullmatch(text) is None:
        raise invalid(rule, "not canonical base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url_encode(data) != text:
        raise invalid(rule, "not canonical base64url (unused bits set)")
    return data


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:  # names arrive unescaped: "\u0061lg" is "alg" (§2.4)
        if name in result:
            raise invalid("2.4", f"duplicate JSON member {name!r}")
        result[name] = value
    return result


def _constant(name: str) -> None:
    raise invalid("2.4", f"JSON has no constant {name}")


def parse_json(data: bytes) -> Any:
    """§2.4: RFC 8259 JSON in strict UTF-8, one value, no duplicate names, no NaN."""
    try:
        text = data.decode("utf-8")  # a BOM stays U+FEFF and the parser refuses it
        return json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant).decode(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise invalid("2.4", "not valid JSON in UTF-8") from None


@dataclass(frozen=True)
class Key:
    kid: str
    public: Ed25519PublicKey
    status: str


def kid_of(x: str) -> str:
    """§5.1: first 8 bytes of the RFC 7638 SHA-256 thumbprint, base64url."""
    thumbprint_input = json.dumps(
        {"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"), sort_keys=True
    )
    return b64url_encode(hashlib.sha256(thumbprint_input.encode()).digest()[:8])


def load_jwks(document: Any) -> dict[str, Key]:
    """§5.1: the keys a token may name, by kid."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise JWKSError('a JWKS is a JSON object with a "keys" array')
    keys: dict[str, Key] = {}
    for entry in document["keys"]:
        if not isinstance(entry, dict) or entry.get("kty") != "OKP":
            continue
        if entry.get("crv") != "Ed25519":
            continue
        x = entry.get("x")
        kid = entry.get("kid")
        if not isinstance(x, str) or not isinstance(kid, str):
            raise JWKSError("an Ed25519 key needs the strings x and kid")
        try:
            raw = b64url_decode(x)
            public = Ed25519PublicKey.from_public_bytes(raw)
        except (Rejected, ValueError):
            raise JWKSError(f"key {kid!r}: x is not a 32-byte base64url key") from None
        if kid_of(x) != kid:
            raise JWKSError(f"key {kid!r}: kid is not the one its x gives ({kid_of(x)})")
        if kid in keys:
            raise JWKSError(f"two keys have the kid {kid!r}")
        status = entry.get("status", "active")
        if status not in STATUSES:
            continue  # §5.2: a status this verifier does not know is not trusted
        if status == "compromised" and not isinstance(entry.get("compromised_at"), str):
            raise JWKSError(f"key {kid!r}: compromised without compromised_at")
        keys[kid] = Key(kid, public, status)
    return keys


def token_from_target(target: str) -> str:
    """§1: a bare token, or the path text after the last /v/ or /r/ of an http(s) URL."""
    target = target.strip(TARGET_SPACE)
    if len(target) > MAX_TARGET_LENGTH:
        raise invalid("1", "token or URL is too long")
    if target.startswith(("http://", "https://")):
        path = urlsplit(target).path  # query and fragment dropped, nothing percent-decoded
        at = max(path.rfind("/v/"), path.rfind("/r/"))
        if at < 0:
            raise invalid("1", "URL is not a verification link (…/v/<token> or …/r/<token>)")
        return path[at + 3 :]
    return target


def check_text(value: Any, name: str) -> None:
    if (
        not isinstance(value, str)
        or not value
        or len(value) > MAX_TEXT_CODE_POINTS
        or value != value.strip(WHITE_SPACE)
        or FORBIDDEN_IN_TEXT.search(value) is not None
    ):
        raise invalid("3.4", f"claim {name} must be non-empty text")


def check_value(kind: str, value: Any, name: str) -> None:
    """§3.4: the rule for each kind of claim."""
    if kind == "text":
        check_text(value, name)
    elif kind == "optional text":
        if value is not None:
            check_text(value, name)
    elif kind == "number":
        if not isinstance(value, str) or NUMBER.fullmatch(value) is None:
            raise invalid("3.4", f"claim {name} must be a canonical document number")
    elif kind == "institution":
        if not isinstance(value, str) or INSTITUTION.fullmatch(value) is None:
            raise invalid("3.4", f"claim {name} must be an institution code")
    elif kind == "date":
        if not isinstance(value, str) or DATE.fullmatch(value) is None:
            raise invalid("3.4", f"claim {name} must be a date YYYY-MM-DD")
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise invalid("3.4", f"claim {name} is not a day of the calendar") from None
    elif kind == "digest":
        try:
            size = len(b64url_decode(value, "3.4")) if isinstance(value, str) else 0
        except Rejected:
            size = 0
        if size != 32:
            raise invalid("3.4", f"claim {name} must be 32 bytes in canonical base64url")
    elif kind == "hours":
        if type(value) is not int or not 1 <= value <= 99_999:
            raise invalid("3.4", f"claim {name} must be an integer 1-99999")
    elif kind == "report number":
        if not isinstance(value, str) or REPORT_NUMBER.fullmatch(value) is None:
            raise invalid("3.4", f"claim {name} must be a report number (VR-2026-00001234)")
    elif kind == "status":
        if not isinstance(value, str) or value not in REPORT_STATUSES:
            raise invalid("3.4", f"claim {name} must be one of {', '.join(REPORT_STATUSES)}")
    elif kind == "time":
        parse_time(value, name)
    else:  # pragma: no cover - the layouts name only the kinds above
        raise AssertionError(kind)


def parse_time(value: Any, name: str) -> dt.datetime:
    """§3.4 *time*: YYYY-MM-DDTHH:MM:SSZ, a real moment in UTC (no leap second)."""
    if not isinstance(value, str) or TIME.fullmatch(value) is None:
        raise invalid("3.4", f"claim {name} must be a UTC time YYYY-MM-DDTHH:MM:SSZ")
    try:
        return dt.datetime.fromisoformat(value[:-1]).replace(tzinfo=dt.UTC)
    except ValueError:
        raise invalid("3.4", f"claim {name} is not a moment of the calendar") from None


def check_payload(payload: Any) -> dict[str, Any]:
    """§3.1-§3.4: the positional claim array; returns the claims by name."""
    if not isinstance(payload, list) or not payload:
        raise invalid("3.1", "the payload must be a non-empty JSON array")
    if type(payload[0]) is not int:  # true, 1.0 and 1e0 are not integers
        raise invalid("3.1", "claim v must be an integer")
    if payload[0] != 1:
        raise Rejected("unsupported", "3.1", f"format version {payload[0]} is not version 1")
    if len(payload) < 2 or not isinstance(payload[1], str):
        raise invalid("3.2", "claim t must be text")
    layout = LAYOUTS.get(payload[1])
    if layout is None:
        raise Rejected("unsupported", "3.2", f"document type {payload[1]!r} is not known")
    if len(payload) != len(layout):
        raise invalid("3.3", f"type {payload[1]} has {len(layout)} claims, not {len(payload)}")
    claims = {}
    for (name, kind), value in zip(layout, payload, strict=True):
        if kind not in ("version", "type"):
            check_value(kind, value, name)
        claims[name] = value
    return claims


def verify(target: str, keys: dict[str, Key]) -> Result:
    """§6: the verdict for a token or QR URL against the keys of :func:`load_jwks`."""
    try:
        return _verify(token_from_target(target), keys)
    except Rejected as rejected:
        return Result(rejected.status, rejected.rule, rejected.reason)


def _verify(token: str, keys: dict[str, Key]) -> Result:
    if len(token) > MAX_TOKEN_LENGTH:
        raise invalid("2.1", f"the token has {len(token)} characters, more than 1024")
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise invalid("2.2", "a token is three non-empty parts separated by two dots")
    header_bytes, payload_bytes, signature = (b64url_decode(part) for part in parts)
    if len(header_bytes) > MAX_HEADER_BYTES or len(payload_bytes) > MAX_PAYLOAD_BYTES:
        raise invalid("2.1", "header or payload is too large")
    if len(signature) != SIGNATURE_BYTES:
        raise invalid("2.1", "an Ed25519 signature is 64 bytes")
    header = parse_json(header_bytes)
    if not isinstance(header, dict) or set(header) != {"alg", "kid"}:
        raise invalid("2.5", "the header must have exactly the members alg and kid")
    if header["alg"] not in ALGORITHMS or not isinstance(header["kid"], str):
        raise invalid("2.5", "alg must be Ed25519 or EdDSA, kid a string")
    key = keys.get(header["kid"])
    if key is None:
        raise invalid("4.1", f"no published key has the kid {header['kid']!r}")
    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
    try:
        key.public.verify(signature, signing_input)
    except InvalidSignature:
        raise invalid("4.2", "the signature does not verify") from None
    claims = check_payload(parse_json(payload_bytes))
    if key.status == "compromised":
        raise invalid("5.2", f"key {key.kid} is compromised: offline its signature proves nothing")
    expired = None
    if claims["t"] == "R":  # §13: a report's validity, by this computer's clock
        expired = dt.datetime.now(dt.UTC) >= parse_time(claims["ex"], "ex")
    return Result("valid", None, "valid as signed", claims, key.kid, key.status, expired)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jwks", required=True, help="the published JWKS, as a file")
    parser.add_argument("target", help="a token or the QR code's URL")
    arguments = parser.parse_args(argv)
    try:
        with open(arguments.jwks, encoding="utf-8") as handle:
            keys = load_jwks(json.load(handle))
    except (OSError, ValueError, JWKSError) as exc:
        print(f"error: cannot use the JWKS: {exc}", file=sys.stderr)
        return 2
    result = verify(arguments.target, keys)
    print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    return {"valid": 0, "invalid": 1, "unsupported": 3}[result.status]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
