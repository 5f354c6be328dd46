"""`issue FILE`: validate every row first, issue all or nothing, resume safely."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.support.files import generated_rows, write_csv, write_jsonl
from tests.support.values import BASE_URL, certificate_values, diploma_values, transcript_values
from verifier.db.models import Document
from verifier.documents.parse import ARCHIVE_FIELDS
from verifier.errors import ImportRejected, VerifierError
from verifier.imports import files
from verifier.runtime import Runtime


def issue_file(runtime: Runtime, path: Path, chunk_size: int = 1000) -> files.ImportSummary:
    return files.issue_file(
        runtime.database,
        runtime.keystore,
        path,
        base_url=BASE_URL,
        actor="test",
        chunk_size=chunk_size,
    )


def documents(runtime: Runtime) -> int:
    with runtime.database.session() as session:
        return session.scalar(select(func.count()).select_from(Document)) or 0


def rejected(runtime: Runtime, path: Path) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        issue_file(runtime, path)
    assert documents(runtime) == 0
    return [str(e) for e in caught.value.errors]


def test_csv_of_all_three_types_is_issued(
    runtime: Runtime, institution: str, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "class.csv", [diploma_values(), transcript_values(), certificate_values()]
    )
    summary = issue_file(runtime, path)
    assert (summary.rows, summary.issued, summary.already_issued) == (3, 3, 0)


def test_jsonl_is_issued(runtime: Runtime, institution: str, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "class.jsonl", [diploma_values(), transcript_values()])
    assert issue_file(runtime, path).issued == 2


def test_running_the_same_file_again_issues_nothing_more(
    runtime: Runtime, institution: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "class.csv", generated_rows(30))
    issue_file(runtime, path, chunk_size=7)
    again = issue_file(runtime, path, chunk_size=7)
    assert (again.issued, again.already_issued, documents(runtime)) == (0, 30, 30)


def test_rerun_after_partial_import_issues_exactly_the_missing_rows(
    runtime: Runtime, institution: str, tmp_path: Path
) -> None:
    issue_file(runtime, write_csv(tmp_path / "first.csv", generated_rows(12)))
    summary = issue_file(runtime, write_csv(tmp_path / "all.csv", generated_rows(40)), chunk_size=9)
    assert (summary.issued, summary.already_issued, documents(runtime)) == (28, 12, 40)


def test_one_bad_row_among_many_issues_nothing_and_names_the_row(
    runtime: Runtime, institution: str, tmp_path: Path
) -> None:
    rows = list(generated_rows(50))
    rows[36]["birth_date"] = "2003-13-01"
    errors = rejected(runtime, write_csv(tmp_path / "class.csv", rows))
    assert errors == ["row 38, field birth_date: 2003-13-01 is not a real date"]


def test_every_bad_row_is_reported(runtime: Runtime, institution: str, tmp_path: Path) -> None:
    rows = list(generated_rows(5))
    rows[0]["number"] = "???"
    rows[3]["institution"] = "NOPE"
    errors = rejected(runtime, write_jsonl(tmp_path / "class.jsonl", rows))
    assert [e.split(":")[0] for e in errors] == ["row 1, field number", "row 4, field institution"]
    assert "unknown institution code NOPE" in errors[1]


def test_duplicate_number_inside_the_file_names_both_rows(
    runtime: Runtime, institution: str, tmp_path: Path
) -> None:
    rows = list(generated_rows(3))
    rows[2]["number"] = rows[0]["number"]
    assert rejected(runtime, write_csv(tmp_path / "c.csv", rows)) == [
        "row 4, field number: KT0000001 is also on row 2"
    ]


def test_number_already_issued_to_another_person_is_rejected(
    runtime: Runtime, institution: str, tmp_path: Path
) -> None:
    issue_file(runtime, write_csv(tmp_path / "a.csv", [diploma_values()]))
    with pytest.raises(ImportRejected) as caught:
        issue_file(runtime, write_csv(tmp_path / "b.csv", [diploma_values(surname="Karimov")]))
    assert "already issued to a different person" in str(caught.value.errors[0])
    assert documents(runtime) == 1


def test_missing_column_is_named(runtime: Runtime, institution: str, tmp_path: Path) -> None:
    columns = [c for c in diploma_values() if c != "birth_date"]
    errors = rejected(runtime, write_csv(tmp_path / "c.csv", [diploma_values()], columns))
    assert errors == ["row 1, field (header): missing column(s): birth_date"]


def test_non_utf8_file_is_rejected_with_its_line(
    runtime: Runtime, institution: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "c.csv", generated_rows(3))
    lines = path.read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace("Yoʻldoshev".encode(), "Yo\xf6ldoshev".encode("latin-1"))
    path.write_bytes(b"".join(lines))
    (error,) = rejected(runtime, path)
    assert error.startswith("row 2, field (file): not UTF-8 text (byte 0xF6")


def test_utf8_byte_order_mark_is_accepted(
    runtime: Runtime, institution: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "c.csv", generated_rows(2))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert issue_file(runtime, path).issued == 2


def test_jsonl_line_that_is_not_json_is_named(
    runtime: Runtime, institution: str, tmp_path: Path
) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"type": "diploma"\n', encoding="utf-8")
    (error,) = rejected(runtime, path)
    assert error.startswith("row 1, field (row): is not valid JSON")


def test_other_file_types_are_refused(runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "class.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(VerifierError, match=r"\.csv or \.jsonl"):
        issue_file(runtime, path)


def test_empty_file_is_refused(runtime: Runtime, institution: str, tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text("\n", encoding="utf-8")
    assert rejected(runtime, path) == ["row 1, field (file): no rows to import"]


def test_record_too_long_for_the_qr_code_is_rejected(
    runtime: Runtime, institution: str, tmp_path: Path
) -> None:
    row = diploma_values(qualification="Juda uzun malaka nomi " * 12)
    (error,) = rejected(runtime, write_csv(tmp_path / "c.csv", [row]))
    assert "too long for the QR code" in error


def test_an_archive_record_has_no_qr_code_to_be_too_long_for(
    runtime: Runtime, institution: str, tmp_path: Path
) -> None:
    row = {
        **diploma_values(qualification="Juda uzun malaka nomi " * 12),
        "source": "Issue book 2009-2012, p. 47, entry 12",
    }
    path = write_csv(tmp_path / "book.csv", [row], ARCHIVE_FIELDS)
    # Checked alone (the workspace's preview) and imported.
    assert files.validate(runtime.database, path, base_url=BASE_URL, archive=True) == (1, 0)
    summary = files.issue_file(
        runtime.database, runtime.keystore, path, base_url=BASE_URL, actor="test", archive=True
    )
    assert summary.issued == 1


def test_repeated_column_is_named(runtime: Runtime, institution: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [diploma_values()])
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(f"{lines[0]},surname\n{lines[1]},X\n", encoding="utf-8")
    assert rejected(runtime, path) == ["row 1, field (header): repeated column(s): surname"]


def test_unknown_column_is_named(runtime: Runtime, institution: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [diploma_values()])
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(f"{lines[0]},surnme\n{lines[1]},X\n", encoding="utf-8")
    assert rejected(runtime, path) == ["row 1, field (header): unknown column(s): surnme"]
