"""Benchmark: diplomas per second, printed as ratios to a baseline from the same run.

Baseline: a plain reportlab page with the same fonts and the same text as the
diploma, no QR code, no embedded token, no signature. Then the real diploma
unsigned (layout + vector QR + embedded proof), the signed pipeline (PAdES),
and the `--all` worker pool on 1 process and on every core (signed, files written).
Documents are realistic: real Ed25519 tokens for generated Uzbek names.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from verifier.documents.numbers import display_number  # noqa: E402
from verifier.documents.record import Record  # noqa: E402
from verifier.printing import (  # noqa: E402
    batch,
    labels,
)
from verifier.printing.data import PrintData, display_date  # noqa: E402
from verifier.printing.fonts import SANS, SANS_BOLD, SERIF, SERIF_BOLD, register_fonts  # noqa: E402
from verifier.printing.pades import PdfSigner  # noqa: E402
from verifier.printing.render import render_signed, render_unsigned  # noqa: E402
from verifier.signing.certificates import DocumentCertificates  # noqa: E402
from verifier.signing.keys import KeyStore  # noqa: E402
from verifier.signing.tokens import Claims, sign  # noqa: E402
from verifier.vocabulary import DocumentType  # noqa: E402

BASE_URL = "https://diplom.example.uz"
SURNAMES = ["Gʻulomov", "Karimova", "Oʻrinboyev", "Toshmatov", "Yoʻldosheva", "Qodirov"]
GIVEN = ["Abdulla", "Zulfiya", "Sardor", "Madina", "Jasur", "Gulnoza"]
PATRONYMICS = ["Rustam oʻgʻli", "Anvar qizi", "Baxtiyor oʻgʻli", "Shuhrat qizi"]


def documents(count: int, store: KeyStore, kid: str) -> list[PrintData]:
    signer = store.load(kid)
    result = []
    for i in range(count):
        surname, given = SURNAMES[i % len(SURNAMES)], GIVEN[i % len(GIVEN)]
        patronymic = PATRONYMICS[i % len(PATRONYMICS)]
        number = f"KT{2400000 + i:07d}"
        claims = Claims(
            type=DocumentType.DIPLOMA,
            number=number,
            surname=surname,
            given_name=given,
            patronymic=patronymic,
            birth_date=dt.date(2003, 1 + i % 12, 1 + i % 28),
            institution="TATT",
            issue_date=dt.date(2024, 7, 5),
            program_code="60610500",
            qualification="Kompyuter tizimlari texnigi",
        )
        token = sign(claims, signer)
        result.append(
            PrintData(
                record=Record(
                    type=DocumentType.DIPLOMA,
                    number=number,
                    surname=surname,
                    given_name=given,
                    patronymic=patronymic,
                    birth_date=claims.birth_date,
                    institution="TATT",
                    program_code="60610500",
                    program_name="Kompyuter injiniringi",
                    qualification="Kompyuter tizimlari texnigi",
                    study_form="kunduzgi",
                    start_date=dt.date(2021, 9, 1),
                    end_date=dt.date(2024, 6, 28),
                    issue_date=claims.issue_date,
                    honors=False,
                    diploma_number=None,
                    course_name=None,
                    hours=None,
                ),
                institution_uz="Toshkent axborot texnologiyalari texnikumi",
                institution_en="Tashkent Technical College of Information Technologies",
                institution_ru="Ташкентский техникум информационных технологий",
                token=token,
                base_url=BASE_URL,
            )
        )
    return result


def plain_page(data: PrintData) -> bytes:
    """The baseline: the diploma's text in the same fonts, nothing else."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=landscape(A4), invariant=1, pageCompression=1)
    langs = labels.UZ_EN
    record = data.record
    lines = [
        (SANS, 8, labels.joined("country", langs)),
        (SANS_BOLD, 11, f"№ {display_number(record.number)}"),
        (SERIF_BOLD, 14, data.institution_uz),
        (SANS, 9, data.institution_en),
        (SERIF_BOLD, 34, labels.text("diploma", "uz")),
        (SANS, 10, labels.text("diploma", "en")),
        (SANS, 8.5, labels.joined("awarded_to", langs)),
        (SERIF_BOLD, 26, data.full_name),
        (
            SANS,
            8.5,
            f"{labels.joined('birth_date', langs)}: {display_date(record.birth_date)}",
        ),
        (SANS, 7, labels.joined("program", langs)),
        (SERIF, 11, f"{record.program_code} — {record.program_name}"),
        (SANS, 7, labels.joined("qualification", langs)),
        (SERIF, 11, record.qualification or ""),
        (SANS, 7, labels.joined("study_form", langs)),
        (SERIF, 11, labels.study_form(record.study_form or "", langs)),
        (SANS, 7, labels.joined("period", langs)),
        (
            SERIF,
            11,
            f"{display_date(record.start_date)} – {display_date(record.end_date)}",
        ),
        (SANS_BOLD, 8, labels.joined("verify_title", langs)),
        (SANS_BOLD, 11, data.base_url),
        (SANS, 7.5, labels.joined("issue_date", langs)),
        (SERIF_BOLD, 11, display_date(record.issue_date)),
        (SANS, 7.5, labels.joined("director", langs)),
    ]
    y = 560.0
    for font, size, text in lines:
        canvas.setFont(font, size)
        canvas.drawString(60, y, text)
        y -= 24
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def rate(label: str, work: Callable[[PrintData], bytes], docs: Sequence[PrintData]) -> float:
    started = time.perf_counter()
    size = 0
    for data in docs:
        size += len(work(data))
    seconds = time.perf_counter() - started
    per_second = len(docs) / seconds
    print(f"  {label:<44} {per_second:8.1f} docs/s   {size / len(docs) / 1024:6.1f} KiB/doc")
    return per_second


