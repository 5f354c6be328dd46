"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, keeping every message it receives.

Use it as a fixture (tests/unit/inquiries/conftest.py)::

    @pytest.fixture
    def smtp_server() -> Iterator[SmtpServer]:
        with running_smtp_server() as server:
            yield server

then send to ``smtp_server.url`` and read ``smtp_server.messages``. With
``tls=self_signed_tls(directory)`` it offers STARTTLS (and requires it), and with
``login=(user, password)`` it requires that login: a client trusts its certificate
when ``SSL_CERT_FILE`` names ``tls.certificate``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One message as the server received it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class SmtpServer:
    """A running server; ``received`` fills as messages arrive."""

    host: str
    port: int
    received: list[Received] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def messages(self) -> list[EmailMessage]:
        return [one.message for one in self.received]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """The messages once ``count`` have arrived (another process may still be sending)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.received)} of {count} mails arrived")
            time.sleep(0.05)
        return self.messages


class _Keeper:
    """aiosmtpd's handler: parse each message and keep it."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        # SMTP's CRLF line ends, as Python reads text: a body reads back as it was sent.
        content = (envelope.original_content or b"").replace(b"\r\n", b"\n")
        message = message_from_bytes(content, policy=policy.default)
        self.server.received.append(
            Received(str(envelope.mail_from), [str(to) for to in envelope.rcpt_tos], message)
        )
        return "250 OK"


def free_port() -> int:
    """A port nobody listens on now (aiosmtpd's controller needs a number, not 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Tls:
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files."""

    certificate: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.certificate, self.key)
        return context


def self_signed_tls(directory: Path) -> Tls:
    """A certificate valid for an hour for the IP address 127.0.0.1, written to ``directory``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test SMTP server")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    tls = Tls(directory / "smtp-cert.pem", directory / "smtp-key.pem")
    tls.certificate.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    tls.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return tls


def _authenticator(login: tuple[str, str]) -> Any:
    def authenticate(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        given = (
            (data.login.decode(), data.password.decode())
            if isinstance(data, LoginPassword)
            else None
        )
        # handled=False: aiosmtpd answers 235 or 535 itself.
        return AuthResult(success=given == login, handled=False)

    return authenticate


@contextmanager
def running_smtp_server(
    *, tls: Tls | None = None, login: tuple[str, str] | None = None
) -> Iterator[SmtpServer]:
    """An SMTP server on 127.0.0.1 and a free port for the block.

    Plain by default; with ``tls`` it offers and requires STARTTLS; with
    ``login`` it requires that user and password (over TLS only).
    """
    server = SmtpServer(HOST, free_port())
    options: dict[str, Any] = {}
    if tls is not None:
        options |= {"tls_context": tls.server_context(), "require_starttls": True}
    if login is not None:
        options |= {"authenticator": _authenticator(login), "auth_required": True}
    controller = Controller(_Keeper(server), hostname=HOST, port=server.port, **options)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
