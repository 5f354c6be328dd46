"""The JSON answer of the public contract, from an :class:`Outcome`.

``{"status", "number", "checked_at", "document", "revocation", "superseded_by",
"checks"}`` (DESIGN.md, "HTTP"); members are only ever added. Fields a record
does not have at hand (an offline answer knows only what the token signs) are
``null``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from verifier.documents.record import Record
from verifier.verification.outcome import Outcome


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _moment(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def document_json(
    record: Record, institution_names: Mapping[str, str] | None, origin: str
) -> dict[str, Any]:
    """The ``document`` member: the disclosed fields, to compare with the paper.

    ``origin`` (added with archive records): ``registry``, issued and signed by the
    service, or ``archive``, transcribed from an institution's issue book, whose
    fields that were not recorded are ``null``.
    """
    return {
        "type": record.type.value,
        "number": record.number,
        "holder": {
            "surname": record.surname,
            "given_name": record.given_name,
            "patronymic": record.patronymic,
        },
        "birth_date": _iso(record.birth_date),
        "institution": {
            "code": record.institution,
            "name": dict(institution_names) if institution_names else None,
        },
        "program_code": record.program_code,
        "program_name": record.program_name,
        "qualification": record.qualification,
        "issue_date": _iso(record.issue_date),
        "diploma_number": record.diploma_number,
        "course_name": record.course_name,
        "hours": record.hours,
        "study_form": record.study_form,
        "start_date": _iso(record.start_date),
        "end_date": _iso(record.end_date),
        "honors": record.honors,
        "courses": (
            [{"name": c.name, "hours": c.hours, "grade": c.grade} for c in record.courses]
            if record.courses is not None
            else None
        ),
        "origin": origin,
        "issue_year": record.issue_year or (record.issue_date.year if record.issue_date else None),
    }


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    """The contract's answer for one verification."""
    revocation = outcome.revocation
    replacement = outcome.replacement
    return {
        "status": outcome.status.value,
        "number": outcome.number,
        "checked_at": _moment(outcome.checked_at),
        "document": (
            document_json(outcome.document, outcome.institution_names, outcome.origin)
            if outcome.document
            else None
        ),
        "revocation": (
            {
                "date": _moment(revocation.date),
                "reason": revocation.reason,
                "code": revocation.code,
                "diploma_number": revocation.diploma,
            }
            if revocation
            else None
        ),
        "superseded_by": outcome.superseded_by,
        # Added with the replacement's date (issue 12): when it was replaced.
        "superseded_at": (_moment(replacement.date) if replacement and replacement.date else None),
        "checks": {c.name: {"passed": c.passed, "detail": c.detail} for c in outcome.checks},
    }
