"""Shrink-to-fit text: long Uzbek names get smaller, then wrap; never clipped."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

LEADING = 1.18


@dataclass(frozen=True)
class Fitted:
    size: float
    lines: tuple[str, ...]

    @property
    def height(self) -> float:
        return self.size * LEADING * len(self.lines)


class DoesNotFit(ValueError):
    """Text that cannot fit its box even at the smallest allowed size."""


def _wrap(text: str, font: str, size: float, width: float) -> list[str] | None:
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if stringWidth(candidate, font, size) <= width:
            current = candidate
            continue
        if not current or stringWidth(word, font, size) > width:
            return None  # a single word wider than the box: needs a smaller size
        lines.append(current)
        current = word
    lines.append(current)
    return lines


def fit(
    text: str,
    font: str,
    *,
    width: float,
    max_size: float,
    min_size: float,
    max_lines: int = 1,
    height: float | None = None,
    step: float = 0.5,
) -> Fitted:
    """The largest size (down to ``min_size``) at which ``text`` fits the box.

    One line is preferred at any size it fits; more lines only once one line
    would fall below ``min_size``. Raises :class:`DoesNotFit` rather than clip.
    """
    for lines_allowed in range(1, max_lines + 1):
        size = max_size
        while size >= min_size:
            lines = _wrap(text, font, size, width) if lines_allowed > 1 else [text]
            fits_width = lines is not None and all(
                stringWidth(line, font, size) <= width for line in lines
            )
            if fits_width and lines is not None and len(lines) <= lines_allowed:
                fitted = Fitted(size, tuple(lines))
                if height is None or fitted.height <= height:
                    return fitted
            size -= step
    raise DoesNotFit(f"text of {len(text)} characters does not fit a {width:.0f} pt box")
