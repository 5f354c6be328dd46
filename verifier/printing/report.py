"""Official verification reports and letters: one A4 portrait layout, in one language.

A report says what was asked, what the registry answered then (the status, the
disclosed fields, the checks made), until when it may be relied on, who issued
it, and carries a QR code to ``{BASE_URL}/r/{token}`` where anyone can see
whether it is genuine and whether the document's status has changed since. A
letter is the same document signed by a named staff member.

Like every layout it draws from data (:class:`ReportPrint`), never from the
registry. The words are messages of the one catalogue (marked ``N_``), looked
up in the report's language; the page flows onto more pages when a transcript's
grade table needs them, each page numbered "n of m".
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from verifier import translations
from verifier.documents.numbers import display_number
from verifier.documents.record import Record
from verifier.printing.data import display_date
from verifier.printing.fonts import SANS, SANS_BOLD, SERIF_BOLD, register_fonts
from verifier.printing.pades import PdfSigner
from verifier.printing.page import ACCENT, INK, MUTED, NAVY, RULE, frame
from verifier.printing.qrdraw import draw_qr, qr_total_size
from verifier.printing.textfit import fit
from verifier.printing.units import mm
from verifier.translations import N_

PAGE: tuple[float, float] = A4
LEFT = 20 * mm
RIGHT = PAGE[0] - 20 * mm
TOP = PAGE[1] - 20 * mm
BOTTOM = 24 * mm  # above the footer
QR_MM = 32.0
LABEL_WIDTH = 50 * mm
# Tashkent has kept UTC+5 without daylight saving since 1992: a fixed offset is
# exact for every moment a report shows, and needs no time zone database.
TASHKENT = dt.timezone(dt.timedelta(hours=5), "Asia/Tashkent")

GREEN = Color(0.04, 0.42, 0.18)
RED = Color(0.69, 0.0, 0.13)
AMBER = Color(0.54, 0.35, 0.0)
STATUS_COLOURS = {
    "valid": GREEN,
    "revoked": RED,
    "superseded": AMBER,
    "expired": AMBER,
    "not_found": MUTED,
}
STATUS_MARKS = {"valid": "✓", "revoked": "✗", "superseded": "↻", "expired": "○", "not_found": "?"}


TITLES = {"report": N_("OFFICIAL VERIFICATION REPORT"), "letter": N_("OFFICIAL LETTER")}
SUBTITLES = {
    "report": N_("on the authenticity and status of an education document"),
    "letter": N_("on the verification of an education document"),
}
STATUS_WORDS = {
    "valid": N_("Valid"),
    "revoked": N_("Revoked"),
    "superseded": N_("Superseded"),
    "expired": N_("Expired"),
    "not_found": N_("Not found"),
}
STATUS_TEXTS = {
    "valid": N_("At the time of the check the registry held this document and it was in force."),
    "revoked": N_(
        "At the time of the check the registry held this document, but it had been revoked "
        "and was no longer in force."
    ),
    "superseded": N_(
        "At the time of the check this document had been replaced by a duplicate or a "
        "corrected document; only the new document was in force."
    ),
    "expired": N_(
        "At the time of the check this document had been issued, but its validity had ended."
    ),
    "not_found": N_(
        "At the time of the check the registry held no document with this number and this holder."
    ),
}
CHECK_NAMES = {
    "registry": N_("Registry record"),
    "status": N_("Registry status"),
    "holder": N_("Holder"),
    "signature": N_("Digital signature"),
    "key": N_("Signing key"),
    "version": N_("Format version"),
}
REVOCATION_REASONS = {
    "issued_in_error": N_("Issued in error"),
    "annulled_by_decision": N_("Annulled by a decision of the competent authority"),
    "replaced_by_duplicate": N_("Replaced by a duplicate"),
    "other": N_("Other reasons (ask the issuing institution)"),
}
DOCUMENT_TYPES = {
    "diploma": N_("Diploma"),
    "transcript": N_("Diploma supplement (transcript)"),
    "certificate": N_("Professional development certificate"),
}
COUNTRY = N_("REPUBLIC OF UZBEKISTAN")
NUMBER_LINE = N_("No. %(number)s")
CHECKED_LINE = N_("Checked on %(utc)s UTC (%(tashkent)s Tashkent time, UTC+5)")
REFERENCE_LINE = N_("In reply to: %(reference)s")
ASKED_TITLE = N_("What was asked")
ASKED_SURNAME = N_("Document number %(number)s with the holder's surname %(surname)s")
ASKED_BIRTH_DATE = N_("Document number %(number)s with the holder's birth date %(date)s")
ASKED_TOKEN = N_("The verification code (QR code) of document %(number)s")
ANSWER_TITLE = N_("The registry's answer")
REVOKED_LINE = N_("Revoked on %(date)s. Reason: %(reason)s")
DIPLOMA_REVOKED_LINE = N_(
    "This supplement belongs to diploma %(number)s, which was revoked: the supplement is "
    "revoked with it."
)
REPLACED_LINE = N_("Replaced by document number %(number)s")
REPLACED_ON_LINE = N_("Replaced on %(date)s by document number %(number)s")
DOCUMENT_TITLE = N_("The document as the registry holds it")
GRADES_TITLE = N_("Grades")
CHECKS_TITLE = N_("Checks made")
PASSED = N_("passed")
FAILED = N_("failed")
VALIDITY_TITLE = N_("Validity")
VALIDITY_TEXT = N_(
    "This document states the registry's answer at the time of the check. It may be relied on "
    "until %(until)s UTC (%(tashkent)s Tashkent time). The registry answers for the status "
    "now: scan the QR code to see whether this document is genuine and whether the status "
    "has changed since."
)
NOTE_TITLE = N_("Note")
SIGNER_TITLE = N_("Issued by")
AUTOMATIC_SIGNER = N_(
    "Issued automatically by the service on behalf of %(issuer)s, without a handwritten "
    "signature, and signed electronically (PAdES)."
)
LETTER_SIGNER = N_(
    "Signed by %(name)s, %(position)s, on behalf of %(issuer)s, and signed electronically (PAdES)."
)
QR_CAPTION = N_("Check this document")
FOOTER = N_("%(number)s · page %(page)s of %(pages)s")
FOOTER_NOTE = N_("An electronic document with a digital signature.")
NOT_RECORDED = N_("not recorded")
WITH_HONOURS = N_("With honours")
FIELD_LABELS = {
    "type": N_("Document"),
    "number": N_("Number"),
    "holder": N_("Holder"),
    "birth_date": N_("Birth date"),
    "institution": N_("Institution"),
    "program": N_("Programme"),
    "qualification": N_("Qualification"),
    "honors": N_("Honours"),
    "study_form": N_("Form of study"),
    "period": N_("Period"),
    "course": N_("Course"),
    "hours": N_("Hours"),
    "diploma_number": N_("Supplement to diploma"),
    "issue_date": N_("Issue date"),
    "grade": N_("Grade"),
}


def words(language: str) -> Callable[[str], str]:
    """The catalogue's translation of a marked message into ``language``."""
    return lambda message: translations.gettext(language, message)


