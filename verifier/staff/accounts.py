"""Staff accounts: argon2id passwords, a TOTP second factor, lockout.

Logging in returns a :class:`LoginAttempt` instead of raising, because a failed
attempt changes state (the failure counter, the lockout, the audit trail) that
must be committed even though the person is turned away.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from verifier.audit import events
from verifier.audit.events import EventKind
from verifier.db.models import Institution, StaffUser
from verifier.errors import Conflict, InvalidInput, NotFound, VerifierError
from verifier.vocabulary import StaffRole

MIN_PASSWORD_LENGTH = 12
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=15)
TOTP_ISSUER = "Diploma verifier"
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s]{2,63}")
_HASHER = PasswordHasher()  # argon2id with the library's current recommended cost
# Verified when the e-mail is unknown, so that an unknown and a known address
# take the same time to refuse.
_DUMMY_HASH = _HASHER.hash("no such user: equalises timing")


@dataclass(frozen=True)
class Enrolment:
    """A new account and its TOTP provisioning URI, shown once."""

    email: str
    role: StaffRole
    otpauth_uri: str


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if _EMAIL.fullmatch(email) is None:
        raise InvalidInput("not_an_email", email=repr(email), field="email")
    return email


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password_too_short", length=MIN_PASSWORD_LENGTH, field="password")
    if password.strip() != password or len(set(password)) < 5:
        raise InvalidInput("password_too_simple", field="password")


def add_user(
    session: Session,
    email: str,
    *,
    role: str,
    password: str,
    institution: str | None = None,
    actor: str,
) -> Enrolment:
    email = normalise_email(email)
    try:
        staff_role = StaffRole(role)
    except ValueError:
        raise InvalidInput("unknown_role", role=repr(role), field="role") from None
    institution_row = None
    if staff_role is StaffRole.REGISTRAR:
        if not institution:
            raise InvalidInput("registrar_needs_institution", field="institution")
        institution_row = session.scalars(
            select(Institution).where(Institution.code == institution.strip().upper())
        ).first()
        if institution_row is None:
            raise NotFound(
                "unknown_institution", code=institution.strip().upper(), field="institution"
            )
    elif institution:
        raise InvalidInput("role_without_institution", role=staff_role.value, field="institution")
    check_password(password)
    if session.scalars(select(StaffUser).where(StaffUser.email == email)).first():
        raise Conflict("account_exists", email=email, field="email")
    secret = pyotp.random_base32()
    now = dt.datetime.now(dt.UTC)
    session.add(
        StaffUser(
            email=email,
            role=staff_role.value,
            institution_id=institution_row.id if institution_row else None,
            password_hash=_HASHER.hash(password),
            totp_secret=secret,
            totp_last_step=0,
            failed_attempts=0,
            disabled=False,
            created_at=now,
        )
    )
    session.flush()
    events.record(
        session,
        EventKind.USER_ADDED,
        email,
        {
            "email": email,
            "role": staff_role.value,
            "institution": institution_row.code if institution_row else None,
        },
        actor=actor,
        at=now,
    )
    uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)
    return Enrolment(email, staff_role, uri)


@dataclass(frozen=True)
class LoginAttempt:
    """The outcome of one log-in: the user, or why not (never both, never neither)."""

    user: StaffUser | None
    refusal: str | None = None

    def __post_init__(self) -> None:
        if (self.user is None) == (self.refusal is None):
            raise ValueError("a login attempt has a user or a refusal")


WRONG_CREDENTIALS = "wrong_credentials"
LOCKED = "locked"


def _matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The TOTP time step that ``code`` belongs to (now, or one step either side)."""
    totp = pyotp.TOTP(secret)
    code = code.strip().replace(" ", "")
    if not code.isdigit() or len(code) != totp.digits:
        return None
    current = totp.timecode(now)
    for step in (current, current - 1, current + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def log_in(
    session: Session,
    email: str,
    password: str,
    code: str,
    *,
    source: str,
    now: dt.datetime | None = None,
) -> LoginAttempt:
    """Check password and TOTP code; count failures, lock after repeated ones."""
    now = now or dt.datetime.now(dt.UTC)
    try:
        address = normalise_email(email)
    except VerifierError:
        address = email.strip().lower()[:254]
    user = session.scalars(select(StaffUser).where(StaffUser.email == address)).first()

    def refuse(reason: str, detail: str) -> LoginAttempt:
        events.record(
            session,
            EventKind.LOGIN_FAILED,
            address,
            {"email": address, "source": source, "why": detail},
            actor=f"anonymous@{source}",
            at=now,
        )
        return LoginAttempt(None, reason)

    if user is None or user.disabled:
        _password_matches(_DUMMY_HASH, password)
        return refuse(WRONG_CREDENTIALS, "unknown or disabled account")
    if user.locked_until is not None and user.locked_until > now:
        return refuse(LOCKED, "account locked")
    step = _matching_step(user.totp_secret, code, now)
    password_ok = _password_matches(user.password_hash, password)
    if not password_ok or step is None or step <= user.totp_last_step:
        user.failed_attempts += 1
        if user.failed_attempts >= MAX_FAILED_ATTEMPTS:
            user.locked_until = now + LOCKOUT
            user.failed_attempts = 0
        if not password_ok:
            why = "wrong password"
        elif step is None:
            why = "wrong code"
        else:
            why = "code already used"
        return refuse(WRONG_CREDENTIALS, why)
    user.failed_attempts = 0
    user.locked_until = None
    user.totp_last_step = step
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    events.record(
        session,
        EventKind.LOGIN,
        user.email,
        {"email": user.email, "source": source},
        actor=user.email,
        at=now,
    )
    return LoginAttempt(user)


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def staff_accounts(session: Session) -> list[StaffUser]:
    """Every staff account, by e-mail address."""
    return list(session.scalars(select(StaffUser).order_by(StaffUser.email)))


def session_account(session: Session, user_id: int, generation: int) -> StaffUser | None:
    """The account a workspace session names, if that session may go on: the account
    exists, is enabled, and has not ended its sessions since (logout, password change)."""
    user = session.get(StaffUser, user_id)
    if user is None or user.disabled or user.session_generation != generation:
        return None
    return user


def end_sessions(user: StaffUser) -> None:
    """End every workspace session of ``user`` on the server (each cookie names a generation)."""
    user.session_generation = (user.session_generation or 0) + 1


def log_out(session: Session, user_id: int, *, source: str, actor: str) -> None:
    """End every session of the account (not only the cookie that asked) and record it."""
    user = session.get(StaffUser, user_id)
    if user is None:
        return
    end_sessions(user)
    events.record(
        session,
        EventKind.LOGOUT,
        user.email,
        {"email": user.email, "source": source},
        actor=actor,
    )


def record_refusal(
    session: Session, email: str, *, method: str, path: str, source: str, why: str, actor: str
) -> None:
    """Record that a signed-in person tried to change something they may not."""
    events.record(
        session,
        EventKind.ACCESS_REFUSED,
        email,
        {"method": method, "path": path[:200], "source": source, "why": why},
        actor=actor,
    )


def change_password(session: Session, user: StaffUser, password: str, *, actor: str) -> None:
    """Set a new password and end every session of the account."""
    check_password(password)
    user.password_hash = _HASHER.hash(password)
    end_sessions(user)
    events.record(
        session, EventKind.PASSWORD_CHANGED, user.email, {"email": user.email}, actor=actor
    )


def set_disabled(session: Session, user: StaffUser, disabled: bool, *, actor: str) -> None:
    """Disable (or enable) an account; disabling ends every session of it at once."""
    user.disabled = disabled
    if disabled:
        end_sessions(user)
    kind = EventKind.ACCOUNT_DISABLED if disabled else EventKind.ACCOUNT_ENABLED
    events.record(session, kind, user.email, {"email": user.email}, actor=actor)
