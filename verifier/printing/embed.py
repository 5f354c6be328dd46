"""Writing the proof into a reportlab document as an embedded (associated) file.

reportlab has no public API for embedded files, so the few objects are built
with its PDF object classes; the layout follows PDF 2.0 §7.11.4 (a file
specification with ``/EF`` and ``/AFRelationship /Data``), which is what
readers list as an attachment and what :func:`verifier.printing.proof.read_proof` reads.
"""

from __future__ import annotations

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString
from reportlab.pdfgen.canvas import Canvas

from verifier.signing.proof import PROOF_FILENAME, Proof


def attach_proof(canvas: Canvas, proof: Proof) -> None:
    document = canvas._doc
    content = proof.to_json()
    stream = PDFStream(
        PDFDictionary(
            {
                "Type": PDFName("EmbeddedFile"),
                "Subtype": PDFName("application#2Fjson"),
                "Params": PDFDictionary({"Size": len(content)}),
            }
        ),
        content,
    )
    stream_ref = document.Reference(stream)
    spec = PDFDictionary(
        {
            "Type": PDFName("Filespec"),
            "F": PDFString(PROOF_FILENAME),
            "UF": PDFString(PROOF_FILENAME),
            "Desc": PDFString("Signed verification token (docs/token-format.md)"),
            "AFRelationship": PDFName("Data"),
            "EF": PDFDictionary({"F": stream_ref, "UF": stream_ref}),
        }
    )
    spec_ref = document.Reference(spec)
    document.Catalog.Names = PDFDictionary(
        {"EmbeddedFiles": PDFDictionary({"Names": PDFArray([PDFString(PROOF_FILENAME), spec_ref])})}
    )
