"""What the web needs to sign letters: one place for the public site and the workspace.

An inquiry answered automatically (on receipt) and one a registrar answers both
end in a letter (:func:`verifier.reports.service.make_letter`), issued in the
operator's name and signed with the active key.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from verifier.inquiries.service import Letters
from verifier.keys import lifecycle
from verifier.reports.service import Signatory
from verifier.translations import lazy_gettext
from verifier.web.context import current_runtime

DEMO_ISSUER = lazy_gettext(
    "Demonstration service (a development installation, not an official issuer)"
)
AUTOMATIC_POSITION = lazy_gettext("Answered automatically from the registry")


def issuer(language: str) -> str:
    """Who issues reports and letters, in ``language``: the configured operator, else the
    demonstration one (which says it is not official)."""
    names = current_runtime().settings.operator.name
    return str(names.get(language) or names.get("uz") or DEMO_ISSUER.in_language(language))


def automatic_signatory(language: str) -> Signatory:
    """Who signs a letter nobody wrote: the operator, answering from the registry."""
    return Signatory(issuer(language), AUTOMATIC_POSITION.in_language(language))


def letters(session: Session) -> Letters:
    """Letters signed with the active key (raises SigningKeyError when there is none)."""
    runtime = current_runtime()
    return Letters(
        signer=lifecycle.load_signer(session, runtime.keystore),
        issuer=issuer,
        days=runtime.settings.report_days,
        automatic=automatic_signatory,
    )
