"""Languages: Uzbek (Latin), Russian and English, by ``?lang=`` or ``Accept-Language``.

The catalogues and the way to read them are :mod:`verifier.translations`, shared
with the command line and printing; this module adds only what a request needs:
which language it speaks, and the template callables and filters that speak it.

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
from typing import Any
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_date, format_datetime
from flask import Flask, g, has_request_context, request
from flask_babel import Babel
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from verifier import translations
from verifier.errors import Malformed
from verifier.translations import Message

# The service's languages, first the default (verifier.translations says so).
LANGUAGES = translations.LANGUAGES
DEFAULT_LANGUAGE = translations.DEFAULT_LANGUAGE
LANGUAGE_NAMES = {"uz": "Oʻzbekcha", "ru": "Русский", "en": "English"}
TRANSLATIONS_DIR = translations.DIRECTORY
# The web's name for the core's lazy message (a Message shown in a request speaks
# the request's language).
LazyMessage = Message


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


def _request_language() -> str | None:
    return select_language() if has_request_context() else None


def unsupported_language() -> bool:
    """Whether the request names, by ``?lang=``, a language other than uz, ru or en.

    Exact values only: the JSON API's ``lang`` is an enum (pages are lenient
    about case and spaces, see :func:`select_language`).
    """
    asked = request.args.getlist("lang")
    return any(value not in LANGUAGES for value in asked)


def _refuse_unknown_language_in_json() -> None:
    # Imported here: web.errors -> messages -> i18n, so i18n cannot import it at its top.
    from verifier.web.errors import JSON_PREFIXES

    # Only on the JSON API's routes that exist: an unknown address stays a 404 whatever
    # it asks, and a page that also answers JSON (a report's re-check) is a page.
    json_route = request.path.startswith(JSON_PREFIXES)
    if request.url_rule is not None and json_route and unsupported_language():
        raise Malformed("unsupported_language", field="lang")


def init_app(app: Flask) -> None:
    translations.set_language_source(_request_language)
    app.before_request(_refuse_unknown_language_in_json)
    Babel(
        app,
        default_locale=DEFAULT_LANGUAGE,
        default_domain=translations.DOMAIN,
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


def catalogue_for(language: str) -> Any:
    """The catalogue of ``language``, with no request needed."""
    return translations.catalogue(language)


def gettext(message: str, **variables: Any) -> str:
    """``message`` in the request's language, %-formatted with ``variables`` if any."""
    text: str = _translations().ugettext(message)
    return text % variables if variables else text


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


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


# Named formats besides CLDR's short/medium/long/full. "printed" is how the paper
# prints a date (17.04.2003), the same in every language.
FORMATS = {"printed": "dd.MM.yyyy", "printed_minute": "dd.MM.yyyy HH:mm"}
# Tashkent has kept UTC+5 without daylight saving since 1992, so a fixed offset is
# exact for every moment this service shows, and needs no time zone database.
ZONES: dict[str, dt.tzinfo] = {
    "UTC": dt.UTC,
    "Asia/Tashkent": dt.timezone(dt.timedelta(hours=5), "Asia/Tashkent"),
}


def date_text(value: dt.date, format: str = "medium", language: str | None = None) -> str:
    """A date written out in ``language``, by default the request's (``long``: 17 aprel 2003;
    ``printed``: 17.04.2003)."""
    return _date_text(value, format, language or select_language())


def datetime_text(
    value: dt.datetime, format: str = "medium", language: str | None = None, zone: str = "UTC"
) -> str:
    """A moment in ``zone`` (UTC, the service's, or Asia/Tashkent), in ``language``
    (by default the request's)."""
    # CLDR's named formats stop at seconds, so moments within one second share an entry.
    return _datetime_text(value.replace(microsecond=0), format, language or select_language(), zone)


def _page_language(context: Context) -> str:
    language = context.get("current_language")
    return language if isinstance(language, str) else select_language()


@pass_context
def _date_filter(context: Context, value: dt.date, format: str = "medium") -> str:
    return date_text(value, format, _page_language(context))


@pass_context
def _datetime_filter(
    context: Context, value: dt.datetime, format: str = "medium", zone: str = "UTC"
) -> str:
    return datetime_text(value, format, _page_language(context), zone)


# Babel takes ~20 us a date. Registry dates repeat (a year's issue dates, some
# thousands of birth dates), and the "checked on" moment repeats within its second.
@lru_cache(maxsize=16_384)
def _date_text(value: dt.date, format: str, language: str) -> str:
    return format_date(value, FORMATS.get(format, format), locale=_locale(language))


@lru_cache(maxsize=256)
def _datetime_text(value: dt.datetime, format: str, language: str, zone: str) -> str:
    return format_datetime(
        value, FORMATS.get(format, format), tzinfo=ZONES[zone], locale=_locale(language)
    )


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
