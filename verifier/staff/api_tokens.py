"""Bearer tokens for institutions' student-information systems.

A token is 256 random bits, shown once, stored as its SHA-256: with that much
entropy a slow password hash adds nothing but latency to every API call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from verifier.audit import events
from verifier.audit.events import EventKind
from verifier.db.models import ApiToken, Institution
from verifier.errors import NotFound, Unauthorized

TOKEN_PREFIX = "vrf_"  # noqa: S105 - a public marker, not a secret
MAX_TOKEN_LENGTH = 100


class InvalidApiToken(Unauthorized):
    """Missing, unknown or revoked API token (deliberately one message for all)."""


@dataclass(frozen=True)
class NewToken:
    """A created token: ``secret`` exists only here and is never stored."""

    id: int
    institution: str
    name: str
    secret: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(session: Session, institution: str, *, name: str | None, actor: str) -> NewToken:
    code = institution.strip().upper()
    row = session.scalars(select(Institution).where(Institution.code == code)).first()
    if row is None:
        raise NotFound("unknown_institution", code=code, field="institution")
    label = " ".join((name or f"{code} API").split())[:100]
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = dt.datetime.now(dt.UTC)
    token = ApiToken(
        institution_id=row.id,
        name=label,
        prefix=secret[:12],
        token_hash=_digest(secret),
        created_at=now,
        created_by=actor,
    )
    session.add(token)
    session.flush()
    events.record(
        session,
        EventKind.API_TOKEN_CREATED,
        code,
        {"id": token.id, "institution": code, "name": label},
        actor=actor,
        at=now,
    )
    return NewToken(token.id, code, label, secret)


def listed(session: Session) -> list[ApiToken]:
    """Every API token ever created (revoked ones too), newest first."""
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))


def authenticate(session: Session, authorization: str | None) -> ApiToken:
    """The token named by an ``Authorization: Bearer …`` header, or :class:`InvalidApiToken`."""
    scheme, _, secret = (authorization or "").partition(" ")
    secret = secret.strip()
    if (
        scheme.lower() != "bearer"
        or not secret.startswith(TOKEN_PREFIX)
        or len(secret) > MAX_TOKEN_LENGTH
    ):
        raise InvalidApiToken("api_token_invalid")
    digest = _digest(secret)
    token = session.scalars(select(ApiToken).where(ApiToken.token_hash == digest)).first()
    # The lookup is by hash, so comparing again costs nothing and keeps the check explicit.
    if token is None or not hmac.compare_digest(token.token_hash, digest) or token.revoked_at:
        raise InvalidApiToken("api_token_invalid")
    return token


def revoke(session: Session, token_id: int, *, actor: str) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("no_such_api_token", id=token_id)
    if token.revoked_at is None:
        token.revoked_at = dt.datetime.now(dt.UTC)
        events.record(
            session,
            EventKind.API_TOKEN_REVOKED,
            token.institution.code,
            {"id": token.id},
            actor=actor,
        )
    return token
