"""The Ed25519 key ring: generate, load, rotate, compromise, publish as JWKS.

Private keys live only on disk (``VERIFIER_KEYS_DIR``, PKCS#8 PEM, encrypted
when a passphrase is set). The database holds each key's public half and life
cycle, which is what verification and the published JWKS are built from.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from joserfc.jwk import OKPKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from verifier.audit import events
from verifier.audit.events import NewEvent
from verifier.db.models import SigningKey
from verifier.errors import SigningKeyError, UnknownKey
from verifier.vocabulary import KeyStatus

if TYPE_CHECKING:
    from verifier.printing.pades import DocumentCertificates

ALGORITHM = "Ed25519"
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


def raw_public_bytes(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def kid_for(public_key: Ed25519PublicKey) -> str:
    """First 8 bytes of the RFC 7638 JWK thumbprint, base64url (11 characters)."""
    thumbprint = b64url_decode(OKPKey.import_key(public_key).thumbprint())
    return b64url(thumbprint[:8])


@dataclass(frozen=True)
class PublicKey:
    """A verification key and its life cycle, as published."""

    kid: str
    key: Ed25519PublicKey
    status: KeyStatus
    valid_from: dt.datetime
    valid_until: dt.datetime | None = None
    compromised_at: dt.datetime | None = None
    jwk: OKPKey = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Imported once here, not per verification: this sits on the hot path.
        object.__setattr__(self, "jwk", OKPKey.import_key(self.key))
        if kid_for(self.key) != self.kid:
            raise SigningKeyError("key_kid_mismatch", kid=self.kid)
        if (self.status is KeyStatus.COMPROMISED) != (self.compromised_at is not None):
            raise SigningKeyError("key_compromise_without_time", kid=self.kid)

    def to_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64url(raw_public_bytes(self.key)),
            "kid": self.kid,
            "alg": ALGORITHM,
            "use": "sig",
            "status": self.status.value,
            "valid_from": _iso(self.valid_from),
            "valid_until": _iso(self.valid_until) if self.valid_until else None,
        }
        if self.compromised_at is not None:
            jwk["compromised_at"] = _iso(self.compromised_at)
        return jwk


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _parse_time(value: object, what: str) -> dt.datetime:
    if not isinstance(value, str):
        raise SigningKeyError("jwks_time_not_text", what=what)
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise SigningKeyError("jwks_time_malformed", what=what, value=repr(value)) from exc
    if moment.tzinfo is None:
        raise SigningKeyError("jwks_time_without_zone", what=what, value=repr(value))
    return moment


class KeyRing:
    """Verification keys by ``kid``; built from the registry or from a JWKS file."""

    def __init__(self, keys: Iterable[PublicKey]) -> None:
        self._keys: dict[str, PublicKey] = {}
        for key in keys:
            # Which of two keys would a kid name? No verifier should have to guess
            # (docs/token-format.md §5.1), so such a set is refused whole.
            if key.kid in self._keys:
                raise SigningKeyError("jwks_duplicate_kid", kid=repr(key.kid))
            self._keys[key.kid] = key

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Any:
        return iter(self._keys.values())

    def get(self, kid: str) -> PublicKey:
        try:
            return self._keys[kid]
        except KeyError:
            raise UnknownKey("unknown_key", kid=repr(kid)) from None

    def to_jwks(self) -> dict[str, Any]:
        return {"keys": [key.to_jwk() for key in sorted(self, key=lambda k: k.valid_from)]}

    @classmethod
    def from_registry(cls, session: Session) -> KeyRing:
        rows = session.scalars(select(SigningKey).order_by(SigningKey.created_at))
        return cls(_public_key_from_row(row) for row in rows)

    @classmethod
    def from_jwks(cls, document: Mapping[str, Any]) -> KeyRing:
        keys = document.get("keys")
        if not isinstance(keys, list):
            raise SigningKeyError("jwks_not_a_key_set")
        ring = []
        for entry in keys:
            if (
                not isinstance(entry, dict)
                or entry.get("kty") != "OKP"
                or entry.get("crv") != "Ed25519"
            ):
                continue  # other key types may share a JWKS; they never verify our tokens
            try:
                public = Ed25519PublicKey.from_public_bytes(b64url_decode(str(entry.get("x", ""))))
            except ValueError as exc:
                raise SigningKeyError("jwks_malformed_x", kid=repr(entry.get("kid"))) from exc
            # No status: a plain RFC 7517 key, trusted as active. A status this code
            # does not know (a later addition) is not trusted: the key is left out,
            # so its tokens are "unknown key" (§5.2).
            try:
                status = KeyStatus(entry.get("status", KeyStatus.ACTIVE.value))
            except ValueError:
                continue
            ring.append(
                PublicKey(
                    kid=str(entry.get("kid")),
                    key=public,
                    status=status,
                    valid_from=_parse_time(
                        entry.get("valid_from", "1970-01-01T00:00:00Z"), "valid_from"
                    ),
                    valid_until=(
                        _parse_time(entry["valid_until"], "valid_until")
                        if entry.get("valid_until")
                        else None
                    ),
                    compromised_at=(
                        _parse_time(entry["compromised_at"], "compromised_at")
                        if entry.get("compromised_at")
                        else None
                    ),
                )
            )
        return cls(ring)

    @classmethod
    def from_jwks_file(cls, path: Path) -> KeyRing:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SigningKeyError("jwks_unreadable", path=str(path), detail=str(exc)) from exc
        if not isinstance(document, dict):
            raise SigningKeyError("jwks_not_object", path=str(path))
        return cls.from_jwks(document)


def _public_key_from_row(row: SigningKey) -> PublicKey:
    return PublicKey(
        kid=row.kid,
        key=Ed25519PublicKey.from_public_bytes(b64url_decode(row.public_key)),
        status=KeyStatus(row.status),
        valid_from=row.created_at,
        valid_until=row.retired_at or row.compromised_at,
        compromised_at=row.compromised_at,
    )


class Signer:
    """The active private key; the only object that can make signatures."""

    def __init__(self, kid: str, private_key: Ed25519PrivateKey) -> None:
        self.kid = kid
        self._private_key = private_key

    def sign(self, message: bytes) -> bytes:
        """The Ed25519 signature of ``message``."""
        return self._private_key.sign(message)

    def __repr__(self) -> str:
        return f"Signer(kid={self.kid!r})"


class KeyStore:
    """Private keys on disk, one PEM file per ``kid``."""

    def __init__(self, directory: Path, passphrase: bytes | None = None) -> None:
        self.directory = directory
        self._passphrase = passphrase

    def path_for(self, kid: str) -> Path:
        return self.directory / f"{kid}.pem"

    @property
    def certificates(self) -> DocumentCertificates:
        """The PDF document-signing certificates kept beside the token keys."""
        from verifier.printing.pades import DocumentCertificates

        return DocumentCertificates(self.directory, self._passphrase)

    def write(self, private_key: Ed25519PrivateKey) -> str:
        kid = kid_for(private_key.public_key())
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(self._passphrase)
            if self._passphrase
            else serialization.NoEncryption()
        )
        pem = private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.path_for(kid)
        # Created 0600 from the start: the key is never readable by others, even briefly.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        return kid

    def load(self, kid: str) -> Signer:
        path = self.path_for(kid)
        try:
            pem = path.read_bytes()
        except FileNotFoundError:
            raise SigningKeyError("private_key_missing", kid=kid, path=str(path)) from None
        try:
            private_key = serialization.load_pem_private_key(pem, password=self._passphrase)
        except (TypeError, ValueError) as exc:
            raise SigningKeyError("private_key_unreadable", path=str(path)) from exc
        if not isinstance(private_key, Ed25519PrivateKey):
            raise SigningKeyError("private_key_not_ed25519", path=str(path))
        if kid_for(private_key.public_key()) != kid:
            raise SigningKeyError("private_key_other", path=str(path), kid=kid)
        return Signer(kid, private_key)


def active_key(session: Session) -> SigningKey | None:
    return session.scalars(select(SigningKey).where(SigningKey.status == KeyStatus.ACTIVE)).first()


def load_signer(session: Session, store: KeyStore) -> Signer:
    row = active_key(session)
    if row is None:
        raise SigningKeyError("no_active_key")
    return store.load(row.kid)


def create_key(
    session: Session, store: KeyStore, *, actor: str, kind: str = events.KEY_CREATED
) -> str:
    """Generate a key, write its private half to disk and record it as the active key."""
    if active_key(session) is not None:
        raise SigningKeyError("active_key_exists")
    private_key = Ed25519PrivateKey.generate()
    kid = store.write(private_key)
    now = dt.datetime.now(dt.UTC)
    # The PDF signing certificate is made with the key so they rotate together.
    certificate = store.certificates.create(kid, now=now)
    session.add(
        SigningKey(
            kid=kid,
            public_key=b64url(raw_public_bytes(private_key.public_key())),
            status=KeyStatus.ACTIVE.value,
            created_at=now,
        )
    )
    session.flush()
    payload = {"kid": kid, "pdf_certificate_sha256": _fingerprint(certificate)}
    events.append(session, [NewEvent(kind, kid, payload)], actor=actor, at=now)
    return kid


def _fingerprint(certificate: Any) -> str:
    from verifier.printing.pades import fingerprint

    return fingerprint(certificate)


def ensure_pdf_certificate(session: Session, store: KeyStore, *, actor: str) -> str | None:
    """Give the active key its PDF signing certificate if it has none (keys made before PDFs).

    Returns the new certificate's SHA-256 fingerprint, or None if it existed.
    """
    row = active_key(session)
    if row is None or store.certificates.exists(row.kid):
        return None
    certificate = store.certificates.create(row.kid)
    digest = _fingerprint(certificate)
    events.append(
        session,
        [NewEvent(events.PDF_CERTIFICATE_CREATED, row.kid, {"kid": row.kid, "sha256": digest})],
        actor=actor,
    )
    return digest


def ensure_key(session: Session, store: KeyStore, *, actor: str) -> str | None:
    """Create the first key if there is no active one; return its kid, or None if one existed."""
    if active_key(session) is not None:
        return None
    return create_key(session, store, actor=actor)


def rotate(session: Session, store: KeyStore, *, actor: str) -> str:
    """Retire the active key (it keeps verifying) and make a new one active."""
    current = active_key(session)
    if current is not None:
        current.status = KeyStatus.RETIRED.value
        current.retired_at = dt.datetime.now(dt.UTC)
        session.flush()
    return create_key(session, store, actor=actor, kind=events.KEY_ROTATED)


def compromise(
    session: Session, store: KeyStore, kid: str, *, at: dt.datetime, actor: str
) -> str | None:
    """Mark a key compromised from ``at``; returns the new active kid if it was the active one."""
    row = session.scalars(select(SigningKey).where(SigningKey.kid == kid)).first()
    if row is None:
        raise UnknownKey("unknown_key", kid=repr(kid))
    if row.status == KeyStatus.COMPROMISED:
        raise SigningKeyError("key_already_compromised", kid=kid)
    if at.tzinfo is None:
        raise SigningKeyError("compromise_time_without_zone")
    was_active = row.status == KeyStatus.ACTIVE
    row.status = KeyStatus.COMPROMISED.value
    row.compromised_at = at
    session.flush()
    events.append(
        session, [NewEvent(events.KEY_COMPROMISED, kid, {"kid": kid, "at": _iso(at)})], actor=actor
    )
    return create_key(session, store, actor=actor, kind=events.KEY_ROTATED) if was_active else None
