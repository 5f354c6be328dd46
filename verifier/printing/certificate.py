"""Professional-development certificate (*Malaka oshirish toʻgʻrisida sertifikat*), A4 landscape."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from verifier.printing import labels
from verifier.printing.data import PrintData, display_date
from verifier.printing.diploma import draw_holder_name
from verifier.printing.fonts import SANS, SANS_BOLD, SERIF_BOLD
from verifier.printing.page import (
    ACCENT,
    INK,
    MUTED,
    NAVY,
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


def draw(canvas: Canvas, data: PrintData, langs: Sequence[str]) -> None:
    width = PAGE[0]
    centre = width / 2
    y = landscape_top(canvas, data, langs, PAGE)

    y -= 13 * mm
    centred(canvas, labels.text("certificate", "uz"), SERIF_BOLD, 32, centre, y, NAVY)
    y -= 6.5 * mm
    centred(canvas, labels.text("certificate_kind", "uz"), SANS_BOLD, 10, centre, y, NAVY)
    y -= 5 * mm
    others = [
        f"{labels.text('certificate', lang).capitalize()} {labels.text('certificate_kind', lang)}"
        for lang in langs[1:]
    ]
    centred(canvas, "  ·  ".join(others), SANS, 8.5, centre, y, ACCENT)

    y -= 9 * mm
    centred(canvas, labels.joined("certifies", langs), SANS, 8.5, centre, y, MUTED)
    y = draw_holder_name(canvas, data, centre, y - 2.5 * mm)
    y -= 6 * mm
    centred(canvas, labels.joined("completed", langs), SANS, 8.5, centre, y, MUTED)
    course = fit(
        data.record.course_name or "—",
        SERIF_BOLD,
        width=220 * mm,
        max_size=17,
        min_size=9,
        max_lines=2,
    )
    y = draw_fitted(canvas, course, SERIF_BOLD, centre, y - 2 * mm, color=INK)

    y -= 9 * mm
    left = 60 * mm
    unit = " / ".join(labels.text("hours_unit", lang) for lang in langs)
    rows = [
        ("hours", f"{data.record.hours} {unit}"),
        (
            "course_dates",
            f"{display_date(data.record.start_date)} – {display_date(data.record.end_date)}",
        ),
        ("birth_date", display_date(data.record.birth_date)),
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

    verify_block(canvas, data, 18 * mm, 17 * mm, langs, 80 * mm)
    signature_lines(canvas, data, width - 112 * mm, 48 * mm, 92 * mm, langs)
