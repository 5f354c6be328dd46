"""The adversarial PDF corpus, generated: each file is small and attacks one parser weakness."""

from __future__ import annotations

import zlib


def assemble(objects: list[bytes], *, trailer: bytes = b"", xref: bool = True) -> bytes:
    """A PDF whose numbered objects and xref table are exact, so a strict reader reaches them."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def _catalog(names: bytes = b"", extra: bytes = b"") -> bytes:
    return b"<< /Type /Catalog /Pages 2 0 R " + names + extra + b" >>"


PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


def name_tree_fan_out(levels: int = 6, width: int = 64) -> bytes:
    """/Kids arrays 64 wide, each entry the next level: 64**levels paths to walk."""
    objects = [_catalog(b"/Names 3 0 R"), PAGES, b"<< /EmbeddedFiles 4 0 R >>"]
    for level in range(levels):
        kid = 5 + level
        if level == levels - 1:
            objects.append(b"<< /Names [(other.json) null] >>")
        else:
            objects.append(b"<< /Kids [" + b" ".join([b"%d 0 R" % kid] * width) + b"] >>")
    return assemble(objects)


def xref_stream_two_billion() -> bytes:
    """An xref stream declaring /Size 2147483647 /Index [0 2147483647] and no data for it."""
    body = (
        b"<< /Type /XRef /Size 2147483647 /Index [0 2147483647] /W [1 4 2] /Root 1 0 R"
        b" /Length 0 >>\nstream\n\nendstream"
    )
    head = b"%PDF-1.7\n"
    catalog = b"1 0 obj\n" + _catalog() + b"\nendobj\n"
    start = len(head) + len(catalog)
    xref = b"2 0 obj\n" + body + b"\nendobj\n"
    return head + catalog + xref + b"startxref\n%d\n%%%%EOF\n" % start


PROOF = b'{"format":"verifier-proof/1","token":"a.b.c"}'


def _proof_objects(first: int) -> list[bytes]:
    """Objects ``first``.. : a well-formed proof, so the signature walk is reached too."""
    return [
        b"<< /EmbeddedFiles %d 0 R >>" % (first + 1),
        b"<< /Names [(verifier-proof.json) %d 0 R] >>" % (first + 2),
        b"<< /Type /Filespec /F (verifier-proof.json) /EF << /F %d 0 R >> >>" % (first + 3),
        b"<< /Type /EmbeddedFile /Length %d >>\nstream\n" % len(PROOF) + PROOF + b"\nendstream",
    ]


def deep_acroform(depth: int = 5000) -> bytes:
    """Fields nested thousands of levels deep under /AcroForm, inline."""
    fields = b"<< /Kids [" * depth + b"<< /FT /Sig >>" + b"] >>" * depth
    catalog = _catalog(b"/Names 3 0 R", b"/AcroForm << /Fields [" + fields + b"] >>")
    return assemble([catalog, PAGES, *_proof_objects(3)])


def deep_acroform_indirect(depth: int = 3000) -> bytes:
    """The same depth, one indirect field object per level (a /Kids chain)."""
    objects = [_catalog(b"/Names 3 0 R", b"/AcroForm << /Fields [7 0 R] >>"), PAGES]
    objects += _proof_objects(3)
    for level in range(depth):
        objects.append(b"<< /FT /Sig /Kids [%d 0 R] >>" % (8 + level))
    objects.append(b"<< /FT /Sig >>")
    return assemble(objects)


def flate_bomb(decoded: int = 400 * 1024 * 1024) -> bytes:
    """A proof file that inflates to hundreds of MiB from a few hundred KiB."""
    compressor = zlib.compressobj(9)
    chunk = b"\0" * (1024 * 1024)
    data = b"".join(compressor.compress(chunk) for _ in range(decoded // len(chunk)))
    data += compressor.flush()
    objects = [
        _catalog(b"/Names 3 0 R"),
        PAGES,
        b"<< /EmbeddedFiles 4 0 R >>",
        b"<< /Names [(verifier-proof.json) 5 0 R] >>",
        b"<< /Type /Filespec /F (verifier-proof.json) /EF << /F 6 0 R >> >>",
        b"<< /Type /EmbeddedFile /Filter /FlateDecode /Length %d >>\nstream\n" % len(data)
        + data
        + b"\nendstream",
    ]
    return assemble(objects)


def reference_loop() -> bytes:
    """A name-tree node whose /Kids is itself, and a trailer whose /Prev points at itself."""
    objects = [
        _catalog(b"/Names 3 0 R"),
        PAGES,
        b"<< /EmbeddedFiles 4 0 R >>",
        b"<< /Kids [4 0 R 5 0 R] >>",
        b"<< /Kids [4 0 R] >>",
    ]
    pdf = assemble(objects)
    start = pdf.rindex(b"xref\n")
    return pdf.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Prev %d " % start)


def huge_xref() -> bytes:
    """An xref table announcing a billion entries in a 1 KB file."""
    pdf = assemble([_catalog(), PAGES])
    return pdf.replace(b"xref\n0 3\n", b"xref\n0 1000000000\n")


def not_a_pdf_behind_the_header() -> bytes:
    """ZIP, HTML and random bytes after a %PDF- header."""
    return b"%PDF-1.7\nPK\x03\x04" + bytes(range(256)) * 16 + b"<html><script>x</script></html>"


CORPUS = {
    "name-tree fan-out": name_tree_fan_out,
    "xref stream of two billion entries": xref_stream_two_billion,
    "deep AcroForm nesting": deep_acroform,
    "deep AcroForm chain": deep_acroform_indirect,
    "flate bomb": flate_bomb,
    "reference loops": reference_loop,
    "huge xref": huge_xref,
    "not a PDF behind %PDF-": not_a_pdf_behind_the_header,
}
