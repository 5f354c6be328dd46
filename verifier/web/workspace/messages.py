"""Workspace words shared by several pages, marked for translation."""

from __future__ import annotations

from verifier.translations import Message, lazy_gettext

REFUSALS: dict[int, Message] = {
    400: lazy_gettext("The request could not be understood."),
    403: lazy_gettext("Your role does not allow this."),
    404: lazy_gettext("There is nothing here, or it belongs to another institution."),
    405: lazy_gettext("This method is not allowed at this address."),
    409: lazy_gettext("The registry has changed in the meantime; reload the page."),
    429: lazy_gettext("Too many attempts from your address. Wait a minute and try again."),
    413: lazy_gettext(
        "The file is too large. Split it into smaller files and upload them one by one."
    ),
}
CSRF_REFUSED = lazy_gettext(
    "The form has expired or did not come from this site. Nothing was changed. "
    "Go back, reload the page and try again."
)


ROLE_NAMES = {
    "admin": lazy_gettext("Administrator"),
    "registrar": lazy_gettext("Registrar"),
    "auditor": lazy_gettext("Auditor"),
}
JOB_STATES = {
    "rejected": lazy_gettext("Rejected: nothing issued"),
    "ready": lazy_gettext("Checked: ready to issue"),
    "running": lazy_gettext("Issuing…"),
    "done": lazy_gettext("Done"),
    "failed": lazy_gettext("Stopped"),
}
KEY_STATES = {
    "active": lazy_gettext("active"),
    "retired": lazy_gettext("retired (still verifies)"),
    "compromised": lazy_gettext("compromised"),
}
