"""Printed labels in Uzbek (the official language, always first), English and Russian.

Russian is added only when the holder asked for it; Uzbek and English are
always printed so the paper reads at home and abroad. The labels are messages of
the one catalogue (context ``printed``: words on paper, apart from the pages'),
looked up once per language rather than per line drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from verifier.translations import Message, lazy_pgettext

Languages = tuple[str, ...]
UZ_EN: Languages = ("uz", "en")
UZ_RU_EN: Languages = ("uz", "ru", "en")

_LABELS: dict[str, Message] = {
    "country": lazy_pgettext("printed", "REPUBLIC OF UZBEKISTAN"),
    "diploma": lazy_pgettext("printed", "DIPLOMA"),
    "supplement": lazy_pgettext("printed", "DIPLOMA SUPPLEMENT · ACADEMIC TRANSCRIPT"),
    "certificate": lazy_pgettext("printed", "CERTIFICATE"),
    "certificate_kind": lazy_pgettext("printed", "of professional development"),
    "awarded_to": lazy_pgettext("printed", "This diploma is awarded to"),
    "certifies": lazy_pgettext("printed", "This certifies that"),
    "completed": lazy_pgettext("printed", "has completed the professional development course"),
    "holder": lazy_pgettext("printed", "Holder"),
    "birth_date": lazy_pgettext("printed", "Date of birth"),
    "program": lazy_pgettext("printed", "Programme"),
    "qualification": lazy_pgettext("printed", "Qualification"),
    "study_form": lazy_pgettext("printed", "Mode of study"),
    "period": lazy_pgettext("printed", "Period of study"),
    "course_dates": lazy_pgettext("printed", "Dates"),
    "hours": lazy_pgettext("printed", "Volume"),
    "hours_unit": lazy_pgettext("printed", "hours"),
    "diploma_number": lazy_pgettext("printed", "Diploma number"),
    "issue_date": lazy_pgettext("printed", "Date of issue"),
    "number": lazy_pgettext("printed", "Document number"),
    "honours": lazy_pgettext("printed", "DIPLOMA WITH HONOURS"),
    "director": lazy_pgettext("printed", "Director"),
    "seal": lazy_pgettext("printed", "Seal"),
    "verify_title": lazy_pgettext("printed", "Verify this document"),
    "verify_how": lazy_pgettext("printed", "Scan the QR code or visit"),
    "col_no": lazy_pgettext("printed", "No."),
    "col_course": lazy_pgettext("printed", "Course"),
    "col_hours": lazy_pgettext("printed", "Hours"),
    "col_grade": lazy_pgettext("printed", "Grade"),
    "total": lazy_pgettext("printed", "Total"),
    "page": lazy_pgettext("printed", "page {n} of {m}"),
    "continued": lazy_pgettext("printed", "continued"),
    "scale": lazy_pgettext("printed", "Grading: 5 — excellent, 4 — good, 3 — satisfactory"),
    "signed_note": lazy_pgettext("printed", "The electronic copy is digitally signed"),
}
# The study forms a record names in Uzbek (kunduzgi), with their English and
# Russian names; the Uzbek text is the catalogue's.
_STUDY_FORMS: tuple[Message, ...] = (
    lazy_pgettext("study form", "full-time"),
    lazy_pgettext("study form", "extramural"),
    lazy_pgettext("study form", "evening"),
    lazy_pgettext("study form", "distance learning"),
)


@cache
def _texts(language: str) -> dict[str, str]:
    return {key: label.in_language(language) for key, label in _LABELS.items()}


@cache
def _study_forms() -> dict[str, Message]:
    return {form.in_language("uz").lower(): form for form in _STUDY_FORMS}


def text(key: str, language: str) -> str:
    return _texts(language)[key]


def joined(key: str, languages: Sequence[str], separator: str = " / ") -> str:
    """One label in every language, Uzbek first: ``Tugʻilgan sanasi / Date of birth``."""
    return separator.join(_texts(language)[key] for language in languages)


def study_form(value: str, languages: Sequence[str]) -> str:
    """The recorded study form as recorded, with its translations when it is a known one."""
    known = _study_forms().get(value.strip().lower())
    if known is None:
        return value
    return " / ".join([value, *(known.in_language(lang) for lang in languages if lang != "uz")])
