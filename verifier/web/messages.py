"""Every user-facing sentence of the public site and API, marked for translation.

Kept in one module so the catalogues have one source and the HTML page and the
JSON ``message`` always say the same thing in the same words.
"""

from __future__ import annotations

from verifier.errors import MESSAGES
from verifier.translations import Message, lazy_gettext
from verifier.verification.outcome import Status

STATUS_WORDS: dict[Status, Message] = {
    Status.VALID: lazy_gettext("Valid"),
    Status.REVOKED: lazy_gettext("Revoked"),
    Status.SUPERSEDED: lazy_gettext("Superseded"),
    Status.NOT_FOUND: lazy_gettext("Not found"),
    Status.INVALID: lazy_gettext("Invalid"),
    Status.ERROR: lazy_gettext("Cannot check now"),
}

STATUS_EXPLANATIONS: dict[Status, Message] = {
    Status.VALID: lazy_gettext(
        "The registry holds this document and it is in force. Compare every field below "
        "with the paper: they must be identical."
    ),
    Status.REVOKED: lazy_gettext(
        "The registry holds this document, but it has been revoked and is no longer in force."
    ),
    Status.SUPERSEDED: lazy_gettext(
        "This document was replaced by a duplicate or a corrected document; only the new "
        "document is in force."
    ),
    Status.NOT_FOUND: lazy_gettext(
        "The registry holds no document with this number and this holder. Check the number "
        "and the surname (or birth date) as printed."
    ),
    Status.INVALID: lazy_gettext(
        "This verification code is not genuine, has been altered, or does not match the "
        "registry. Do not accept the document."
    ),
    Status.ERROR: lazy_gettext(
        "The registry cannot be reached right now, so nothing can be confirmed or denied. "
        "Please try again later."
    ),
}

CHECK_NAMES: dict[str, Message] = {
    "registry": lazy_gettext("Registry record"),
    "status": lazy_gettext("Registry status"),
    "holder": lazy_gettext("Holder"),
    "signature": lazy_gettext("Digital signature"),
    "key": lazy_gettext("Signing key"),
    "pdf": lazy_gettext("PDF file"),
    "version": lazy_gettext("Format version"),  # a token this code cannot read (newer)
}

# The public revocation codes (verifier.vocabulary.RevocationCode): the registrar's
# typed note is never published.
REVOCATION_REASONS: dict[str, Message] = {
    "issued_in_error": lazy_gettext("Issued in error"),
    "annulled_by_decision": lazy_gettext("Annulled by a decision of the competent authority"),
    "replaced_by_duplicate": lazy_gettext("Replaced by a duplicate"),
    "other": lazy_gettext("Other reasons (ask the issuing institution)"),
}

DOCUMENT_TYPES: dict[str, Message] = {
    "diploma": lazy_gettext("Diploma"),
    "transcript": lazy_gettext("Diploma supplement (transcript)"),
    "certificate": lazy_gettext("Professional development certificate"),
}

# The public JSON API's error codes (the contract's, documented in its OpenAPI
# description) and the sentence each shows; the sentences are verifier.errors'.
PUBLIC_ERROR_CODES = (
    "bad_request", "invalid_json", "invalid_request", "malformed_number",
    "malformed_birth_date", "unsupported_language", "missing_number", "missing_surname",
    "missing_token", "missing_file", "too_many_queries", "no_such_route", "method_not_allowed",
    "too_large", "uri_too_long", "unsupported_media_type", "rate_limited", "unavailable",
    "internal_error", "not_found", "invalid_token",
)  # fmt: skip
ERROR_MESSAGES: dict[str, Message] = {code: Message(MESSAGES[code]) for code in PUBLIC_ERROR_CODES}

# The saved offline page (GET /offline) carries every language at once: it is
# read from disk, offline, where no server can pick one. Claim keys are the
# token's claim names (docs/token-format.md §3.3).
OFFLINE_TEXTS: dict[str, Message] = {
    "title": lazy_gettext("Offline verification"),
    "intro": lazy_gettext(
        "Paste a verification code (token) or the QR code's link. This page checks the "
        "digital signature with the public keys saved inside it: save it as one file and it "
        "works without a network."
    ),
    "label": lazy_gettext("Verification code or QR link"),
    "check": lazy_gettext("Check the code"),
    "keys": lazy_gettext("Public keys saved in this page"),
    "reason": lazy_gettext("Reason"),
    "valid": lazy_gettext("Valid"),
    "invalid": lazy_gettext("Invalid"),
    "unsupported": lazy_gettext("Cannot verify"),
    "explain_valid": lazy_gettext(
        "The digital signature is genuine (checked offline: whether the document was revoked "
        "since is known only to the registry). Compare every line below with the paper: they "
        "must be identical."
    ),
    "explain_invalid": lazy_gettext(
        "This verification code is not genuine, has been altered or is damaged. Do not accept "
        "the document."
    ),
    "explain_unsupported": lazy_gettext(
        "This code is in a newer format than this page knows. Use a newer copy of this page."
    ),
    "no_crypto": lazy_gettext(
        "This browser cannot check Ed25519 signatures; open the page in a current browser."
    ),
    "claim_v": lazy_gettext("Format version"),
    "claim_t": lazy_gettext("Document"),
    "claim_no": lazy_gettext("Number"),
    "claim_sn": lazy_gettext("Surname"),
    "claim_gn": lazy_gettext("Given name"),
    "claim_pn": lazy_gettext("Patronymic"),
    "claim_bd": lazy_gettext("Birth date"),
    "claim_in": lazy_gettext("Institution"),
    "claim_d": lazy_gettext("Issue date"),
    "claim_pc": lazy_gettext("Programme"),
    "claim_q": lazy_gettext("Qualification"),
    "claim_dn": lazy_gettext("Supplement to diploma"),
    "claim_gd": lazy_gettext("Grade table digest (SHA-256)"),
    "claim_cn": lazy_gettext("Course"),
    "claim_h": lazy_gettext("Hours"),
    "type_D": DOCUMENT_TYPES["diploma"],
    "type_T": DOCUMENT_TYPES["transcript"],
    "type_C": DOCUMENT_TYPES["certificate"],
    # An official report's or letter's code (token-format.md §13).
    "type_R": lazy_gettext("Official verification report or letter"),
    "claim_rn": lazy_gettext("Report or letter number"),
    "claim_st": lazy_gettext("Status stated"),
    "claim_ca": lazy_gettext("Checked at (UTC)"),
    "claim_ex": lazy_gettext("Valid until (UTC)"),
    "status_valid": STATUS_WORDS[Status.VALID],
    "status_revoked": STATUS_WORDS[Status.REVOKED],
    "status_superseded": STATUS_WORDS[Status.SUPERSEDED],
    "status_expired": lazy_gettext("Expired"),
    "status_not_found": STATUS_WORDS[Status.NOT_FOUND],
    "report_current": lazy_gettext(
        "The report is within its validity. It states the status at the time of its check: "
        "the registry tells the status now."
    ),
    "report_expired": lazy_gettext(
        "The report's validity has ended: it states the status at the time of its check only. "
        "Ask the registry for the status now."
    ),
}

# Who asks a formal inquiry (verifier.inquiries.requests.REQUESTER_KINDS), on the
# public form and in the workspace alike.
REQUESTER_KINDS: dict[str, Message] = {
    "ministry": lazy_gettext("Ministry"),
    "agency": lazy_gettext("Government agency"),
    "employer": lazy_gettext("Employer"),
    "individual": lazy_gettext("Individual (the holder)"),
}
