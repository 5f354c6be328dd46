"""The proof a PDF carries: the signed token and, for transcripts, the grade table.

It travels as an embedded file (``/Root /Names /EmbeddedFiles``) named
:data:`PROOF_FILENAME`, a small JSON object::

    {"format": "verifier-proof/1", "token": "<compact JWS>",
     "grades": [["Oliy matematika", 216, "4"], ...]}

``grades`` is present for transcripts only. The token is what proves anything;
the grade table is genuine only if its digest equals the token's ``gd`` claim.
Written by printing (:mod:`verifier.printing.embed`), read from untrusted
uploads by verification (:mod:`verifier.verification.pdf.proof`): sizes are
bounded before parsing and every problem raises :class:`ProofError`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from verifier.errors import InvalidInput

PROOF_FILENAME = "verifier-proof.json"
PROOF_FORMAT = "verifier-proof/1"
PROOF_MIME = "application/json"
MAX_PROOF_BYTES = 512 * 1024
MAX_GRADE_LINES = 1000
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
