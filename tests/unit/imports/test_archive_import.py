"""`archive import FILE`: the import's rules (all or nothing, re-runnable, rows named) for
archive records, whose issue books may not note everything."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import func, select

from tests.support.files import write_csv, write_jsonl
from tests.support.values import BASE_URL
from verifier.db.models import Document
from verifier.documents.parse import ARCHIVE_FIELDS
from verifier.errors import ImportRejected
from verifier.imports import files
from verifier.runtime import Runtime
from verifier.verification.answers import outcome_json
from verifier.verification.service import verify_number

Run = Callable[..., Result]


def archive_row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "type": "diploma",
        "number": "KT 1200457",
        "surname": "Ergashev",
        "given_name": "Bobur",
        "institution": "TATT",
        "issue_year": "2012",
        "source": "Issue book 2009-2012, p. 47, entry 12",
        "program_name": "Kompyuter tarmoqlari",
        "qualification": "Texnik",
    }
    row.update(changes)
    return {name: value for name, value in row.items() if value is not None}


def import_archive(runtime: Runtime, path: Path) -> files.ImportSummary:
    return files.issue_file(
        runtime.database, runtime.keystore, path, base_url=BASE_URL, actor="test", archive=True
    )


def archived(runtime: Runtime) -> int:
    with runtime.database.session() as session:
        query = select(func.count()).select_from(Document).where(Document.origin == "archive")
        return session.scalar(query) or 0


def rejected(runtime: Runtime, path: Path) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        import_archive(runtime, path)
    assert archived(runtime) == 0
    return [str(error) for error in caught.value.errors]


def test_partial_records_are_recorded_and_answer_look_ups(
    runtime: Runtime, institution: str, tmp_path: Path
) -> None:
    rows = [archive_row(), archive_row(number="KT 1200458", surname="Karimova", program_name=None)]
    summary = import_archive(runtime, write_csv(tmp_path / "book.csv", rows, ARCHIVE_FIELDS))
    assert (summary.rows, summary.issued) == (2, 2)
    with runtime.database.session() as session:
        answer = outcome_json(verify_number(session, "KT1200458", surname="Karimova"))
    assert answer["status"] == "valid"
    assert answer["document"]["origin"] == "archive"
    assert answer["document"]["program_name"] is None


def test_running_the_same_file_again_records_nothing_twice(
    runtime: Runtime, institution: str, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "book.jsonl", [archive_row()])
    import_archive(runtime, path)
    again = import_archive(runtime, path)
    assert (again.issued, again.already_issued, archived(runtime)) == (0, 1, 1)


def test_every_bad_row_is_named_and_nothing_is_recorded(
    runtime: Runtime, institution: str, tmp_path: Path
) -> None:
    rows = [
        archive_row(),
        archive_row(number="KT 1200458", source=None),
        archive_row(number="KT 1200459", issue_year=None),
        archive_row(number="KT 1200460", issue_date="2011-06-30"),
    ]
    errors = rejected(runtime, write_jsonl(tmp_path / "book.jsonl", rows))
    assert errors == [
        "row 2, field source: is required in an archive record",
        "row 3, field issue_date: give the issue date, or the year of issue if the book has no day",
        "row 4, field issue_year: 2012 is not the year of the issue date 2011-06-30",
    ]


def test_an_issue_date_alone_is_enough_and_its_year_is_not_stored_twice(
    runtime: Runtime, institution: str, tmp_path: Path
) -> None:
    row = archive_row(issue_year=None, issue_date="2012-06-30")
    import_archive(runtime, write_jsonl(tmp_path / "book.jsonl", [row]))
    with runtime.database.session() as session:
        document = session.scalars(select(Document)).one()
    assert (str(document.issue_date), document.issue_year) == ("2012-06-30", None)


def test_an_archive_file_needs_its_source_column(
    runtime: Runtime, institution: str, tmp_path: Path
) -> None:
    columns = [name for name in ARCHIVE_FIELDS if name != "source"]
    errors = rejected(runtime, write_csv(tmp_path / "book.csv", [archive_row()], columns))
    assert errors == ["row 1, field (header): missing column(s): source"]


def test_the_archive_fields_are_not_issue_fields(
    runtime: Runtime, institution: str, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "book.jsonl", [{**archive_row(), "birth_date": "2003-04-17"}])
    with pytest.raises(ImportRejected) as caught:
        files.issue_file(runtime.database, runtime.keystore, path, base_url=BASE_URL, actor="t")
    assert "row 1, field source: unknown field" in [str(e) for e in caught.value.errors]


def test_the_command_line_records_a_file(run: Run, institution: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "book.csv", [archive_row()], ARCHIVE_FIELDS)
    result = run("archive", "import", str(path))
    assert result.exit_code == 0
    assert result.output.startswith("1 rows: 1 recorded, 0 already recorded")
