"""Claims <-> compact JWS token, strict verification, and the QR URL.

Two kinds of token share one profile: a document's (types D, T, C: what is
printed on the paper) and an official report's or letter's (type R: which
report, about which document, what it said, when, and until when).

The token is what makes paper verifiable offline and forever, so parsing is
deliberately narrow: size limits before any decoding, canonical base64url only,
a closed set of header members and claims, no duplicate JSON keys. Anything
unexpected raises; nothing here ever returns "not valid" as a value.
See docs/token-format.md for the specification this module implements.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit

from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning

from verifier.errors import BadSignature, MalformedToken, UnsupportedToken
from verifier.signing.encoding import b64url, b64url_decode
from verifier.signing.keys import KeyRing, PublicKey, Signer
from verifier.vocabulary import DocumentType

FORMAT_VERSION = 1
ACCEPTED_ALGORITHMS = ("Ed25519", "EdDSA")  # EdDSA: the pre-RFC 9864 name, same algorithm
# joserfc's algorithm objects verify; keys.Signer signs. The compact serialisation
# around them is ours: the strict parser below already splits and decodes a
# token, and joserfc's parsing it a second time cost a fifth of a QR landing page.
# "EdDSA" draws joserfc's deprecation warning; the contract accepts it on purpose.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", SecurityWarning)
    _ALGORITHMS = {
        alg: jws.JWSRegistry(algorithms=[alg]).get_alg(alg) for alg in ACCEPTED_ALGORITHMS
    }
# Made once: json.dumps with options builds an encoder per call.
_COMPACT_UTF8 = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
MAX_TOKEN_LENGTH = 1024
MAX_HEADER_BYTES = 128
MAX_PAYLOAD_BYTES = 768
# Byte-mode capacity of a version 15 QR code at error correction M (ISO/IEC 18004 table 7);
# tests check it against the qrcode library.
QR_MAX_BYTES = 412
QR_PATH = "/v/"
REPORT_PATH = "/r/"  # a report's or letter's QR: {BASE_URL}/r/{token} (token-format.md §13)
REPORT_TYPE = "R"

_TYPE_CODES = {
    DocumentType.DIPLOMA: "D",
    DocumentType.TRANSCRIPT: "T",
    DocumentType.CERTIFICATE: "C",
}
_TYPES_BY_CODE = {code: kind for kind, code in _TYPE_CODES.items()}
# ASCII digits only (re's \d also matches other scripts' digits), see token-format.md §3.4.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER = re.compile(r"[A-Z]{1,4}[0-9]{1,12}")
_INSTITUTION = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,15}")
_REPORT_NUMBER = re.compile(r"[A-Z]{1,4}-[0-9]{4}-[0-9]{1,12}")
# RFC 3339 in UTC to the second, one spelling only (§3.4, *time*).
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
# What a report may say of its document: the look-up's status words that name
# one (and not_found, which only a staff member's letter states).
REPORT_STATUSES = ("valid", "revoked", "superseded", "expired", "not_found")
MAX_TEXT_LENGTH = 300  # code points
# Unicode White_Space, written out: str.strip() and JavaScript's trim() each use
# a set of their own, and two verifiers must reject the same texts (§3.4).
WHITE_SPACE = (
    "\u0009\u000a\u000b\u000c\u000d\u0020\u0085\u00a0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
# C0 controls, DEL, C1 controls, and UTF-16 surrogates (JSON's \u escapes can
# spell a lone one; it is no character and UTF-8 cannot carry it).
_FORBIDDEN_IN_TEXT = re.compile("[\u0000-\u001f\u007f-\u009f\ud800-\udfff]")
# Surrounding white space a reader strips from a pasted token or URL: ASCII
# only, the same in every language (§1).
_TARGET_SPACE = " \t\n\v\f\r"

# Positional layout per type (docs/token-format.md, section 3.3). A JSON array
# rather than an object: member names would cost ~40 of the 412 bytes a
# version-15 QR code holds, and realistic Uzbek records need that room.
_COMMON = ("v", "t", "no", "sn", "gn", "pn", "bd", "in", "d")
_LAYOUT = {
    DocumentType.DIPLOMA: (*_COMMON, "pc", "q"),
    DocumentType.TRANSCRIPT: (*_COMMON, "dn", "gd"),
    DocumentType.CERTIFICATE: (*_COMMON, "cn", "h"),
}
_REPORT_LAYOUT = ("v", "t", "rn", "no", "st", "ca", "ex")


@dataclass(frozen=True)
class Claims:
    """What a person compares with the paper; the signed content of a token."""

    type: DocumentType
    number: str
    surname: str
    given_name: str
    birth_date: dt.date
    institution: str
    issue_date: dt.date
    patronymic: str | None = None
    program_code: str | None = None
    qualification: str | None = None
    diploma_number: str | None = None
    grades_digest: str | None = None
    course_name: str | None = None
    hours: int | None = None

    def __post_init__(self) -> None:
        # Fields outside the type's layout would silently vanish from the token.
        for claim, name in _OUTSIDE_LAYOUT[self.type]:
            if getattr(self, name) is not None:
                raise ValueError(f"a {self.type.value} token has no claim {claim!r}")

    def _named(self) -> dict[str, Any]:
        return {
            "v": FORMAT_VERSION,
            "t": _TYPE_CODES[self.type],
            "no": self.number,
            "sn": self.surname,
            "gn": self.given_name,
            "pn": self.patronymic,
            "bd": self.birth_date.isoformat(),
            "in": self.institution,
            "d": self.issue_date.isoformat(),
            "pc": self.program_code,
            "q": self.qualification,
            "dn": self.diploma_number,
            "gd": self.grades_digest,
            "cn": self.course_name,
            "h": self.hours,
        }

    def named(self) -> dict[str, Any]:
        """The claims under their names in docs/token-format.md §3.3, in layout order."""
        named = self._named()
        return {claim: named[claim] for claim in _LAYOUT[self.type]}

    def to_payload(self) -> list[Any]:
        named = self._named()
        return [named[claim] for claim in _LAYOUT[self.type]]

    def to_json(self) -> bytes:
        return self._json

    @functools.cached_property
    def _json(self) -> bytes:
        # Kept: an import measures it against the QR budget, then signs it.
        # Compact and UTF-8 (not \u escapes): every byte counts in the QR budget.
        return _COMPACT_UTF8.encode(self.to_payload()).encode()

    @classmethod
    def from_payload(cls, payload: object) -> Claims:
        """Strictly validate a decoded claim array (exact length and types per position)."""
        claims = claims_from_payload(payload)
        if isinstance(claims, ReportClaims):
            raise ReportNotDocument()
        return claims

    @classmethod
    def _from_list(cls, kind: DocumentType, payload: list[Any]) -> Claims:
        layout = _LAYOUT[kind]
        if len(payload) != len(layout):
            raise MalformedToken(
                "token_claim_count", type=kind.value, expected=len(layout), count=len(payload)
            )
        named = dict(zip(layout, payload, strict=True))
        hours = named.get("h")
        if "h" in named and (type(hours) is not int or not 0 < hours < 100_000):
            raise MalformedToken("token_hours")
        return cls(
            type=kind,
            number=_number(named["no"], "no"),
            surname=_text(named["sn"], "sn"),
            given_name=_text(named["gn"], "gn"),
            patronymic=_optional_text(named["pn"], "pn"),
            birth_date=_date(named["bd"], "bd"),
            institution=_institution(named["in"]),
            issue_date=_date(named["d"], "d"),
            program_code=_text(named["pc"], "pc") if "pc" in named else None,
            qualification=_text(named["q"], "q") if "q" in named else None,
            diploma_number=_number(named["dn"], "dn") if "dn" in named else None,
            grades_digest=_digest(named["gd"]) if "gd" in named else None,
            course_name=_text(named["cn"], "cn") if "cn" in named else None,
            hours=hours,
        )

    def differences(self, other: Claims) -> list[str]:
        """Names of the fields where two claim sets disagree."""
        if self == other:  # a genuine token: one tuple comparison
            return []
        return [name for name in _CLAIM_FIELDS if getattr(self, name) != getattr(other, name)]


_CLAIM_FIELDS = tuple(f.name for f in fields(Claims))


def _type_code(payload: object) -> str:
    """§3.1 and §3.2: the version, then the type code of a decoded claim array."""
    if not isinstance(payload, list) or not payload:
        raise MalformedToken("token_claims_not_array")
    # bool is a subclass of int; JSON true is not the integer 1 (§3.4).
    if type(payload[0]) is not int:
        raise MalformedToken("token_version_not_integer")
    if payload[0] != FORMAT_VERSION:
        raise UnsupportedToken("token_version_unsupported", version=payload[0])
    if len(payload) < 2 or not isinstance(payload[1], str):
        raise MalformedToken("token_type_not_text")
    code = payload[1]
    if code != REPORT_TYPE and code not in _TYPES_BY_CODE:
        # A later addition to version 1 (§3.2): say so rather than "forged".
        raise UnsupportedToken("token_type_unsupported", type=repr(code))
    return code


def claims_from_payload(payload: object) -> Claims | ReportClaims:
    """Strictly validate a decoded claim array of any type: a document's or a report's."""
    code = _type_code(payload)
    assert isinstance(payload, list)
    if code == REPORT_TYPE:
        return ReportClaims._from_list(payload)
    return Claims._from_list(_TYPES_BY_CODE[code], payload)


@dataclass(frozen=True)
class ReportClaims:
    """What an official report or letter signs (type ``R``, docs/token-format.md §13).

    Which report, about which document, what the registry answered then, when,
    and until when the report may be relied on. Nothing personal: the re-check
    (``GET /r/<token>``) reads the registry now, and the report's paper shows
    the rest.
    """

    number: str  # the report's or letter's number, e.g. VR-2026-00001234
    document_number: str  # canonical, e.g. KT2400101
    status: str  # one of REPORT_STATUSES: the document's status at checked_at
    checked_at: dt.datetime  # UTC, whole seconds
    expires: dt.datetime  # UTC, whole seconds

    def __post_init__(self) -> None:
        # Values the token cannot carry would be signed as something else.
        _report_number(self.number)
        _number(self.document_number, "no")
        _status(self.status)
        for moment in (self.checked_at, self.expires):
            if moment.utcoffset() != dt.timedelta(0) or moment.microsecond:
                raise ValueError("report times are UTC, in whole seconds")

    def named(self) -> dict[str, Any]:
        """The claims under their names in docs/token-format.md §3.3, in layout order."""
        return dict(zip(_REPORT_LAYOUT, self.to_payload(), strict=True))

    def to_payload(self) -> list[Any]:
        return [
            FORMAT_VERSION,
            REPORT_TYPE,
            self.number,
            self.document_number,
            self.status,
            _time_text(self.checked_at),
            _time_text(self.expires),
        ]

    def to_json(self) -> bytes:
        return _COMPACT_UTF8.encode(self.to_payload()).encode()

    def expired(self, now: dt.datetime) -> bool:
        """Whether the report's validity has ended at ``now`` (it ends at ``expires``)."""
        return now >= self.expires

    @classmethod
    def _from_list(cls, payload: list[Any]) -> ReportClaims:
        if len(payload) != len(_REPORT_LAYOUT):
            raise MalformedToken(
                "token_claim_count", type="report", expected=len(_REPORT_LAYOUT), count=len(payload)
            )
        _, _, number, document_number, status, checked_at, expires = payload
        return cls(
            number=_report_number(number),
            document_number=_number(document_number, "no"),
            status=_status(status),
            checked_at=_time(checked_at, "ca"),
            expires=_time(expires, "ex"),
        )


