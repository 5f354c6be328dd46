"""One place that answers "is this document genuine?" for a number or a token.

Crypto and parsing raise; this module turns every failure into a frozen
:class:`Outcome` whose invariants make contradictory answers unrepresentable
(a ``valid`` outcome always carries its document, a ``revoked`` one its
revocation, a ``not_found`` one nothing at all).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from verifier.db.fast_reads import (
    Grades,
    Reader,
    RegistryRecord,
    find_grades,
    find_record,
    find_records,
)
from verifier.documents.names import surname_matches
from verifier.documents.numbers import normalise_number
from verifier.documents.registry import claims_for_document
from verifier.errors import InvalidInput, TokenError, UnsupportedToken
from verifier.printing.proof import Proof, ProofError
from verifier.signing import tokens
from verifier.signing.keys import KeyRing
from verifier.signing.tokens import Claims
from verifier.verification.sandbox import inspect_pdf
from verifier.vocabulary import DocumentStatus, KeyStatus


class Status(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    ERROR = "error"


class IncompleteQuery(InvalidInput):
    """A look-up by number without the holder's surname or birth date."""

    def __init__(self, missing: str) -> None:
        self.missing = missing
        super().__init__("query_incomplete", missing=missing, field=missing)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.missing,))


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class DocumentView:
    """The fields disclosed to a verifier, to compare with the paper."""

    type: str
    number: str
    surname: str
    given_name: str
    patronymic: str | None
    birth_date: dt.date
    institution_code: str
    issue_date: dt.date
    institution_names: Mapping[str, str] | None = None
    program_code: str | None = None
    program_name: str | None = None
    qualification: str | None = None
    diploma_number: str | None = None
    course_name: str | None = None
    hours: int | None = None
    # Printed on the paper, so a forger's change to them must show (issue 12);
    # not in the token, so an offline answer leaves them None.
    study_form: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    honors: bool | None = None
    # A supplement's whole grade table (name, hours, grade), as printed.
    courses: Grades | None = None

    @classmethod
    def from_record(cls, record: RegistryRecord, courses: Grades | None = None) -> DocumentView:
        # Every disclosed field is a registry field of the same name.
        values = {name: getattr(record, name) for name in _DISCLOSED_FIELDS}
        return cls(**values, courses=courses)

    @classmethod
    def from_claims(cls, claims: Claims) -> DocumentView:
        return cls(
            type=claims.type.value,
            number=claims.number,
            surname=claims.surname,
            given_name=claims.given_name,
            patronymic=claims.patronymic,
            birth_date=claims.birth_date,
            institution_code=claims.institution,
            issue_date=claims.issue_date,
            program_code=claims.program_code,
            qualification=claims.qualification,
            diploma_number=claims.diploma_number,
            course_name=claims.course_name,
            hours=claims.hours,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "number": self.number,
            "holder": {
                "surname": self.surname,
                "given_name": self.given_name,
                "patronymic": self.patronymic,
            },
            "birth_date": self.birth_date.isoformat(),
            "institution": {
                "code": self.institution_code,
                "name": dict(self.institution_names) if self.institution_names else None,
            },
            "program_code": self.program_code,
            "program_name": self.program_name,
            "qualification": self.qualification,
            "issue_date": self.issue_date.isoformat(),
            "diploma_number": self.diploma_number,
            "course_name": self.course_name,
            "hours": self.hours,
            "study_form": self.study_form,
            "start_date": _iso(self.start_date),
            "end_date": _iso(self.end_date),
            "honors": self.honors,
            "courses": (
                [{"name": n, "hours": h, "grade": g} for n, h, g in self.courses]
                if self.courses is not None
                else None
            ),
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


_DISCLOSED_FIELDS = tuple(f.name for f in fields(DocumentView) if f.name != "courses")


@dataclass(frozen=True)
class Revocation:
    """A revocation as the public sees it: a code, never the registrar's typed note.

    ``reason`` (the contract's member) is the code's English wording; pages show
    the code translated. ``diploma`` names the diploma whose revocation this is,
    when the answer is about one of its supplements.
    """

    date: dt.datetime
    code: str
    diploma: str | None = None

    @property
    def reason(self) -> str:
        return REVOCATION_REASONS.get(self.code, REVOCATION_REASONS["other"])


# English wording of each public code; the pages' catalogues translate the same words.
REVOCATION_REASONS = {
    "issued_in_error": "issued in error",
    "annulled_by_decision": "annulled by a decision of the competent authority",
    "replaced_by_duplicate": "replaced by a duplicate",
    "other": "other reasons (ask the issuing institution)",
}


@dataclass(frozen=True)
class Outcome:
    status: Status
    number: str | None
    checks: tuple[Check, ...]
    document: DocumentView | None = None
    revocation: Revocation | None = None
    superseded_by: str | None = None
    checked_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    # The token's signed claims, when the answer rests on them (verifier verify --json).
    claims: Claims | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        shows_document = self.status in _SHOWS_DOCUMENT
        if shows_document != (self.document is not None):
            raise ValueError(
                f"a {self.status} outcome {'needs' if shows_document else 'cannot have'} a document"
            )
        if (self.status is Status.REVOKED) != (self.revocation is not None):
            raise ValueError("only a revoked outcome carries a revocation")
        if (self.status is Status.SUPERSEDED) != (self.superseded_by is not None):
            raise ValueError("only a superseded outcome names its replacement")
        if self.status is Status.VALID and not all(check.passed for check in self.checks):
            raise ValueError("a valid outcome cannot have a failed check")

    @property
    def is_valid(self) -> bool:
        return self.status is Status.VALID

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "number": self.number,
            "checked_at": self.checked_at.isoformat().replace("+00:00", "Z"),
            "document": self.document.to_json() if self.document else None,
            "revocation": (
                {
                    "date": self.revocation.date.isoformat().replace("+00:00", "Z"),
                    "reason": self.revocation.reason,
                    "code": self.revocation.code,
                    "diploma_number": self.revocation.diploma,
                }
                if self.revocation
                else None
            ),
            "superseded_by": self.superseded_by,
            "checks": {c.name: {"passed": c.passed, "detail": c.detail} for c in self.checks},
        }


