"""The proof a PDF carries: the signed token and, for transcripts, the grade table.

It travels as an embedded file (``/Root /Names /EmbeddedFiles``) named
:data:`PROOF_FILENAME`, a small JSON object::

    {"format": "verifier-proof/1", "token": "<compact JWS>",
     "grades": [["Oliy matematika", 216, "4"], ...]}

``grades`` is present for transcripts only. The token is what proves anything;
the grade table is genuine only if its digest equals the token's ``gd`` claim.
Reading is for untrusted uploads: sizes are bounded before parsing and every
problem raises :class:`ProofError` (never anything else).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from verifier.errors import InvalidInput

PROOF_FILENAME = "verifier-proof.json"
PROOF_FORMAT = "verifier-proof/1"
PROOF_MIME = "application/json"
MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_PROOF_BYTES = 512 * 1024
MAX_GRADE_LINES = 1000
# A name tree deeper or wider than this is not something we wrote; stop instead
# of walking it. The visit budget bounds the whole walk: 64-wide /Kids over
# several levels would otherwise be 64**depth paths (the worker-pinning upload).
_MAX_TREE_DEPTH = 8
_MAX_TREE_ENTRIES = 64
_MAX_TREE_VISITS = 256

Grade = tuple[str, int, str]


class ProofError(InvalidInput):
    """The PDF is unreadable or carries no well-formed proof."""


@dataclass(frozen=True)
class Proof:
    token: str
    grades: tuple[Grade, ...] | None = None

    def to_json(self) -> bytes:
        body: dict[str, Any] = {"format": PROOF_FORMAT, "token": self.token}
        if self.grades is not None:
            body["grades"] = [list(line) for line in self.grades]
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Proof:
        if len(data) > MAX_PROOF_BYTES:
            raise ProofError("proof_too_large")
        try:
            body = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise ProofError("proof_not_json") from None
        if not isinstance(body, dict) or body.get("format") != PROOF_FORMAT:
            raise ProofError("proof_format", format=PROOF_FORMAT)
        token = body.get("token")
        if not isinstance(token, str) or not token:
            raise ProofError("proof_no_token")
        grades = body.get("grades")
        return cls(token, None if grades is None else _grades(grades))


def _grades(value: object) -> tuple[Grade, ...]:
    if not isinstance(value, list) or len(value) > MAX_GRADE_LINES:
        raise ProofError("proof_grades_not_list")
    lines = []
    for line in value:
        if (
            not isinstance(line, list)
            or len(line) != 3
            or not isinstance(line[0], str)
            or type(line[1]) is not int
            or not isinstance(line[2], str)
        ):
            raise ProofError("proof_grade_line")
        lines.append((line[0], line[1], line[2]))
    return tuple(lines)


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
