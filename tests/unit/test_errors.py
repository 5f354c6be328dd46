"""The error hierarchy: kinds, stable codes, English from one table, hard to misuse."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from verifier.errors import (
    MESSAGES,
    ROW_MESSAGES,
    Conflict,
    ImportRejected,
    InvalidInput,
    Kind,
    MalformedNumber,
    NotFound,
    RowError,
    VerifierError,
)
from verifier.translations import LANGUAGES
from verifier.web.errors import STATUS_OF_KIND

SOURCE = Path(__file__).resolve().parents[2] / "verifier"


def test_an_error_says_its_english_sentence_and_keeps_code_and_params() -> None:
    error = Conflict("already_issued", number="KT2400101", field="number")
    assert str(error) == "KT2400101 is already issued"
    assert (error.kind, error.code, error.params, error.field) == (
        Kind.CONFLICT,
        "already_issued",
        {"number": "KT2400101"},
        "number",
    )


def test_an_error_speaks_each_language_from_the_catalogue() -> None:
    error = NotFound("no_such_document", number="KT2400101")
    assert error.in_language("en") == "no document KT2400101"
    assert error.in_language("ru") == "нет документа KT2400101"
    assert error.in_language("uz") == "KT2400101 hujjati yoʻq"


def test_an_unknown_code_fails_where_the_error_is_made() -> None:
    with pytest.raises(TypeError, match="no message"):
        InvalidInput("the reason is too long")


def test_a_missing_param_fails_where_the_error_is_made() -> None:
    with pytest.raises(TypeError, match="already_issued"):
        Conflict("already_issued")


def test_the_base_class_has_no_kind_and_cannot_be_raised() -> None:
    with pytest.raises(TypeError, match="kind"):
        VerifierError("already_issued", number="KT1")


def test_errors_cross_process_boundaries_whole() -> None:
    error = pickle.loads(pickle.dumps(MalformedNumber("number_empty", field="number")))
    assert isinstance(error, MalformedNumber) and isinstance(error, ValueError)
    assert (error.code, error.field, str(error)) == ("number_empty", "number", str(error))
    rejected = pickle.loads(
        pickle.dumps(ImportRejected([RowError(2, "type", "type_required")], total_rows=5))
    )
    assert rejected.errors == [RowError(2, "type", "type_required")] and rejected.total_rows == 5


def test_a_row_error_reads_as_the_command_line_prints_it() -> None:
    problem = RowError(3, "birth_date", "date_unreal", {"value": "2003-02-30"})
    assert str(problem) == "row 3, field birth_date: 2003-02-30 is not a real date"
    assert problem.in_language("ru") == "2003-02-30 — несуществующая дата"


def test_a_row_error_with_an_unknown_code_or_missing_param_cannot_be_made() -> None:
    with pytest.raises(TypeError):
        RowError(1, "type", "is required")
    with pytest.raises(TypeError):
        RowError(1, "birth_date", "date_unreal")


def test_row_codes_and_error_codes_do_not_overlap() -> None:
    assert set(ROW_MESSAGES) & set(MESSAGES) == set()


def test_every_kind_has_an_http_status() -> None:
    assert set(STATUS_OF_KIND) == set(Kind)


def test_every_code_in_the_tables_is_used_somewhere() -> None:
    source = "\n".join(
        path.read_text(encoding="utf-8")
        for path in SOURCE.rglob("*.py")
        if path.name != "errors.py" or path.parent.name == "web"
    )
    quoted = set(re.findall(r'"([a-z0-9_]+)"', source))
    built = {"required_for_", "only_for_"}  # f"required_for_{kind.value}"
    unused = {
        code
        for code in {*MESSAGES, *ROW_MESSAGES}
        if code not in quoted and not code.startswith(tuple(built)) and code != "as_recorded"
    }
    assert unused == set()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_fills_in_every_language(language: str) -> None:
    for code, template in {**MESSAGES, **ROW_MESSAGES}.items():
        names = dict.fromkeys(re.findall(r"%\((\w+)\)s", template), "x")
        if code in MESSAGES:
            text = InvalidInput(code, **names).in_language(language)
        else:
            text = RowError(1, "type", code, names).in_language(language)
        assert text and "%(" not in text, code