_SHOWS_DOCUMENT = frozenset({Status.VALID, Status.REVOKED, Status.SUPERSEDED})


def _from_registry(
    document: RegistryRecord, checks: tuple[Check, ...], courses: Grades | None = None
) -> Outcome:
    """The answer for a matched record: its own status, else its diploma's.

    A supplement is only as good as its diploma: one whose diploma is revoked
    answers ``revoked`` with that revocation, one whose diploma was replaced
    ``superseded``. The registry status is then the failed check, so that no
    answer lists only passed checks under a red status.
    """
    view = DocumentView.from_record(document, courses)
    number = document.number
    if document.status == DocumentStatus.REVOKED:
        assert document.revoked_at is not None
        revocation = Revocation(document.revoked_at, document.revocation_code or "other")
        status_check = Check("status", False, f"revoked on {_day(revocation.date)}")
        return Outcome(Status.REVOKED, number, (*checks, status_check), view, revocation)
    if document.status == DocumentStatus.SUPERSEDED:
        assert document.superseded_by is not None
        status_check = Check("status", False, f"replaced by {document.superseded_by}")
        return Outcome(
            Status.SUPERSEDED,
            number,
            (*checks, status_check),
            view,
            superseded_by=document.superseded_by,
        )
    diploma = document.diploma_number
    if document.diploma_status == DocumentStatus.REVOKED:
        assert document.diploma_revoked_at is not None
        assert diploma is not None
        revocation = Revocation(
            document.diploma_revoked_at, document.diploma_revocation_code or "other", diploma
        )
        status_check = Check(
            "status", False, f"its diploma {diploma} was revoked on {_day(revocation.date)}"
        )
        return Outcome(Status.REVOKED, number, (*checks, status_check), view, revocation)
    if document.diploma_status == DocumentStatus.SUPERSEDED:
        # Only supplements of diplomas replaced before reissue carried them: the
        # successor worth asking for is the new diploma.
        assert document.diploma_superseded_by is not None
        status_check = Check(
            "status",
            False,
            f"its diploma {diploma} was replaced by {document.diploma_superseded_by}",
        )
        return Outcome(
            Status.SUPERSEDED,
            number,
            (*checks, status_check),
            view,
            superseded_by=document.diploma_superseded_by,
        )
    return Outcome(Status.VALID, number, checks, view)


def _day(moment: dt.datetime) -> str:
    return moment.date().isoformat()


def _error(number: str | None) -> Outcome:
    return Outcome(
        Status.ERROR,
        number,
        (Check("registry", False, "the registry cannot be reached right now; try again later"),),
    )


NOT_FOUND_CHECK = Check("registry", False, "no document with this number and this holder")


@dataclass(frozen=True)
class NumberQuery:
    """One look-up: a canonical number plus the holder's surname or birth date."""

    number: str
    surname: str | None
    birth_date: dt.date | None

    def __post_init__(self) -> None:
        if not self.surname and self.birth_date is None:
            raise IncompleteQuery("surname")


# Compared when the number does not exist, so that a missing number costs the
# same work as a wrong surname (it matches no real name).
_NO_NAME = "\u2063"


