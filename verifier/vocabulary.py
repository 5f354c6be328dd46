"""The words the registry, the token, the contract and the pages share.

Document types, statuses, public revocation codes, key states and staff roles:
plain enums that import nothing, so the token code can name a document type and
a key state without the database layer.
"""

from __future__ import annotations

import enum


class DocumentType(enum.StrEnum):
    DIPLOMA = "diploma"
    TRANSCRIPT = "transcript"
    CERTIFICATE = "certificate"


class DocumentStatus(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


class RevocationCode(enum.StrEnum):
    """Why a document is revoked, as the public sees it (translated on every page)."""

    ISSUED_IN_ERROR = "issued_in_error"
    ANNULLED_BY_DECISION = "annulled_by_decision"
    REPLACED_BY_DUPLICATE = "replaced_by_duplicate"
    OTHER = "other"


class KeyStatus(enum.StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"
    COMPROMISED = "compromised"


class StaffRole(enum.StrEnum):
    ADMIN = "admin"  # the Institute: institutions, users, keys
    REGISTRAR = "registrar"  # one institution's documents
    AUDITOR = "auditor"  # reads everything, changes nothing
