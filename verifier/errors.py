"""One error hierarchy for everything the service refuses to do.

Callers catch :class:`VerifierError` at the edge (CLI, HTTP) and show its
message; every message is written to be shown to a person as it is.
"""

from __future__ import annotations

from dataclasses import dataclass


class VerifierError(Exception):
    """Base class: the message is one clear line for the person at the edge."""


class ConfigurationError(VerifierError):
    """The environment or the files on disk do not describe a usable service."""


class MalformedNumber(VerifierError, ValueError):
    """A document number that cannot be normalised to ``SERIES DIGITS``."""


class InvalidName(VerifierError, ValueError):
    """A holder name that is empty, too long or contains non-name characters."""


class NotFound(VerifierError):
    """No such document (or institution, or key) in the registry."""


class Conflict(VerifierError):
    """The request contradicts what the registry already holds."""


class SigningKeyError(VerifierError):
    """A signing key is missing, unreadable, or in the wrong state."""


class TokenError(VerifierError):
    """A token failed strict verification; never treat the token as genuine."""


class MalformedToken(TokenError):
    """Not a well-formed compact JWS of our format (size, encoding, JSON, claims)."""


class UnsupportedToken(MalformedToken):
    """A genuine signature over a format version or document type this code does not know.

    A kind of malformed token, so every caller that refuses those refuses this
    too; docs/token-format.md (section 3.1) asks verifiers to say "cannot verify
    this version" rather than guess, which is why it has a class of its own.
    """


class UnknownKey(TokenError):
    """The ``kid`` names no key in the ring or JWKS."""


class BadSignature(TokenError):
    """The signature does not verify under the named key."""


class CompromisedKey(TokenError):
    """Signed with a compromised key and not provably recorded before the compromise."""


@dataclass(frozen=True)
class RowError:
    """One problem in one import row; ``row`` counts data rows from 1 as an editor shows them."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, field {self.field}: {self.message}"


class ImportRejected(VerifierError):
    """An import file with invalid rows: nothing was issued."""

    def __init__(self, errors: list[RowError], *, total_rows: int | None = None) -> None:
        self.errors = errors
        self.total_rows = total_rows
        super().__init__(f"{len(errors)} invalid row(s); nothing was issued")


class DatabaseUnavailable(VerifierError):
    """The registry cannot be reached: callers must answer ``error``, never guess."""
