"""Hostile PDFs: each is held to `invalid` within seconds, in a sandboxed child process,
and a PDF re-signed by anyone but the service is never genuine."""

from __future__ import annotations

import io
import json
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from pyhanko.pdf_utils.generic import TextStringObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from tests.support.hostile_pdfs import CORPUS
from tests.support.pdfs import data_for, signed
from tests.support.servers import Server
from verifier.keys import lifecycle
from verifier.printing.pades import PdfSigner
from verifier.printing.render import render_unsigned
from verifier.runtime import Runtime
from verifier.signing.certificates import DocumentCertificates
from verifier.signing.keys import KeyRing
from verifier.verification.outcome import Outcome, Status
from verifier.verification.pdf import integrity
from verifier.verification.service import verify_pdf

BUDGET_SECONDS = 8.0


@pytest.mark.parametrize("make", CORPUS.values(), ids=CORPUS.keys())
def test_a_hostile_pdf_is_invalid_within_the_budget(make: Callable[[], bytes]) -> None:
    data = make()
    started = time.monotonic()
    outcome = verify_pdf(None, data, KeyRing([]), certificates=())
    assert time.monotonic() - started < BUDGET_SECONDS
    assert outcome.status is Status.INVALID
    assert not outcome.checks[0].passed


def upload(url: str, data: bytes) -> tuple[int, dict[str, object]]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f"--{boundary}\r\nContent-Disposition: form-data; name=file; filename=x.pdf\r\n"
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{url}/api/v1/verify/pdf",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())


@pytest.mark.slow
def test_hostile_uploads_are_invalid_while_a_concurrent_look_up_stays_fast(
    live_server: Server,
) -> None:
    answers: list[tuple[str, int, object, float]] = []
    corpus = {name: make() for name, make in CORPUS.items()}

    def attack() -> None:
        for name, data in corpus.items():
            started = time.monotonic()  # the upload only: making the flate bomb takes seconds
            status, body = upload(live_server.url, data)
            answers.append((name, status, body.get("status"), time.monotonic() - started))

    attacker = threading.Thread(target=attack)
    attacker.start()
    look_ups = []
    query = f"{live_server.url}/api/v1/verify?number=KT2400101&surname=Gulomov"
    while attacker.is_alive():
        started = time.monotonic()
        with urllib.request.urlopen(query, timeout=10) as response:
            assert json.loads(response.read())["status"] == "valid"
        look_ups.append(time.monotonic() - started)
        time.sleep(0.05)
    attacker.join()
    assert [(name, status, verdict) for name, status, verdict, _ in answers] == [
        (name, 200, "invalid") for name in CORPUS
    ]
    # The sandbox's wall clock (6 s) plus HTTP and a shared, busy test machine.
    assert max(seconds for *_, seconds in answers) < BUDGET_SECONDS + 2
    assert look_ups and max(look_ups) < 1.0


def check(runtime: Runtime, pdf: bytes) -> Outcome:
    with runtime.database.session() as session:
        ring = lifecycle.keyring(session)
        certificates = runtime.keystore.certificates.published(key.kid for key in ring)
        return verify_pdf(session, pdf, ring, certificates=certificates)


def attacker_signer(tmp_path: Path) -> PdfSigner:
    certificates = DocumentCertificates(tmp_path / "attacker")
    certificates.create("attacker")
    return PdfSigner(certificates.load("attacker"))


def test_a_genuine_pdf_updated_and_re_signed_by_a_self_signed_certificate_is_invalid(
    runtime: Runtime, issue: Callable[..., str], tmp_path: Path
) -> None:
    genuine = signed(runtime, issue())
    writer = IncrementalPdfFileWriter(io.BytesIO(genuine))
    writer.root["/Lang"] = TextStringObject("all grades 5")  # the forger's overlay
    writer.update_root()  # type: ignore[no-untyped-call]
    edited = io.BytesIO()
    writer.write(edited)  # type: ignore[no-untyped-call]
    forged = attacker_signer(tmp_path).sign(edited.getvalue(), field_name="Forger")
    outcome = check(runtime, forged)
    assert outcome.status is Status.INVALID
    assert outcome.checks[0].detail == integrity.SEVERAL


def test_a_pdf_signed_only_by_another_certificate_is_invalid(
    runtime: Runtime, issue: Callable[..., str], tmp_path: Path
) -> None:
    page = render_unsigned(data_for(runtime, issue()))
    forged = attacker_signer(tmp_path).sign(page)
    outcome = check(runtime, forged)
    assert outcome.status is Status.INVALID
    assert outcome.checks[0].detail == integrity.NOT_OURS


def test_a_genuine_signed_pdf_is_valid_and_signed_by_the_service(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    outcome = check(runtime, signed(runtime, issue()))
    assert outcome.status is Status.VALID
    assert outcome.checks[0].detail.startswith(integrity.GENUINE)
