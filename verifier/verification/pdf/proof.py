"""Find the proof embedded in an untrusted PDF, within a budget of visits.

Runs inside the PDF sandbox (:mod:`verifier.verification.pdf.sandbox`); every
problem is a :class:`~verifier.signing.proof.ProofError`.
"""

from __future__ import annotations

import io
from typing import Any

from verifier.signing.proof import MAX_PROOF_BYTES, PROOF_FILENAME, Proof, ProofError

MAX_PDF_BYTES = 20 * 1024 * 1024
# A name tree deeper or wider than this is not something we wrote; stop instead
# of walking it. The visit budget bounds the whole walk: 64-wide /Kids over
# several levels would otherwise be 64**depth paths (the worker-pinning upload).
_MAX_TREE_DEPTH = 8
_MAX_TREE_ENTRIES = 64
_MAX_TREE_VISITS = 256


def read_proof(data: bytes) -> Proof:
    """Find and parse the proof embedded in PDF bytes; raise :class:`ProofError`."""
    if len(data) > MAX_PDF_BYTES:
        raise ProofError("pdf_too_large", megabytes=MAX_PDF_BYTES // (1024 * 1024))
    if not data.lstrip()[:5] == b"%PDF-":
        raise ProofError("not_a_pdf")
    # pyHanko is imported here so looking up a token never pays for a PDF parser.
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        # Strict: malformed cross-reference data is refused, never "repaired" by
        # inventing entries (an /Index of two billion objects).
        reader = PdfFileReader(io.BytesIO(data), strict=True)
        stream = _find_embedded(reader.root, PROOF_FILENAME)
        if stream is None:
            raise ProofError("pdf_without_token")
        if len(stream.encoded_data) > MAX_PROOF_BYTES:
            raise ProofError("proof_too_large")
        raw = stream.data
    except ProofError:
        raise
    except (PdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ProofError("pdf_unreadable_because", reason=exc.__class__.__name__) from None
    except RecursionError:
        raise ProofError("pdf_too_deep") from None
    if not isinstance(raw, bytes):
        raise ProofError("proof_not_a_file")
    return Proof.from_json(raw)


def _find_embedded(root: Any, filename: str) -> Any:
    names = root.get("/Names")
    if names is None:
        return None
    tree = names.get_object().get("/EmbeddedFiles")
    if tree is None:
        return None
    spec = _lookup(tree.get_object(), filename, depth=0, seen={})
    if spec is None:
        return None
    embedded = spec.get_object()["/EF"].get_object()
    stream = embedded.get("/UF") or embedded["/F"]
    return stream.get_object()


def _lookup(node: Any, filename: str, *, depth: int, seen: dict[int, Any]) -> Any:
    """Depth-first search of a name tree, visiting each node at most once, at most
    :data:`_MAX_TREE_VISITS` nodes in all (reference cycles end at the first repeat)."""
    if depth > _MAX_TREE_DEPTH:
        raise ProofError("pdf_tree_too_deep")
    if id(node) in seen:
        raise ProofError("pdf_tree_loop")
    seen[id(node)] = node  # kept alive, so its id is not reused during the walk
    if len(seen) > _MAX_TREE_VISITS:
        raise ProofError("pdf_tree_too_large")
    pairs = node.get("/Names")
    if pairs is not None:
        pairs = pairs.get_object()
        for index in range(0, min(len(pairs), 2 * _MAX_TREE_ENTRIES) - 1, 2):
            if str(pairs[index].get_object()) == filename:
                return pairs[index + 1]
    for kid in list(node.get("/Kids", []))[:_MAX_TREE_ENTRIES]:
        found = _lookup(kid.get_object(), filename, depth=depth + 1, seen=seen)
        if found is not None:
            return found
    return None
