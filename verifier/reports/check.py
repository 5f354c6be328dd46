"""Re-checking a report or letter: genuine or not, expired or not, changed since or not.

Three answers, kept apart because they are different questions: whether the
report is genuine (its token verifies and the registry holds the same report:
``status`` valid, invalid, or error when the registry cannot be reached),
whether its validity has ended (``expired``), and whether the document's status
now differs from what the report stated (``changed``: the report's question is
asked again, now). A genuine but expired report is still genuine; a report made
before a revocation says so when checked after it.

Offline (a JWKS file, no registry) only the first two can be answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from verifier.errors import TokenError, UnsupportedToken
from verifier.reports.service import StoredReport, find
from verifier.signing import tokens
from verifier.signing.keys import KeyRing, PublicKey
from verifier.signing.tokens import ReportClaims, VerifiedReport
from verifier.verification.answers import outcome_json
from verifier.verification.outcome import Check, Outcome, Status
from verifier.verification.service import verify_numbers
from verifier.vocabulary import KeyStatus

_GENUINE_OR_NOT = frozenset({Status.VALID, Status.INVALID, Status.ERROR})


@dataclass(frozen=True)
class ReportCheck:
    """The re-check's answer; ``status`` is the report's genuineness (valid, invalid, error)."""

    status: Status
    checks: tuple[Check, ...]
    claims: ReportClaims | None = None
    report: StoredReport | None = None  # online and genuine: what the registry holds
    current: Outcome | None = None  # online and genuine: the document's answer now
    checked_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def __post_init__(self) -> None:
        if self.status not in _GENUINE_OR_NOT:
            raise ValueError(f"a report is genuine (valid), invalid or unknown (error), not {self}")
        if (self.status is Status.VALID) != (self.claims is not None):
            raise ValueError("exactly a genuine report has its claims")
        if self.status is Status.VALID and not all(check.passed for check in self.checks):
            raise ValueError("a genuine report cannot have a failed check")

    @property
    def genuine(self) -> bool:
        return self.status is Status.VALID

    @property
    def expired(self) -> bool | None:
        """Whether its validity had ended when checked; None if it is not genuine."""
        return None if self.claims is None else self.claims.expired(self.checked_at)

    @property
    def changed(self) -> bool | None:
        """Whether the document's status now differs from the report's; None if unknown."""
        if self.claims is None or self.current is None:
            return None
        return self.current.status.value != self.claims.status


def _error() -> ReportCheck:
    detail = "the registry cannot be reached right now; try again later"
    return ReportCheck(Status.ERROR, (Check("registry", False, detail),))


def _invalid(*checks: Check) -> ReportCheck:
    return ReportCheck(Status.INVALID, checks)


def _verify_signature(target: str, keyring: KeyRing) -> VerifiedReport | ReportCheck:
    try:
        return tokens.verify_report(tokens.token_from_target(target), keyring)
    except tokens.DocumentNotReport as exc:
        return _invalid(Check("version", False, str(exc)))
    except UnsupportedToken as exc:
        detail = f"{exc}; this verifier cannot verify it (a newer one may)"
        return _invalid(Check("version", False, detail))
    except TokenError as exc:
        return _invalid(Check("signature", False, str(exc)))


def _signature_check(verified: VerifiedReport) -> Check:
    return Check("signature", True, f"signed by key {verified.key.kid} ({verified.key.status})")


def _compromised(key: PublicKey) -> str:
    return (
        f"signed by key {key.kid}, which was compromised on {key.compromised_at}: "
        "its signature proves nothing without a registry record made before then"
    )


def check_report_offline(
    target: str, keyring: KeyRing, *, now: dt.datetime | None = None
) -> ReportCheck:
    """Verify a report's token or QR URL against published keys only (no registry)."""
    verified = _verify_signature(target, keyring)
    if isinstance(verified, ReportCheck):
        return verified
    if verified.key.status is KeyStatus.COMPROMISED:
        return _invalid(Check("signature", False, _compromised(verified.key)))
    checks = (
        _signature_check(verified),
        Check("registry", True, "not consulted (offline check of the signature only)"),
    )
    return ReportCheck(
        Status.VALID, checks, verified.claims, checked_at=now or dt.datetime.now(dt.UTC)
    )


