"""Diploma (*Diplom*), A4 landscape."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from verifier.printing import labels
from verifier.printing.data import PrintData, display_date
from verifier.printing.fonts import SANS, SANS_BOLD, SERIF_BOLD
from verifier.printing.page import (
    ACCENT,
    INK,
    MUTED,
    NAVY,
    RULE,
    centred,
    draw_fitted,
    label_value,
    landscape_top,
    signature_lines,
    verify_block,
)
from verifier.printing.textfit import fit
from verifier.printing.units import mm

PAGE = landscape(A4)
NAME_WIDTH = 235 * mm


def draw_holder_name(canvas: Canvas, data: PrintData, centre_x: float, top: float) -> float:
    """The name exactly as recorded, as large as fits; a long name shrinks, then wraps."""
    name = fit(data.full_name, SERIF_BOLD, width=NAME_WIDTH, max_size=26, min_size=15, max_lines=2)
    bottom = draw_fitted(canvas, name, SERIF_BOLD, centre_x, top, color=INK)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(
        centre_x - NAME_WIDTH / 2, bottom - 1.5 * mm, centre_x + NAME_WIDTH / 2, bottom - 1.5 * mm
    )
    return bottom - 1.5 * mm


def draw(canvas: Canvas, data: PrintData, langs: Sequence[str]) -> None:
    width = PAGE[0]
    centre = width / 2
    y = landscape_top(canvas, data, langs, PAGE)

    y -= 13 * mm
    centred(canvas, labels.text("diploma", "uz"), SERIF_BOLD, 34, centre, y, NAVY)
    y -= 7 * mm
    centred(
        canvas,
        "  ·  ".join(labels.text("diploma", lang) for lang in langs[1:]),
        SANS,
        10,
        centre,
        y,
        ACCENT,
    )

    y -= 10 * mm
    centred(canvas, labels.joined("awarded_to", langs), SANS, 8.5, centre, y, MUTED)
    y = draw_holder_name(canvas, data, centre, y - 2.5 * mm)
    y -= 5 * mm
    centred(
        canvas,
        f"{labels.joined('birth_date', langs)}:  {display_date(data.record.birth_date)}",
        SANS,
        8.5,
        centre,
        y,
        MUTED,
    )

    y -= 10 * mm
    left = 48 * mm
    rows = [
        (
            "program",
            " — ".join(p for p in (data.record.program_code, data.record.program_name) if p),
        ),
        ("qualification", data.record.qualification or "—"),
        (
            "study_form",
            labels.study_form(data.record.study_form, langs) if data.record.study_form else "—",
        ),
        (
            "period",
            f"{display_date(data.record.start_date)} – {display_date(data.record.end_date)}",
        ),
    ]
    for key, value in rows:
        y = label_value(
            canvas,
            left,
            y,
            labels.joined(key, langs),
            value,
            label_width=62 * mm,
            value_width=width - 2 * left - 62 * mm,
            gap=3 * mm,
        )
    if data.record.honors:
        centred(
            canvas,
            labels.joined("honours", langs, "  ·  "),
            SANS_BOLD,
            10,
            centre,
            y - 1 * mm,
            ACCENT,
        )

    verify_block(canvas, data, 18 * mm, 17 * mm, langs, 80 * mm)
    signature_lines(canvas, data, width - 112 * mm, 48 * mm, 92 * mm, langs)
