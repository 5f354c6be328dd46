"""Diploma supplement / academic transcript (*Diplomga ilova*), A4 portrait.

Every course line is printed; the table spills onto further pages, each with
a running header, the table's column heads and "page N of M". Pagination is
computed before anything is drawn, so M is known on page 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from verifier.documents.numbers import display_number
from verifier.printing import labels
from verifier.printing.data import PrintData, display_date
from verifier.printing.fonts import SANS, SANS_BOLD, SERIF, SERIF_BOLD
from verifier.printing.page import (
    ACCENT,
    INK,
    MUTED,
    NAVY,
    RULE,
    centred,
    draw_fitted,
    frame,
    heading,
    label_value,
    signature_lines,
)
from verifier.printing.qrdraw import draw_qr
from verifier.printing.textfit import Fitted, fit
from verifier.printing.units import mm
from verifier.signing.proof import Grade

PAGE = A4
WIDTH, HEIGHT = PAGE
LEFT = 20 * mm
RIGHT = WIDTH - 20 * mm
COL_NO = 11 * mm
COL_HOURS = 24 * mm
COL_GRADE = 24 * mm
COURSE_WIDTH = RIGHT - LEFT - COL_NO - COL_HOURS - COL_GRADE - 4 * mm
ROW_PAD = 2.2 * mm
BODY_SIZE = 9.0
TABLE_HEAD = 11 * mm
NEXT_PAGE_TABLE_TOP = HEIGHT - 38 * mm
TABLE_BOTTOM = 24 * mm
CLOSING_HEIGHT = 52 * mm  # total line, grading scale, date, signature and seal


@dataclass(frozen=True)
class Row:
    index: int
    course: Grade
    name: Fitted

    @property
    def height(self) -> float:
        return self.name.height + ROW_PAD


def _rows(courses: Sequence[Grade]) -> list[Row]:
    return [
        Row(
            i,
            course,
            fit(course[0], SERIF, width=COURSE_WIDTH, max_size=BODY_SIZE, min_size=7, max_lines=4),
        )
        for i, course in enumerate(courses, start=1)
    ]


def paginate(rows: Sequence[Row], first_top: float) -> list[list[Row]]:
    """Split rows into pages; the closing block must fit after the last row."""
    pages: list[list[Row]] = [[]]
    y = first_top - TABLE_HEAD
    for row in rows:
        if y - row.height < TABLE_BOTTOM:
            pages.append([])
            y = NEXT_PAGE_TABLE_TOP - TABLE_HEAD
        pages[-1].append(row)
        y -= row.height
    if y - CLOSING_HEIGHT < TABLE_BOTTOM:
        pages.append([])
    return pages


def _table_head(canvas: Canvas, top: float, langs: Sequence[str]) -> float:
    canvas.setFillColor(NAVY)
    canvas.rect(LEFT, top - TABLE_HEAD, RIGHT - LEFT, TABLE_HEAD, stroke=0, fill=1)
    canvas.setFillColorRGB(1, 1, 1)
    columns = [
        ("col_no", LEFT + 2 * mm, "left"),
        ("col_course", LEFT + COL_NO + 2 * mm, "left"),
        ("col_hours", RIGHT - COL_GRADE - 3 * mm, "right"),
        ("col_grade", RIGHT - COL_GRADE / 2, "centre"),
    ]
    for key, x, align in columns:
        for n, lang in enumerate(langs[:2]):
            canvas.setFont(SANS_BOLD if n == 0 else SANS, 7.5 if n == 0 else 6.5)
            y = top - 4.6 * mm - n * 3.6 * mm
            text = labels.text(key, lang)
            if align == "left":
                canvas.drawString(x, y, text)
            elif align == "right":
                canvas.drawRightString(x, y, text)
            else:
                canvas.drawCentredString(x, y, text)
    return top - TABLE_HEAD


def _row(canvas: Canvas, row: Row, top: float, shaded: bool) -> float:
    bottom = top - row.height
    if shaded:
        canvas.setFillColorRGB(0.955, 0.96, 0.97)
        canvas.rect(LEFT, bottom, RIGHT - LEFT, row.height, stroke=0, fill=1)
    baseline = top - ROW_PAD / 2 - row.name.size
    canvas.setFillColor(MUTED)
    canvas.setFont(SANS, 8)
    canvas.drawString(LEFT + 2 * mm, baseline, str(row.index))
    draw_fitted(canvas, row.name, SERIF, LEFT + COL_NO + 2 * mm, top - ROW_PAD / 2, align="left")
    canvas.setFont(SERIF, BODY_SIZE)
    canvas.drawRightString(RIGHT - COL_GRADE - 3 * mm, baseline, str(row.course[1]))
    canvas.setFont(SERIF_BOLD, BODY_SIZE)
    canvas.drawCentredString(RIGHT - COL_GRADE / 2, baseline, row.course[2])
    return bottom


def _footer(canvas: Canvas, data: PrintData, n: int, m: int, langs: Sequence[str]) -> None:
    canvas.setFillColor(MUTED)
    canvas.setFont(SANS, 7)
    pages = " · ".join(labels.text("page", lang).format(n=n, m=m) for lang in langs)
    canvas.drawRightString(RIGHT, 15 * mm, pages)
    canvas.drawString(LEFT, 15 * mm, f"№ {display_number(data.record.number)}  ·  {data.base_url}")


def _running_header(canvas: Canvas, data: PrintData, langs: Sequence[str]) -> None:
    canvas.setFillColor(NAVY)
    canvas.setFont(SANS_BOLD, 9)
    title = " / ".join(labels.text("supplement", lang).split(" · ")[0] for lang in langs)
    canvas.drawString(LEFT, HEIGHT - 21 * mm, title)
    canvas.drawRightString(RIGHT, HEIGHT - 21 * mm, f"№ {display_number(data.record.number)}")
    cont = "(" + " / ".join(labels.text("continued", lang) for lang in langs) + ")"
    canvas.setFillColor(MUTED)
    canvas.setFont(SANS, 7)
    canvas.drawRightString(RIGHT, HEIGHT - 27 * mm, cont)
    room = RIGHT - LEFT - stringWidth(cont, SANS, 7) - 4 * mm
    name = fit(data.full_name, SERIF_BOLD, width=room, max_size=10.5, min_size=6.5, max_lines=2)
    draw_fitted(canvas, name, SERIF_BOLD, LEFT, HEIGHT - 27 * mm + name.size, align="left")


def _first_page(canvas: Canvas, data: PrintData, langs: Sequence[str]) -> float:
    """Heading, holder block and QR code; returns where the table may start."""
    centre = WIDTH / 2
    y = heading(canvas, data, centre, HEIGHT - 21 * mm, 160 * mm, langs)
    y -= 9 * mm
    centred(canvas, labels.text("supplement", "uz"), SERIF_BOLD, 20, centre, y, NAVY)
    y -= 5.5 * mm
    subtitle = "  ·  ".join(labels.text("supplement", lang) for lang in langs[1:])
    centred(canvas, subtitle, SANS, 8, centre, y, ACCENT)
    y -= 5 * mm
    centred(canvas, f"№ {display_number(data.record.number)}", SANS_BOLD, 11, centre, y, NAVY)

    y -= 10 * mm
    top_of_block = y
    value_width = 86 * mm
    rows = [
        ("holder", data.full_name, SERIF_BOLD, 12.0),
        ("birth_date", display_date(data.record.birth_date), SERIF, 10.0),
        ("diploma_number", display_number(data.record.diploma_number or "—"), SERIF, 10.0),
        (
            "program",
            " — ".join(p for p in (data.record.program_code, data.record.program_name) if p),
            SERIF,
            10.0,
        ),
        ("qualification", data.record.qualification or "—", SERIF, 10.0),
        (
            "period",
            f"{display_date(data.record.start_date)} – {display_date(data.record.end_date)}",
            SERIF,
            10.0,
        ),
    ]
    for key, value, font, size in rows:
        y = label_value(
            canvas,
            LEFT,
            y,
            labels.joined(key, langs),
            value,
            label_width=44 * mm,
            value_width=value_width,
            value_font=font,
            value_size=size,
        )
    qr_x = RIGHT - 40 * mm
    placed = draw_qr(canvas, data.qr_url, qr_x, top_of_block - 40 * mm + 3 * mm, 32.0)
    canvas.setFillColor(MUTED)
    canvas.setFont(SANS, 6.5)
    canvas.drawCentredString(qr_x + placed.size / 2, placed.y - 2.5 * mm, data.base_url)
    return min(y, placed.y - 5 * mm) - 4 * mm


def _closing(canvas: Canvas, data: PrintData, top: float, langs: Sequence[str]) -> None:
    total = sum(course[1] for course in data.courses)
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(0.8)
    canvas.line(LEFT, top, RIGHT, top)
    y = top - 5 * mm
    canvas.setFillColor(INK)
    canvas.setFont(SANS_BOLD, 8.5)
    canvas.drawString(LEFT + COL_NO + 2 * mm, y, labels.joined("total", langs))
    canvas.setFont(SERIF_BOLD, BODY_SIZE)
    unit = " / ".join(labels.text("hours_unit", lang) for lang in langs[:1])
    canvas.drawRightString(RIGHT - COL_GRADE - 3 * mm, y, f"{total} {unit}")
    y -= 7 * mm
    canvas.setFillColor(MUTED)
    canvas.setFont(SANS, 7)
    for lang in langs:
        canvas.drawString(LEFT, y, labels.text("scale", lang))
        y -= 3.4 * mm
    signature_lines(canvas, data, RIGHT - 95 * mm, y - 6 * mm, 95 * mm, langs)


def draw(canvas: Canvas, data: PrintData, langs: Sequence[str]) -> None:
    frame(canvas, WIDTH, HEIGHT)
    first_top = _first_page(canvas, data, langs)
    pages = paginate(_rows(data.courses), first_top)
    count = len(pages)
    shaded = False
    for number, rows in enumerate(pages, start=1):
        if number == 1:
            top = first_top
        else:
            frame(canvas, WIDTH, HEIGHT)
            _running_header(canvas, data, langs)
            top = NEXT_PAGE_TABLE_TOP
        y = _table_head(canvas, top, langs) if rows or number == 1 else top
        for row in rows:
            y = _row(canvas, row, y, shaded)
            shaded = not shaded
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        if rows:
            canvas.line(LEFT, y, RIGHT, y)
        if number == count:
            _closing(canvas, data, y - 2 * mm, langs)
        _footer(canvas, data, number, count, langs)
        if number < count:
            canvas.showPage()
