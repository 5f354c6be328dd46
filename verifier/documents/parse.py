"""Validated import records: one row of a CSV/JSONL file or one API document.

``parse_record`` turns untrusted field values into a :class:`Record` or a list
of :class:`RowError` naming each bad field.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from verifier.documents.names import normalise_name
from verifier.documents.numbers import normalise_number
from verifier.documents.record import Course, Record
from verifier.errors import InvalidName, MalformedNumber, Param, RowError
from verifier.translations import N_, Message, format_message, lazy_gettext
from verifier.vocabulary import DocumentType

FIELDS = (
    "type", "number", "surname", "given_name", "patronymic", "birth_date", "institution",
    "program_code", "program_name", "qualification", "study_form", "start_date", "end_date",
    "issue_date", "honors", "diploma_number", "courses", "course_name", "hours",
)  # fmt: skip
# What people call each field (forms, row errors), and the places a row error
# may name instead of a field.
FIELD_LABELS: dict[str, Message] = {
    "type": lazy_gettext("Type"),
    "number": lazy_gettext("Number"),
    "surname": lazy_gettext("Surname"),
    "given_name": lazy_gettext("Given name"),
    "patronymic": lazy_gettext("Patronymic"),
    "birth_date": lazy_gettext("Birth date"),
    "institution": lazy_gettext("Institution"),
    "program_code": lazy_gettext("Programme code"),
    "program_name": lazy_gettext("Programme"),
    "qualification": lazy_gettext("Qualification"),
    "study_form": lazy_gettext("Form of study"),
    "start_date": lazy_gettext("Start of studies"),
    "end_date": lazy_gettext("End of studies"),
    "issue_date": lazy_gettext("Issue date"),
    "honors": lazy_gettext("With honours"),
    "diploma_number": lazy_gettext("Diploma number (transcripts)"),
    "courses": lazy_gettext("Courses and grades"),
    "course_name": lazy_gettext("Course name (certificates)"),
    "hours": lazy_gettext("Hours (certificates)"),
    "issue_year": lazy_gettext("Year of issue"),
    "source": lazy_gettext("Transcribed from"),
    "checked_by": lazy_gettext("Checked by"),
    "(file)": lazy_gettext("The file"),
    "(header)": lazy_gettext("Header row"),
    "(row)": lazy_gettext("The row"),
    "(record)": lazy_gettext("The whole record"),
    "(document)": lazy_gettext("The document"),
}
# The parts of one line of ``courses`` (courses[2].hours).
COURSE_FIELD_LABELS: dict[str, Message] = {
    "name": lazy_gettext("Course"),
    "hours": lazy_gettext("Hours"),
    "grade": lazy_gettext("Grade"),
}
_COURSE_LINE = N_("%(field)s, line %(line)s")
_COURSE_PART = N_("%(line)s: %(part)s")
# Columns every CSV must have; type-specific ones may be absent when no row needs them.
REQUIRED_COLUMNS = (
    "type",
    "number",
    "surname",
    "given_name",
    "birth_date",
    "institution",
    "issue_date",
)
_ALWAYS = {"type", "number", "surname", "given_name", "birth_date", "institution", "issue_date"}
REQUIRED_BY_TYPE: dict[DocumentType, frozenset[str]] = {
    DocumentType.DIPLOMA: frozenset(
        _ALWAYS
        | {"program_code", "program_name", "qualification", "study_form", "start_date", "end_date"}
    ),
    DocumentType.TRANSCRIPT: frozenset(
        _ALWAYS
        | {"program_code", "program_name", "qualification", "study_form", "start_date", "end_date"}
        | {"diploma_number", "courses"}
    ),
    DocumentType.CERTIFICATE: frozenset(
        _ALWAYS | {"course_name", "hours", "start_date", "end_date"}
    ),
}
# Per-row constants, worked out once.
_FIELD_SET = frozenset(FIELDS)
# An archive record (``verifier archive import``): transcribed from an issue book,
# which may not note everything; the day of issue may be only a year.
ARCHIVE_FIELDS = (*FIELDS, "issue_year", "source", "checked_by")
ARCHIVE_REQUIRED = ("type", "number", "surname", "given_name", "institution", "source")
ARCHIVE_REQUIRED_COLUMNS = ARCHIVE_REQUIRED
_ARCHIVE_FIELD_SET = frozenset(ARCHIVE_FIELDS)
EARLIEST_ISSUE_YEAR = 1924  # the oldest issue books the institutes keep
_TYPES = {kind.value: kind for kind in DocumentType}
_REQUIRED_IN_ORDER = {kind: sorted(names - {"type"}) for kind, names in REQUIRED_BY_TYPE.items()}
ONLY_FOR = {
    "diploma_number": DocumentType.TRANSCRIPT,
    "courses": DocumentType.TRANSCRIPT,
    "course_name": DocumentType.CERTIFICATE,
    "hours": DocumentType.CERTIFICATE,
}
MAX_COURSES = 200
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
_INSTITUTION_CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,15}")
_PROGRAM_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]{0,31}")
T = TypeVar("T")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TRUE = {"1", "true", "yes", "ha", "да"}
_FALSE = {"", "0", "false", "no", "yoʻq", "нет"}


@dataclass(frozen=True)
class _Problem:
    code: str
    params: Mapping[str, Param]

    @classmethod
    def of(cls, error: InvalidName | MalformedNumber) -> _Problem:
        return cls(error.code, error.params)


# Pure per-value converters, cached: an import repeats the same programme names,
# qualifications, patronymics and dates thousands of times, and every row is
# parsed twice (validation pass, then issuing pass).
@functools.lru_cache(maxsize=16_384)
def _clean_text(value: str, limit: int) -> str | _Problem:
    value = " ".join(unicodedata.normalize("NFC", value).split())
    if len(value) > limit:
        return _Problem("text_too_long", {"count": len(value), "limit": limit})
    if any(unicodedata.category(c) in {"Cc", "Cf", "Co", "Cs"} for c in value):
        return _Problem("invisible_characters", {})
    return value


@functools.lru_cache(maxsize=65_536)
def _clean_name(value: str) -> str | _Problem:
    try:
        return normalise_name(value)
    except InvalidName as exc:
        return _Problem.of(exc)


def _clean_number(value: str) -> str | _Problem:
    try:
        return normalise_number(value)
    except MalformedNumber as exc:
        return _Problem.of(exc)


@functools.lru_cache(maxsize=65_536)
def _clean_date(value: str) -> dt.date | _Problem:
    if _DATE.fullmatch(value) is None:
        return _Problem("date_format", {"value": repr(value)})
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return _Problem("date_unreal", {"value": value})


class _Row:
    """Collects errors for one row while converting its fields."""

    def __init__(self, row: int, values: Mapping[str, Any]) -> None:
        self.row = row
        self.values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
        self.errors: list[RowError] = []
        # The value of a field, None when absent; read some 35 times a row.
        self.raw: Callable[[str], Any] = self.values.get

    def error(self, field: str, code: str, **params: Param) -> None:
        self.errors.append(RowError(self.row, field, code, params))

    def present(self, field: str) -> bool:
        return self.values.get(field) not in (None, "", [])

    def _convert(
        self, field: str, convert: Callable[..., T | _Problem], wrong_type: str, *args: Any
    ) -> T | None:
        value = self.raw(field)
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            self.error(field, wrong_type)
            return None
        result = convert(value, *args)
        if isinstance(result, _Problem):
            self.errors.append(RowError(self.row, field, result.code, result.params))
            return None
        return result

    def text(self, field: str, limit: int = 300) -> str | None:
        return self._convert(field, _clean_text, "not_text", limit)

    def name(self, field: str) -> str | None:
        return self._convert(field, _clean_name, "not_text")

    def number(self, field: str) -> str | None:
        return self._convert(field, _clean_number, "number_not_text")

    def date(self, field: str) -> dt.date | None:
        return self._convert(field, _clean_date, "date_not_text")

    def integer(self, field: str, low: int, high: int) -> int | None:
        value = self.raw(field)
        if value in (None, ""):
            return None
        if isinstance(value, str) and re.fullmatch(r"\d{1,6}", value):
            value = int(value)
        # JSON has one number type: 72.0 is the integer 72 to a JSON Schema as to a person.
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if type(value) is not int or not low <= value <= high:
            self.error(field, "whole_number", low=low, high=high)
            return None
        return value

    def boolean(self, field: str) -> bool:
        value = self.raw(field)
        if value is None or isinstance(value, bool):
            return bool(value)
        if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
            return value.lower() in _TRUE
        self.error(field, "boolean")
        return False

    def courses(self, field: str) -> tuple[Course, ...]:
        value = self.raw(field)
        if value in (None, "", []):
            return ()
        if isinstance(value, str):  # a CSV cell holds the same list as JSON text
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                self.error(field, "courses_json")
                return ()
        if not isinstance(value, list) or len(value) > MAX_COURSES:
            self.error(field, "courses_list", limit=MAX_COURSES)
            return ()
        courses = []
        for index, item in enumerate(value, start=1):
            where = f"{field}[{index}]"
            if not isinstance(item, dict) or set(item) != {"name", "hours", "grade"}:
                self.error(where, "course_shape")
                continue
            sub = _Row(self.row, item)
            name = sub.text("name")
            hours = sub.integer("hours", 1, 2000)
            grade = sub.text("grade", limit=16)
            for problem in sub.errors:
                self.errors.append(
                    RowError(self.row, f"{where}.{problem.field}", problem.code, problem.params)
                )
            if name is None or hours is None or grade is None:
                if not sub.errors:
                    self.error(where, "course_incomplete")
                continue
            courses.append(Course(name, hours, grade))
        return tuple(courses)


def parse_record(
    values: Mapping[str, Any], row: int, *, today: dt.date | None = None, archive: bool = False
) -> Record | list[RowError]:
    """Validate one row; return the record, or every problem found in it.

    ``archive``: a row of an archive import, whose required fields are fewer
    (what an issue book notes) and which names where it was transcribed from.
    """
    today = today or dt.date.today()
    r = _Row(row, values)
    unknown = sorted(set(values) - (_ARCHIVE_FIELD_SET if archive else _FIELD_SET))
    for field in unknown:
        r.error(field, "unknown_field")
    kind: DocumentType | None = None
    raw_type = r.raw("type")
    if raw_type in (None, ""):
        r.error("type", "type_required")
    elif not isinstance(raw_type, str) or raw_type.lower() not in _TYPES:
        r.error("type", "type_unknown", value=repr(raw_type))
    else:
        kind = _TYPES[raw_type.lower()]
    if kind is not None and archive:
        for field in ARCHIVE_REQUIRED[1:]:
            if not r.present(field):
                r.error(field, "required_in_archive")
        if not r.present("issue_date") and not r.present("issue_year"):
            r.error("issue_date", "issue_date_or_year")
    elif kind is not None:
        for field in _REQUIRED_IN_ORDER[kind]:
            if not r.present(field):
                r.error(field, f"required_for_{kind.value}")
    if kind is not None:
        for field, owner in ONLY_FOR.items():
            if owner is not kind and r.present(field):
                r.error(field, f"only_for_{owner.value}")

    institution = r.raw("institution")
    if institution not in (None, "") and (
        not isinstance(institution, str) or _INSTITUTION_CODE.fullmatch(institution.upper()) is None
    ):
        r.error("institution", "institution_code")
        institution = None
    program_code = r.raw("program_code")
    if program_code not in (None, "") and (
        not isinstance(program_code, str) or _PROGRAM_CODE.fullmatch(program_code) is None
    ):
        r.error("program_code", "program_code")
        program_code = None

    record_values = {
        "number": r.number("number"),
        "surname": r.name("surname"),
        "given_name": r.name("given_name"),
        "patronymic": r.name("patronymic"),
        "birth_date": r.date("birth_date"),
        "program_name": r.text("program_name"),
        "qualification": r.text("qualification"),
        "study_form": r.text("study_form", limit=40),
        "start_date": r.date("start_date"),
        "end_date": r.date("end_date"),
        "issue_date": r.date("issue_date"),
        "honors": r.boolean("honors"),
        "diploma_number": r.number("diploma_number"),
        "courses": r.courses("courses"),
        "course_name": r.text("course_name"),
        "hours": r.integer("hours", 1, 10_000),
    }
    if archive:
        record_values["issue_year"] = r.integer("issue_year", EARLIEST_ISSUE_YEAR, today.year)
        record_values["source"] = r.text("source")
        record_values["checked_by"] = r.text("checked_by", limit=200)
        issued, year = record_values["issue_date"], record_values["issue_year"]
        if isinstance(issued, dt.date) and isinstance(year, int) and issued.year != year:
            r.error("issue_year", "issue_year_differs", value=year, other=str(issued))
        elif issued:
            record_values["issue_year"] = None  # the date says the year: one truth, not two
    _check_dates(r, record_values, today)
    if r.errors or kind is None:
        return r.errors
    return Record(
        type=kind,
        institution=str(institution).upper(),
        program_code=program_code or None,
        **record_values,  # type: ignore[arg-type]
    )


def _check_dates(r: _Row, values: dict[str, Any], today: dt.date) -> None:
    birth, start, end, issued = (
        values["birth_date"], values["start_date"], values["end_date"], values["issue_date"]
    )  # fmt: skip
    if birth and not EARLIEST_BIRTH_DATE <= birth < today:
        r.error("birth_date", "birth_date_implausible", value=str(birth))
    if issued and issued > today:
        r.error("issue_date", "in_future", value=str(issued))
    if start and end and start > end:
        r.error("end_date", "before_start_date", value=str(end), other=str(start))
    if end and issued and end > issued:
        r.error("issue_date", "before_end_date", value=str(issued), other=str(end))
    if birth and start and start <= birth:
        r.error("start_date", "not_after_birth_date", value=str(start), other=str(birth))
    if birth and issued and issued <= birth:
        r.error("issue_date", "not_after_birth_date", value=str(issued), other=str(birth))


def field_label(field: str, language: str) -> str:
    """What people call ``field`` of a row error, in ``language``.

    ``courses[2].hours`` reads "Courses and grades, line 2: Hours"; a name that is
    no field (an unknown column) is shown as it is.
    """
    name, bracket, rest = field.partition("[")
    label = FIELD_LABELS.get(name)
    if label is None:
        return field
    if not bracket:
        return label.in_language(language)
    line, _, part = rest.partition("]")
    text = format_message(
        _COURSE_LINE, {"field": label.in_language(language), "line": line}, language
    )
    part_label = COURSE_FIELD_LABELS.get(part.removeprefix("."))
    if part_label is None:
        return text
    return format_message(
        _COURSE_PART, {"line": text, "part": part_label.in_language(language)}, language
    )
