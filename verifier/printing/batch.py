"""Print a whole graduating class: every core, resumable, with progress.

The caller reads the registry (:func:`verifier.documents.registry.class_print_data`)
and this module hands the plain :class:`PrintData` to worker processes, each of
which loads the fonts and the PDF signer once. Files
are written under a temporary name and renamed, so a file that exists is
complete and a re-run skips it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from verifier.printing.data import PrintData
from verifier.printing.labels import UZ_EN, Languages
from verifier.printing.pades import PdfSigner
from verifier.printing.render import render_signed, render_unsigned
from verifier.signing.certificates import DocumentCertificates
from verifier.signing.keys import KeyStore

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BatchSummary:
    written: int
    skipped_existing: int
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
    _worker_signer = PdfSigner(certificates.load(kid)) if certificates and kid else None
    _worker_languages = langs


def _print_one(job: tuple[PrintData, Path]) -> str:
    data, path = job
    if _worker_signer is None:
        pdf = render_unsigned(data, _worker_languages)
    else:
        pdf = render_signed(data, _worker_signer, _worker_languages)
    write_atomically(path, pdf)
    return data.record.number


def print_class(
    documents: Iterable[PrintData],
    store: KeyStore,
    kid: str | None,
    *,
    directory: Path,
    languages: Languages = UZ_EN,
    workers: int | None = None,
    progress: Progress | None = None,
) -> BatchSummary:
    """Render ``documents`` into ``directory``, skipping files already there.

    ``kid`` None renders unsigned PDFs (benchmarks); otherwise each PDF is
    signed with that key's document-signing certificate.
    """
    started = time.monotonic()
    directory.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[PrintData, Path]] = []
    skipped = 0
    for data in documents:
        path = output_path(directory, data.record.number)
        if path.exists():
            skipped += 1
            continue
        jobs.append((data, path))
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
    return BatchSummary(done, skipped, time.monotonic() - started)
