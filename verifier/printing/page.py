"""Drawing pieces shared by the layouts: frame, headings, label rows, verify block."""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO

from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from verifier.documents.numbers import display_number
from verifier.printing import labels
from verifier.printing.data import PrintData
from verifier.printing.fonts import SANS, SANS_BOLD, SERIF, SERIF_BOLD, register_fonts
from verifier.printing.qrdraw import draw_qr
from verifier.printing.textfit import LEADING, Fitted, fit
from verifier.printing.units import mm

NAVY = Color(0.11, 0.22, 0.36)
ACCENT = Color(0.60, 0.48, 0.22)
INK = Color(0.08, 0.08, 0.1)
MUTED = Color(0.36, 0.38, 0.42)
RULE = Color(0.72, 0.74, 0.78)
QR_MM = 32.0


def new_canvas(output: BinaryIO, pagesize: tuple[float, float], data: PrintData) -> Canvas:
    register_fonts()
    # invariant: no creation timestamp or random ID, so the same record prints the same bytes.
    canvas = Canvas(output, pagesize=pagesize, invariant=1, pageCompression=1)
    canvas.setTitle(f"{labels.text(_title_key(data), 'uz')} {display_number(data.record.number)}")
    canvas.setAuthor(data.institution_uz)
    canvas.setSubject(data.full_name)
    canvas.setCreator("verifier")
    return canvas


def _title_key(data: PrintData) -> str:
    return {"diploma": "diploma", "transcript": "supplement", "certificate": "certificate"}[
        data.record.type.value
    ]


def frame(canvas: Canvas, width: float, height: float) -> None:
    """A calm double rule around the page, as on printed state forms."""
    canvas.saveState()
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(1.6)
    canvas.rect(9 * mm, 9 * mm, width - 18 * mm, height - 18 * mm)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(0.5)
    canvas.rect(11 * mm, 11 * mm, width - 22 * mm, height - 22 * mm)
    canvas.restoreState()


def centred(
    canvas: Canvas, text: str, font: str, size: float, x: float, y: float, color: Color = INK
) -> None:
    canvas.setFont(font, size)
    canvas.setFillColor(color)
    canvas.drawCentredString(x, y, text)


def draw_fitted(
    canvas: Canvas,
    fitted: Fitted,
    font: str,
    x: float,
    top: float,
    *,
    align: str = "centre",
    color: Color = INK,
) -> float:
    """Draw fitted lines below ``top`` (first baseline one size down); return the bottom."""
    canvas.setFont(font, fitted.size)
    canvas.setFillColor(color)
    y = top - fitted.size
    for line in fitted.lines:
        if align == "centre":
            canvas.drawCentredString(x, y, line)
        else:
            canvas.drawString(x, y, line)
        y -= fitted.size * LEADING
    return top - fitted.height


def heading(
    canvas: Canvas, data: PrintData, centre_x: float, top: float, width: float, langs: Sequence[str]
) -> float:
    """Country line and the institution's names; returns the y below them."""
    centred(canvas, labels.joined("country", langs, "  ·  "), SANS, 8, centre_x, top, MUTED)
    y = top - 8 * mm
    name = fit(data.institution_uz, SERIF_BOLD, width=width, max_size=14, min_size=8, max_lines=2)
    y = draw_fitted(canvas, name, SERIF_BOLD, centre_x, y, color=NAVY)
    others = [data.institution_ru] if "ru" in langs else []
    others.append(data.institution_en)
    for other in others:
        if other and other != data.institution_uz:
            line = fit(other, SANS, width=width, max_size=9, min_size=6, max_lines=2)
            y = draw_fitted(canvas, line, SANS, centre_x, y - 1.2 * mm, color=MUTED)
    return y


def landscape_top(
    canvas: Canvas, data: PrintData, langs: Sequence[str], page: tuple[float, float]
) -> float:
    """Frame, the number at the top right and the heading of a landscape form; returns the y."""
    width, height = page
    frame(canvas, width, height)
    canvas.setFont(SANS_BOLD, 11)
    canvas.setFillColor(NAVY)
    canvas.drawRightString(
        width - 20 * mm, height - 22 * mm, f"№ {display_number(data.record.number)}"
    )
    return heading(canvas, data, width / 2, height - 21 * mm, 190 * mm, langs)


