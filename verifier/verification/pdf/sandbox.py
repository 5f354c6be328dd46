"""Parse an untrusted PDF in a short-lived child process that cannot exceed its budget.

A PDF parser is a large attack surface: a 4 KB file can make pyHanko walk an
exponential name tree, invent two billion cross-reference entries, recurse
until ``RecursionError`` or inflate a flate bomb. Our own walks have visit
budgets (``proof.py``), but no budget in Python code bounds what the library
does between two of our lines. So the whole inspection (finding the proof,
reading the signatures, hashing what they cover) runs in a child process with:

* ``RLIMIT_AS``: the address space the child starts with plus :data:`MEMORY_BUDGET`
  (every decoded stream and every parsed object lives in it);
* ``RLIMIT_CPU``: :data:`CPU_SECONDS` of CPU, after which the kernel kills it;
* a wall-clock timeout (:data:`WALL_SECONDS`): the parent kills the child with
  SIGKILL when it has not answered, so a child blocked by anything still ends.

The child is a plain ``os.fork()`` of the (single-threaded, sync) gunicorn
worker, with pyHanko imported in the parent beforehand: a child costs a fork
(a few milliseconds), not an interpreter start, and its memory is shared
copy-on-write. It ends with ``os._exit`` so no parent clean-up (database
connections, log handlers) runs twice. The child answers with a small JSON
object (:class:`Findings`); the parent unpickles nothing. Anything the child cannot do within
its budget is a :class:`~verifier.printing.proof.ProofError`: the caller answers
``invalid``.

The same child runs a second inspection, :func:`vet_pdf`: reading every page
of a PDF someone sends for staff to open later (an inquiry's attachment), so a
file that takes gigabytes or minutes to show is refused when it arrives.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import select
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verifier.signing.proof import Proof, ProofError
from verifier.verification.pdf.proof import MAX_PDF_BYTES

MEMORY_BUDGET = 256 * 1024 * 1024
CPU_SECONDS = 5
WALL_SECONDS = 6.0
_MAX_ANSWER = 2 * 1024 * 1024


@dataclass(frozen=True)
class Findings:
    """What the child found: the proof and the signature verdict."""

    proof: Proof
    signature_ok: bool
    signature_detail: str


def _limit_self() -> None:
    """Cap this (child) process: address space and CPU time."""
    import resource

    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[0])
        current = pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):  # pragma: no cover - no procfs
        current = 1024 * 1024 * 1024
    limit = current + MEMORY_BUDGET
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))


def _inspect(data: bytes, certificates: Sequence[bytes] | None) -> dict[str, Any]:
    """Runs in the child: the proof and the signature verdict, as plain values."""
    from verifier.verification.pdf.integrity import signature_state
    from verifier.verification.pdf.proof import read_proof

    proof = read_proof(data)
    signed, detail = signature_state(data, certificates)
    return {"proof": proof.to_json().decode("utf-8"), "signed": signed, "detail": detail}


def _vet(data: bytes) -> dict[str, Any]:
    """Runs in the child: the page count, once every page has been read."""
    from verifier.verification.pdf.pages import count_pages

    return {"pages": count_pages(data)}


def _answer(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Runs in the child: what ``work`` returns, or its refusal; never an exception."""
    try:
        try:
            return work()
        except ProofError as exc:
            return {"error": [exc.code, exc.params]}
    except MemoryError:
        return {"error": ["pdf_too_much_memory", {}]}
    except RecursionError:
        return {"error": ["pdf_too_deep", {}]}
    except Exception as exc:  # hostile or broken: the parent answers invalid
        return {"error": ["pdf_unreadable_because", {"reason": exc.__class__.__name__}]}


def _child(write_fd: int, work: Callable[[], dict[str, Any]]) -> None:
    try:
        gc.disable()  # a short life: collecting would copy the inherited heap
        _limit_self()
        # pyHanko logs a traceback for every signature it cannot validate; the
        # outcome says why, and the service's logs hold no per-upload noise.
        logging.disable(logging.CRITICAL)
        answer = json.dumps(_answer(work)).encode("utf-8")
        view = memoryview(answer)
        while view:
            view = view[os.write(write_fd, view) :]
    finally:
        os._exit(0)