@dataclass(frozen=True)
class ReportPrint:
    """What an official report or letter prints, already in its language's terms."""

    kind: str  # "report" or "letter"
    number: str
    language: str  # uz, ru or en: the whole page speaks it
    issuer: str
    checked_at: dt.datetime
    expires: dt.datetime
    asked_by: str  # "surname", "birth_date" or "token"
    asked_number: str
    asked_surname: str | None
    asked_birth_date: dt.date | None
    status: str  # the status word's key (valid, revoked, superseded, expired, not_found)
    document: Record | None
    institution_name: str | None
    revoked_at: dt.datetime | None
    revocation_code: str | None
    revoked_diploma: str | None
    superseded_by: str | None
    superseded_at: dt.datetime | None
    checks: tuple[tuple[str, bool], ...]
    signer_name: str | None
    signer_position: str | None
    reference: str | None
    note: str | None
    url: str  # the QR content: {BASE_URL}/r/{token}
    base_url: str


def moment_text(moment: dt.datetime, zone: dt.tzinfo = dt.UTC) -> str:
    """``DD.MM.YYYY HH:MM:SS`` in ``zone``, as the paper prints dates."""
    return moment.astimezone(zone).strftime("%d.%m.%Y %H:%M:%S")


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
    """A canvas that knows, when it is saved, how many pages there are (for "n of m").

    Each finished page's state is kept and replayed at save time with its footer:
    reportlab's own recipe, since a page cannot be revisited once shown.
    """

    def __init__(self, *args: Any, footer: Callable[[Canvas, int, int], None], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._footer = footer

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._footer(self, number, total)
            Canvas.showPage(self)
        Canvas.save(self)


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Words onto lines no wider than ``width``; a word wider than a line is cut."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while stringWidth(word, font, size) > width:
            cut = len(word) - 1
            while cut > 1 and stringWidth(word[:cut], font, size) > width:
                cut -= 1
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}" if current else word
        if stringWidth(candidate, font, size) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


