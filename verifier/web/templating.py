"""Templates compiled once per language, with their fixed messages already translated.

A page's chrome and headings are some twenty ``{{ _("...") }}`` calls, each
costing a trip through Jinja's call machinery, the catalogue and markup
formatting on every request. Compiled for one language, a call whose only
argument is a string literal becomes constant markup, which Jinja folds into
the template's static text. Calls with variables are still translated when
the page renders, by the request-bound callables of :mod:`verifier.web.i18n`.
``pybabel extract`` reads the unchanged sources, so the catalogues are unaffected.

Template names carry their language as a prefix (``ru:public/answer.html``): the
name keys Jinja's template cache, so each language is compiled and cached once.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

from flask import has_request_context
from flask.sansio.app import App
from flask.templating import Environment
from jinja2 import BaseLoader, Template
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup

from verifier.web.i18n import LANGUAGES, catalogue_for, select_language

_SEPARATOR = ":"
_GETTEXT_NAMES = frozenset({"_", "gettext"})


def language_of(name: str | None) -> str | None:
    """The language a template name was prefixed with, if any."""
    language, separator, _ = (name or "").partition(_SEPARATOR)
    return language if separator and language in LANGUAGES else None


def _unprefixed(name: str) -> str:
    return name.partition(_SEPARATOR)[2] if language_of(name) else name


class _LanguageLoader(BaseLoader):
    """Finds ``ru:public/answer.html`` where the app's loader finds ``public/answer.html``."""

    def __init__(self, inner: BaseLoader) -> None:
        self.inner = inner

    def get_source(
        self, environment: Any, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        return self.inner.get_source(environment, _unprefixed(template))

    def list_templates(self) -> list[str]:
        return self.inner.list_templates()


class FixedMessages(Extension):
    """Replaces ``_("literal")`` and ``gettext("literal")`` by ``("translation"|safe)``."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        language = language_of(stream.name)
        if language is None:
            yield from stream
            return
        catalogue = catalogue_for(language)
        tokens = list(stream)
        index = 0
        while index < len(tokens):
            call = tokens[index : index + 4]
            if (
                [token.type for token in call] == ["name", "lparen", "string", "rparen"]
                and call[0].value in _GETTEXT_NAMES
                and (index == 0 or tokens[index - 1].type != "dot")
            ):
                # The same value the runtime `_` returns: markup, %-formatted with no variables.
                text = Markup(catalogue.ugettext(call[2].value)) % {}  # noqa: S704  # nosec B704
                line = call[0].lineno
                yield Token(line, "lparen", "(")
                yield Token(line, "string", str(text))
                yield Token(line, "pipe", "|")
                yield Token(line, "name", "safe")
                yield Token(line, "rparen", ")")
                index += 4
            else:
                yield tokens[index]
                index += 1


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
    """Flask's environment, serving each page in the request's language's compilation."""

    def __init__(self, app: App, **options: Any) -> None:
        super().__init__(app, **options)
        assert self.loader is not None
        self.loader = _LanguageLoader(self.loader)
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
            name = f"{select_language()}{_SEPARATOR}{name}"
        return super().get_template(name, parent, globals)

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return _Globals(d if d is not None else {}, self.globals)

    def join_path(self, template: str, parent: str) -> str:
        language = language_of(parent)
        if language is None or language_of(template) is not None:
            return template
        return f"{language}{_SEPARATOR}{template}"