def _sandboxed(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run ``work`` in a forked child within the budget; its answer, or its refusal raised.

    The answer is a JSON object; one with an ``error`` member is raised here as
    the :class:`ProofError` it names.
    """
    warm_up()

    read_fd, write_fd = os.pipe()
    # Objects that exist now are left out of the child's garbage collections,
    # so the child does not touch (and copy) the whole inherited heap.
    gc.freeze()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(read_fd)
        _child(write_fd, work)
    os.close(write_fd)
    chunks: list[bytes] = []
    received = 0
    deadline = time.monotonic() + WALL_SECONDS
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_fd], [], [], left)[0]:
                raise ProofError("pdf_too_slow")
            chunk = os.read(read_fd, 65536)
            if not chunk:
                break
            received += len(chunk)
            if received > _MAX_ANSWER:
                raise ProofError("pdf_unreadable")
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        with contextlib.suppress(ProcessLookupError):  # it has ended by itself
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if not chunks:
        # Killed by its CPU or memory limit before it could answer.
        raise ProofError("pdf_too_costly")
    return _message(b"".join(chunks))


def inspect_pdf(data: bytes, certificates: Sequence[bytes] | None) -> Findings:
    """Read the proof and judge the signatures of ``data`` within the budget.

    ``certificates`` are the DER encodings of the service's document-signing
    certificates; None when they are not known (an offline check against a
    JWKS file), in which case the signer is not judged. Raises
    :class:`ProofError` for anything that is not a readable, proof-carrying PDF.
    """
    return _findings(_sandboxed(lambda: _inspect(data, certificates)))


def vet_pdf(data: bytes) -> int:
    """Read every page of ``data`` within the budget; its number of pages.

    Each page's content streams and the XObjects (forms, images and their
    masks) it uses are decoded, at most 64 MiB in all
    (:mod:`verifier.verification.pdf.pages`). Raises :class:`ProofError` for
    anything that is not a PDF every viewer can show at little cost.
    """
    if len(data) > MAX_PDF_BYTES:
        raise ProofError("pdf_too_large", megabytes=MAX_PDF_BYTES // (1024 * 1024))
    if data.lstrip()[:5] != b"%PDF-":
        raise ProofError("not_a_pdf")
    pages = _sandboxed(lambda: _vet(data)).get("pages")
    if isinstance(pages, int) and not isinstance(pages, bool) and pages >= 0:
        return pages
    raise ProofError("pdf_unreadable")


_warm = False


# A one-page PDF the service printed, with an embedded proof, signed with a
# throw-away certificate: parsing it exercises what a genuine upload does.
# Shipped as a file so that warming up needs no printing code.
WARM_UP_PDF = Path(__file__).with_name("warm-up.pdf")


def warm_up() -> None:
    """Once per process, before the first fork: check a signed PDF like the ones we make.

    pyHanko imports much of itself lazily, on first validation; done in the
    parent, every child inherits it loaded instead of importing it again
    (measured: 340 → 90 ms for a genuine upload). Here, not at import, so that
    looking up a token never pays for a PDF parser.
    """
    global _warm
    if _warm:
        return
    from verifier.verification.pdf.integrity import signature_state
    from verifier.verification.pdf.proof import read_proof

    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        sample = WARM_UP_PDF.read_bytes()
        read_proof(sample)
        signature_state(sample, None)
    except Exception:  # best effort: a cold child is slower, not wrong
        logging.disable(previous)
        logging.getLogger(__name__).warning("PDF sandbox warm-up failed", exc_info=True)
    finally:
        logging.disable(previous)
    _warm = True


def _message(raw: bytes) -> dict[str, Any]:
    """The child's JSON object; its ``error`` raised as the refusal it names."""
    try:
        message = json.loads(raw)
    except ValueError:
        raise ProofError("pdf_unreadable") from None
    if not isinstance(message, dict):
        raise ProofError("pdf_unreadable")
    error = message.get("error")
    if isinstance(error, list) and len(error) == 2 and isinstance(error[1], dict):
        raise _child_error(error[0], error[1])
    return message


def _findings(message: dict[str, Any]) -> Findings:
    proof, signed, detail = message.get("proof"), message.get("signed"), message.get("detail")
    if isinstance(proof, str) and isinstance(signed, bool) and isinstance(detail, str):
        return Findings(Proof.from_json(proof.encode("utf-8")), signed, detail)
    raise ProofError("pdf_unreadable")


def _child_error(code: object, params: dict[str, Any]) -> ProofError:
    """The child's refusal as the error it was; anything else it says is unreadable."""
    try:
        return ProofError(str(code), **params)
    except TypeError:
        return ProofError("pdf_unreadable")
