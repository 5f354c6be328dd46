"""Mail to an inquiry's requester: built safely, sent to a real SMTP server or to the log."""

from __future__ import annotations

import datetime as dt
import inspect
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.smtp import SmtpServer, free_port, running_smtp_server, self_signed_tls
from verifier.config import Settings
from verifier.errors import ConfigurationError, InvalidInput, Unavailable
from verifier.inquiries.mail import (
    LOGGER_NAME,
    LogMailer,
    Mail,
    MailFailed,
    SmtpMailer,
    answer_mail,
    mailer_from,
    receipt_mail,
)
from verifier.translations import LANGUAGES

SENDER = "verifier@registry.example.uz"
TO = "dean@employer.example.com"
NUMBER = "INQ-2026-000123"
STATUS_URL = f"https://verify.example.uz/inquiries/{NUMBER}?key=Zm9vYmFyYmF6cXV4cXV1eA"
DUE = dt.date(2026, 3, 9)
OPERATOR = "Oʻrta maxsus, kasb-hunar taʼlimi markazi"


def a_mail(**changes: str) -> Mail:
    values = {"to": TO, "subject": "Your inquiry", "body": "Line one.\nLine two.\n"} | changes
    return Mail(**values)


def a_receipt(language: str = "en") -> Mail:
    return receipt_mail(
        to=TO,
        number=NUMBER,
        status_url=STATUS_URL,
        due=DUE,
        language=language,
        operator_name=OPERATOR,
    )


def an_answer(status: str = "answered", language: str = "en") -> Mail:
    return answer_mail(
        to=TO,
        number=NUMBER,
        status_url=STATUS_URL,
        status=status,
        language=language,
        operator_name=OPERATOR,
    )


# Sending -------------------------------------------------------------------


def test_smtp_mailer_delivers_the_mail_to_the_server(smtp_server: SmtpServer) -> None:
    SmtpMailer(smtp_server.url, SENDER).send(a_mail())

    [received] = smtp_server.received
    assert received.mail_from == SENDER
    assert received.rcpt_tos == [TO]
    assert received.message["From"] == SENDER
    assert received.message["To"] == TO
    assert received.message["Subject"] == "Your inquiry"
    assert received.message.get_content_type() == "text/plain"
    assert received.message.get_content() == "Line one.\nLine two.\n"


def test_a_mail_in_cyrillic_and_uzbek_latin_arrives_intact(smtp_server: SmtpServer) -> None:
    mail = a_mail(subject="Ваш запрос INQ-2026-000123 получен", body=f"{OPERATOR}\n")

    SmtpMailer(smtp_server.url, SENDER).send(mail)

    [message] = smtp_server.messages
    assert message["Subject"] == mail.subject
    assert message.get_content() == mail.body


def test_a_sent_mail_says_it_was_sent_automatically(smtp_server: SmtpServer) -> None:
    SmtpMailer(smtp_server.url, SENDER).send(a_mail())

    [message] = smtp_server.messages
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@registry.example.uz>")
    assert message["Date"]


def test_log_mailer_writes_the_mail_to_the_mail_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        LogMailer().send(a_mail())

    [record] = caplog.records
    assert record.name == "verifier.mail"
    assert record.levelno == logging.INFO
    assert TO in record.getMessage()
    assert "Your inquiry" in record.getMessage()
    assert "Line one.\nLine two." in record.getMessage()


def test_an_unreachable_server_fails_as_mail_failed() -> None:
    mailer = SmtpMailer(f"smtp://127.0.0.1:{free_port()}", SENDER)

    with pytest.raises(MailFailed) as raised:
        mailer.send(a_mail())

    assert isinstance(raised.value, Unavailable)
    assert raised.value.code == "mail_failed"


def test_mail_failed_names_no_person() -> None:
    mailer = SmtpMailer(f"smtp://127.0.0.1:{free_port()}", SENDER)

    with pytest.raises(MailFailed) as raised:
        mailer.send(a_mail())

    assert TO not in str(raised.value)
    assert "dean" not in str(raised.value)


