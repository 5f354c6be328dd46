"""Every workspace form as a Flask-WTF class: what each posts, its limits, its messages.

Views build a form, ask it whether it is valid and read typed values from it;
nobody reads ``request.form`` by hand. The CSRF token every posted form carries
is checked app-wide before any view runs (:func:`verifier.web.framework.protect_forms`);
the forms check it again, as Flask-WTF forms do.

The rules of a record itself (dates, numbers, what a diploma needs) stay in the
service (``documents.parse``); a form holds what belongs to the page: lengths,
required choices, the confirmation step, the shape of a course line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    Field,
    Form,
    HiddenField,
    PasswordField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from verifier.audit.trail import Filters as TrailFilters
from verifier.documents import search
from verifier.documents.numbers import normalise_number
from verifier.documents.parse import FIELDS
from verifier.documents.registry import MAX_REASON_LENGTH
from verifier.errors import MalformedNumber
from verifier.translations import lazy_gettext
from verifier.vocabulary import DocumentStatus, DocumentType, RevocationCode

AT_MOST = lazy_gettext("At most %(max)d characters.")
BAD_DATE = lazy_gettext("Enter a date as YYYY-MM-DD.")
REASON_TOO_LONG = lazy_gettext("The reason is too long (at most 500 characters).")
CONFIRMED = "yes"
MAX_PAGE_DIGITS = 7


def _cut(limit: int) -> Callable[[str | None], str]:
    """Keeps the first ``limit`` characters: for fields whose every refusal must read alike."""
    return lambda value: (value or "")[:limit]


def _stripped(value: str | None) -> str:
    return (value or "").strip()


def _one_line(value: str | None) -> str:
    """Runs of spaces and line breaks become one space (a reason is one line of text)."""
    return " ".join((value or "").split())


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=AT_MOST)


class _Confirmed:
    """A two-step form: the first post shows what will happen, the second does it."""

    confirm: HiddenField

    @property
    def confirmed(self) -> bool:
        return bool(self.confirm.data == CONFIRMED)


def first_error(form: Form) -> str | None:
    """The first problem in field order, for forms that show one message."""
    for messages in form.errors.values():
        if isinstance(messages, list) and messages:
            return str(messages[0])
    return None


def requested_page(args: Mapping[str, str]) -> int:
    """``?page=``: ASCII digits only (``"²".isdigit()`` is True and ``int("²")`` raises)."""
    raw = args.get("page", "1")
    if raw.isascii() and raw.isdigit() and len(raw) <= MAX_PAGE_DIGITS:
        return max(1, int(raw))
    return 1


# --- logging in ------------------------------------------------------------------------


class LoginForm(FlaskForm):
    """Deliberately no validators: every refusal, a malformed address included, gets the
    one generic message, so the form cannot tell which addresses have accounts."""

    email = StringField(filters=[_cut(254)])
    password = PasswordField(filters=[_cut(1024)])
    code = StringField(filters=[_cut(16)])


# --- documents -------------------------------------------------------------------------


class DocumentSearchForm(FlaskForm):
    """The filters above the document list (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    number = StringField(filters=[_stripped, _cut(64)])
    name = StringField(filters=[_stripped, _cut(200)])
    issued_from = DateField(validators=[Optional()], invalid_value_message=BAD_DATE)
    issued_to = DateField(validators=[Optional()], invalid_value_message=BAD_DATE)
    status = StringField(filters=[_stripped])
    type = StringField(filters=[_stripped])
    institution = StringField(filters=[_stripped, _cut(16)])

    def filters(self) -> search.Filters:
        """The search asked for; an unknown status or type filters nothing."""
        statuses = {s.value: s for s in DocumentStatus}
        types = {t.value: t for t in DocumentType}
        return search.Filters(
            number=self.number.data,
            name=self.name.data,
            issued_from=self.issued_from.data,
            issued_to=self.issued_to.data,
            status=statuses.get(self.status.data),
            type=types.get(self.type.data),
            institution=self.institution.data.upper(),
        )


class RevokeForm(_Confirmed, FlaskForm):
    code = StringField(
        default=RevocationCode.OTHER.value,
        validators=[
            AnyOf(
                [c.value for c in RevocationCode],
                message=lazy_gettext("Choose the reason the public sees."),
            )
        ],
    )
    reason = TextAreaField(
        filters=[_one_line],
        validators=[
            DataRequired(message=lazy_gettext("Give the reason for revoking.")),
            Length(max=MAX_REASON_LENGTH, message=REASON_TOO_LONG),
        ],
    )
    confirm = HiddenField()


class ReissueForm(_Confirmed, FlaskForm):
    new_number = StringField(filters=[_stripped, _cut(64)])
    reason = StringField(
        filters=[_one_line], validators=[Length(max=MAX_REASON_LENGTH, message=REASON_TOO_LONG)]
    )
    confirm = HiddenField()

    def validate_new_number(self, field: Field) -> None:
        """Replaces what was typed by the canonical number (``kt 2400905`` -> ``KT2400905``)."""
        try:
            field.data = normalise_number(field.data)
        except MalformedNumber:
            raise ValidationError(
                lazy_gettext("Enter the new number: 1-4 letters then digits, e.g. KT 2400905.")
            ) from None


MAX_VALUE_LENGTH = 2000
COURSE_LINES = lazy_gettext("Write one course per line: name; hours; grade.")


def course_lines(text: str) -> list[dict[str, str]] | None:
    """``name; hours; grade`` per line, as the import's course list; None if malformed."""
    courses = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(";")]
        if len(parts) != 3:
            return None
        courses.append({"name": parts[0], "hours": parts[1], "grade": parts[2]})
    return courses


