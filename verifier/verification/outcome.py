"""The answer to "is this document genuine?": an :class:`Outcome` that cannot contradict itself.

Its invariants make contradictory answers unrepresentable: a ``valid``
outcome always carries its document and only passed checks, a ``revoked`` one
its revocation, a ``superseded`` one its replacement, a ``not_found`` one
nothing at all.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from verifier.documents.record import Record
from verifier.errors import InvalidInput
from verifier.signing.tokens import Claims


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


# English wording of each public code; the pages' catalogue translates the same words.
REVOCATION_REASONS = {
    "issued_in_error": "issued in error",
    "annulled_by_decision": "annulled by a decision of the competent authority",
    "replaced_by_duplicate": "replaced by a duplicate",
    "other": "other reasons (ask the issuing institution)",
}


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


@dataclass(frozen=True)
class Replacement:
    """What replaced a superseded document: its number and when (a supplement's: its diploma's)."""

    number: str
    date: dt.datetime | None
    diploma: str | None = None


@dataclass(frozen=True)
class Outcome:
    status: Status
    number: str | None
    checks: tuple[Check, ...]
    # The disclosed fields, to compare with the paper, and the institution's names.
    document: Record | None = None
    institution_names: Mapping[str, str] | None = None
    revocation: Revocation | None = None
    replacement: Replacement | None = None
    # "registry" (issued and signed by the service) or "archive" (transcribed from an
    # institution's issue book); a verified token is always the registry's.
    origin: str = "registry"
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
        if (self.status is Status.SUPERSEDED) != (self.replacement is not None):
            raise ValueError("only a superseded outcome names its replacement")
        if self.status is Status.VALID and not all(check.passed for check in self.checks):
            raise ValueError("a valid outcome cannot have a failed check")

    @property
    def is_valid(self) -> bool:
        return self.status is Status.VALID

    @property
    def superseded_by(self) -> str | None:
        """The contract's name for the replacement's number."""
        return self.replacement.number if self.replacement else None


_SHOWS_DOCUMENT = frozenset({Status.VALID, Status.REVOKED, Status.SUPERSEDED})
