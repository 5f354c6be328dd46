"""What the registry holds, per institution: years of issue and documents by type."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from tests.support.values import certificate_values, diploma_values, old_diploma, transcript_values
from verifier.archive import service as archive
from verifier.documents.coverage import InstitutionCoverage, Years, registry_coverage
from verifier.runtime import Runtime


def test_an_empty_registry_covers_nothing(session: Session, institution: str) -> None:
    assert registry_coverage(session) == []


def test_coverage_counts_each_type_and_spans_the_years_of_issue(
    session: Session, issue: Callable[..., str]
) -> None:
    issue(
        diploma_values(
            number="KT 1900001",
            start_date="2016-09-01",
            end_date="2019-06-28",
            issue_date="2019-06-30",
        )
    )
    issue(diploma_values(number="KT 2400001"))
    issue(transcript_values())
    issue(certificate_values())
    assert registry_coverage(session) == [
        InstitutionCoverage(
            code="TATT",
            names={
                "uz": "Toshkent axborot texnologiyalari texnikumi",
                "ru": "Ташкентский техникум информационных технологий",
                "en": "Tashkent Technical College of Information Technologies",
            },
            issued=Years(2019, 2025, 4),
            archive=None,
            counts={"certificate": 1, "diploma": 2, "transcript": 1},
        )
    ]


def test_each_institution_is_covered_apart_and_one_without_documents_not_at_all(
    session: Session, issue: Callable[..., str], other_institution: str
) -> None:
    issue(diploma_values(number="KT 2400001"))
    issue(
        diploma_values(
            number="SM 2300001",
            institution="SAMT",
            start_date="2020-09-01",
            end_date="2023-06-28",
            issue_date="2023-07-01",
        )
    )
    covered = registry_coverage(session)
    assert [(item.code, item.first_year, item.last_year, item.total) for item in covered] == [
        ("SAMT", 2023, 2023, 1),
        ("TATT", 2024, 2024, 1),
    ]
    assert covered[0].names == {"uz": "Samarqand texnikumi"}


def test_revoked_documents_are_still_held(
    session: Session, issue: Callable[..., str], run: Callable[..., object]
) -> None:
    issue(diploma_values(number="KT 2400001"))
    run("revoke", "KT2400001", "--reason", "issued to the wrong person")
    assert registry_coverage(session)[0].counts == {"diploma": 1}


def test_archive_records_are_counted_apart_by_their_year_of_issue(
    runtime: Runtime, session: Session, issue: Callable[..., str]
) -> None:
    issue(diploma_values(number="KT 2400001"))
    with runtime.database.transaction() as writer:
        archive.record(writer, old_diploma(), actor="test")
        archive.record(writer, old_diploma(number="KT 0800112", issue_year=2008), actor="test")
    (covered,) = registry_coverage(session)
    assert (covered.issued, covered.archive) == (Years(2024, 2024, 1), Years(2008, 2012, 2))
