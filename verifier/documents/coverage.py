"""What the registry holds: per institution, the years of issue and the documents by type.

The public "about" page shows it so that a reader of a ``not_found`` knows whether
the document could be in the registry at all: a diploma issued before its
institution's first year here was never registered, which is not a forgery.
Computed from the rows themselves, never configured, so it cannot drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from verifier.db.models import Document, Institution


@dataclass(frozen=True)
class InstitutionCoverage:
    code: str
    names: Mapping[str, str]
    first_year: int
    last_year: int
    counts: Mapping[str, int] = field(default_factory=dict)  # by document type

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def registry_coverage(session: Session) -> list[InstitutionCoverage]:
    """Every institution with at least one document, by code: one grouped query.

    Archive records count too, by their issue year when the book gives no day.
    """
    year = func.coalesce(Document.issue_year, extract("year", Document.issue_date))
    rows = session.execute(
        select(
            Institution.code,
            Institution.name_uz,
            Institution.name_ru,
            Institution.name_en,
            Document.type,
            func.count(Document.id),
            func.min(year),
            func.max(year),
        )
        .join(Document, Document.institution_id == Institution.id)
        .group_by(
            Institution.id,
            Institution.code,
            Institution.name_uz,
            Institution.name_ru,
            Institution.name_en,
            Document.type,
        )
        .order_by(Institution.code, Document.type)
    ).all()
    found: dict[str, InstitutionCoverage] = {}
    for code, name_uz, name_ru, name_en, kind, count, first, last in rows:
        names = {
            language: name
            for language, name in (("uz", name_uz), ("ru", name_ru), ("en", name_en))
            if name
        }
        known = found.get(code)
        if known is None:
            found[code] = InstitutionCoverage(code, names, int(first), int(last), {kind: count})
        else:
            found[code] = InstitutionCoverage(
                code,
                names,
                min(known.first_year, int(first)),
                max(known.last_year, int(last)),
                {**known.counts, kind: count},
            )
    return list(found.values())