def test_smtps_against_a_server_without_tls_fails_as_mail_failed(
    smtp_server: SmtpServer,
) -> None:
    mailer = SmtpMailer(f"smtps://{smtp_server.host}:{smtp_server.port}", SENDER)

    with pytest.raises(MailFailed):
        mailer.send(a_mail())
    assert smtp_server.received == []


def test_a_password_is_not_sent_to_a_server_that_offers_no_starttls(
    smtp_server: SmtpServer,
) -> None:
    mailer = SmtpMailer(f"smtp://mailer:s3cret@{smtp_server.host}:{smtp_server.port}", SENDER)

    with pytest.raises(MailFailed):
        mailer.send(a_mail())
    assert smtp_server.received == []


def test_the_mailer_shows_no_password() -> None:
    mailer = SmtpMailer("smtps://mailer:s3cret@mail.example.uz:465", SENDER)

    assert "s3cret" not in repr(mailer)
    assert "mail.example.uz:465" in repr(mailer)


@pytest.mark.parametrize(
    ("url", "port"), [("smtp://mail.example.uz", 25), ("smtps://mail.example.uz", 465)]
)
def test_the_port_defaults_to_the_schemes(url: str, port: int) -> None:
    assert SmtpMailer(url, SENDER).port == port


@pytest.mark.parametrize(
    "url", ["smtp://", "smtp://mail.example.uz:port", "http://mail.example.uz"]
)
def test_a_malformed_smtp_url_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        SmtpMailer(url, SENDER)
    assert raised.value.code == "smtp_url_malformed"


def test_mailer_from_settings_with_an_smtp_url_sends_by_smtp() -> None:
    settings = Settings(
        database_url="sqlite://", smtp_url="smtps://mail.example.uz:2465", mail_from=SENDER
    )

    mailer = mailer_from(settings)

    assert isinstance(mailer, SmtpMailer)
    assert (mailer.host, mailer.port, mailer.implicit_tls) == ("mail.example.uz", 2465, True)
    assert mailer.sender == SENDER


def test_mailer_from_settings_without_an_smtp_url_writes_to_the_log() -> None:
    assert isinstance(mailer_from(Settings(database_url="sqlite://")), LogMailer)


def test_mailer_from_settings_sends_to_the_configured_server(smtp_server: SmtpServer) -> None:
    settings = Settings(database_url="sqlite://", smtp_url=smtp_server.url, mail_from=SENDER)

    mailer_from(settings).send(a_receipt())

    [message] = smtp_server.messages
    assert NUMBER in message["Subject"]


# Headers cannot be injected --------------------------------------------------


