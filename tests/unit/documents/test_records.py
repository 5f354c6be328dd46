"""Import rows are validated field by field; every problem names row and field."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.values import certificate_values, diploma_values, transcript_values
from verifier.documents.parse import parse_record
from verifier.documents.record import Record
from verifier.errors import RowError
from verifier.vocabulary import DocumentType


def errors_of(values: dict[str, object], row: int = 7) -> dict[str, str]:
    parsed = parse_record(values, row)
    assert isinstance(parsed, list), "expected the row to be rejected"
    assert all(isinstance(e, RowError) and e.row == row for e in parsed)
    return {e.field: e.message for e in parsed}


def test_valid_diploma_row_becomes_a_normalised_record() -> None:
    parsed = parse_record(diploma_values(number="kt-2400001", institution="tatt"), 2)
    assert isinstance(parsed, Record)
    assert (parsed.type, parsed.number, parsed.institution) == (
        DocumentType.DIPLOMA,
        "KT2400001",
        "TATT",
    )
    assert parsed.birth_date == dt.date(2003, 4, 17)


def test_names_are_kept_as_given() -> None:
    parsed = parse_record(diploma_values(surname="Ғуломов"), 2)
    assert isinstance(parsed, Record) and parsed.surname == "Ғуломов"


def test_transcript_keeps_its_course_lines_in_order() -> None:
    parsed = parse_record(transcript_values(), 2)
    assert isinstance(parsed, Record)
    assert [c.name for c in parsed.courses or ()] == ["Oliy matematika", "Dasturlash asoslari"]


def test_csv_cell_may_hold_courses_as_json_text() -> None:
    parsed = parse_record(
        transcript_values(courses='[{"name": "Fizika", "hours": 72, "grade": "5"}]'), 2
    )
    assert isinstance(parsed, Record) and (parsed.courses or ())[0].hours == 72


def test_certificate_needs_course_and_hours() -> None:
    assert errors_of(certificate_values(course_name="", hours="")) == {
        "course_name": "is required for a certificate",
        "hours": "is required for a certificate",
    }


def test_malformed_number_is_named() -> None:
    assert "malformed document number" in errors_of(diploma_values(number="12-34"))["number"]


def test_impossible_date_is_named() -> None:
    assert (
        errors_of(diploma_values(birth_date="2003-02-30"))["birth_date"]
        == "2003-02-30 is not a real date"
    )


def test_date_in_another_format_is_named() -> None:
    assert "YYYY-MM-DD" in errors_of(diploma_values(issue_date="05.07.2024"))["issue_date"]


def test_end_before_start_is_named() -> None:
    assert "before start_date" in errors_of(diploma_values(end_date="2020-01-01"))["end_date"]


def test_issue_date_in_the_future_is_named() -> None:
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert "future" in errors_of(diploma_values(issue_date=tomorrow))["issue_date"]


def test_unknown_type_is_named() -> None:
    assert "diploma, transcript or certificate" in errors_of(diploma_values(type="degree"))["type"]


def test_unknown_field_is_named() -> None:
    assert errors_of(diploma_values(surnme="X"))["surnme"] == "unknown field"


def test_field_of_another_type_is_named() -> None:
    assert errors_of(diploma_values(hours="72"))["hours"] == "is only for a certificate"


def test_whole_numbers_may_come_as_json_numbers_with_a_zero_fraction() -> None:
    values = transcript_values(courses=[{"name": "Fizika", "hours": 72.0, "grade": "5"}])
    parsed = parse_record(values, 2)
    assert isinstance(parsed, Record) and (parsed.courses or ())[0].hours == 72
    assert parse_record(certificate_values(hours=144.0), 2).hours == 144  # type: ignore[union-attr]


@pytest.mark.parametrize("hours", [72.5, True, "72.0", float("inf")])
def test_hours_that_are_not_whole_numbers_are_rejected(hours: object) -> None:
    assert "hours" in errors_of(certificate_values(hours=hours))


def test_bad_course_line_is_named_with_its_position() -> None:
    values = transcript_values(courses=[{"name": "Fizika", "hours": -1, "grade": "5"}])
    assert "courses[1].hours" in errors_of(values)


def test_name_with_digits_is_rejected() -> None:
    assert "surname" in errors_of(diploma_values(surname="Gulomov2"))


def test_every_problem_in_a_row_is_reported_at_once() -> None:
    errors = errors_of(diploma_values(number="?", birth_date="x", institution=""))
    assert {"number", "birth_date", "institution"} <= set(errors)


def test_same_content_gives_the_same_digest_and_other_content_another() -> None:
    first = parse_record(diploma_values(), 2)
    again = parse_record(diploma_values(number="KT2400001"), 9)
    other = parse_record(diploma_values(qualification="Boshqa"), 2)
    assert isinstance(first, Record) and isinstance(again, Record) and isinstance(other, Record)
    assert first.digest == again.digest != other.digest


@pytest.mark.parametrize("spelling", ["Gʻulomov", "Гуломов", "Ғуломов", "G'ulomov"])
def test_holder_identity_ignores_spelling(spelling: str) -> None:
    base = parse_record(diploma_values(), 2)
    other = parse_record(diploma_values(surname=spelling), 2)
    assert isinstance(base, Record) and isinstance(other, Record)
    assert base.holder_identity == other.holder_identity
