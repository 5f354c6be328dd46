"""An inquiry's attachments: at most three PDF, JPEG or PNG files of 10 MiB, judged by
their content; each refusal names the attachment at fault, and a hostile PDF is refused
by the sandbox while the service's own memory stays where it was."""

from __future__ import annotations

import resource
from collections.abc import Callable

import pytest

from tests.support import hostile_attachments as files
from tests.support.hostile_pdfs import CORPUS, PAGES, assemble
from verifier.errors import Kind, TooLarge, VerifierError
from verifier.inquiries.attachments import (
    MAX_ATTACHMENTS,
    MAX_BYTES,
    Attachment,
    AttachmentRefused,
    check_all,
)

# What a refused PDF may cost the service's own process: the sandbox's child
# holds the parsed file, the parent only the bytes it was sent.
PARENT_GROWTH_MIB = 50


def refusal(filename: str, content: bytes, *, index: int = 0) -> VerifierError:
    with pytest.raises(VerifierError) as refused:
        Attachment.of(filename, content, index=index)
    return refused.value


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def refused_within_the_parents_memory(filename: str, content: bytes) -> VerifierError:
    before = peak_rss_mib()
    error = refusal(filename, content)
    assert peak_rss_mib() - before < PARENT_GROWTH_MIB
    return error


def test_a_pdf_is_accepted_as_a_pdf() -> None:
    content = files.pdf()
    attachment = Attachment.of("diploma.pdf", content, index=0)
    assert attachment == Attachment("diploma.pdf", content, "application/pdf")


def test_a_png_is_accepted_as_a_png() -> None:
    content = files.png()
    assert Attachment.of("scan.png", content, index=0).media_type == "image/png"


def test_a_jpeg_is_accepted_as_a_jpeg_whatever_the_case_of_its_extension() -> None:
    content = files.jpeg()
    attachment = Attachment.of("photo.JPEG", content, index=0)
    assert (attachment.filename, attachment.media_type) == ("photo.JPEG", "image/jpeg")


def test_a_file_of_exactly_ten_mib_is_not_too_large() -> None:
    content = files.png()
    content += b"\0" * (MAX_BYTES - len(content))  # after IEND: ignored by readers
    assert len(Attachment.of("scan.png", content, index=0).content) == MAX_BYTES


def test_a_name_loses_its_path() -> None:
    assert Attachment.of("C:\\Users\\me\\..\\scan.png", files.png(), index=0).filename == (
        "scan.png"
    )
    assert Attachment.of("../../etc/scan.png", files.png(), index=0).filename == "scan.png"


def test_a_name_loses_its_control_and_invisible_characters() -> None:
    name = "scan\x00\u202e\n1.png"
    assert Attachment.of(name, files.png(), index=0).filename == "scan1.png"


def test_a_long_name_is_cut_to_200_characters_keeping_its_extension() -> None:
    filename = Attachment.of("a" * 500 + ".pdf", files.pdf(), index=0).filename
    assert filename == "a" * 196 + ".pdf"


def test_a_name_without_an_extension_gets_the_one_of_its_content() -> None:
    assert Attachment.of("scan", files.jpeg(), index=0).filename == "scan.jpg"


def test_an_empty_name_is_named_after_the_attachments_place() -> None:
    assert Attachment.of("", files.png(), index=1).filename == "attachment-2.png"


def test_an_empty_file_is_refused() -> None:
    error = refusal("scan.pdf", b"")
    assert (type(error), error.code, error.field) == (
        AttachmentRefused,
        "attachment_empty",
        "attachments[0]",
    )


def test_ten_mib_and_one_byte_is_too_large() -> None:
    content = files.png()
    content += b"\0" * (MAX_BYTES + 1 - len(content))
    error = refusal("scan.png", content, index=2)
    assert isinstance(error, TooLarge)
    assert (error.kind, error.code, error.field) == (
        Kind.TOO_LARGE,
        "attachment_too_large",
        "attachments[2]",
    )


def test_a_windows_executable_named_pdf_is_refused_by_its_content() -> None:
    error = refusal("diploma.pdf", files.pe_executable())
    assert (error.code, error.field) == ("attachment_not_allowed", "attachments[0]")


def test_a_png_named_pdf_is_refused_for_its_name() -> None:
    error = refusal("diploma.pdf", files.png())
    assert (error.code, error.params, error.field) == (
        "attachment_name_mismatch",
        {"name": "diploma.pdf", "kind": "PNG"},
        "attachments[0]",
    )


