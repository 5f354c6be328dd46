"""Read every page of an untrusted PDF, decoding what a viewer would, within budgets.

Runs inside the PDF sandbox (:func:`verifier.verification.pdf.sandbox.vet_pdf`):
a PDF someone uploads for staff to open later (an inquiry's attachment) is
parsed here first, so that a file that needs gigabytes or minutes to show is
refused at the door instead of in a staff member's viewer. Every problem is a
:class:`~verifier.signing.proof.ProofError`.

The walk is iterative (no Python recursion for a page tree thousands deep), it
visits at most :data:`MAX_VISITS` objects and decodes at most
:data:`MAX_DECODED_BYTES` in all; pyHanko's own decode limits are set to the
same total, so one stream that inflates to gigabytes stops at that many bytes.
"""

from __future__ import annotations

import io
import zlib
from typing import Any

from verifier.signing.proof import ProofError

MAX_DECODED_BYTES = 64 * 1024 * 1024
# Objects the walk may touch: pages, page-tree nodes, resources, streams.
MAX_VISITS = 50_000
MAX_PAGES = 5_000
# Deeper than this is not a document anyone scanned or printed.
MAX_TREE_DEPTH = 64
MAX_FORM_DEPTH = 16

# Image codecs: their output is pixels, which only a viewer decodes; the walk
# decodes the filters before them (an ASCII85 layer, a flate layer) and counts
# the codec's input.
_IMAGE_CODECS = frozenset(
    {"/DCTDecode", "/DCT", "/JPXDecode", "/CCITTFaxDecode", "/CCF", "/JBIG2Decode"}
)


def count_pages(data: bytes) -> int:
    """The number of pages of ``data``, once every page has been read; raise :class:`ProofError`."""
    # pyHanko is imported here so looking up a token never pays for a PDF parser.
    from pyhanko.pdf_utils.decode_limits import (
        DecodeLimits,
        DocumentDecodeBudget,
        StreamDecodeLimits,
    )
    from pyhanko.pdf_utils.misc import PdfDecodeLimitError, PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    limits = DecodeLimits(
        per_stream=StreamDecodeLimits(max_output_size=MAX_DECODED_BYTES),
        document_budget=DocumentDecodeBudget(base_allowance=MAX_DECODED_BYTES, max_ratio=0),
    )
    try:
        # Strict: malformed cross-reference data is refused, never "repaired".
        reader = PdfFileReader(io.BytesIO(data), strict=True, decode_limits=limits)
        if reader.encrypted:
            raise ProofError("pdf_unreadable_because", reason="Encrypted")
        return _Walk().pages(reader.root["/Pages"])
    except ProofError:
        raise
    except PdfDecodeLimitError:
        raise ProofError("pdf_too_costly") from None
    except (
        PdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        NotImplementedError,
        zlib.error,
    ) as exc:
        raise ProofError("pdf_unreadable_because", reason=exc.__class__.__name__) from None
    except RecursionError:
        raise ProofError("pdf_too_deep") from None


