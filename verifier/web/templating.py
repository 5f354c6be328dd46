"""Templates compiled once per language, with their fixed messages already translated.

The environment that serves them is :class:`verifier.web.framework.TranslatedEnvironment`;
this module holds what it is made of: a Jinja extension and a loader.

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

from collections.abc import Callable, Iterator
from typing import Any

from jinja2 import BaseLoader
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup

from verifier.web.i18n import LANGUAGES, catalogue_for

SEPARATOR = ":"
_GETTEXT_NAMES = frozenset({"_", "gettext"})


def language_of(name: str | None) -> str | None:
    """The language a template name was prefixed with, if any."""
    language, separator, _ = (name or "").partition(SEPARATOR)
    return language if separator and language in LANGUAGES else None


def _unprefixed(name: str) -> str:
    return name.partition(SEPARATOR)[2] if language_of(name) else name


class LanguageLoader(BaseLoader):
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