def _holder_matches(query: NumberQuery, document: RegistryRecord | None) -> bool:
    stored = document.surname if document is not None else _NO_NAME
    surname_ok = query.surname is not None and surname_matches(query.surname, stored)
    date_ok = document is not None and query.birth_date == document.birth_date
    return document is not None and (surname_ok or date_ok)


def verify_numbers(reader: Reader, queries: Sequence[NumberQuery]) -> list[Outcome]:
    """The look-up rule for many queries, in order, in one database round trip
    (two when a matched answer is a supplement: its grade table).

    A wrong holder answers exactly like a number that does not exist.
    """
    try:
        documents = find_records(reader, {query.number for query in queries})
    except SQLAlchemyError:
        return [_error(query.number) for query in queries]
    matched = [
        (query, document)
        if (document := documents.get(query.number)) is not None
        and _holder_matches(query, document)
        else (query, None)
        for query in queries
    ]
    # Grade tables only for supplements whose holder matched: never for not_found.
    transcripts = {d.number for _, d in matched if d is not None and d.type == "transcript"}
    try:
        grades = find_grades(reader, transcripts)
    except SQLAlchemyError:
        return [_error(query.number) for query in queries]
    return [
        Outcome(Status.NOT_FOUND, query.number, (NOT_FOUND_CHECK,))
        if document is None
        else _from_registry(document, _MATCHED, _grades_of(document, grades))
        for query, document in matched
    ]


def _grades_of(document: RegistryRecord, grades: Mapping[str, Grades]) -> Grades | None:
    return grades.get(document.number, ()) if document.type == "transcript" else None


_MATCHED = (
    Check("registry", True, "recorded in the registry"),
    Check("holder", True, "the holder matches"),
)


def verify_number(
    reader: Reader, number: str, *, surname: str | None = None, birth_date: dt.date | None = None
) -> Outcome:
    """Look a document up by number plus the holder's surname or birth date.

    Raises :class:`MalformedNumber` or :class:`IncompleteQuery` for bad requests.
    """
    query = NumberQuery(normalise_number(number), (surname or "").strip() or None, birth_date)
    return verify_numbers(reader, [query])[0]


def _verify_signature(target: str, keyring: KeyRing) -> tokens.VerifiedToken | Outcome:
    try:
        verified = tokens.verify(tokens.token_from_target(target), keyring)
    except UnsupportedToken as exc:
        # Genuinely signed, in a version or type this code cannot read: still not
        # "valid", but named apart from a forgery (token-format.md §3.1).
        detail = f"{exc}; this verifier cannot verify it (a newer one may)"
        return Outcome(Status.INVALID, None, (Check("version", False, detail),))
    except TokenError as exc:
        return Outcome(Status.INVALID, None, (Check("signature", False, str(exc)),))
    return verified


def _signature_check(verified: tokens.VerifiedToken) -> Check:
    return Check("signature", True, f"signed by key {verified.key.kid} ({verified.key.status})")


def verify_token_offline(target: str, keyring: KeyRing) -> Outcome:
    """Verify a token or QR URL against published keys only (no registry)."""
    verified = _verify_signature(target, keyring)
    return verified if isinstance(verified, Outcome) else _offline(verified)


def _offline(verified: tokens.VerifiedToken) -> Outcome:
    number = verified.claims.number
    checks = [_signature_check(verified)]
    if verified.key.status is KeyStatus.COMPROMISED:
        checks.append(
            Check(
                "key",
                False,
                (
                    f"key {verified.key.kid} was compromised on {verified.key.compromised_at}; "
                    "only the registry can confirm this document predates that"
                ),
            )
        )
        return Outcome(Status.INVALID, number, tuple(checks))
    checks.append(Check("registry", True, "not consulted (offline check of the signature only)"))
    return Outcome(
        Status.VALID,
        number,
        tuple(checks),
        DocumentView.from_claims(verified.claims),
        claims=verified.claims,
    )


def verify_token(reader: Reader, target: str, keyring: KeyRing | Callable[[], KeyRing]) -> Outcome:
    """Verify a token or QR URL, then check it against the registry."""
    try:
        ring = keyring() if callable(keyring) else keyring
    except SQLAlchemyError:
        return _error(None)
    verified = _verify_signature(target, ring)
    return verified if isinstance(verified, Outcome) else _against_registry(reader, verified)