class _Walk:
    """One pass over the page tree; counts what it visits and what it decodes."""

    def __init__(self) -> None:
        self.visits = 0
        self.decoded = 0
        # id -> object, kept alive so an id is not reused during the walk.
        self.seen: dict[int, Any] = {}

    def first_visit(self, obj: Any) -> bool:
        """Count a visit; False when ``obj`` was visited before."""
        self.visits += 1
        if self.visits > MAX_VISITS:
            raise ProofError("pdf_too_costly")
        if id(obj) in self.seen:
            return False
        self.seen[id(obj)] = obj
        return True

    def pages(self, root: Any) -> int:
        from pyhanko.pdf_utils.generic import ArrayObject, DictionaryObject

        count = 0
        # (node, the /Resources it inherits, depth)
        stack: list[tuple[Any, Any, int]] = [(root, None, 0)]
        while stack:
            node, inherited, depth = stack.pop()
            node = node.get_object()
            if not isinstance(node, DictionaryObject):
                raise ProofError("pdf_unreadable_because", reason="PageNotADictionary")
            if depth > MAX_TREE_DEPTH:
                raise ProofError("pdf_too_deep")
            if not self.first_visit(node):
                # A page tree is a tree: a node reached twice is a loop or a trap.
                raise ProofError("pdf_unreadable_because", reason="PageTreeLoop")
            resources = node.get("/Resources", inherited)
            kids = node.get("/Kids")
            if node.get("/Type") == "/Pages" or kids is not None:
                if not isinstance(kids, ArrayObject):
                    raise ProofError("pdf_unreadable_because", reason="KidsNotAnArray")
                stack.extend((kid, resources, depth + 1) for kid in reversed(kids))
                continue
            count += 1
            if count > MAX_PAGES:
                raise ProofError("pdf_too_costly")
            self.contents(node.get("/Contents"))
            self.resources(resources)
        return count

    def contents(self, contents: Any) -> None:
        from pyhanko.pdf_utils.generic import ArrayObject

        if contents is None:
            return
        contents = contents.get_object()
        streams = contents if isinstance(contents, ArrayObject) else [contents]
        for stream in streams:
            self.visits += 1
            self.decode(stream.get_object())

    def resources(self, resources: Any) -> None:
        """Decode the XObjects of ``resources``, and of the forms among them, nested."""
        from pyhanko.pdf_utils.generic import DictionaryObject

        stack: list[tuple[Any, int]] = [(resources, 0)]
        while stack:
            current, depth = stack.pop()
            if current is None:
                continue
            current = current.get_object()
            if not isinstance(current, DictionaryObject):
                raise ProofError("pdf_unreadable_because", reason="ResourcesNotADictionary")
            if depth > MAX_FORM_DEPTH:
                raise ProofError("pdf_too_deep")
            xobjects = current.get("/XObject")
            if xobjects is None:
                continue
            xobjects = xobjects.get_object()
            if not isinstance(xobjects, DictionaryObject):
                raise ProofError("pdf_unreadable_because", reason="XObjectNotADictionary")
            for value in xobjects.values():
                xobject = value.get_object()
                # An image on every page is one object: decoded once.
                if not self.first_visit(xobject):
                    continue
                self.decode(xobject)
                subtype = xobject.get("/Subtype")
                if subtype == "/Form":
                    stack.append((xobject.get("/Resources"), depth + 1))
                elif subtype == "/Image":
                    mask = xobject.get("/SMask")
                    if mask is not None and self.first_visit(mask.get_object()):
                        self.decode(mask.get_object())

    def decode(self, stream: Any) -> None:
        """Decode ``stream`` as a viewer would (up to an image codec), within the budget."""
        from pyhanko.pdf_utils.generic import ArrayObject, StreamObject

        if not isinstance(stream, StreamObject):
            raise ProofError("pdf_unreadable_because", reason="NotAStream")
        names = stream.get("/Filter")
        chain = list(names) if isinstance(names, ArrayObject) else [names] if names else []
        if chain and chain[-1] in _IMAGE_CODECS:
            size = len(_decode_before_codec(stream, chain, self.budget_left()))
        else:
            size = len(stream.data)
        self.decoded += size
        if self.decoded > MAX_DECODED_BYTES:
            raise ProofError("pdf_too_costly")

    def budget_left(self) -> int:
        return MAX_DECODED_BYTES - self.decoded


def _decode_before_codec(stream: Any, chain: list[Any], budget: int) -> bytes:
    """The input of the image codec at the end of ``chain``: the filters before it applied.

    pyHanko decodes no image codec, so the stream is decoded stage by stage
    here, each stage bounded by what is left of the budget.
    """
    from pyhanko.pdf_utils.filters import get_generic_decoder
    from pyhanko.pdf_utils.generic import ArrayObject, DictionaryObject

    if any(name in _IMAGE_CODECS for name in chain[:-1]):
        raise ProofError("pdf_unreadable_because", reason="CodecNotLast")
    given_parameters = stream.get("/DecodeParms")
    if isinstance(given_parameters, ArrayObject):
        parameters = list(given_parameters)
    else:  # one dictionary is the first filter's
        parameters = [given_parameters]
    parameters += [None] * len(chain)
    data = stream.encoded_data
    for name, given_object in zip(chain[:-1], parameters, strict=False):
        given = given_object.get_object() if given_object is not None else None
        decoder = get_generic_decoder(name)
        data = decoder.decode_bounded(
            data, given if isinstance(given, DictionaryObject) else {}, budget
        )
    return bytes(data)
