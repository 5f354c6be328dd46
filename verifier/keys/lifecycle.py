"""The signing keys' life cycle in the registry: create, rotate, compromise, publish.

A key's private half is on disk (:class:`~verifier.signing.keys.KeyStore`); its
public half, status and validity are rows of ``signing_keys``, from which the
published key ring (JWKS) is built. Every change is an event. Each token key
has a PDF document-signing certificate made with it, so they rotate together.
"""

from __future__ import annotations

import datetime as dt

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from verifier.audit import events
from verifier.audit.events import EventKind
from verifier.db.models import SigningKey
from verifier.errors import SigningKeyError, UnknownKey
from verifier.signing.certificates import DocumentSigningKey, fingerprint
from verifier.signing.encoding import b64url, b64url_decode
from verifier.signing.keys import KeyRing, KeyStore, PublicKey, Signer, raw_public_bytes
from verifier.vocabulary import KeyStatus


def keyring(session: Session) -> KeyRing:
    """Every key the registry has published, active, retired or compromised."""
    rows = session.scalars(select(SigningKey).order_by(SigningKey.created_at))
    return KeyRing(_public_key(row) for row in rows)


def _public_key(row: SigningKey) -> PublicKey:
    return PublicKey(
        kid=row.kid,
        key=Ed25519PublicKey.from_public_bytes(b64url_decode(row.public_key)),
        status=KeyStatus(row.status),
        valid_from=row.created_at,
        valid_until=row.retired_at or row.compromised_at,
        compromised_at=row.compromised_at,
    )


def active_key(session: Session) -> SigningKey | None:
    return session.scalars(select(SigningKey).where(SigningKey.status == KeyStatus.ACTIVE)).first()


def document_signing_key(session: Session, store: KeyStore) -> DocumentSigningKey:
    """The PDF document-signing key and certificate of the active token key."""
    row = active_key(session)
    if row is None:
        raise SigningKeyError("no_active_key_for_pdf")
    return store.certificates.load(row.kid)


def load_signer(session: Session, store: KeyStore) -> Signer:
    row = active_key(session)
    if row is None:
        raise SigningKeyError("no_active_key")
    return store.load(row.kid)


def create_key(
    session: Session, store: KeyStore, *, actor: str, kind: EventKind = EventKind.KEY_CREATED
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
    payload = {"kid": kid, "pdf_certificate_sha256": fingerprint(certificate)}
    events.record(session, kind, kid, payload, actor=actor, at=now)
    return kid


def ensure_pdf_certificate(session: Session, store: KeyStore, *, actor: str) -> str | None:
    """Give the active key its PDF signing certificate if it has none (keys made before PDFs).

    Returns the new certificate's SHA-256 fingerprint, or None if it existed.
    """
    row = active_key(session)
    if row is None or store.certificates.exists(row.kid):
        return None
    certificate = store.certificates.create(row.kid)
    digest = fingerprint(certificate)
    events.record(
        session,
        EventKind.PDF_CERTIFICATE_CREATED,
        row.kid,
        {"kid": row.kid, "sha256": digest},
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
    return create_key(session, store, actor=actor, kind=EventKind.KEY_ROTATED)


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
    events.record(
        session,
        EventKind.KEY_COMPROMISED,
        kid,
        {"kid": kid, "at": at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")},
        actor=actor,
    )
    return (
        create_key(session, store, actor=actor, kind=EventKind.KEY_ROTATED) if was_active else None
    )
