"""How the workspace shows an event: its kind in words, and its details short and readable.

The log stores kinds and payloads as written for machines (``api_token_created``,
``{"record_digest": "3f9a…64 hex…"}``). History and audit pages show the kind
translated and each detail under a translated label; a SHA-256 digest is cut to
its first characters, the whole of it kept in a tooltip for auditors who compare.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, NamedTuple

from verifier.audit.events import EventKind
from verifier.translations import Message, lazy_gettext
from verifier.web.messages import DOCUMENT_TYPES, REVOCATION_REASONS
from verifier.web.workspace.messages import ROLE_NAMES

if TYPE_CHECKING:  # annotations only: rows come from the audit services
    from verifier.db.models import Event

EVENT_NAMES: dict[str, Message] = {
    EventKind.INSTITUTION_ADDED: lazy_gettext("Institution added"),
    EventKind.ISSUED: lazy_gettext("Issued"),
    EventKind.ARCHIVE_RECORDED: lazy_gettext("Archive record added"),
    EventKind.REVOKED: lazy_gettext("Revoked"),
    EventKind.REISSUED: lazy_gettext("Replaced by a duplicate"),
    EventKind.DOWNLOADED: lazy_gettext("PDF downloaded"),
    EventKind.KEY_CREATED: lazy_gettext("Signing key created"),
    EventKind.KEY_ROTATED: lazy_gettext("Signing key rotated"),
    EventKind.KEY_COMPROMISED: lazy_gettext("Signing key marked compromised"),
    EventKind.PDF_CERTIFICATE_CREATED: lazy_gettext("PDF signing certificate created"),
    EventKind.IMPORT_REJECTED: lazy_gettext("Import rejected"),
    EventKind.IMPORT_STARTED: lazy_gettext("Import started"),
    EventKind.IMPORT_FINISHED: lazy_gettext("Import finished"),
    EventKind.IMPORT_FAILED: lazy_gettext("Import stopped"),
    EventKind.USER_ADDED: lazy_gettext("Staff account added"),
    EventKind.LOGIN: lazy_gettext("Logged in"),
    EventKind.LOGIN_FAILED: lazy_gettext("Log-in refused"),
    EventKind.LOGOUT: lazy_gettext("Logged out"),
    EventKind.PASSWORD_CHANGED: lazy_gettext("Password changed"),
    EventKind.ACCOUNT_DISABLED: lazy_gettext("Account disabled"),
    EventKind.ACCOUNT_ENABLED: lazy_gettext("Account enabled"),
    EventKind.ACCESS_REFUSED: lazy_gettext("Access refused"),
    EventKind.API_TOKEN_CREATED: lazy_gettext("API token created"),
    EventKind.API_TOKEN_REVOKED: lazy_gettext("API token revoked"),
    EventKind.AUDIT_RUN: lazy_gettext("Audit run"),
    EventKind.REPORT_MADE: lazy_gettext("Official report or letter made"),
    EventKind.INQUIRY_RECEIVED: lazy_gettext("Inquiry received"),
    EventKind.INQUIRY_TAKEN: lazy_gettext("Inquiry taken"),
    EventKind.INQUIRY_ANSWERED: lazy_gettext("Inquiry answered"),
    EventKind.INQUIRY_REJECTED: lazy_gettext("Inquiry rejected"),
    EventKind.INQUIRY_MAILED: lazy_gettext("Mail sent to the requester"),
    EventKind.HOLIDAY_ADDED: lazy_gettext("Holiday added"),
}

_LABELS: dict[str, Message] = {
    "number": lazy_gettext("Number"),
    "type": lazy_gettext("Type"),
    "institution": lazy_gettext("Institution"),
    "record_digest": lazy_gettext("Record fingerprint"),
    "kid": lazy_gettext("Key id"),
    "reason": lazy_gettext("Reason"),
    "new_number": lazy_gettext("New number"),
    "email": lazy_gettext("E-mail address"),
    "source": lazy_gettext("From address"),
    "why": lazy_gettext("Why"),
    "role": lazy_gettext("Role"),
    "id": lazy_gettext("Token number"),
    "name": lazy_gettext("Name"),
    "name_uz": lazy_gettext("Name (Uzbek)"),
    "job": lazy_gettext("Import number"),
    "file": lazy_gettext("File"),
    "rows": lazy_gettext("Rows"),
    "invalid_rows": lazy_gettext("Rows with problems"),
    "issued": lazy_gettext("Issued"),
    "already_issued": lazy_gettext("Already in the registry"),
    "message": lazy_gettext("Message"),
    "method": lazy_gettext("Request"),
    "path": lazy_gettext("Page"),
    "what": lazy_gettext("What"),
    "sha256": lazy_gettext("Certificate fingerprint"),
    "pdf_certificate_sha256": lazy_gettext("Certificate fingerprint"),
    "at": lazy_gettext("Compromised from"),
    "intact": lazy_gettext("Intact"),
    "events_checked": lazy_gettext("Events checked"),
    "documents_checked": lazy_gettext("Documents checked"),
    "head_hash": lazy_gettext("Last link"),
    "broken_at": lazy_gettext("Broken at event"),
    "mismatch": lazy_gettext("Document that does not match"),
    "problem": lazy_gettext("Problem"),
}
# ``code`` is the public reason of a revocation, an institution's code elsewhere.
_PUBLIC_REASON = lazy_gettext("Reason the public sees")
_CODE = lazy_gettext("Code")
_YES, _NO = lazy_gettext("yes"), lazy_gettext("no")

_DIGEST = re.compile(r"[0-9a-f]{40,}")
SHORT_DIGEST = 10


class Detail(NamedTuple):
    """One detail as shown: ``label: text``; ``full`` is the whole value when ``text`` is cut."""

    label: str
    text: str
    full: str | None = None


def event_name(kind: str) -> str:
    """The kind in the page's language; a kind this version does not know, as stored."""
    name = EVENT_NAMES.get(kind)
    return str(name) if name is not None else kind


def _label(kind: str, key: str) -> str:
    if key == "code":
        return str(_PUBLIC_REASON if kind == EventKind.REVOKED else _CODE)
    label = _LABELS.get(key)
    return str(label) if label is not None else key


def _value(kind: str, key: str, value: Any) -> tuple[str, str | None]:
    if isinstance(value, bool):
        return str(_YES if value else _NO), None
    text = str(value)
    if key == "type" and text in DOCUMENT_TYPES:
        return str(DOCUMENT_TYPES[text]), None
    if key == "role" and text in ROLE_NAMES:
        return str(ROLE_NAMES[text]), None
    if key == "code" and kind == EventKind.REVOKED and text in REVOCATION_REASONS:
        return str(REVOCATION_REASONS[text]), None
    if _DIGEST.fullmatch(text):
        return f"{text[:SHORT_DIGEST]}…", text
    return text, None


def details(event: Event) -> list[Detail]:
    """The event's payload as labelled, readable details (empty values left out)."""
    try:
        payload = json.loads(event.payload)
    except ValueError:
        return [Detail("", event.payload)]
    if not isinstance(payload, dict):
        return [Detail("", str(payload))]
    shown = []
    for key, value in payload.items():
        if value in (None, ""):
            continue
        text, full = _value(event.kind, key, value)
        shown.append(Detail(_label(event.kind, key), text, full))
    return shown