# The optional claims, by their field: each type's layout leaves some out, and
# a value there could not be signed. Checked in the order the layouts name them.
_OPTIONAL_CLAIMS = (
    ("pc", "program_code"),
    ("q", "qualification"),
    ("dn", "diploma_number"),
    ("gd", "grades_digest"),
    ("cn", "course_name"),
    ("h", "hours"),
)
_OUTSIDE_LAYOUT = {
    kind: tuple((claim, name) for claim, name in _OPTIONAL_CLAIMS if claim not in layout)
    for kind, layout in _LAYOUT.items()
}


def _text(value: object, name: str) -> str:
    if (
        not isinstance(value, str)
        or not value
        or len(value) > MAX_TEXT_LENGTH
        or value != value.strip(WHITE_SPACE)
        or _FORBIDDEN_IN_TEXT.search(value) is not None
    ):
        raise MalformedToken("token_claim_text", claim=name)
    return value


def _optional_text(value: object, name: str) -> str | None:
    return None if value is None else _text(value, name)


def _date(value: object, name: str) -> dt.date:
    if not isinstance(value, str) or _DATE.fullmatch(value) is None:
        raise MalformedToken("token_claim_date", claim=name)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise MalformedToken("token_claim_unreal_date", claim=name, value=value) from None


def _number(value: object, name: str) -> str:
    # Canonical form only: what normalise_number makes of a typed number (§3.4).
    if not isinstance(value, str) or _NUMBER.fullmatch(value) is None:
        raise MalformedToken("token_claim_number", claim=name)
    return value


