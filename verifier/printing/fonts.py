"""The TrueType fonts every printed document uses, shipped inside the package.

DejaVu (Bitstream Vera licence, see ``fonts/LICENSE-DejaVu.txt``) covers Uzbek
Latin (ʻ U+02BB, ʼ U+02BC), Uzbek Cyrillic (ў қ ғ ҳ) and Russian. reportlab
embeds a subset per document with a ToUnicode map, so text stays extractable.
"""

from __future__ import annotations

import functools
from pathlib import Path

from verifier.errors import ConfigurationError

FONT_DIR = Path(__file__).with_name("fonts")
SERIF = "VerifierSerif"
SERIF_BOLD = "VerifierSerif-Bold"
SANS = "VerifierSans"
SANS_BOLD = "VerifierSans-Bold"
FILES = {
    SERIF: "DejaVuSerif.ttf",
    SERIF_BOLD: "DejaVuSerif-Bold.ttf",
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
}
# Text the fonts must be able to draw; checked once at registration.
_COVERAGE = "Gʻulomov Oʻrinboyev Maʼmur ўқғҳ ЎҚҒҲ Ёжик №"


class FontMissing(ConfigurationError):
    """A font file the layouts need is absent or unreadable."""


def check_fonts(directory: Path = FONT_DIR) -> None:
    """Fail early, with the path, if a font file is missing (before any PDF is started)."""
    for filename in FILES.values():
        path = directory / filename
        if not path.is_file():
            raise FontMissing("font_file_missing", path=str(path))


@functools.cache
def register_fonts(directory: Path = FONT_DIR) -> None:
    """Register the fonts with reportlab once per process."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    check_fonts(directory)
    for name, filename in FILES.items():
        try:
            font = TTFont(name, str(directory / filename))
        except (TTFError, OSError) as exc:
            raise FontMissing(
                "font_file_unreadable", path=str(directory / filename), detail=str(exc)
            ) from exc
        missing = {ch for ch in _COVERAGE if ch != " " and ord(ch) not in font.face.charToGlyph}
        if missing:
            raise FontMissing(
                "font_lacks_characters", name=filename, characters="".join(sorted(missing))
            )
        pdfmetrics.registerFont(font)
