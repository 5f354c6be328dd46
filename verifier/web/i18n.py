"""Languages: Uzbek (Latin), Russian and English, by ``?lang=`` or ``Accept-Language``.

Compiled catalogues ship inside the package (``verifier/translations``), so a
fresh install serves every language without a build step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, g, request
from flask_babel import Babel, get_translations

# Order matters: the first is the default when the client states no preference.
LANGUAGES = ("uz", "ru", "en")
DEFAULT_LANGUAGE = LANGUAGES[0]
LANGUAGE_NAMES = {"uz": "Oʻzbekcha", "ru": "Русский", "en": "English"}
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
DOMAINS = ("messages", "registrar")


def select_language() -> str:
    """``?lang=`` wins (the switcher's links), then ``Accept-Language``, then Uzbek."""
    cached: str | None = g.get("language")
    if cached is not None:
        return cached
    asked = request.args.get("lang", "").strip().lower()[:8]
    language = (
        asked
        if asked in LANGUAGES
        else request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)
    )
    language = language or DEFAULT_LANGUAGE
    g.language = language
    return language


def init_app(app: Flask) -> None:
    Babel(
        app,
        default_locale=DEFAULT_LANGUAGE,
        # Two catalogues merged: the public site's and the staff workspace's,
        # so each can be extracted and translated on its own.
        default_domain=";".join(DOMAINS),
        default_translation_directories=";".join(str(TRANSLATIONS_DIR) for _ in DOMAINS),
        locale_selector=select_language,
        default_timezone="UTC",
    )
    app.jinja_env.add_extension("jinja2.ext.i18n")
    # Flask-Babel's callables look the catalogue up on every call (~25 per page);
    # resolving it once per request made pages measurably cheaper.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )

    @app.context_processor
    def _languages() -> dict[str, object]:
        return {
            "languages": LANGUAGES,
            "language_names": LANGUAGE_NAMES,
            "current_language": select_language(),
            "language_url": language_url,
        }


def _translations() -> Any:
    cached = g.get("_translations")
    if cached is None:
        cached = g._translations = get_translations()
    return cached


def language_url(language: str) -> str:
    """This very page in another language (the switcher's links)."""
    args = request.args.to_dict()
    args["lang"] = language
    return f"{request.path}?{urlencode(args)}"