def _report_number(value: object) -> str:
    if not isinstance(value, str) or _REPORT_NUMBER.fullmatch(value) is None:
        raise MalformedToken("token_claim_report_number")
    return value


def _status(value: object) -> str:
    if not isinstance(value, str) or value not in REPORT_STATUSES:
        raise MalformedToken("token_claim_report_status", choices=", ".join(REPORT_STATUSES))
    return value


def _time(value: object, name: str) -> dt.datetime:
    if not isinstance(value, str) or _TIME.fullmatch(value) is None:
        raise MalformedToken("token_claim_time", claim=name)
    try:
        return dt.datetime.fromisoformat(value[:-1]).replace(tzinfo=dt.UTC)
    except ValueError:
        raise MalformedToken("token_claim_unreal_time", claim=name, value=value) from None


def _time_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _institution(value: object) -> str:
    if not isinstance(value, str) or _INSTITUTION.fullmatch(value) is None:
        raise MalformedToken("token_claim_institution")
    return value


def _digest(value: object) -> str:
    # Canonical base64url of exactly 32 bytes: 43 characters whose last one
    # leaves its two unused bits zero, as the other base64url texts (§2.3).
    if isinstance(value, str):
        try:
            if len(b64url_decode(value)) == hashlib.sha256().digest_size:
                return value
        except ValueError:
            pass
    raise MalformedToken("token_claim_digest")