def pool_rate(
    docs: Sequence[PrintData], certificates: DocumentCertificates, kid: str, workers: int, out: Path
) -> float:
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(data, batch.output_path(out, data.record.number)) for data in docs]
    started = time.perf_counter()
    with ProcessPoolExecutor(
        max_workers=workers,
        initializer=batch._init_worker,
        initargs=(certificates, kid, labels.UZ_EN),
    ) as pool:
        for _ in pool.map(batch._print_one, jobs, chunksize=4):
            pass
    return len(docs) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000, help="diplomas per measurement")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as temp:
        directory = Path(temp)
        store = KeyStore(directory / "keys")
        kid = store.write(Ed25519PrivateKey.generate())
        certificates = DocumentCertificates(store.directory)
        certificates.create(kid)
        signer = PdfSigner(certificates.load(kid))
        register_fonts()
        docs = documents(args.count, store, kid)
        plain_page(docs[0]), render_signed(docs[0], signer)  # warm caches (font parsing)
        print(f"{args.count} diplomas each, {cores} cores, Python {sys.version.split()[0]}")
        baseline = rate("baseline: plain reportlab page, same text", plain_page, docs)
        unsigned = rate("unsigned: layout + vector QR + proof", render_unsigned, docs)
        signed = rate("signed: + PAdES B-B signature", lambda d: render_signed(d, signer), docs)
        single = pool_rate(docs, certificates, kid, 1, directory / "one")
        every = pool_rate(docs, certificates, kid, cores, directory / "all")
        print(f"  {'--all pool, 1 process (signed, files)':<44} {single:8.1f} docs/s")
        print(f"  {f'--all pool, {cores} processes (signed, files)':<44} {every:8.1f} docs/s")
        print()
        print(f"unsigned / baseline     {unsigned / baseline:5.2f}  (goal >= 0.50)")
        print(f"signed   / baseline     {signed / baseline:5.2f}")
        print(f"--all {cores} cores / 1 core  {every / single:5.2f}  (goal >= 1.7 on 2 cores)")


if __name__ == "__main__":
    main()
