"""One place that answers "is this document genuine?" for a number, a token or a PDF.

Crypto and parsing raise; this module turns every failure into an
:class:`~verifier.verification.outcome.Outcome`, which cannot contradict itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial

from sqlalchemy.exc import SQLAlchemyError

from verifier.documents import reads
from verifier.documents.claims import claims_of, record_of_claims
from verifier.documents.names import surname_matches
from verifier.documents.numbers import normalise_number
from verifier.documents.reads import Grades, Reader
from verifier.documents.record import Registered
from verifier.errors import TokenError, UnsupportedToken
from verifier.signing import tokens
from verifier.signing.keys import KeyRing, PublicKey
from verifier.signing.proof import Proof, ProofError
from verifier.signing.tokens import Claims
from verifier.verification.outcome import (
    Check,
    IncompleteQuery,
    Outcome,
    Replacement,
    Revocation,
    Status,
)
from verifier.verification.pdf.sandbox import inspect_pdf
from verifier.vocabulary import DocumentStatus, DocumentType, KeyStatus


def _from_registry(
    registered: Registered, checks: tuple[Check, ...], courses: Grades | None = None
) -> Outcome:
    """The answer for a matched document: its own standing, else its diploma's.

    A supplement is only as good as its diploma: one whose diploma is revoked
    answers ``revoked`` with that revocation, one whose diploma was replaced
    ``superseded``. The registry status is then the failed check, so that no
    answer lists only passed checks under a red status.
    """
    record, standing, names = registered
    if courses is not None:
        record = record._replace(courses=courses)
    number = record.number
    answer = partial(
        Outcome, number=number, document=record, institution_names=names, origin=standing.origin
    )
    if standing.status == DocumentStatus.REVOKED:
        assert standing.revoked_at is not None
        revocation = Revocation(standing.revoked_at, standing.revocation_code or "other")
        status_check = Check("status", False, f"revoked on {_day(revocation.date)}")
        return answer(Status.REVOKED, checks=(*checks, status_check), revocation=revocation)
    if standing.status == DocumentStatus.SUPERSEDED:
        assert standing.superseded_by is not None
        status_check = Check("status", False, f"replaced by {standing.superseded_by}")
        replacement = Replacement(standing.superseded_by, standing.superseded_at)
        return answer(Status.SUPERSEDED, checks=(*checks, status_check), replacement=replacement)
    diploma = record.diploma_number
    if standing.diploma_status == DocumentStatus.REVOKED:
        assert standing.diploma_revoked_at is not None
        assert diploma is not None
        revocation = Revocation(
            standing.diploma_revoked_at, standing.diploma_revocation_code or "other", diploma
        )
        status_check = Check(
            "status", False, f"its diploma {diploma} was revoked on {_day(revocation.date)}"
        )
        return answer(Status.REVOKED, checks=(*checks, status_check), revocation=revocation)
    if standing.diploma_status == DocumentStatus.SUPERSEDED:
        # Only supplements of diplomas replaced before reissue carried them: the
        # successor worth asking for is the new diploma.
        assert standing.diploma_superseded_by is not None
        status_check = Check(
            "status",
            False,
            f"its diploma {diploma} was replaced by {standing.diploma_superseded_by}",
        )
        replacement = Replacement(
            standing.diploma_superseded_by, standing.diploma_superseded_at, diploma
        )
        return answer(Status.SUPERSEDED, checks=(*checks, status_check), replacement=replacement)
    return answer(Status.VALID, checks=checks)


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


def _holder_matches(query: NumberQuery, document: Registered | None) -> bool:
    stored = document.record.surname if document is not None else _NO_NAME
    surname_ok = query.surname is not None and surname_matches(query.surname, stored)
    # A record that did not note the birth date (an archive record) matches no date.
    date_ok = (
        document is not None
        and query.birth_date is not None
        and query.birth_date == document.record.birth_date
    )
    return document is not None and (surname_ok or date_ok)


def verify_numbers(reader: Reader, queries: Sequence[NumberQuery]) -> list[Outcome]:
    """The look-up rule for many queries, in order, in one database round trip
    (two when a matched answer is a supplement: its grade table).

    A wrong holder answers exactly like a number that does not exist.
    """
    try:
        documents = reads.find(reader, {query.number for query in queries})
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
    transcripts = {
        d.record.number for _, d in matched if d is not None and d.record.type is _TRANSCRIPT
    }
    try:
        grades = reads.find_grades(reader, transcripts)
    except SQLAlchemyError:
        return [_error(query.number) for query in queries]
    return [
        Outcome(Status.NOT_FOUND, query.number, (NOT_FOUND_CHECK,))
        if document is None
        else _from_registry(
            document, _MATCHED[document.standing.origin], _grades_of(document, grades)
        )
        for query, document in matched
    ]


_TRANSCRIPT = DocumentType.TRANSCRIPT


def _grades_of(document: Registered, grades: Mapping[str, Grades]) -> Grades | None:
    record = document.record
    return grades.get(record.number, ()) if record.type is _TRANSCRIPT else None


_HOLDER_MATCHES = Check("holder", True, "the holder matches")
_MATCHED = {
    "registry": (Check("registry", True, "recorded in the registry"), _HOLDER_MATCHES),
    # Issued before the registry: the institution's issue book is the evidence.
    "archive": (
        Check("registry", True, "an archive record, transcribed from the institution's issue book"),
        _HOLDER_MATCHES,
    ),
}


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
    except tokens.ReportNotDocument as exc:
        # Genuine, but a report's: named apart from a forgery, like a newer version.
        return Outcome(Status.INVALID, None, (Check("version", False, str(exc)),))
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
        record_of_claims(verified.claims),
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
        document = reads.find_one(reader, claims.number)
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
    standing = document.standing
    if standing.origin == "archive":
        # No token was ever issued for an archive record: one that claims its number
        # was not made from it.
        checks.append(
            Check("registry", False, "the registry holds this number as an archive record, "
                  "for which no verification code was ever issued")
        )  # fmt: skip
        return Outcome(Status.INVALID, claims.number, tuple(checks))
    if key.status is KeyStatus.COMPROMISED:
        assert key.compromised_at is not None
        if standing.recorded_at >= key.compromised_at or standing.kid != key.kid:
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
    differences = claims.differences(
        claims_of(document.record, signed_grades=standing.grades_digest)
    )
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
        record = document.record
        grades = reads.find_grades(reader, [record.number] if record.type is _TRANSCRIPT else [])
    except SQLAlchemyError:
        return _error(claims.number)
    return replace(
        _from_registry(document, tuple(checks), _grades_of(document, grades)), claims=claims
    )


def _compromised(key: PublicKey) -> str:
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
