"""What an uploaded file is, told by its first bytes: a scan of an issue-book page or an
inquiry's attachment may be a PDF, a JPEG or a PNG, never by its name or declared type."""

from __future__ import annotations

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
_SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)
# The extensions a name may have for each kind; the first is the one we give it.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    PDF: (".pdf",),
    JPEG: (".jpg", ".jpeg", ".jpe", ".jfif"),
    PNG: (".png",),
}


def media_type_of(content: bytes) -> str | None:
    """The media type ``content`` starts like, or None for anything else."""
    for signature, media_type in _SIGNATURES:
        if content.startswith(signature):
            return media_type
    return None


def download_name(stem: str, media_type: str) -> str:
    """``stem`` with the extension of what the file is (``.bin`` for anything else)."""
    extensions = EXTENSIONS.get(media_type)
    return f"{stem}{extensions[0] if extensions else '.bin'}"