def test_a_pdf_named_exe_is_refused_for_its_name() -> None:
    assert refusal("diploma.exe", files.pdf()).code == "attachment_name_mismatch"


def test_a_pdf_without_pages_is_refused() -> None:
    content = assemble([b"<< /Type /Catalog /Pages 2 0 R >>", PAGES])
    assert refusal("empty.pdf", content).code == "attachment_without_pages"


def test_a_png_with_a_broken_checksum_is_unreadable() -> None:
    content = bytearray(files.png())
    content[29] ^= 0xFF  # the IHDR chunk's CRC
    error = refusal("scan.png", bytes(content))
    assert (error.code, error.params) == ("attachment_unreadable", {"kind": "PNG"})


def test_a_jpeg_without_a_frame_header_is_unreadable() -> None:
    assert refusal("scan.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64).code == "attachment_unreadable"


def test_a_png_claiming_absurd_dimensions_is_refused() -> None:
    error = refusal("scan.png", files.png_header(30_000, 30_000))
    assert (error.code, error.field) == ("attachment_image_too_large", "attachments[0]")


def test_a_png_wider_than_20000_pixels_is_refused() -> None:
    assert refusal("scan.png", files.png_header(20_001, 1)).code == "attachment_image_too_large"


def test_a_jpeg_claiming_absurd_dimensions_is_refused() -> None:
    content = files.jpeg_with_dimensions(40_000, 40_000)
    assert refusal("scan.jpg", content).code == "attachment_image_too_large"


@pytest.mark.parametrize("make", CORPUS.values(), ids=CORPUS.keys())
def test_a_hostile_pdf_is_refused_within_the_parents_memory(make: Callable[[], bytes]) -> None:
    error = refused_within_the_parents_memory("attack.pdf", make())
    assert (type(error), error.field) == (AttachmentRefused, "attachments[0]")


def test_a_page_whose_content_inflates_beyond_a_gib_is_too_costly() -> None:
    error = refused_within_the_parents_memory("bomb.pdf", files.page_content_flate_bomb())
    assert (error.code, error.field) == ("pdf_too_costly", "attachments[0]")


def test_a_page_content_deflated_twice_into_a_gib_is_too_costly() -> None:
    content = files.page_content_stacked_flate_bomb()
    assert refused_within_the_parents_memory("bomb.pdf", content).code == "pdf_too_costly"


def test_an_image_whose_layer_before_its_codec_inflates_beyond_a_gib_is_too_costly() -> None:
    content = files.image_flate_bomb()
    assert refused_within_the_parents_memory("bomb.pdf", content).code == "pdf_too_costly"


def test_a_page_tree_thousands_deep_is_too_deep() -> None:
    content = files.deep_page_tree()
    assert refused_within_the_parents_memory("deep.pdf", content).code == "pdf_too_deep"


def test_forms_drawing_forms_thousands_deep_are_too_deep() -> None:
    content = files.form_xobject_chain()
    assert refused_within_the_parents_memory("deep.pdf", content).code == "pdf_too_deep"


def test_a_page_holding_an_array_nested_beyond_any_document_is_too_deep() -> None:
    content = files.deeply_nested_page()
    assert refused_within_the_parents_memory("deep.pdf", content).code == "pdf_too_deep"


def test_a_page_tree_whose_kids_repeat_one_node_is_unreadable() -> None:
    error = refused_within_the_parents_memory("fan.pdf", files.page_tree_fan_out())
    assert (error.code, error.params) == ("pdf_unreadable_because", {"reason": "PageTreeLoop"})


def test_three_attachments_are_checked_in_their_order() -> None:
    checked = check_all([("a.pdf", files.pdf()), ("b.png", files.png()), ("c.jpg", files.jpeg())])
    assert [a.filename for a in checked] == ["a.pdf", "b.png", "c.jpg"]


def test_no_attachments_are_none() -> None:
    assert check_all([]) == ()


def test_a_fourth_attachment_is_refused_before_any_is_read() -> None:
    # The four are not even files: the count is refused first.
    with pytest.raises(AttachmentRefused) as refused:
        check_all([("x.pdf", b"")] * (MAX_ATTACHMENTS + 1))
    assert (refused.value.code, refused.value.params, refused.value.field) == (
        "too_many_attachments",
        {"limit": 3},
        "attachments",
    )


def test_a_refusal_among_several_names_the_attachment_at_fault() -> None:
    with pytest.raises(AttachmentRefused) as refused:
        check_all([("a.png", files.png()), ("b.pdf", files.pe_executable())])
    assert refused.value.field == "attachments[1]"
