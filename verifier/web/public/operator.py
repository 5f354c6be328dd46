"""Who answers: the operator's identity as every public page and printed answer shows it.

A copy of these pages on a look-alike domain can copy the words but not the
address bar, so every page names the operator, the official address of the
service (the base URL printed in every QR code) and how to reach the operator.
An installation with no operator configured is the demonstration one, and says
so on every page (``VERIFIER_ENV=production`` refuses to start without one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from flask import current_app

from verifier.config import Operator, in_language
from verifier.translations import lazy_gettext
from verifier.web.context import current_runtime

DEMO_NAME = lazy_gettext(
    "Demonstration operator (a development installation, not an official service)"
)
DEMO_LEGAL_BASIS = lazy_gettext(
    "None: this installation is for development and testing. Its answers have no legal force."
)
DEMO_CONTACT = lazy_gettext("none (demonstration)")

_EMAIL = re.compile(r"^[^\s@<>\"]+@[^\s@<>\"]+\.[^\s@<>\"]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,}[0-9]$")


@dataclass(frozen=True)
class ContactItem:
    """One way to reach the operator; ``href`` makes it a link a phone can follow."""

    text: str
    href: str | None


@dataclass(frozen=True)
class OperatorTexts:
    """The operator as one language's pages show it."""

    name: str
    is_demo: bool
    legal_basis: str
    address: str
    contact: tuple[ContactItem, ...]
    official_url: str
    privacy_url: str | None


def contact_items(contact: str) -> tuple[ContactItem, ...]:
    """``contact`` split at commas and semicolons; e-mail addresses and phone numbers linked."""
    items = []
    for part in re.split(r"[;,]", contact):
        text = part.strip()
        if not text:
            continue
        if _EMAIL.match(text):
            items.append(ContactItem(text, f"mailto:{text}"))
        elif _PHONE.match(text):
            items.append(ContactItem(text, "tel:" + re.sub(r"[^0-9+]", "", text)))
        else:
            items.append(ContactItem(text, None))
    return tuple(items)


def operator_texts(language: str) -> OperatorTexts:
    """This app's operator in ``language``: built once per app and language (settings are fixed)."""
    kept: dict[str, OperatorTexts] = current_app.extensions.setdefault("verifier.operator", {})
    texts = kept.get(language)
    if texts is None:
        settings = current_runtime().settings
        texts = kept[language] = _texts(settings.operator, settings.base_url, language)
    return texts


@cache
def _demo_contact(language: str) -> tuple[ContactItem, ...]:
    return (ContactItem(DEMO_CONTACT.in_language(language), None),)


def _texts(operator: Operator, base_url: str, language: str) -> OperatorTexts:
    if operator.is_demo:
        name = DEMO_NAME.in_language(language)
        legal_basis = in_language(operator.legal_basis, language) or DEMO_LEGAL_BASIS.in_language(
            language
        )
    else:
        name = in_language(operator.name, language)
        legal_basis = in_language(operator.legal_basis, language)
    contact = contact_items(operator.contact) or (
        _demo_contact(language) if operator.is_demo else ()
    )
    return OperatorTexts(
        name=name,
        is_demo=operator.is_demo,
        legal_basis=legal_basis,
        address=in_language(operator.address, language),
        contact=contact,
        official_url=base_url,
        privacy_url=operator.privacy_url or None,
    )
