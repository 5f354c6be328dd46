"""Official verification reports and letters (docs/reports.md).

A report is made from a look-up's answer (:mod:`verifier.verification.service`):
it is numbered (``VR-2026-00001234``; letters ``VL-…``), stored with what was
asked and what was answered, carries a signed report token (type ``R``,
docs/token-format.md §13) in its QR code, and prints as a PAdES-signed PDF in
Uzbek, Russian or English. ``GET /r/<token>`` re-checks it: genuine or not,
expired or not, and whether the document's status has changed since.

- :mod:`verifier.reports.service`: :func:`~verifier.reports.service.make_report`
  (issued automatically, for the public) and
  :func:`~verifier.reports.service.make_letter` (signed by a named staff member,
  for an answered inquiry); :func:`~verifier.reports.service.find`; the PDF.
- :mod:`verifier.reports.check`: the re-check, online and offline.
- :mod:`verifier.reports.numbers`: numbering, safe under concurrent writers.
"""
