"""Who is working in the staff workspace, and what their role lets them do.

The session cookie (signed, HttpOnly, SameSite=Lax, Secure over HTTPS) holds
only the staff id, two timestamps and the account's session generation; every
request re-reads the account, so a disabled account, a changed role or a bumped
generation (logout, password change) takes effect at once, for every copy of
the cookie. A session ends after
30 idle minutes or 8 hours in all, whichever comes first.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from flask import abort, current_app, g, request, session
from sqlalchemy.orm import Session

from verifier.documents.numbers import normalise_number
from verifier.documents.registry import find_document
from verifier.errors import MalformedNumber
from verifier.staff import accounts
from verifier.vocabulary import StaffRole
from verifier.web.context import current_runtime

if TYPE_CHECKING:  # annotations only: the view layer reaches rows through services
    from verifier.db.models import Document, StaffUser

IDLE_TIMEOUT = 30 * 60
ABSOLUTE_TIMEOUT = 8 * 60 * 60

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Staff:
    """The signed-in person, detached from any database session."""

    id: int
    email: str
    role: StaffRole
    institution_id: int | None
    institution_code: str | None

    @property
    def is_registrar(self) -> bool:
        return self.role is StaffRole.REGISTRAR

    @property
    def is_admin(self) -> bool:
        return self.role is StaffRole.ADMIN

    @property
    def scope(self) -> int | None:
        """The one institution whose documents this person sees, or None for all."""
        return self.institution_id if self.is_registrar else None


def source_address() -> str:
    """The client address as the server sees it (a proxy must set REMOTE_ADDR itself)."""
    return request.remote_addr or "unknown"


def actor() -> str:
    """How the event log names the signed-in person: who, and from where."""
    staff = current_staff()
    who = staff.email if staff else "anonymous"
    return f"{who} ({source_address()})"


def current_staff() -> Staff | None:
    staff: Staff | None = g.get("staff")
    return staff


def require_staff() -> Staff:
    staff = current_staff()
    if staff is None:  # the blueprint's before_request redirects first; belt and braces
        abort(401)
    return staff


def start_session(user: StaffUser) -> None:
    """A fresh session for a fresh log-in: nothing (not even the CSRF secret) carries over."""
    language = session.get("lang")
    session.clear()
    now = int(time.time())
    session["staff"] = {"id": user.id, "at": now, "seen": now, "gen": user.session_generation}
    if language:
        session["lang"] = language


def end_session() -> None:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def load_staff() -> tuple[Staff | None, bool]:
    """The session's person, and whether a session existed but has expired."""
    data = session.get("staff")
    if not isinstance(data, dict):
        return None, False
    now = int(time.time())
    try:
        user_id, started, seen = int(data["id"]), int(data["at"]), int(data["seen"])
        generation = int(data["gen"])
    except (KeyError, TypeError, ValueError):
        end_session()
        return None, True
    if now - seen > IDLE_TIMEOUT or now - started > ABSOLUTE_TIMEOUT:
        end_session()
        return None, True
    with current_runtime().database.session() as db:
        user = accounts.session_account(db, user_id, generation)
        if user is None:
            # Ended on the server (logout, password change, disabled): a copied
            # cookie stops working too.
            end_session()
            return None, True
        staff = Staff(
            id=user.id,
            email=user.email,
            role=StaffRole(user.role),
            institution_id=user.institution_id,
            institution_code=user.institution.code if user.institution else None,
        )
    session["staff"] = {"id": user_id, "at": started, "seen": now, "gen": generation}
    return staff, False


def refuse(status: int, what: str) -> None:
    """Turn a signed-in person away: log it, record attempted changes, and abort."""
    staff = current_staff()
    current_app.logger.warning(
        "workspace refused %s %s for %s: %s", request.method, request.path, actor(), what
    )
    if staff is not None and request.method == "POST":
        with current_runtime().database.transaction() as db:
            accounts.record_refusal(
                db,
                staff.email,
                method=request.method,
                path=request.path,
                source=source_address(),
                why=what,
                actor=actor(),
            )
    abort(status)


def roles(*allowed: StaffRole) -> Callable[[F], F]:
    """Only these roles may use the view; others get 403 (and the attempt is logged)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            staff = require_staff()
            if staff.role not in allowed:
                refuse(403, f"role {staff.role.value} may not use this page")
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorate


def visible_document(db: Session, number: str) -> Document:
    """The document if this person may see it; otherwise 404, exactly like a missing number."""
    staff = require_staff()
    try:
        canonical = normalise_number(number)
    except MalformedNumber:
        abort(404)
    document = find_document(db, canonical)
    if document is None:
        abort(404)
    if staff.is_registrar and document.institution_id != staff.institution_id:
        refuse(404, f"{canonical} belongs to another institution")
    return document