def check_report(
    session: Session,
    target: str,
    keyring: KeyRing | Callable[[], KeyRing],
    *,
    now: dt.datetime | None = None,
    recheck: bool = True,
) -> ReportCheck:
    """Verify a report's token or QR URL, find the report, and ask its question again now.

    ``recheck`` False stops once the report is found genuine (its PDF needs no more).
    """
    try:
        ring = keyring() if callable(keyring) else keyring
    except SQLAlchemyError:
        return _error()
    verified = _verify_signature(target, ring)
    if isinstance(verified, ReportCheck):
        return verified
    claims, key = verified.claims, verified.key
    try:
        stored = find(session, claims.number)
    except SQLAlchemyError:
        return _error()
    checks = [_signature_check(verified)]
    if stored is None:
        if key.status is KeyStatus.COMPROMISED:
            return _invalid(Check("signature", False, _compromised(key)))
        return _invalid(*checks, Check("registry", False, "the registry has no such report"))
    if key.status is KeyStatus.COMPROMISED:
        assert key.compromised_at is not None
        if stored.kid != key.kid or stored.created_at >= key.compromised_at:
            detail = (
                f"key {key.kid} was compromised on {key.compromised_at.date()} and this report "
                "was not recorded with it before then"
            )
            return _invalid(*checks, Check("key", False, detail))
        checks.append(Check("key", True, "recorded before the key was compromised"))
    differences = _differences(claims, stored.claims)
    if differences:
        detail = "the signed data differs from the registry's report: " + ", ".join(differences)
        return _invalid(*checks, Check("registry", False, detail))
    checks.append(Check("registry", True, f"the registry holds {stored.kind} {stored.number}"))
    if not recheck:
        return ReportCheck(Status.VALID, tuple(checks), claims, stored, checked_at=now or _now())
    try:
        (current,) = verify_numbers(session, [stored.recheck])
    except SQLAlchemyError:
        return _error()
    if current.status is Status.ERROR:
        return _error()
    return ReportCheck(
        Status.VALID,
        tuple(checks),
        claims,
        stored,
        current,
        checked_at=now or current.checked_at,
    )


def _differences(signed: ReportClaims, stored: ReportClaims) -> list[str]:
    names = {
        "no": "document_number",
        "st": "status",
        "ca": "checked_at",
        "ex": "expires",
    }
    return [
        name for name, field in names.items() if getattr(signed, field) != getattr(stored, field)
    ]


def describe(check: ReportCheck) -> str:
    """Several lines for a terminal: each check, the three answers."""
    lines = [f"{'ok  ' if c.passed else 'FAIL'} {c.name}: {c.detail}" for c in check.checks]
    lines.append(f"status: {check.status.value}")
    claims = check.claims
    if claims is not None:
        named = claims.named()
        lines.append(
            f"report {claims.number}: {claims.document_number} {claims.status} at {named['ca']}"
        )
        lines.append(f"expired on {named['ex']}" if check.expired else f"valid until {named['ex']}")
    if check.current is not None:
        now = check.current.status.value
        lines.append(
            f"status now: {now}" + (" (changed since the report)" if check.changed else "")
        )
    return "\n".join(lines)


def check_json(check: ReportCheck, base_url: str) -> dict[str, Any]:
    """The JSON answer of ``GET /r/<token>`` (docs/reports.md)."""
    report = check.report
    current = check.current
    body: dict[str, Any] = {
        "status": check.status.value,
        "genuine": check.genuine if check.status is not Status.ERROR else None,
        "expired": check.expired,
        "changed": check.changed,
        "checked_at": _moment(check.checked_at),
        "report": None,
        "current": None,
        "checks": {c.name: {"passed": c.passed, "detail": c.detail} for c in check.checks},
    }
    if report is not None:
        body["report"] = {
            **report.summary(base_url),
            "kind": report.kind,
            "document_number": report.document_number,
            "language": report.language,
            "issuer": report.issuer,
            "signer": (
                {"name": report.signatory.name, "position": report.signatory.position}
                if report.signatory
                else None
            ),
            "reference": report.reference,
            "answer": dict(report.answer),
        }
    elif check.claims is not None:  # offline: only what the token signs
        body["report"] = {
            "number": check.claims.number,
            "document_number": check.claims.document_number,
            "status": check.claims.status,
            "checked_at": _moment(check.claims.checked_at),
            "expires": _moment(check.claims.expires),
        }
    if current is not None:
        body["current"] = outcome_json(current)
    return body


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _moment(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
