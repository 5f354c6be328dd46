"""Every place the service replaces a piece of Flask's, Jinja's or Flask-WTF's own
machinery, each through the extension point its documentation offers, each with
the one reason it exists. Nothing else in the code base overrides a framework hook.

- :class:`VerifierFlask`: Flask's documented class attributes choose the Jinja
  environment, the session interface and the JSON provider.
- :class:`TranslatedEnvironment`: templates compiled once per language.
- :class:`CookieSessionInterface`: no session work for requests without a cookie.
- :class:`StrictJSONProvider`: bodies the service can store, or a 400.
- :func:`protect_forms`: Flask-WTF's CSRF check in its documented selective mode.
"""

from __future__ import annotations

import json
from collections import ChainMap
from collections.abc import Iterable, MutableMapping
from typing import Any

from flask import Blueprint, Flask, Request, Response, has_request_context, request
from flask.json.provider import DefaultJSONProvider
from flask.sansio.app import App
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask.templating import Environment
from flask_wtf.csrf import CSRFProtect
from jinja2 import Template

from verifier.web.i18n import select_language
from verifier.web.templating import SEPARATOR, FixedMessages, LanguageLoader, language_of


class _Globals(ChainMap[str, Any]):
    """A template's globals over the environment's, read without a ``KeyError`` per name.

    Every render copies the globals into its context. ``ChainMap`` finds each of
    the environment's twenty-odd globals by trying the template's own (empty)
    map first and catching the ``KeyError``: twenty exceptions a page.
    """

    def __getitem__(self, key: str) -> Any:
        for mapping in self.maps:
            if key in mapping:
                return mapping[key]
        return self.__missing__(key)


class TranslatedEnvironment(Environment):
    """Serves each page from its language's compilation, where fixed messages are
    already translated text (see :mod:`verifier.web.templating`): about twenty
    ``_()`` calls a page that would otherwise each cost a catalogue look-up."""

    def __init__(self, app: App, **options: Any) -> None:
        super().__init__(app, **options)
        assert self.loader is not None
        self.loader = LanguageLoader(self.loader)
        self.add_extension(FixedMessages)

    def get_template(
        self,
        name: str | Template,
        parent: str | None = None,
        globals: MutableMapping[str, Any] | None = None,
    ) -> Template:
        # A parent's language reaches the templates it extends or includes via join_path.
        if (
            parent is None
            and isinstance(name, str)
            and language_of(name) is None
            and has_request_context()
        ):
            name = f"{select_language()}{SEPARATOR}{name}"
        return super().get_template(name, parent, globals)

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return _Globals(d if d is not None else {}, self.globals)

    def join_path(self, template: str, parent: str) -> str:
        language = language_of(parent)
        if language is None or language_of(template) is not None:
            return template
        return f"{language}{SEPARATOR}{template}"


class CookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, minus their cost on requests that carry none.

    Public look-ups never have a session cookie, yet Flask builds the cookie
    signer and reads seven settings on every request to find that out; on the
    JSON look-up that showed in the profile. Requests with a cookie, and
    sessions that are used, go through Flask's own code unchanged.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not session and not session.modified and not session.accessed:
            return  # what Flask would do too: no cookie to set or delete, no Vary
        super().save_session(app, session, response)


class StrictJSONProvider(DefaultJSONProvider):
    """Request bodies parsed as JSON the service can store: bounded depth, no lone surrogates.

    Python's ``json`` raises ``RecursionError`` (not ``ValueError``) for a body
    nested a few thousand levels deep, and accepts ``"\\ud800"``, a lone
    surrogate that no UTF-8 database column can hold: both were 500s. Here both
    are ``ValueError``, which Flask turns into 400 (``get_json``) or None
    (``get_json(silent=True)``) like any other malformed body, on every route
    that reads JSON, before authentication as after.
    """

    ensure_ascii = False  # names in Cyrillic and Uzbek Latin stay readable in answers
    sort_keys = False  # members in the documented order

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        text = s if isinstance(s, str) else s.decode("utf-8", "replace")
        if "\\ud" in text.lower():  # only escapes can make a lone surrogate
            try:
                json.dumps(value, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("JSON holds a lone surrogate") from None
            except RecursionError:  # pragma: no cover - parsed, so within depth
                raise ValueError("JSON nested too deeply") from None
        return value


class VerifierFlask(Flask):
    """Flask, with the three pieces above chosen through its documented class attributes."""

    jinja_environment = TranslatedEnvironment  # pages compiled once per language
    session_interface = CookieSessionInterface()  # no cookie, no session work
    json_provider_class = StrictJSONProvider  # deep or surrogate JSON is a 400


def protect_forms(app: Flask, *, exempt: Iterable[Blueprint]) -> CSRFProtect:
    """Every HTML form needs its CSRF token; the JSON APIs (``exempt``) take no cookies.

    Flask-WTF's documented selective mode (``WTF_CSRF_CHECK_DEFAULT = False``
    and ``csrf.protect()`` from our own hook): its default hook runs on every
    request and reads the request and config through their proxies eight times
    before finding that a GET needs no token; this one asks the method first.
    The checks made are Flask-WTF's own.
    """
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf = CSRFProtect(app)
    for blueprint in exempt:
        csrf.exempt(blueprint)
    methods = app.config["WTF_CSRF_METHODS"]

    @app.before_request
    def _check_csrf() -> None:
        if request.method in methods and app.config["WTF_CSRF_ENABLED"]:
            csrf.protect(apply_exemptions=True)

    return csrf