class _Flow:
    """Top-to-bottom placement that starts a new page when a block does not fit."""

    LEADING = 1.3

    def __init__(self, canvas: Canvas, y: float) -> None:
        self.canvas = canvas
        self.y = y

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.canvas.showPage()
            frame(self.canvas, *PAGE)
            self.y = TOP

    def space(self, height: float) -> None:
        self.y -= height

    def heading(self, text: str) -> None:
        self.need(17 * mm)  # a heading is never left alone at the foot of a page
        self.y -= 8 * mm
        canvas = self.canvas
        canvas.setFont(SANS_BOLD, 10)
        canvas.setFillColor(NAVY)
        canvas.drawString(LEFT, self.y, text.upper())
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(LEFT, self.y - 2 * mm, RIGHT, self.y - 2 * mm)
        self.y -= 6 * mm

    def paragraph(
        self,
        text: str,
        *,
        font: str = SANS,
        size: float = 9.5,
        color: Color = INK,
        x: float = LEFT,
        width: float = RIGHT - LEFT,
    ) -> None:
        canvas = self.canvas
        for line in wrap(text, font, size, width):
            self.need(size * self.LEADING)
            self.y -= size * self.LEADING
            canvas.setFont(font, size)
            canvas.setFillColor(color)
            canvas.drawString(x, self.y, line)

    def row(self, label: str, value: str, *, value_font: str = SANS_BOLD) -> None:
        """``label  value``, the value wrapped in its column; kept on one page."""
        size = 9.5
        labels = wrap(label, SANS, 8, LABEL_WIDTH - 3 * mm)
        values = wrap(value, value_font, size, RIGHT - LEFT - LABEL_WIDTH)
        height = max(len(labels) * 8, len(values) * size) * self.LEADING + 1 * mm
        self.need(height)
        canvas = self.canvas
        top = self.y
        canvas.setFont(SANS, 8)
        canvas.setFillColor(MUTED)
        for n, line in enumerate(labels, start=1):
            canvas.drawString(LEFT, top - n * size * self.LEADING, line)
        canvas.setFont(value_font, size)
        canvas.setFillColor(INK)
        for n, line in enumerate(values, start=1):
            canvas.drawString(LEFT + LABEL_WIDTH, top - n * size * self.LEADING, line)
        self.y = top - height


def _header(canvas: Canvas, data: ReportPrint, t: Callable[[str], str]) -> float:
    """Issuer, title, number, time and the QR code; returns the y below them."""
    qr_size = qr_total_size(data.url, QR_MM)
    placed = draw_qr(canvas, data.url, RIGHT - qr_size + 4 * mm, TOP - qr_size + 4 * mm, QR_MM)
    canvas.setFont(SANS_BOLD, 7.5)
    canvas.setFillColor(NAVY)
    caption_x = placed.x + placed.size / 2
    canvas.drawCentredString(caption_x, placed.y - 1 * mm, t(QR_CAPTION))
    canvas.setFont(SANS, 7)
    canvas.setFillColor(MUTED)
    canvas.drawCentredString(caption_x, placed.y - 4.5 * mm, data.base_url)
    width = placed.x - LEFT - 4 * mm
    canvas.setFont(SANS, 8)
    canvas.setFillColor(MUTED)
    y = TOP - 3 * mm
    canvas.drawString(LEFT, y, t(COUNTRY))
    canvas.setFillColor(NAVY)
    for line in wrap(data.issuer, SERIF_BOLD, 13, width)[:3]:
        y -= 13 * 1.25
        canvas.setFont(SERIF_BOLD, 13)
        canvas.drawString(LEFT, y, line)
    y -= 11 * mm
    canvas.setFillColor(NAVY)
    # One line when it fits at a readable size (Russian and Uzbek titles are long).
    title = fit(
        t(TITLES[data.kind]), SERIF_BOLD, width=width, max_size=16, min_size=12, max_lines=2
    )
    for line in title.lines:
        canvas.setFont(SERIF_BOLD, title.size)
        canvas.drawString(LEFT, y, line)
        y -= title.size * 1.25
    canvas.setFont(SANS, 9)
    canvas.setFillColor(ACCENT)
    for line in wrap(t(SUBTITLES[data.kind]), SANS, 9, width):
        canvas.drawString(LEFT, y + 2, line)
        y -= 9 * 1.3
    y -= 3 * mm
    canvas.setFont(SANS_BOLD, 12)
    canvas.setFillColor(INK)
    canvas.drawString(LEFT, y, t(NUMBER_LINE) % {"number": data.number})
    lines = [
        t(CHECKED_LINE)
        % {"utc": moment_text(data.checked_at), "tashkent": moment_text(data.checked_at, TASHKENT)}
    ]
    if data.reference:
        lines.append(t(REFERENCE_LINE) % {"reference": data.reference})
    canvas.setFont(SANS, 8.5)
    canvas.setFillColor(MUTED)
    for text in lines:
        for line in wrap(text, SANS, 8.5, width):
            y -= 8.5 * 1.35
            canvas.drawString(LEFT, y, line)
    return min(y, placed.y - 8 * mm)


