"""The import rules' row messages in the workspace's language.

The service layer words its problems in English (they are also the command
line's output); the workspace recognises the common ones and shows them
translated, with the values they quote. Anything not recognised stays English.
"""

from __future__ import annotations

import re

from flask_babel import LazyString, lazy_gettext

_MESSAGES: list[tuple[re.Pattern[str], LazyString]] = [
    (
        re.compile(r"is required for a (diploma|transcript|certificate)"),
        lazy_gettext("is required for this type of document"),
    ),
    (
        re.compile(r"is only for a (diploma|transcript|certificate)"),
        lazy_gettext("is not used for this type of document"),
    ),
    (
        re.compile(r"is required \(diploma, transcript or certificate\)"),
        lazy_gettext("is required (diploma, transcript or certificate)"),
    ),
    (
        re.compile(r"must be diploma, transcript or certificate, got (?P<value>.*)"),
        lazy_gettext("must be diploma, transcript or certificate, not %(value)s"),
    ),
    (
        re.compile(r"must be a date as YYYY-MM-DD, got (?P<value>.*)"),
        lazy_gettext("must be a date as YYYY-MM-DD, not %(value)s"),
    ),
    (
        re.compile(r"(?P<value>\S+) is not a real date"),
        lazy_gettext("%(value)s is not a real date"),
    ),
    (
        re.compile(r"(?P<value>\S+) is not a plausible birth date"),
        lazy_gettext("%(value)s is not a plausible birth date"),
    ),
    (re.compile(r"(?P<value>\S+) is in the future"), lazy_gettext("%(value)s is in the future")),
    (
        re.compile(r"(?P<value>\S+) is before start_date (?P<other>\S+)"),
        lazy_gettext("%(value)s is before the start of studies (%(other)s)"),
    ),
    (
        re.compile(r"(?P<value>\S+) is before end_date (?P<other>\S+)"),
        lazy_gettext("%(value)s is before the end of studies (%(other)s)"),
    ),
    (
        re.compile(r"(?P<value>\S+) is not after birth_date (?P<other>\S+)"),
        lazy_gettext("%(value)s is not after the birth date (%(other)s)"),
    ),
    (
        re.compile(r"is too long \((?P<count>\d+) characters, at most (?P<limit>\d+)\)"),
        lazy_gettext("is too long (%(count)s characters, at most %(limit)s)"),
    ),
    (
        re.compile(r"must be a whole number from (?P<low>\d+) to (?P<high>\d+)"),
        lazy_gettext("must be a whole number from %(low)s to %(high)s"),
    ),
    (
        re.compile(r"must be true or false \(or empty\)"),
        lazy_gettext("must be true or false (or empty)"),
    ),
    (
        re.compile(r"contains control or invisible characters"),
        lazy_gettext("contains control or invisible characters"),
    ),
    (re.compile(r"unknown field"), lazy_gettext("unknown field")),
    (
        re.compile(r"unknown institution code (?P<code>\S+).*"),
        lazy_gettext("unknown institution code %(code)s"),
    ),
    (
        re.compile(r"(?P<number>\S+) is also on row (?P<row>\d+)"),
        lazy_gettext("%(number)s is also on row %(row)s"),
    ),
    (
        re.compile(r"(?P<number>\S+) is already issued to a different person"),
        lazy_gettext("%(number)s is already issued to a different person"),
    ),
    (
        re.compile(r"(?P<number>\S+) is already issued with different details.*"),
        lazy_gettext("%(number)s is already issued with different details (reissue it to correct)"),
    ),
    (
        re.compile(r"you may issue for (?P<own>\S+) only, not (?P<other>\S+)"),
        lazy_gettext("you may issue for %(own)s only, not %(other)s"),
    ),
    (
        re.compile(r"missing column\(s\): (?P<names>.*)"),
        lazy_gettext("missing column(s): %(names)s"),
    ),
    (
        re.compile(r"unknown column\(s\): (?P<names>.*)"),
        lazy_gettext("unknown column(s): %(names)s"),
    ),
    (re.compile(r"the file is empty"), lazy_gettext("the file is empty")),
    (re.compile(r"no rows to import"), lazy_gettext("no rows to import")),
]


def translate(message: str) -> str:
    """``message`` in the request's language if it is a known rule's, else as it is."""
    for pattern, translated in _MESSAGES:
        match = pattern.fullmatch(message)
        if match:
            return str(translated) % match.groupdict() if match.groupdict() else str(translated)
    return message