def grades_digest(courses: Sequence[tuple[str, int, str]]) -> str:
    """SHA-256 (base64url) of the canonical grade table ``[[name, hours, grade], ...]``."""
    table = [[name, hours, grade] for name, hours, grade in courses]
    encoded = _COMPACT_UTF8.encode(table).encode()
    return b64url(hashlib.sha256(encoded).digest())


@functools.lru_cache(maxsize=16)
def _header_segment(kid: str) -> str:
    return b64url(json.dumps({"alg": "Ed25519", "kid": kid}, separators=(",", ":")).encode())


def sign_payloads(payloads: Sequence[bytes], signer: Signer) -> list[str]:
    """Sign claim sets, given as their JSON (:meth:`Claims.to_json`), as compact JWS.

    The serialisation is assembled here, the header once per key, and the
    signature made by the signer's Ed25519 key: joserfc's general
    ``serialize_compact`` re-checks header and key on every call, which doubled
    the cost of a bulk import. (Signing on worker threads was measured too:
    Ed25519 releases the GIL, but the hand-offs ate the gain; an import signs
    on worker processes instead, see verifier.import_workers.)
    """
    header = _header_segment(signer.kid)
    tokens = []
    for payload in payloads:
        signing_input = f"{header}.{b64url(payload)}"
        signature = signer.sign(signing_input.encode())
        tokens.append(f"{signing_input}.{b64url(signature)}")
    return tokens


def sign(claims: Claims, signer: Signer) -> str:
    """Serialise and sign one claim set as a compact JWS."""
    return sign_payloads([claims.to_json()], signer)[0]


class ReportNotDocument(MalformedToken):
    """A genuine report's or letter's token given where a document's is expected."""

    def __init__(self) -> None:
        super().__init__("token_is_a_report")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), ())


class DocumentNotReport(MalformedToken):
    """A document's token given where a report's is expected."""

    def __init__(self) -> None:
        super().__init__("token_is_a_document")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), ())


@dataclass(frozen=True)
class VerifiedToken:
    """A document's token whose signature verified under ``key``; only :func:`verify` makes one."""

    token: str
    claims: Claims
    key: PublicKey
    algorithm: str


@dataclass(frozen=True)
class VerifiedReport:
    """A report's token whose signature verified; only :func:`verify_report` makes one."""

    token: str
    claims: ReportClaims
    key: PublicKey
    algorithm: str


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise MalformedToken("token_duplicate_member", name=repr(name))
        result[name] = value
    return result


def _reject_constant(name: str) -> None:
    raise MalformedToken("token_json_constant", name=name)


# What json.loads(text, object_pairs_hook=..., parse_constant=...) would build
# on every call; making the decoder and its scanner cost as much as decoding.
_DECODER = json.JSONDecoder(object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant)