def _asked(data: ReportPrint, t: Callable[[str], str]) -> str:
    number = display_number(data.asked_number)
    if data.asked_by == "token":
        return t(ASKED_TOKEN) % {"number": number}
    if data.asked_by == "birth_date" and data.asked_birth_date is not None:
        return t(ASKED_BIRTH_DATE) % {"number": number, "date": display_date(data.asked_birth_date)}
    return t(ASKED_SURNAME) % {"number": number, "surname": f"«{data.asked_surname or ''}»"}


def _status_block(flow: _Flow, data: ReportPrint, t: Callable[[str], str]) -> None:
    colour = STATUS_COLOURS.get(data.status, INK)
    flow.need(12 * mm)
    flow.y -= 8 * mm
    canvas = flow.canvas
    canvas.setFillColor(colour)
    canvas.rect(LEFT, flow.y - 2 * mm, 1.6 * mm, 9 * mm, stroke=0, fill=1)
    canvas.setFont(SANS_BOLD, 15)
    mark = STATUS_MARKS.get(data.status, "")
    canvas.drawString(LEFT + 4 * mm, flow.y, f"{mark} {t(STATUS_WORDS[data.status])}")
    flow.y -= 2 * mm
    flow.paragraph(t(STATUS_TEXTS[data.status]), x=LEFT + 4 * mm, width=RIGHT - LEFT - 4 * mm)
    if data.revoked_at is not None:
        code = data.revocation_code or "other"
        reason = REVOCATION_REASONS.get(code, REVOCATION_REASONS["other"])
        flow.paragraph(
            t(REVOKED_LINE) % {"date": display_date(data.revoked_at.date()), "reason": t(reason)},
            font=SANS_BOLD,
            x=LEFT + 4 * mm,
        )
        if data.revoked_diploma:
            flow.paragraph(
                t(DIPLOMA_REVOKED_LINE) % {"number": display_number(data.revoked_diploma)},
                x=LEFT + 4 * mm,
                width=RIGHT - LEFT - 4 * mm,
            )
    if data.superseded_by:
        number = display_number(data.superseded_by)
        line = (
            t(REPLACED_ON_LINE)
            % {"date": display_date(data.superseded_at.date()), "number": number}
            if data.superseded_at
            else t(REPLACED_LINE) % {"number": number}
        )
        flow.paragraph(line, font=SANS_BOLD, x=LEFT + 4 * mm)


def _document_rows(data: ReportPrint, t: Callable[[str], str]) -> list[tuple[str, str]]:
    record = data.document
    assert record is not None
    label = FIELD_LABELS

    def shown(value: str | None) -> str:
        return value if value else t(NOT_RECORDED)

    rows = [
        (label["type"], t(DOCUMENT_TYPES[record.type.value])),
        (label["number"], display_number(record.number)),
        (label["holder"], record.full_name),
        (label["birth_date"], display_date(record.birth_date)),
        (label["institution"], f"{data.institution_name or ''} ({record.institution})".strip()),
    ]
    if record.program_code or record.program_name:
        programme = " — ".join(p for p in (record.program_code, record.program_name) if p)
        rows.append((label["program"], programme))
    if record.qualification:
        rows.append((label["qualification"], record.qualification))
    if record.honors:
        rows.append((label["honors"], t(WITH_HONOURS)))
    if record.study_form:
        rows.append((label["study_form"], record.study_form))
    if record.start_date or record.end_date:
        period = f"{display_date(record.start_date)} – {display_date(record.end_date)}"
        rows.append((label["period"], period))
    if record.course_name:
        rows.append((label["course"], record.course_name))
    if record.hours:
        rows.append((label["hours"], str(record.hours)))
    if record.diploma_number:
        rows.append((label["diploma_number"], display_number(record.diploma_number)))
    rows.append((label["issue_date"], display_date(record.issue_date)))
    return [(t(name), shown(value)) for name, value in rows]


