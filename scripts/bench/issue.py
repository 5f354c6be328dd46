"""Benchmark: `verifier issue` of N generated documents into a fresh SQLite registry.

Baseline, measured in the same run on the same rows, before and after the
import (the mean is the reference): raw Ed25519 signing of the same claim  # noqa: E402
payloads plus one raw sqlite3 ``executemany`` of the same columns, in one
process. The import runs as ``verifier issue`` does, on one process per CPU.
Peak memory (ru_maxrss) of an import of N rows is compared with one of N/10.
Token verification is compared with raw Ed25519 ``verify`` on the same tokens.
Each import runs in its own process, so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.files import generated_rows, write_csv  # noqa: E402
from verifier.config import Settings  # noqa: E402
from verifier.db import schema  # noqa: E402
from verifier.documents import registry  # noqa: E402
from verifier.documents.claims import claims_of  # noqa: E402
from verifier.documents.parse import ARCHIVE_FIELDS, parse_record  # noqa: E402
from verifier.documents.record import Record  # noqa: E402
from verifier.imports import files  # noqa: E402
from verifier.keys import lifecycle  # noqa: E402
from verifier.runtime import Runtime  # noqa: E402
from verifier.signing import tokens  # noqa: E402
from verifier.signing.encoding import b64url_decode  # noqa: E402

BASE_URL = "https://diplom.example.uz"


def runtime_in(directory: Path) -> Runtime:
    return Runtime(
        Settings(
            database_url=f"sqlite:///{directory / 'registry.sqlite3'}",
            base_url=BASE_URL,
            keys_dir=directory / "keys",
            instance_dir=directory,
        )
    )


def child_import(csv_path: Path, directory: Path, archive: bool = False) -> None:
    """Runs in a subprocess: import the file, print seconds and peak memory."""
    runtime = runtime_in(directory)
    schema.upgrade(runtime.database)
    with runtime.database.transaction() as session:
        lifecycle.ensure_key(session, runtime.keystore, actor="bench")
        registry.add_institution(session, "TATT", name_uz="Toshkent texnikumi", actor="bench")
    started = time.perf_counter()
    summary = files.issue_file(  # as `verifier issue` does: one process per CPU
        runtime.database,
        runtime.keystore,
        csv_path,
        base_url=BASE_URL,
        actor="bench",
        processes=os.cpu_count() or 1,
        archive=archive,
    )
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"issued": summary.issued, "seconds": seconds, "peak_kib": peak_kib}))


def run_child(csv_path: Path, directory: Path, archive: bool = False) -> dict[str, float]:
    directory.mkdir()
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--archive-child" if archive else "--child",
            str(csv_path),
            str(directory),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def records_of(csv_path: Path) -> list[Record]:
    with csv_path.open("rb") as handle:
        parsed = [p for _, p in files.read_rows(handle, "csv")]
    return [p for p in parsed if isinstance(p, Record)]


def baseline(records: list[Record], directory: Path) -> float:
    """Seconds for raw Ed25519 signing + raw sqlite3 executemany of the same rows."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    payloads = [claims_of(r).to_json() for r in records]
    directory.mkdir()
    connection = sqlite3.connect(directory / "baseline.sqlite3")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(
        "CREATE TABLE documents (id INTEGER PRIMARY KEY, number TEXT UNIQUE, type TEXT, "
        "surname TEXT, given_name TEXT, patronymic TEXT, birth_date TEXT, institution TEXT, "
        "program_code TEXT, program_name TEXT, qualification TEXT, study_form TEXT, "
        "start_date TEXT, end_date TEXT, issue_date TEXT, token BLOB)"
    )
    started = time.perf_counter()
    signatures = [private.sign(p) for p in payloads]
    connection.executemany(
        "INSERT INTO documents (number, type, surname, given_name, patronymic, birth_date, "
        "institution, program_code, program_name, qualification, study_form, start_date, "
        "end_date, issue_date, token) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                r.number,
                r.type.value,
                r.surname,
                r.given_name,
                r.patronymic,
                str(r.birth_date),
                r.institution,
                r.program_code,
                r.program_name,
                r.qualification,
                r.study_form,
                str(r.start_date),
                str(r.end_date),
                str(r.issue_date),
                s,
            )
            for r, s in zip(records, signatures, strict=True)
        ],
    )
    connection.commit()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def bench_verify(directory: Path, count: int = 20_000) -> tuple[float, float]:
    """(raw verifies per second, tokens.verify per second) on the same tokens."""
    runtime = runtime_in(directory)
    with runtime.database.session() as session:
        ring = lifecycle.keyring(session)
        signer = lifecycle.load_signer(session, runtime.keystore)
    rows = list(generated_rows(count))
    signed = []
    for index, values in enumerate(rows, start=1):
        record = parse_record(values, index)
        assert isinstance(record, Record)
        signed.append(tokens.sign(claims_of(record), signer))
    public = ring.get(signer.kid).key
    split = [t.rsplit(".", 1) for t in signed]
    decoded = [(head.encode(), b64url_decode(sig)) for head, sig in split]
    started = time.perf_counter()
    for message, signature in decoded:
        public.verify(signature, message)
    raw = count / (time.perf_counter() - started)
    started = time.perf_counter()
    for token in signed:
        tokens.verify(token, ring)
    ours = count / (time.perf_counter() - started)
    return raw, ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--child", nargs=2, metavar=("CSV", "DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--archive-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_import(Path(args.child[0]), Path(args.child[1]))
        return
    if args.archive_child:
        child_import(Path(args.archive_child[0]), Path(args.archive_child[1]), archive=True)
        return
    with tempfile.TemporaryDirectory(prefix="bench-issue-") as temp:
        work = Path(temp)
        big = write_csv(work / "big.csv", generated_rows(args.rows))
        small = write_csv(work / "small.csv", generated_rows(args.small))
        print(f"rows: {args.rows:,} (small run {args.small:,}); cpu: {os.cpu_count()}")
        records = records_of(big)
        # This machine's speed drifts within a run: the baseline is measured
        # before and after the import, and their mean is the reference.
        before = args.rows / baseline(records, work / "before")
        large = run_child(big, work / "large")
        after = args.rows / baseline(records, work / "after")
        base_rate = (before + after) / 2
        print(
            f"baseline  raw Ed25519 sign + sqlite3 executemany: {base_rate:10,.0f} docs/s"
            f"   (before {before:,.0f}, after {after:,.0f})"
        )
        rate = args.rows / large["seconds"]
        print(
            f"verifier issue (validate + sign + insert + events): {rate:10,.0f} docs/s"
            f"   = {rate / base_rate:.0%} of baseline (goal >= 40%)"
            f"   [{os.cpu_count()} processes]"
        )
        little = run_child(small, work / "little")
        ratio = large["peak_kib"] / little["peak_kib"]
        print(
            f"peak memory: {little['peak_kib'] / 1024:.0f} MiB for {args.small:,} rows, "
            f"{large['peak_kib'] / 1024:.0f} MiB for {args.rows:,} rows "
            f"= {ratio:.2f}x (goal <= 1.5x)"
        )
        # Archive records: the same rows as an issue book would give them (a source,
        # no signing), against the same baseline (which signs: the goal allows for it).
        book = write_csv(
            work / "book.csv",
            ({**row, "source": f"Issue book, entry {index}"}
             for index, row in enumerate(generated_rows(args.rows), start=1)),
            ARCHIVE_FIELDS,
        )  # fmt: skip
        archived = run_child(book, work / "archive", archive=True)
        archive_rate = args.rows / archived["seconds"]
        print(
            f"verifier archive import (validate + insert + events):  {archive_rate:10,.0f} docs/s"
            f"   = {archive_rate / base_rate:.0%} of baseline (goal >= 60%)"
        )
        raw, ours = bench_verify(work / "large")
        print(
            f"token verify: raw Ed25519 {raw:,.0f}/s, tokens.verify {ours:,.0f}/s"
            f" = {ours / raw:.0%} (goal >= 60%)"
        )


if __name__ == "__main__":
    main()
