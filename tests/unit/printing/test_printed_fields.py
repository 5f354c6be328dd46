"""Every value printed on a document is in its answer (issue 12: "compare with the paper").

Each document type's PDF is rendered and its text extracted with pdftotext (an
independent reader); every field value found in that text must also be in the
JSON answer, so a forger's change to any printed line shows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.pdfs import data_for, pdftotext
from tests.support.values import certificate_values, diploma_values, transcript_values
from verifier.documents.numbers import display_number
from verifier.printing.data import display_date
from verifier.printing.render import render_unsigned
from verifier.runtime import Runtime
from verifier.verification.answers import outcome_json
from verifier.verification.service import verify_number

# The print data's fields that carry a value of the document (not layout, token or URL).
PRINTED = (
    "number",
    "surname",
    "given_name",
    "patronymic",
    "birth_date",
    "program_code",
    "program_name",
    "qualification",
    "study_form",
    "start_date",
    "end_date",
    "issue_date",
    "diploma_number",
    "course_name",
    "hours",
)


def _as_printed(value: object) -> str:
    if isinstance(value, dt.date):
        return display_date(value)
    return display_number(value) if isinstance(value, str) else str(value)


def _strings(answer: Any) -> Iterator[str]:
    """Every value in the answer, also as the paper prints dates and numbers."""
    if isinstance(answer, dict):
        for value in answer.values():
            yield from _strings(value)
    elif isinstance(answer, list):
        for value in answer:
            yield from _strings(value)
    elif answer is not None:
        text = str(answer)
        yield text
        yield display_number(text)
        with contextlib.suppress(ValueError):
            yield display_date(dt.date.fromisoformat(text))


@pytest.mark.parametrize(
    "values",
    [diploma_values(honors="true"), transcript_values(), certificate_values()],
    ids=["diploma", "transcript", "certificate"],
)
def test_every_printed_value_is_in_the_answer(
    runtime: Runtime, issue: Callable[..., str], tmp_path: Path, values: dict[str, object]
) -> None:
    if values["type"] == "transcript":
        issue(diploma_values())
    number = issue(values)
    data = data_for(runtime, number)
    text = " ".join(pdftotext(render_unsigned(data), tmp_path).split())
    with runtime.database.session() as session:
        answer = outcome_json(verify_number(session, number, surname=data.record.surname))
    found = set(_strings(answer))
    printed = [
        _as_printed(getattr(data.record, name))
        for name in PRINTED
        if getattr(data.record, name) is not None
        and _as_printed(getattr(data.record, name)) in text
    ]
    assert len(printed) >= 6, "the PDF's text should carry the document's fields"
    assert [value for value in printed if value not in found] == []
    if data.record.honors:
        assert answer["document"]["honors"] is True
    for name, hours, grade in data.courses:
        assert name in text
        assert {"name": name, "hours": hours, "grade": grade} in answer["document"]["courses"]
