"""Mail to the requester of an inquiry: on receipt and on answer (DESIGN.md, "Inquiries").

A :class:`Mail` is plain text to one address; it cannot be built with a line
break in its address or subject, so no header can be injected through them.
A :class:`Mailer` sends it: :class:`SmtpMailer` to ``VERIFIER_SMTP_URL``
(``smtp://`` with STARTTLS when the server offers it, ``smtps://`` with TLS
from the start), or, without one, :class:`LogMailer` to the ``verifier.mail``
log (development). :func:`mailer_from` picks one from the settings.

The mails name the inquiry and its link, nothing of the document asked about:
a mailbox is read by more people, and kept longer, than the inquiry's page.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Final, Protocol
from urllib.parse import unquote, urlsplit

from verifier.config import Settings
from verifier.errors import ConfigurationError, InvalidInput, Unavailable
from verifier.printing.data import display_date
from verifier.staff.accounts import normalise_email
from verifier.translations import LANGUAGES, N_, format_message

LOGGER_NAME: Final = "verifier.mail"
# Long enough for a slow relay, short enough that a request waiting on it is not lost.
TIMEOUT_SECONDS: Final = 10.0
ANSWERED: Final = "answered"
REJECTED: Final = "rejected"


class MailFailed(Unavailable):
    """The mail could not be handed to the server; its message names no person."""


@dataclass(frozen=True)
class Mail:
    """Plain text to one address. A line break in ``to`` or ``subject`` is refused."""

    to: str
    subject: str
    body: str

    def __post_init__(self) -> None:
        for header, value in (("address", self.to), ("subject", self.subject)):
            # Checked before the address's own rule, which would strip a trailing CR/LF.
            if "\r" in value or "\n" in value:
                raise InvalidInput("mail_header_line_break", header=header, field=header)
        normalise_email(self.to)

    def message(self, sender: str) -> EmailMessage:
        """The message as it goes on the wire (policy SMTP: CRLF, headers folded and encoded)."""
        message = EmailMessage(policy=policy.SMTP)
        message["From"] = sender
        message["To"] = self.to
        message["Subject"] = self.subject
        message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
        # A domain of our own: without one, make_msgid asks DNS for this host's name.
        _, at, domain = parseaddr(sender)[1].rpartition("@")
        message["Message-ID"] = make_msgid(domain=domain if at and domain else "localhost")
        # RFC 3834: no out-of-office replies to an automatic mail.
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(self.body)
        return message


class Mailer(Protocol):
    """Sends a mail, or raises :class:`MailFailed`."""

    def send(self, mail: Mail) -> None: ...


class SmtpMailer:
    """Sends through the server of an ``smtp://`` or ``smtps://[user:password@]host[:port]`` URL.

    ``smtp://`` upgrades with STARTTLS when the server offers it (a relay on the
    same host may not); a password is never sent over a connection that is not
    encrypted, so credentials with a server that offers no STARTTLS fail.
    """

    def __init__(self, url: str, sender: str) -> None:
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            raise ConfigurationError("smtp_url_malformed") from None
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ConfigurationError("smtp_url_malformed")
        if "\r" in sender or "\n" in sender:
            raise InvalidInput("mail_header_line_break", header="sender", field="sender")
        self.implicit_tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = port or (smtplib.SMTP_SSL_PORT if self.implicit_tls else smtplib.SMTP_PORT)
        self.sender = sender
        self._user = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password or "")

    def __repr__(self) -> str:  # never the password
        scheme = "smtps" if self.implicit_tls else "smtp"
        return f"SmtpMailer({scheme}://{self.host}:{self.port}, sender={self.sender!r})"

    def send(self, mail: Mail) -> None:
        message = mail.message(self.sender)
        context = ssl.create_default_context()
        try:
            client = (
                smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT_SECONDS, context=context)
                if self.implicit_tls
                else smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
            )
            with client:
                if not self.implicit_tls:
                    client.ehlo()
                    if client.has_extn("starttls"):
                        client.starttls(context=context)
                        client.ehlo()
                    elif self._user is not None:
                        raise smtplib.SMTPNotSupportedError("no STARTTLS for the login")
                if self._user is not None:
                    client.login(self._user, self._password)
                client.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            # The exception's class says what went wrong; its text may hold the address.
            raise MailFailed("mail_failed", reason=type(exc).__name__) from exc


class LogMailer:
    """Writes each mail to the log instead of sending it: development, no SMTP server."""

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self.logger = logger or logging.getLogger(LOGGER_NAME)

    def send(self, mail: Mail) -> None:
        self.logger.info("mail to %s: %s\n\n%s", mail.to, mail.subject, mail.body)


def mailer_from(settings: Settings) -> Mailer:
    """SMTP when ``VERIFIER_SMTP_URL`` is set, else the log."""
    if settings.smtp_url:
        return SmtpMailer(settings.smtp_url, settings.mail_from)
    return LogMailer()


# The mails' words --------------------------------------------------------

_RECEIVED_SUBJECT = N_("Your inquiry %(number)s was received")
_RECEIVED = N_("Your inquiry %(number)s was received. We will answer by %(due)s.")
_FOLLOW = N_("Follow it at:")
_KEEP_LINK = N_(
    "Keep this link: it is your only way in to the inquiry and its answer. "
    "Do not share it with anyone you would not show the answer to."
)
_ANSWERED_SUBJECT = N_("Your inquiry %(number)s has been answered")
_ANSWERED = N_("Your inquiry %(number)s has been answered.")
_ANSWER_AT = N_("The answer and the official letter are at:")
_REJECTED_SUBJECT = N_("Your inquiry %(number)s has been rejected")
_REJECTED = N_("Your inquiry %(number)s has been rejected.")
_REASON_AT = N_("The reason is given at:")
_USE_RECEIPT_LINK = N_(
    "Open it with the link in the mail that confirmed its receipt: that link is the only way in."
)
_AUTOMATIC = N_("This message was sent automatically; please do not reply to it.")


def _words(template: str, language: str, **params: str) -> str:
    return format_message(template, params, language)


def _body(*paragraphs: str) -> str:
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph) + "\n"


def _checked_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"no mail in language {language!r} (one of {', '.join(LANGUAGES)})")
    return language


def receipt_mail(
    *, to: str, number: str, status_url: str, due: dt.date, language: str, operator_name: str
) -> Mail:
    """The mail that says an inquiry was received, when it will be answered, and its link."""
    language = _checked_language(language)
    return Mail(
        to=to,
        subject=_words(_RECEIVED_SUBJECT, language, number=number),
        body=_body(
            _words(_RECEIVED, language, number=number, due=display_date(due)),
            f"{_words(_FOLLOW, language)}\n{status_url}",
            _words(_KEEP_LINK, language),
            _words(_AUTOMATIC, language),
            operator_name,
        ),
    )


def answer_mail(
    *,
    to: str,
    number: str,
    status_url: str | None,
    status: str,
    language: str,
    operator_name: str,
) -> Mail:
    """The mail that says an inquiry was answered (or rejected) and where to read it.

    ``status_url`` is the requester's address with its key, when the caller has it
    (an answer made on receipt); staff answering later do not (only the key's hash
    is kept): then the mail sends the requester to the receipt mail's link.
    """
    language = _checked_language(language)
    if status == ANSWERED:
        subject, opening, where = _ANSWERED_SUBJECT, _ANSWERED, _ANSWER_AT
    elif status == REJECTED:
        subject, opening, where = _REJECTED_SUBJECT, _REJECTED, _REASON_AT
    else:
        raise ValueError(f"no answer mail for status {status!r} (answered or rejected)")
    return Mail(
        to=to,
        subject=_words(subject, language, number=number),
        body=_body(
            _words(opening, language, number=number),
            f"{_words(where, language)}\n{status_url}"
            if status_url
            else _words(_USE_RECEIPT_LINK, language),
            _words(_AUTOMATIC, language),
            operator_name,
        ),
    )