def _against_registry(reader: Reader, verified: tokens.VerifiedToken) -> Outcome:
    claims = verified.claims
    checks = [_signature_check(verified)]
    try:
        document = find_record(reader, claims.number)
    except SQLAlchemyError:
        return _error(claims.number)
    key = verified.key
    if document is None:
        if key.status is KeyStatus.COMPROMISED:
            # A compromised key proves nothing on its own (token-format.md): a
            # forgery for a number the registry lacks is invalid, not not_found.
            checks[0] = Check("signature", False, _compromised(key))
            return Outcome(Status.INVALID, claims.number, tuple(checks))
        checks.append(Check("registry", False, "the registry has no document with this number"))
        return Outcome(Status.NOT_FOUND, claims.number, tuple(checks))
    if key.status is KeyStatus.COMPROMISED:
        assert key.compromised_at is not None
        if document.recorded_at >= key.compromised_at or document.kid != key.kid:
            checks.append(
                Check(
                    "key",
                    False,
                    (
                        f"key {key.kid} was compromised on {key.compromised_at.date()} and this "
                        "document was not recorded with it before then"
                    ),
                )
            )
            return Outcome(Status.INVALID, claims.number, tuple(checks))
        checks.append(Check("key", True, "recorded before the key was compromised"))
    differences = claims.differences(claims_for_document(document))
    if differences:
        checks.append(
            Check(
                "registry",
                False,
                ("the signed data differs from the registry record: " + ", ".join(differences)),
            )
        )
        return Outcome(Status.INVALID, claims.number, tuple(checks))
    checks.append(Check("registry", True, "matches the registry record"))
    try:
        grades = find_grades(reader, [document.number] if document.type == "transcript" else [])
    except SQLAlchemyError:
        return _error(claims.number)
    return replace(
        _from_registry(document, tuple(checks), _grades_of(document, grades)), claims=claims
    )


def _compromised(key: Any) -> str:
    return (
        f"signed by key {key.kid}, which was compromised on {key.compromised_at}: "
        "its signature proves nothing without a registry record made before then"
    )


def _grades_check(proof: Proof, claims: Claims) -> Check | None:
    """Compare the embedded grade table with the digest the token signs (transcripts)."""
    if claims.grades_digest is None:
        if proof.grades is not None:
            return Check("grades", False, "a grade table is embedded but the token signs none")
        return None
    if proof.grades is None:
        return Check("grades", False, "the PDF carries no grade table for this transcript")
    if tokens.grades_digest(proof.grades) != claims.grades_digest:
        return Check(
            "grades", False, "the embedded grade table differs from the signed one (changed)"
        )
    return Check("grades", True, f"all {len(proof.grades)} course lines match the signed digest")


def verify_pdf(
    reader: Reader | None,
    data: bytes,
    keyring: KeyRing,
    *,
    certificates: Sequence[bytes] | None,
) -> Outcome:
    """Verify a PDF: the service's signature over the whole file, then the proof it embeds.

    ``certificates`` are the service's document-signing certificates (DER); only
    a PDF signed by one of them, once, over the whole file, is genuine. None (an
    offline check against a JWKS file) leaves the signer unjudged. ``reader``
    None checks the token offline against ``keyring`` only. Never raises for bad
    input: the file is parsed in a sandbox (``verifier.verification.sandbox``) and
    unreadable, oversized, hostile or token-less PDFs are ``invalid``.
    """
    try:
        findings = inspect_pdf(data, certificates)
    except ProofError as exc:
        return Outcome(Status.INVALID, None, (Check("pdf", False, str(exc)),))
    if not findings.signature_ok:
        return Outcome(Status.INVALID, None, (Check("pdf", False, findings.signature_detail),))
    proof = findings.proof
    pdf_check = Check("pdf", True, f"{findings.signature_detail}; it carries a verification token")
    verified = _verify_signature(proof.token, keyring)
    if isinstance(verified, Outcome):
        return replace(verified, checks=(pdf_check, *verified.checks))
    outcome = _offline(verified) if reader is None else _against_registry(reader, verified)
    grades = _grades_check(proof, verified.claims)
    checks = (pdf_check, *outcome.checks, *((grades,) if grades else ()))
    if grades is not None and not grades.passed:
        return Outcome(Status.INVALID, verified.claims.number, checks)
    return replace(outcome, checks=checks)


def describe(outcome: Outcome) -> str:
    """Several lines for a terminal: each check, then the status."""
    lines = [f"{'ok  ' if c.passed else 'FAIL'} {c.name}: {c.detail}" for c in outcome.checks]
    lines.append(f"status: {outcome.status.value}")
    if outcome.revocation:
        revocation = outcome.revocation
        lines.append(f"revoked on {revocation.date.date()}: {revocation.reason}")
        if revocation.diploma:
            lines.append(f"(the revocation of its diploma {revocation.diploma})")
    if outcome.superseded_by:
        lines.append(f"superseded by {outcome.superseded_by}")
    return "\n".join(lines)


__all__ = [
    "Check",
    "DocumentView",
    "IncompleteQuery",
    "NumberQuery",
    "Outcome",
    "Status",
    "describe",
    "verify_number",
    "verify_numbers",
    "verify_pdf",
    "verify_token",
    "verify_token_offline",
]
