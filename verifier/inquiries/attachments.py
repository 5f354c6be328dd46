"""An inquiry's attachments: up to three PDF, JPEG or PNG files, 10 MiB each (DESIGN.md).

Staff open these files later, in their own viewers, so an attachment is judged
by its content and never by its name or declared type: its first bytes say what
it is, a name that says otherwise is refused (a PE file named ``.pdf`` is not a
PDF), a PDF must be readable page by page within the PDF sandbox's budget
(:func:`~verifier.verification.pdf.sandbox.vet_pdf`: no flate bomb, no page tree
thousands deep), and an image must have a readable header and sane dimensions
(no decompression bomb). An :class:`Attachment` that exists passed all of it.
"""

from __future__ import annotations

import io
import posixpath
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from verifier.archive.media import EXTENSIONS, JPEG, PDF, PNG, media_type_of
from verifier.errors import InvalidInput, TooLarge
from verifier.signing.proof import ProofError
from verifier.verification.pdf.sandbox import vet_pdf

MAX_ATTACHMENTS = 3
MAX_BYTES = 10 * 1024 * 1024
MAX_FILENAME = 200  # the column's width (inquiry_attachments.filename)
# An image larger than this is a decompression bomb, not a scan: 20000 pixels is
# A4 at 1700 dpi; 100 million pixels is 400 MB decoded as RGBA.
MAX_IMAGE_SIDE = 20_000
MAX_IMAGE_PIXELS = 100_000_000

_KIND = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}
_PILLOW_FORMAT = {JPEG: "JPEG", PNG: "PNG"}


class AttachmentRefused(InvalidInput):
    """An attachment that is empty, not a PDF, JPEG or PNG by its content, named as
    something else, unreadable or too costly to show, or one too many."""


@dataclass(frozen=True)
class Attachment:
    """A file sent with an inquiry, checked by its content; build it with :meth:`of`."""

    filename: str
    content: bytes
    media_type: str

    @classmethod
    def of(cls, filename: str, content: bytes, *, index: int) -> Attachment:
        """The ``index``-th (from 0) attachment, checked; raise :class:`AttachmentRefused`
        (or :class:`~verifier.errors.TooLarge` for its size) naming ``attachments[index]``."""
        field = f"attachments[{index}]"
        if not content:
            raise AttachmentRefused("attachment_empty", field=field)
        if len(content) > MAX_BYTES:
            raise TooLarge(
                "attachment_too_large", megabytes=MAX_BYTES // (1024 * 1024), field=field
            )
        media_type = media_type_of(content)
        if media_type is None:
            raise AttachmentRefused("attachment_not_allowed", field=field)
        name = _clean_name(filename, media_type, index)
        if media_type == PDF:
            _check_pdf(content, field)
        else:
            _check_image(content, media_type, field)
        return cls(name, content, media_type)


def check_all(files: Sequence[tuple[str, bytes]]) -> tuple[Attachment, ...]:
    """The attachments of one inquiry, each checked; at most :data:`MAX_ATTACHMENTS`.

    The count is checked before any file is read, so a fourth file costs nothing.
    """
    if len(files) > MAX_ATTACHMENTS:
        raise AttachmentRefused("too_many_attachments", limit=MAX_ATTACHMENTS, field="attachments")
    return tuple(
        Attachment.of(filename, content, index=index)
        for index, (filename, content) in enumerate(files)
    )


def _clean_name(filename: str, media_type: str, index: int) -> str:
    """The name to store and to offer on download: its last path part, printable, at
    most :data:`MAX_FILENAME` characters, with an extension that matches the content."""
    # Both separators: a name from Windows arrives as C:\\Users\\...\\scan.pdf.
    base = posixpath.basename(filename.replace("\\", "/"))
    base = "".join(c for c in base if c.isprintable()).strip().strip(". ")
    stem, extension = posixpath.splitext(base)
    if extension and extension.lower() not in EXTENSIONS[media_type]:
        raise AttachmentRefused(
            "attachment_name_mismatch",
            name=base[:MAX_FILENAME],
            kind=_KIND[media_type],
            field=f"attachments[{index}]",
        )
    extension = extension or EXTENSIONS[media_type][0]
    stem = stem or f"attachment-{index + 1}"
    return stem[: MAX_FILENAME - len(extension)] + extension


def _check_pdf(content: bytes, field: str) -> None:
    try:
        pages = vet_pdf(content)
    except ProofError as exc:
        # The sandbox's own words (too costly, too deep, unreadable), at the field.
        raise AttachmentRefused(exc.code, field=field, **exc.params) from None
    if pages == 0:
        raise AttachmentRefused("attachment_without_pages", field=field)


def _check_image(content: bytes, media_type: str, field: str) -> None:
    """Read the header (dimensions) and check the file's structure, decoding no pixels."""
    from PIL import Image

    kind = _KIND[media_type]
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own pixel limit; ours, checked below, is the rule.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=[_PILLOW_FORMAT[media_type]]) as image:
                width, height = image.size
                if max(width, height) > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
                    raise _image_too_large(field)
                if width < 1 or height < 1:
                    raise AttachmentRefused("attachment_unreadable", kind=kind, field=field)
                # PNG: every chunk's CRC up to IEND; JPEG: the markers were parsed by open.
                image.verify()
    except Image.DecompressionBombError:
        raise _image_too_large(field) from None
    except AttachmentRefused:
        raise
    except Exception:  # Pillow raises many kinds on a broken file: all say unreadable
        raise AttachmentRefused("attachment_unreadable", kind=kind, field=field) from None


def _image_too_large(field: str) -> AttachmentRefused:
    return AttachmentRefused(
        "attachment_image_too_large",
        side=MAX_IMAGE_SIDE,
        megapixels=MAX_IMAGE_PIXELS // 1_000_000,
        field=field,
    )
