"""Ed25519 keys: the published key ring (JWKS) and the private keys on disk.

Private keys live only on disk (``VERIFIER_KEYS_DIR``, PKCS#8 PEM, encrypted
when a passphrase is set) and only a :class:`Signer` uses one. The registry
keeps each key's public half and life cycle (:mod:`verifier.keys.lifecycle`);
this module knows nothing of the registry, so a token verifies offline
against a JWKS file with nothing but this package.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from joserfc.jwk import OKPKey

from verifier.errors import SigningKeyError, UnknownKey
from verifier.signing.certificates import DocumentCertificates
from verifier.signing.encoding import b64url, b64url_decode
from verifier.vocabulary import KeyStatus

ALGORITHM = "Ed25519"


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
