"""Print a whole graduating class: every core, resumable, with progress.

The main process reads the registry and hands plain :class:`PrintData` to
worker processes, each of which loads the fonts and the PDF signer once. Files
are written under a temporary name and renamed, so a file that exists is
complete and a re-run skips it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from verifier.db.models import Document, Institution
from verifier.errors import NotFound
from verifier.printing.data import PrintData
from verifier.printing.labels import UZ_EN, Languages
from verifier.printing.pades import DocumentCertificates, PdfSigner
from verifier.printing.render import render_signed, render_unsigned
from verifier.signing.keys import KeyStore
from verifier.vocabulary import DocumentStatus

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BatchSummary:
    written: int
    skipped_existing: int
    not_printable: int
    seconds: float


def output_path(directory: Path, number: str) -> Path:
    return directory / f"{number}.pdf"


def write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)


# Per-worker state, set once by the pool initialiser.
_worker_signer: PdfSigner | None = None
_worker_languages: Languages = UZ_EN


def _init_worker(
    certificates: DocumentCertificates | None, kid: str | None, langs: Languages
) -> None:
    global _worker_signer, _worker_languages
    from verifier.printing.fonts import register_fonts

    register_fonts()
    _worker_signer = certificates.load(kid) if certificates and kid else None
    _worker_languages = langs


def _print_one(job: tuple[PrintData, Path]) -> str:
    data, path = job
    if _worker_signer is None:
        pdf = render_unsigned(data, _worker_languages)
    else:
        pdf = render_signed(data, _worker_signer, _worker_languages)
    write_atomically(path, pdf)
    return data.number


def class_documents(session: Session, institution: str) -> Iterator[Document]:
    code = institution.strip().upper()
    found = session.scalars(select(Institution.id).where(Institution.code == code)).first()
    if found is None:
        raise NotFound("no_such_institution", code=code)
    query = (
        select(Document)
        .where(Document.institution_id == found)
        .order_by(Document.number)
        .execution_options(yield_per=500)
    )
    yield from session.scalars(query)


def print_class(
    session: Session,
    store: KeyStore,
    kid: str | None,
    *,
    institution: str,
    directory: Path,
    base_url: str,
    languages: Languages = UZ_EN,
    workers: int | None = None,
    progress: Progress | None = None,
) -> BatchSummary:
    """Render every printable document of ``institution`` into ``directory``.

    ``kid`` None renders unsigned PDFs (benchmarks); otherwise each PDF is
    signed with that key's document-signing certificate.
    """
    started = time.monotonic()
    directory.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[PrintData, Path]] = []
    skipped = refused = 0
    for document in class_documents(session, institution):
        if document.status != DocumentStatus.VALID:
            refused += 1
            continue
        path = output_path(directory, document.number)
        if path.exists():
            skipped += 1
            continue
        jobs.append((PrintData.from_document(document, base_url), path))
    certificates = store.certificates if kid else None
    if certificates and kid:
        certificates.load(kid)  # fail here, once, rather than in every worker
    count = workers or os.cpu_count() or 1
    done = 0
    if jobs:
        with ProcessPoolExecutor(
            max_workers=min(count, len(jobs)),
            initializer=_init_worker,
            initargs=(certificates, kid, languages),
        ) as pool:
            for _ in pool.map(_print_one, jobs, chunksize=4):
                done += 1
                if progress:
                    progress(done, len(jobs))
    return BatchSummary(done, skipped, refused, time.monotonic() - started)
