"""The message catalogues (Uzbek Latin, Russian, English) and the one way to read them.

Pages, JSON messages, error and row-error sentences, printed labels and the
command line all read the one ``messages`` catalogue through this module, which
needs no Flask: the web adds only how a request picks its language
(:mod:`verifier.web.i18n`). Compiled catalogues ship beside this file, so a
fresh install speaks every language without a build step.

Marking a message for ``scripts/translations update``:

- ``N_("...")`` marks a plain string where it is defined (a template that is
  formatted later, as in :data:`verifier.errors.MESSAGES`); it returns it unchanged.
- ``lazy_gettext("...")`` makes a :class:`Message`, translated when shown.
- ``lazy_pgettext("context", "...")`` is the same with a context, for a message
  whose English words mean something else elsewhere (printed labels).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from babel.support import Translations

# Order matters: the first is the default when nobody states a preference.
LANGUAGES = ("uz", "ru", "en")
DEFAULT_LANGUAGE = LANGUAGES[0]
# Messages are written in English: the language of the command line and the
# identity of the English catalogue.
SOURCE_LANGUAGE = "en"
DOMAIN = "messages"
DIRECTORY = Path(__file__).resolve().parent

Params = Mapping[str, object]


@cache
def catalogue(language: str) -> Translations:
    """The compiled catalogue of ``language`` (an empty one for a language we do not have)."""
    from babel import support  # here: importing verifier.errors must stay cheap

    loaded = support.Translations.load(str(DIRECTORY), [language], DOMAIN)
    if not isinstance(loaded, support.Translations):  # no catalogue for the language
        return support.Translations()
    return loaded


def gettext(language: str, message: str) -> str:
    """``message`` in ``language``."""
    text: str = catalogue(language).ugettext(message)
    return text


def pgettext(language: str, context: str, message: str) -> str:
    """``message`` of ``context`` in ``language``."""
    text: str = catalogue(language).upgettext(context, message)
    return text


def format_message(template: str, params: Params, language: str) -> str:
    """A %-template translated into ``language`` and filled with ``params``.

    English is the template itself, read without loading any catalogue, which is
    what the command line prints. A template without parameters is not
    %-formatted, so it may hold a bare ``%``.
    """
    text = template if language == SOURCE_LANGUAGE else gettext(language, template)
    return text % params if params else text


def N_(message: str) -> str:  # noqa: N802 - the conventional name extractors look for
    """Mark ``message`` for the catalogue where it is defined; it is translated where shown."""
    return message


def _no_language() -> str | None:
    return None


# Which language a Message shown with str() speaks: the web sets this to the
# request's language (verifier.web.i18n.init_app); elsewhere it is English.
_language_now: Callable[[], str | None] = _no_language


def set_language_source(source: Callable[[], str | None]) -> None:
    """Let ``str(message)`` follow ``source`` (None: English), e.g. the current request's."""
    global _language_now
    _language_now = source


def current_language() -> str:
    """The language ``str(message)`` speaks now."""
    return _language_now() or SOURCE_LANGUAGE


class Message:
    """A message translated when shown: ``str()`` in the current language, or ``in_language``."""

    __slots__ = ("context", "message")

    def __init__(self, message: str, context: str | None = None) -> None:
        self.message = message
        self.context = context

    def in_language(self, language: str) -> str:
        """The message in ``language``."""
        if self.context is None:
            return gettext(language, self.message)
        return pgettext(language, self.context, self.message)

    def __str__(self) -> str:
        return self.in_language(current_language())

    def __html__(self) -> Markup:
        return escape(str(self))

    def __mod__(self, values: Any) -> str:
        # WTForms fills its validators' messages with ``%``, as it would a string.
        text: str = str(self) % values
        return text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.message, self.context) == (
            other.message,
            other.context,
        )

    def __hash__(self) -> int:
        return hash((self.message, self.context))

    def __repr__(self) -> str:
        if self.context is None:
            return f"Message({self.message!r})"
        return f"Message({self.message!r}, context={self.context!r})"


def lazy_gettext(message: str) -> Message:
    """Mark ``message`` for the catalogue; it is translated each time it is shown."""
    return Message(message)


def lazy_pgettext(context: str, message: str) -> Message:
    """:func:`lazy_gettext` for a message of ``context`` (its own entry in the catalogue)."""
    return Message(message, context)