@pytest.mark.parametrize("subject", ["Hello\r\nBcc: victim@example.com", "Hello\nX: y", "Hi\r"])
def test_a_line_break_in_the_subject_is_refused(subject: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        a_mail(subject=subject)
    assert raised.value.code == "mail_header_line_break"


@pytest.mark.parametrize(
    "to", [f"{TO}\r\nBcc: victim@example.com", f"{TO}\n", f"\r\n{TO}", "a@b.uz\rX: y"]
)
def test_a_line_break_in_the_address_is_refused(to: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        a_mail(to=to)
    assert raised.value.code == "mail_header_line_break"


@pytest.mark.parametrize("to", ["", "dean", "dean@employer", "a@b@c.uz", "two words@x.uz"])
def test_a_mail_to_something_that_is_not_an_address_is_refused(to: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        a_mail(to=to)
    assert raised.value.code == "not_an_email"


def test_a_line_break_in_the_sender_is_refused() -> None:
    with pytest.raises(InvalidInput):
        SmtpMailer("smtp://mail.example.uz", f"{SENDER}\r\nBcc: victim@example.com")


# The mails' words ------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_receipt_carries_the_number_the_due_date_and_the_link(language: str) -> None:
    mail = a_receipt(language)

    assert mail.to == TO
    assert NUMBER in mail.subject
    assert NUMBER in mail.body
    assert "09.03.2026" in mail.body
    assert STATUS_URL in mail.body.splitlines()
    assert OPERATOR in mail.body


def test_the_receipt_tells_to_keep_the_link() -> None:
    body = a_receipt().body

    assert "We will answer by 09.03.2026." in body
    assert "Keep this link: it is your only way in" in body


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("status", ["answered", "rejected"])
def test_the_answer_carries_the_number_and_the_link(language: str, status: str) -> None:
    mail = an_answer(status, language)

    assert mail.to == TO
    assert NUMBER in mail.subject
    assert NUMBER in mail.body
    assert STATUS_URL in mail.body.splitlines()
    assert OPERATOR in mail.body


def test_an_answered_inquiry_points_to_the_answer_and_the_letter() -> None:
    mail = an_answer("answered")

    assert mail.subject == f"Your inquiry {NUMBER} has been answered"
    assert "The answer and the official letter are at:" in mail.body


def test_a_rejected_inquiry_points_to_the_reason() -> None:
    mail = an_answer("rejected")

    assert mail.subject == f"Your inquiry {NUMBER} has been rejected"
    assert "The reason is given at:" in mail.body


@pytest.mark.parametrize("mail", [receipt_mail, answer_mail])
def test_the_mails_take_nothing_of_the_document_or_its_holder(mail: object) -> None:
    # Only the inquiry's number and link: a mailbox is no place for the holder's data.
    assert set(inspect.signature(mail).parameters) <= {  # type: ignore[arg-type]
        "to",
        "number",
        "status_url",
        "due",
        "status",
        "language",
        "operator_name",
    }


def test_an_answer_mail_for_a_status_that_is_no_answer_is_a_bug() -> None:
    with pytest.raises(ValueError, match="in_progress"):
        an_answer("in_progress")


def test_a_mail_in_a_language_we_do_not_speak_is_a_bug() -> None:
    with pytest.raises(ValueError, match="de"):
        a_receipt("de")


def test_a_mail_in_any_language_goes_through_smtp_intact(smtp_server: SmtpServer) -> None:
    mailer = SmtpMailer(smtp_server.url, SENDER)
    mails = [a_receipt(language) for language in LANGUAGES]

    for mail in mails:
        mailer.send(mail)

    # A non-ASCII body travels base64-encoded with SMTP's CRLF line ends inside.
    received = [(m["Subject"], m.get_content().replace("\r\n", "\n")) for m in smtp_server.messages]
    assert received == [(mail.subject, mail.body) for mail in mails]


# TLS and login -----------------------------------------------------------------


@pytest.fixture
def tls_smtp_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A server that requires STARTTLS and the login mailer:s3cret/pass; its certificate trusted."""
    tls = self_signed_tls(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.certificate))
    with running_smtp_server(tls=tls, login=("mailer", "s3cret/pass")) as server:
        yield server


def test_smtp_upgrades_with_starttls_and_logs_in(tls_smtp_server: SmtpServer) -> None:
    # The password is percent-encoded in the URL, as a "/" in it must be.
    url = f"smtp://mailer:s3cret%2Fpass@{tls_smtp_server.host}:{tls_smtp_server.port}"

    SmtpMailer(url, SENDER).send(a_mail())

    [message] = tls_smtp_server.messages
    assert message["Subject"] == "Your inquiry"


def test_a_wrong_password_fails_as_mail_failed(tls_smtp_server: SmtpServer) -> None:
    url = f"smtp://mailer:wrong@{tls_smtp_server.host}:{tls_smtp_server.port}"

    with pytest.raises(MailFailed) as raised:
        SmtpMailer(url, SENDER).send(a_mail())

    assert raised.value.params == {"reason": "SMTPAuthenticationError"}
    assert tls_smtp_server.received == []


def test_a_server_whose_certificate_is_not_trusted_gets_no_mail(tmp_path: Path) -> None:
    with running_smtp_server(tls=self_signed_tls(tmp_path)) as server:
        with pytest.raises(MailFailed):
            SmtpMailer(server.url, SENDER).send(a_mail())

        assert server.received == []
