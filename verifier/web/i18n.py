"""Languages: Uzbek (Latin), Russian and English, by ``?lang=`` or ``Accept-Language``.

Compiled catalogues ship inside the package (``verifier/translations``), so a
fresh install serves every language without a build step.

An unknown ``?lang=`` is treated by audience. A page falls back to
``Accept-Language``, then Uzbek: a person who follows ``?lang=de`` gets a page
they can read, never an error page. The JSON API is strict: a program that asks
for a language it will not get is told so, 400 ``unsupported_language`` naming
the field ``lang``, like any other malformed parameter (the OpenAPI document
gives ``lang`` as an enum there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel import Locale, support
from babel.dates import format_date, format_datetime
from flask import Flask, g, request
from flask_babel import Babel
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

# Order matters: the first is the default when the client states no preference.
LANGUAGES = ("uz", "ru", "en")
DEFAULT_LANGUAGE = LANGUAGES[0]
LANGUAGE_NAMES = {"uz": "Oʻzbekcha", "ru": "Русский", "en": "English"}
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"


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


def unsupported_language() -> bool:
    """Whether the request names, by ``?lang=``, a language other than uz, ru or en.

    Exact values only: the JSON API's ``lang`` is an enum (pages are lenient
    about case and spaces, see :func:`select_language`).
    """
    asked = request.args.getlist("lang")
    return any(value not in LANGUAGES for value in asked)


def _refuse_unknown_language_in_json() -> None:
    # Imported here: errors -> messages -> i18n, so i18n cannot import errors at its top.
    from verifier.web.errors import ApiError, wants_json

    # Only on routes that exist: an unknown address stays a 404 whatever it asks.
    if request.url_rule is not None and wants_json() and unsupported_language():
        raise ApiError("unsupported_language", 400, "lang")


def init_app(app: Flask) -> None:
    app.before_request(_refuse_unknown_language_in_json)
    Babel(
        app,
        default_locale=DEFAULT_LANGUAGE,
        default_domain=DOMAIN,
        default_translation_directories=str(TRANSLATIONS_DIR),
        locale_selector=select_language,
        default_timezone="UTC",
    )
    # Flask-Babel's callables and date filters look the catalogue, locale and
    # time zone up on every call (~30 per page), and Jinja's i18n extension
    # wraps each call in one taking the template context, which costs a derived
    # context per call inside a block. Every page instead gets plain callables
    # bound to its language's catalogue (the context processor below). The date
    # filters read the page's language from its context: select_language() goes
    # through ``g``'s proxy (about a microsecond) however often it is called.
    app.jinja_env.filters["dateformat"] = _date_filter
    app.jinja_env.filters["datetimeformat"] = _datetime_filter

    @app.context_processor
    def _languages() -> dict[str, object]:
        language = select_language()
        return {
            "current_language": language,
            "language_links": language_links(),
            **_template_callables(language),
        }


def _translations() -> Any:
    cached = g.get("_translations")
    if cached is None:
        cached = g._translations = catalogue_for(select_language())
    return cached


@cache
def catalogue_for(language: str) -> support.Translations:
    """The catalogue of ``language``, the one Flask-Babel loads, with no request needed.

    Flask-Babel finds its cached catalogue through the request's parsed locale;
    this needs only the language code (templates compiled for a language use it).
    """
    catalogue = support.Translations.load(str(TRANSLATIONS_DIR), [language], DOMAIN)
    if not isinstance(catalogue, support.Translations):  # no catalogue for the language
        return support.Translations()
    return catalogue


def gettext(message: str) -> str:
    """``message`` in the request's language."""
    text: str = _translations().ugettext(message)
    return text


@cache
def _template_callables(language: str) -> dict[str, Callable[..., Markup]]:
    """``_``, ``gettext`` and ``ngettext`` for templates, with Jinja's newstyle semantics.

    All our templates are autoescaped HTML: a translation is markup and always a
    %-format string whose variables are escaped; ngettext's count is ``num`` too.
    """
    catalogue = catalogue_for(language)

    def template_gettext(message: str, **variables: Any) -> Markup:
        return Markup(catalogue.ugettext(message)) % variables  # noqa: S704  # nosec B704

    def template_ngettext(singular: str, plural: str, num: int, **variables: Any) -> Markup:
        variables.setdefault("num", num)
        return Markup(catalogue.ungettext(singular, plural, num)) % variables  # noqa: S704  # nosec B704

    return {"_": template_gettext, "gettext": template_gettext, "ngettext": template_ngettext}


class LazyMessage:
    """A message translated when shown, in the language of the request showing it."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __str__(self) -> str:
        return gettext(self.message)

    def in_language(self, language: str) -> str:
        """The message in ``language``, with no request needed."""
        text: str = catalogue_for(language).ugettext(self.message)
        return text

    def __html__(self) -> Markup:
        return escape(str(self))

    def __repr__(self) -> str:
        return f"LazyMessage({self.message!r})"


def lazy_gettext(message: str) -> LazyMessage:
    """Mark ``message`` for the catalogue; it is translated each time it is shown."""
    return LazyMessage(message)


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def date_text(value: dt.date, format: str = "medium", language: str | None = None) -> str:
    """A date written out in ``language``, by default the request's (``long``: 17 aprel 2003)."""
    return _date_text(value, format, language or select_language())


def datetime_text(value: dt.datetime, format: str = "medium", language: str | None = None) -> str:
    """A moment in UTC, the service's time zone, in ``language`` (by default the request's)."""
    # CLDR's named formats stop at seconds, so moments within one second share an entry.
    return _datetime_text(value.replace(microsecond=0), format, language or select_language())


def _page_language(context: Context) -> str:
    language = context.get("current_language")
    return language if isinstance(language, str) else select_language()


@pass_context
def _date_filter(context: Context, value: dt.date, format: str = "medium") -> str:
    return date_text(value, format, _page_language(context))


@pass_context
def _datetime_filter(context: Context, value: dt.datetime, format: str = "medium") -> str:
    return datetime_text(value, format, _page_language(context))


# Babel takes ~20 us a date. Registry dates repeat (a year's issue dates, some
# thousands of birth dates), and the "checked on" moment repeats within its second.
@lru_cache(maxsize=16_384)
def _date_text(value: dt.date, format: str, language: str) -> str:
    return format_date(value, format, locale=_locale(language))


@lru_cache(maxsize=256)
def _datetime_text(value: dt.datetime, format: str, language: str) -> str:
    return format_datetime(value, format, tzinfo=dt.UTC, locale=_locale(language))


def language_links() -> list[tuple[str, str, str]]:
    """This very page in each language, as code, name and address (the switcher's links).

    Built here rather than by a call per language from the template: a call
    from a template costs more than building the address.
    """
    path = request.path
    args = request.args.to_dict()
    if not args:  # a QR landing page: its token is in the path
        return [(code, LANGUAGE_NAMES[code], f"{path}?lang={code}") for code in LANGUAGES]
    return [
        (code, LANGUAGE_NAMES[code], f"{path}?{urlencode({**args, 'lang': code})}")
        for code in LANGUAGES
    ]