def _grades(flow: _Flow, record: Record, t: Callable[[str], str]) -> None:
    courses = record.courses or ()
    if not courses:
        return
    flow.heading(t(GRADES_TITLE))
    canvas = flow.canvas
    hours_x, grade_x = RIGHT - 35 * mm, RIGHT - 12 * mm
    name_width = hours_x - LEFT - 14 * mm

    def columns(font: str, values: Sequence[str], lines: list[str]) -> None:
        canvas.setFont(font, 8.5)
        canvas.setFillColor(INK)
        canvas.drawString(LEFT, flow.y, values[0])
        for n, line in enumerate(lines):
            canvas.drawString(LEFT + 8 * mm, flow.y - n * 8.5 * flow.LEADING, line)
        canvas.drawRightString(hours_x, flow.y, values[1])
        canvas.drawRightString(grade_x, flow.y, values[2])

    flow.need(8 * mm)
    flow.y -= 8.5 * flow.LEADING
    columns(
        SANS_BOLD,
        ("№", t(FIELD_LABELS["hours"]), t(FIELD_LABELS["grade"])),
        [t(FIELD_LABELS["course"])],
    )
    for index, course in enumerate(courses, start=1):
        lines = wrap(course.name, SANS, 8.5, name_width)
        flow.need(len(lines) * 8.5 * flow.LEADING + 1 * mm)
        flow.y -= 8.5 * flow.LEADING + 1 * mm
        columns(SANS, (str(index), str(course.hours), course.grade), lines)
        flow.y -= (len(lines) - 1) * 8.5 * flow.LEADING


def _footer(data: ReportPrint, t: Callable[[str], str]) -> Callable[[Canvas, int, int], None]:
    number_text = t(FOOTER)
    note = t(FOOTER_NOTE)

    def draw(canvas: Canvas, page: int, pages: int) -> None:
        canvas.setFont(SANS, 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(LEFT, 15 * mm, note)
        canvas.drawRightString(
            RIGHT, 15 * mm, number_text % {"number": data.number, "page": page, "pages": pages}
        )

    return draw


def render_unsigned(data: ReportPrint) -> bytes:
    """The report's PDF, not yet signed."""
    register_fonts()
    t = words(data.language)
    buffer = io.BytesIO()
    # invariant: no creation time or random ID, so a stored report prints the same bytes.
    canvas = _NumberedCanvas(
        buffer, pagesize=PAGE, invariant=1, pageCompression=1, footer=_footer(data, t)
    )
    canvas.setTitle(f"{t(TITLES[data.kind])} {data.number}")
    canvas.setAuthor(data.issuer)
    canvas.setSubject(display_number(data.asked_number))
    canvas.setCreator("verifier")
    frame(canvas, *PAGE)
    flow = _Flow(canvas, _header(canvas, data, t))

    flow.heading(t(ASKED_TITLE))
    flow.paragraph(_asked(data, t))
    flow.heading(t(ANSWER_TITLE))
    _status_block(flow, data, t)
    if data.document is not None:
        flow.heading(t(DOCUMENT_TITLE))
        for label, value in _document_rows(data, t):
            flow.row(label, value)
        _grades(flow, data.document, t)
    flow.heading(t(CHECKS_TITLE))
    for name, passed in data.checks:
        word = t(PASSED) if passed else t(FAILED)
        flow.paragraph(f"{'✓' if passed else '✗'}  {t(CHECK_NAMES.get(name, name))}: {word}")
    flow.heading(t(VALIDITY_TITLE))
    flow.paragraph(
        t(VALIDITY_TEXT)
        % {"until": moment_text(data.expires), "tashkent": moment_text(data.expires, TASHKENT)}
    )
    if data.note:
        flow.heading(t(NOTE_TITLE))
        flow.paragraph(data.note)
    flow.heading(t(SIGNER_TITLE))
    if data.kind == "letter" and data.signer_name:
        signer = t(LETTER_SIGNER) % {
            "name": data.signer_name,
            "position": data.signer_position or "",
            "issuer": data.issuer,
        }
    else:
        signer = t(AUTOMATIC_SIGNER) % {"issuer": data.issuer}
    flow.paragraph(signer)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_signed(data: ReportPrint, signer: PdfSigner) -> bytes:
    """The report as handed out: rendered and PAdES-signed."""
    return signer.sign(render_unsigned(data), location=data.base_url)
