"""What the registry holds: per institution, the years of issue and the documents by type.

The public "about" page shows it so that a reader of a ``not_found`` knows whether
the document could be in the registry at all: a diploma issued before its
institution's first year here was never registered, which is not a forgery.
Computed from the rows themselves, never configured, so it cannot drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from verifier.db.models import Document, Institution


@dataclass(frozen=True)
class Years:
    """A range of years of issue and how many documents it holds."""

    first: int
    last: int
    count: int

    def joined(self, other: Years | None) -> Years:
        if other is None:
            return self
        return Years(
            min(self.first, other.first), max(self.last, other.last), self.count + other.count
        )


@dataclass(frozen=True)
class InstitutionCoverage:
    code: str
    names: Mapping[str, str]
    issued: Years | None  # documents the service issued and signed
    archive: Years | None  # archive records transcribed from the institution's issue books
    counts: Mapping[str, int] = field(default_factory=dict)  # issued, by document type

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    # The issued documents' range, as the page's "years of issue" column shows it.
    @property
    def first_year(self) -> int | None:
        return self.issued.first if self.issued else None

    @property
    def last_year(self) -> int | None:
        return self.issued.last if self.issued else None


def registry_coverage(session: Session) -> list[InstitutionCoverage]:
    """Every institution with at least one document, by code: one grouped query.

    Issued documents and archive records are told apart: a reader of a
    ``not_found`` asks whether the registry covers the year of the paper.
    """
    year = func.coalesce(Document.issue_year, extract("year", Document.issue_date))
    grouped = (
        Institution.code,
        Institution.name_uz,
        Institution.name_ru,
        Institution.name_en,
        Document.origin,
        Document.type,
    )
    rows = session.execute(
        select(*grouped, func.count(Document.id), func.min(year), func.max(year))
        .join(Document, Document.institution_id == Institution.id)
        .group_by(Institution.id, *grouped)
        .order_by(Institution.code, Document.origin, Document.type)
    ).all()
    found: dict[str, InstitutionCoverage] = {}
    for code, name_uz, name_ru, name_en, origin, kind, count, first, last in rows:
        names = {
            language: name
            for language, name in (("uz", name_uz), ("ru", name_ru), ("en", name_en))
            if name
        }
        years = Years(int(first), int(last), count)
        known = found.get(code) or InstitutionCoverage(code, names, None, None)
        if origin == "archive":
            found[code] = replace(known, archive=years.joined(known.archive))
        else:
            found[code] = replace(
                known, issued=years.joined(known.issued), counts={**known.counts, kind: count}
            )
    return list(found.values())
