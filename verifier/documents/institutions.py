"""The institutions that issue documents, as staff pages list them (adding one is
:func:`verifier.documents.registry.add_institution`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from verifier.db.models import Institution


def listed(session: Session) -> list[Institution]:
    """Every institution, by code."""
    return list(session.scalars(select(Institution).order_by(Institution.code)))


def codes(session: Session) -> list[str]:
    """Every institution's code, in order: what a choice of institution offers."""
    return list(session.scalars(select(Institution.code).order_by(Institution.code)))
