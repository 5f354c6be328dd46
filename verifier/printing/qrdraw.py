"""The QR code as vector rectangles: sharp at any print resolution, and cheap.

Dark modules are merged into horizontal runs, and runs that repeat on the next
row into taller rectangles, then filled as one path: a version-13 code becomes
a few hundred ``re`` operators instead of thousands of module squares.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from verifier.printing.qrmatrix import budget_version, qr_row_strings
from verifier.printing.units import mm

QUIET_ZONE = 4  # modules of light margin on every side (ISO/IEC 18004 minimum)
MIN_SYMBOL_MM = 30

Rect = tuple[int, int, int, int]  # column, row, width, height in modules
_DARK_RUN = re.compile("1+")


def merged_rects(rows: Sequence[str]) -> list[Rect]:
    """Cover the dark modules (``1``) with few rectangles (row runs, merged downwards)."""
    finished: list[Rect] = []
    open_runs: dict[tuple[int, int], tuple[int, int]] = {}  # (start, end) -> (top row, height)
    for row_index, row in enumerate(rows):
        runs = {match.span() for match in _DARK_RUN.finditer(row)}
        for run in list(open_runs):
            if run not in runs:
                top, height = open_runs.pop(run)
                finished.append((run[0], top, run[1] - run[0], height))
        for run in runs:
            top, height = open_runs.get(run, (row_index, 0))
            open_runs[run] = (top, height + 1)
    for run, (top, height) in open_runs.items():
        finished.append((run[0], top, run[1] - run[0], height))
    return finished


@dataclass(frozen=True)
class PlacedQR:
    """Where a QR code was drawn, in points, quiet zone included."""

    x: float
    y: float
    size: float
    symbol_mm: float


def draw_qr(canvas: Canvas, url: str, x: float, y: float, symbol_mm: float = 32) -> PlacedQR:
    """Draw the QR for ``url`` with its lower-left quiet-zone corner at (x, y)."""
    if symbol_mm < MIN_SYMBOL_MM:
        raise ValueError(f"a QR code below {MIN_SYMBOL_MM} mm does not scan reliably from paper")
    rows = qr_row_strings(url)
    count = len(rows)
    module = symbol_mm * mm / count
    total = module * (count + 2 * QUIET_ZONE)
    canvas.saveState()
    # The quiet zone is painted, not assumed: blank forms often carry a background pattern.
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, total, total, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    # One module = one unit, origin at the symbol's top-left, y downwards: every
    # rectangle is four small integers, written as literal path operators
    # (reportlab's per-number float formatting would cost more than the page).
    canvas.translate(x + QUIET_ZONE * module, y + total - QUIET_ZONE * module)
    canvas.scale(module, -module)
    operators = [f"{c} {r} {w} {h} re" for c, r, w, h in merged_rects(rows)]
    canvas.addLiteral("\n".join([*operators, "f"]))
    canvas.restoreState()
    return PlacedQR(x, y, total, symbol_mm)


def qr_total_size(url: str, symbol_mm: float = 32.0) -> float:
    """Width in points of the drawn code, quiet zone included.

    From the version alone (17 + 4 per version modules a side): a layout that
    places the code by its size must not encode and mask it twice.
    """
    count = 17 + 4 * budget_version(url.encode())
    return symbol_mm * mm / count * (count + 2 * QUIET_ZONE)