def _json(data: bytes, what: str) -> object:
    try:
        value = _DECODER.decode(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise MalformedToken("token_part_not_json", part=what) from None
    return value


def _segment(text: str, what: str, limit: int) -> bytes:
    try:
        data = b64url_decode(text)
    except ValueError:
        raise MalformedToken("token_part_not_base64url", part=what) from None
    if len(data) > limit:
        raise MalformedToken("token_part_too_large", part=what)
    return data


def verify(token: str, keyring: KeyRing) -> VerifiedToken:
    """Strictly verify a document's compact JWS token; raise a :class:`TokenError` on any problem.

    A genuine report token raises :class:`ReportNotDocument`.
    """
    verified = verify_any(token, keyring)
    if isinstance(verified, VerifiedReport):
        raise ReportNotDocument()
    return verified


def verify_report(token: str, keyring: KeyRing) -> VerifiedReport:
    """Strictly verify a report's or letter's token (type ``R``); raise a :class:`TokenError`.

    A genuine document token raises :class:`DocumentNotReport`.
    """
    verified = verify_any(token, keyring)
    if isinstance(verified, VerifiedToken):
        raise DocumentNotReport()
    return verified


def verify_any(token: str, keyring: KeyRing) -> VerifiedToken | VerifiedReport:
    """Strictly verify a token of any type; raise a :class:`TokenError` on any problem."""
    if not isinstance(token, str) or not token:
        raise MalformedToken("token_empty")
    if len(token) > MAX_TOKEN_LENGTH:
        raise MalformedToken("token_too_long", length=len(token))
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise MalformedToken("token_parts")
    header = _json(_segment(parts[0], "header", MAX_HEADER_BYTES), "header")
    if not isinstance(header, dict):
        raise MalformedToken("token_header_not_object")
    payload_bytes = _segment(parts[1], "payload", MAX_PAYLOAD_BYTES)
    signature = _segment(parts[2], "signature", 64)
    if set(header) != {"alg", "kid"}:
        extra = sorted(set(header) - {"alg", "kid"})
        if extra:
            raise MalformedToken("token_header_extra", names=", ".join(extra))
        raise MalformedToken("token_header_members")
    algorithm = header["alg"]
    if algorithm not in ACCEPTED_ALGORITHMS:
        raise MalformedToken("token_algorithm", algorithm=repr(algorithm))
    if not isinstance(header["kid"], str):
        raise MalformedToken("token_kid_not_text")
    if len(signature) != 64:
        raise MalformedToken("token_signature_length")
    public = keyring.get(header["kid"])
    signing_input = token[: len(parts[0]) + 1 + len(parts[1])].encode("ascii")
    try:
        genuine = _ALGORITHMS[algorithm].verify(signing_input, signature, public.jwk)
    except JoseError:
        genuine = False
    if not genuine:
        raise BadSignature("token_bad_signature")
    claims = claims_from_payload(_json(payload_bytes, "payload"))
    if isinstance(claims, ReportClaims):
        return VerifiedReport(token=token, claims=claims, key=public, algorithm=algorithm)
    return VerifiedToken(token=token, claims=claims, key=public, algorithm=algorithm)


def qr_url(base_url: str, token: str) -> str:
    """The exact QR content: ``{base_url}/v/{token}``."""
    return f"{base_url.rstrip('/')}{QR_PATH}{token}"


def report_url(base_url: str, token: str) -> str:
    """The exact QR content of a report or letter: ``{base_url}/r/{token}``."""
    return f"{base_url.rstrip('/')}{REPORT_PATH}{token}"


def token_from_target(target: str) -> str:
    """A bare token, or the token in a QR URL (``…/v/<token>`` or ``…/r/<token>``)."""
    target = target.strip(_TARGET_SPACE)
    if len(target) > MAX_TOKEN_LENGTH + 512:
        raise MalformedToken("token_target_too_long")
    if target.startswith(("http://", "https://")):
        path = urlsplit(target).path
        # The text after the last /v/ or /r/, whichever comes later (§1).
        at = max(path.rfind(QR_PATH), path.rfind(REPORT_PATH))
        if at < 0:
            raise MalformedToken("token_not_a_link")
        return path[at + len(QR_PATH) :]
    return target


def declared_type(target: str) -> str | None:
    """The type code a token's payload declares, unverified, or None if none can be read.

    Only to choose which verification to run (a document's or a report's), each
    of which then verifies the token in full: never a verdict by itself.
    """
    try:
        parts = token_from_target(target).split(".")
        if len(parts) != 3 or len(parts[1]) > MAX_TOKEN_LENGTH:
            return None
        payload = _json(_segment(parts[1], "payload", MAX_PAYLOAD_BYTES), "payload")
    except MalformedToken:
        return None
    if isinstance(payload, list) and len(payload) > 1 and isinstance(payload[1], str):
        return payload[1]
    return None