class IssueForm(FlaskForm):
    """One document, field for field an import row (``documents.parse.FIELDS``).

    The institution is always the registrar's own; the field exists only so that
    a post naming another one can be refused (and recorded) as such.
    """

    type = StringField(default=DocumentType.DIPLOMA.value, filters=[_cut(MAX_VALUE_LENGTH)])
    honors = BooleanField()
    courses = TextAreaField(validators=[_at_most(MAX_VALUE_LENGTH)])
    institution = StringField(filters=[_stripped])

    def validate_courses(self, field: Field) -> None:
        if (field.data or "").strip() and course_lines(field.data) is None:
            raise ValidationError(COURSE_LINES)

    def names_other_institution(self, own: str | None) -> bool:
        return bool(self.institution.raw_data) and self.institution.data != own

    def record_values(self, institution: str | None) -> dict[str, Any]:
        """The row to check and issue, as an import would read it."""
        values: dict[str, Any] = {
            name: self[name].data
            for name in FORM_FIELDS
            if name not in {"honors", "courses"} and (self[name].data or "").strip()
        }
        values["institution"] = institution
        values["honors"] = "true" if self.honors.data else "false"
        text = self.courses.data or ""
        if text.strip():
            values["courses"] = course_lines(text) or text
        return values


FORM_FIELDS = [name for name in FIELDS if name != "institution"]
for _name in FORM_FIELDS:
    # Every other import field is plain text, checked by the service's own rules.
    if not hasattr(IssueForm, _name):
        setattr(IssueForm, _name, StringField(filters=[_cut(MAX_VALUE_LENGTH)]))


# --- imports ---------------------------------------------------------------------------


class UploadForm(FlaskForm):
    file = FileField(
        validators=[FileRequired(message=lazy_gettext("Choose a .csv or .jsonl file to upload."))]
    )


# --- administration --------------------------------------------------------------------


class InstitutionForm(FlaskForm):
    code = StringField(filters=[_stripped], validators=[_at_most(16)])
    name_uz = StringField(filters=[_stripped], validators=[_at_most(300)])
    name_ru = StringField(filters=[_stripped], validators=[_at_most(300)])
    name_en = StringField(filters=[_stripped], validators=[_at_most(300)])


class UserForm(FlaskForm):
    email = StringField(filters=[_stripped], validators=[_at_most(254)])
    role = StringField(filters=[_stripped], validators=[_at_most(16)])
    institution = StringField(filters=[_stripped], validators=[_at_most(16)])
    password = PasswordField(validators=[_at_most(1024)])


class ApiTokenForm(FlaskForm):
    institution = StringField(filters=[_stripped], validators=[_at_most(16)])
    name = StringField(filters=[_one_line], validators=[_at_most(100)])


class RotateKeyForm(_Confirmed, FlaskForm):
    confirm = HiddenField()


class AuditFilterForm(FlaskForm):
    """The filters above the audit trail (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    kind = StringField(filters=[_stripped, _cut(32)])
    actor = StringField(filters=[_stripped, _cut(200)])
    subject = StringField(filters=[_stripped, _cut(64)])
    start = DateField(name="from", validators=[Optional()], invalid_value_message=BAD_DATE)
    end = DateField(name="to", validators=[Optional()], invalid_value_message=BAD_DATE)

    def filters(self) -> TrailFilters:
        start: dt.date | None = self.start.data
        end: dt.date | None = self.end.data
        return TrailFilters(
            kind=self.kind.data,
            actor=self.actor.data,
            subject=self.subject.data,
            start=start,
            end=end,
        )
