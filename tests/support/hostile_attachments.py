"""Hostile files sent as attachments: PDFs whose pages cost gigabytes or thousands of
levels to show (beside tests/support/hostile_pdfs.py, whose attacks hide outside the
pages), images that claim absurd dimensions, and well-formed files of each kind."""

from __future__ import annotations

import functools
import io
import struct
import zlib

from tests.support.hostile_pdfs import assemble

MiB = 1024 * 1024
BOMB = 1025 * MiB  # more than a GiB once inflated


def _one_page(contents: bytes, resources: bytes = b"<< >>") -> list[bytes]:
    """Catalog, page tree and one page whose content stream is object 4."""
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources " + resources + b" >>",
        contents,
    ]


def _stream(data: bytes, filters: bytes = b"") -> bytes:
    head = b"<< /Length %d %s >>\nstream\n" % (len(data), filters)
    return head + data + b"\nendstream"


@functools.cache
def zeros_deflated(decoded: int) -> bytes:
    """``decoded`` zero bytes (a whole number of MiB) as a zlib stream, about 1 KiB per MiB.

    Deflating a GiB takes seconds; after a full flush a compressor starts afresh, so
    the blocks for one MiB of zeros are deflated once and repeated, and the checksum
    of the whole is computed over the zeros (fast) and put at the end.
    """
    chunk = b"\0" * MiB
    compressor = zlib.compressobj(9)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    last_block = compressor.flush()[:-4]  # an empty final block, then the checksum
    checksum = 1
    for _ in range(decoded // MiB):
        checksum = zlib.adler32(chunk, checksum)
    body = first + again * (decoded // MiB - 1) + last_block
    return body + struct.pack(">I", checksum)


def page_content_flate_bomb(decoded: int = BOMB) -> bytes:
    """A page whose content stream inflates to more than a GiB, from about a MiB."""
    return assemble(_one_page(_stream(zeros_deflated(decoded), b"/Filter /FlateDecode")))


def page_content_stacked_flate_bomb() -> bytes:
    """A page whose content stream is deflated twice: a few KiB that become more than a GiB."""
    twice = zlib.compress(zeros_deflated(BOMB), 9)
    return assemble(_one_page(_stream(twice, b"/Filter [/FlateDecode /FlateDecode]")))


def image_flate_bomb() -> bytes:
    """A page showing an image whose flate layer, before its JPEG codec, inflates to
    more than a GiB (reportlab writes images as ASCII85 then DCT: a layer, then the codec)."""
    image = _stream(
        zeros_deflated(BOMB),
        b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8 /Filter [/FlateDecode /DCTDecode]",
    )
    objects = _one_page(_stream(b"q 1 0 0 1 0 0 cm /Im0 Do Q"), b"<< /XObject << /Im0 5 0 R >> >>")
    return assemble([*objects, image])


def deep_page_tree(depth: int = 5000) -> bytes:
    """A page tree thousands of /Pages nodes deep before its one page."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (3 + level))
    objects.append(b"<< /Type /Page /MediaBox [0 0 612 792] >>")
    return assemble(objects)


def page_tree_fan_out(levels: int = 6, width: int = 64) -> bytes:
    """/Kids arrays 64 wide whose entries are all the next level: 64**levels pages to walk."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(levels):
        kid = 3 + level
        objects.append(b"<< /Type /Pages /Kids [" + b" ".join([b"%d 0 R" % kid] * width) + b"] >>")
    objects.append(b"<< /Type /Page /MediaBox [0 0 612 792] >>")
    return assemble(objects)


def form_xobject_chain(depth: int = 2000) -> bytes:
    """A page drawing a form that draws a form ... thousands of forms deep."""
    objects = _one_page(_stream(b"/F Do"), b"<< /XObject << /F 5 0 R >> >>")
    for level in range(depth):
        objects.append(
            _stream(
                b"/F Do",
                b"/Type /XObject /Subtype /Form /BBox [0 0 1 1]"
                b" /Resources << /XObject << /F %d 0 R >> >>" % (6 + level),
            )
        )
    objects.append(_stream(b"", b"/Type /XObject /Subtype /Form /BBox [0 0 1 1]"))
    return assemble(objects)


def deeply_nested_page(depth: int = 100_000) -> bytes:
    """A page dictionary holding an array nested a hundred thousand levels deep."""
    nested = b"[" * depth + b"]" * depth
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Junk " + nested + b" >>",
    ]
    return assemble(objects)


PAGE_CORPUS = {
    "page content flate bomb (1 GiB)": page_content_flate_bomb,
    "page content deflated twice": page_content_stacked_flate_bomb,
    "image flate bomb before its codec": image_flate_bomb,
    "deep page tree": deep_page_tree,
    "page tree fan-out": page_tree_fan_out,
    "form XObject chain": form_xobject_chain,
    "deeply nested page": deeply_nested_page,
}


def png_header(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims ``width`` x ``height`` (correct CRCs), with one tiny IDAT."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


def jpeg_with_dimensions(width: int, height: int) -> bytes:
    """A small real JPEG whose SOF marker is rewritten to claim ``width`` x ``height``."""
    data = bytearray(jpeg())
    sof = data.index(b"\xff\xc0")
    # SOF0: marker, length (2), precision (1), height (2), width (2)
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def png(width: int = 64, height: int = 48) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(out, "PNG")
    return out.getvalue()


def jpeg(width: int = 64, height: int = 48) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "olive").save(out, "JPEG")
    return out.getvalue()


def pdf(pages: int = 2) -> bytes:
    """A PDF as reportlab writes it: text and a JPEG image (ASCII85 then DCT) on each page."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    for number in range(pages):
        page.drawString(72, 720, f"Diploma scan, page {number + 1}")
        page.drawImage(ImageReader(io.BytesIO(jpeg())), 72, 500)
        page.showPage()
    page.save()
    return out.getvalue()


def pe_executable() -> bytes:
    """The first bytes of a Windows PE file: an MZ header pointing at a PE signature."""
    header = bytearray(b"MZ" + b"\0" * 126)
    header[0x3C:0x40] = struct.pack("<I", 0x80)
    return bytes(header) + b"PE\0\0" + b"\x4c\x01" + b"\0" * 256