def label_value(
    canvas: Canvas,
    x: float,
    y: float,
    label: str,
    value: str,
    *,
    label_width: float,
    value_width: float,
    value_font: str = SERIF,
    value_size: float = 11,
    gap: float = 1.8 * mm,
) -> float:
    """``label  value`` from baseline ``y`` (value shrinks, then wraps); returns the next y."""
    label_fit = fit(
        label, SANS, width=label_width - 3 * mm, max_size=7.5, min_size=5.5, max_lines=2
    )
    value_fit = fit(
        value, value_font, width=value_width, max_size=value_size, min_size=7, max_lines=3
    )
    canvas.setFillColor(MUTED)
    canvas.setFont(SANS, label_fit.size)
    for n, line in enumerate(label_fit.lines):
        canvas.drawString(x, y - n * label_fit.size * LEADING, line)
    draw_fitted(canvas, value_fit, value_font, x + label_width, y + value_fit.size, align="left")
    label_bottom = y - len(label_fit.lines) * label_fit.size * LEADING
    value_bottom = y - len(value_fit.lines) * value_fit.size * LEADING
    return min(label_bottom, value_bottom) - gap


def verify_block(
    canvas: Canvas, data: PrintData, x: float, y: float, langs: Sequence[str], text_width: float
) -> float:
    """The QR code (lower-left corner at x, y) and, beside it, where to check by hand."""
    placed = draw_qr(canvas, data.qr_url, x, y, QR_MM)
    tx = x + placed.size + 2 * mm
    ty = y + placed.size - 6 * mm
    canvas.setFillColor(NAVY)
    canvas.setFont(SANS_BOLD, 8)
    for language in langs:
        canvas.drawString(tx, ty, labels.text("verify_title", language))
        ty -= 9.5
    ty -= 3
    canvas.setFillColor(MUTED)
    canvas.setFont(SANS, 7)
    canvas.drawString(tx, ty, labels.joined("verify_how", langs[:1]) + ":")
    ty -= 8.5
    canvas.drawString(tx, ty, labels.joined("verify_how", langs[1:]) + ":")
    ty -= 13
    # The address in words, large and plain, so a reader can type it and notice a look-alike.
    address = fit(data.base_url, SANS_BOLD, width=text_width, max_size=11, min_size=7)
    canvas.setFillColor(INK)
    canvas.setFont(SANS_BOLD, address.size)
    canvas.drawString(tx, ty, address.lines[0])
    ty -= 13
    canvas.setFillColor(MUTED)
    canvas.setFont(SANS, 7)
    canvas.drawString(tx, ty, labels.joined("number", langs) + ":")
    ty -= 10
    canvas.setFillColor(INK)
    canvas.setFont(SANS_BOLD, 9.5)
    canvas.drawString(tx, ty, display_number(data.record.number))
    return placed.size


def signature_lines(
    canvas: Canvas, data: PrintData, x: float, y: float, width: float, langs: Sequence[str]
) -> None:
    """Date of issue, the director's signature line and the place for the seal."""
    from verifier.printing.data import display_date

    canvas.setFillColor(MUTED)
    canvas.setFont(SANS, 7.5)
    canvas.drawString(x, y, labels.joined("issue_date", langs) + ":")
    canvas.setFillColor(INK)
    canvas.setFont(SERIF_BOLD, 11)
    canvas.drawRightString(x + width, y, display_date(data.record.issue_date))
    y -= 14 * mm
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    director = labels.joined("director", langs)
    canvas.line(x + stringWidth(director, SANS, 7.5) + 3 * mm, y, x + width, y)
    canvas.setFillColor(MUTED)
    canvas.setFont(SANS, 7.5)
    canvas.drawString(x, y + 1, director)
    canvas.drawCentredString(x + width * 0.72, y - 10, labels.joined("seal", langs))


def text_width(text: str, font: str, size: float) -> float:
    return float(stringWidth(text, font, size))
