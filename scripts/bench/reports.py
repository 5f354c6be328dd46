"""Benchmark: official reports, as ratios to baselines measured in the same run.

PDFs: report PDFs per second, unsigned and PAdES-signed, against the diploma PDF
of scripts/bench_pdf rendered in the same run from the same records (goal: at
least 0.8 of the diploma's rate, unsigned and signed). Each report is a real
one: a type-R token signed for it, the diploma's fields as the report states
them, its QR code drawn.

HTTP (skipped with --pdf-only): ``POST /api/v1/reports`` (a look-up, a report
row, its event and its signed token per request) and ``GET /r/<token>`` (the
re-check: the token, the stored report, the look-up asked again) under
gunicorn (2 sync workers) with wrk, against the bare-Flask primary-key baseline
of scripts/bench_api, measured before and after the service (the mean is the
reference). Rate limits are off, as behind a limiting gateway.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(HERE)]

import api as api_bench  # noqa: E402 - scripts/bench/api.py: registry, baseline, gunicorn, wrk
import pdf as pdf_bench  # noqa: E402 - scripts/bench/pdf.py: the diplomas and rate()
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from sqlalchemy import select  # noqa: E402

from verifier.config import Settings  # noqa: E402
from verifier.db.models import Document  # noqa: E402
from verifier.keys import lifecycle  # noqa: E402
from verifier.printing.data import PrintData  # noqa: E402
from verifier.printing.fonts import register_fonts  # noqa: E402
from verifier.printing.pades import PdfSigner  # noqa: E402
from verifier.printing.render import render_signed, render_unsigned  # noqa: E402
from verifier.printing.report import ReportPrint  # noqa: E402
from verifier.printing.report import render_signed as report_signed  # noqa: E402
from verifier.printing.report import render_unsigned as report_unsigned  # noqa: E402
from verifier.reports import service  # noqa: E402
from verifier.reports.service import Asked  # noqa: E402
from verifier.runtime import Runtime  # noqa: E402
from verifier.signing.certificates import DocumentCertificates  # noqa: E402
from verifier.signing.keys import KeyStore, Signer  # noqa: E402
from verifier.signing.tokens import ReportClaims, report_url, sign_payloads  # noqa: E402
from verifier.verification.service import verify_number  # noqa: E402

BASE_URL = pdf_bench.BASE_URL
T = TypeVar("T")
ISSUER = "Oʻrta maxsus, kasb-hunar taʼlimi markazi"


def report_of(data: PrintData, index: int, signer: Signer) -> ReportPrint:
    """The report a look-up of ``data``'s diploma would print, with a real report token."""
    checked = dt.datetime(2026, 3, 2, 9, 15, 30, tzinfo=dt.UTC) + dt.timedelta(seconds=index)
    expires = checked + dt.timedelta(days=90)
    number = f"VR-2026-{index + 1:08d}"
    claims = ReportClaims(number, data.record.number, "valid", checked, expires)
    (token,) = sign_payloads([claims.to_json()], signer)
    return ReportPrint(
        kind="report",
        number=number,
        language=("uz", "ru", "en")[index % 3],
        issuer=ISSUER,
        checked_at=checked,
        expires=expires,
        asked_by="surname",
        asked_number=data.record.number,
        asked_surname=data.record.surname,
        asked_birth_date=None,
        status="valid",
        document=data.record,
        institution_name=data.institution_uz,
        revoked_at=None,
        revocation_code=None,
        revoked_diploma=None,
        superseded_by=None,
        superseded_at=None,
        checks=(("registry", True), ("holder", True)),
        signer_name=None,
        signer_position=None,
        reference=None,
        note=None,
        url=report_url(BASE_URL, token),
        base_url=BASE_URL,
    )


def rate(label: str, work: Callable[[T], bytes], items: Sequence[T]) -> float:
    """Items rendered per second (and their mean size), as scripts/bench/pdf.py prints it."""
    started = time.perf_counter()
    size = sum(len(work(item)) for item in items)
    per_second = len(items) / (time.perf_counter() - started)
    print(f"  {label:<44} {per_second:8.1f} PDFs/s  {size / len(items) / 1024:6.1f} KiB/PDF")
    return per_second


def pdf_rates(count: int) -> None:
    with tempfile.TemporaryDirectory() as temp:
        store = KeyStore(Path(temp) / "keys")
        kid = store.write(Ed25519PrivateKey.generate())
        certificates = DocumentCertificates(store.directory)
        certificates.create(kid)
        pades = PdfSigner(certificates.load(kid))
        register_fonts()
        diplomas = pdf_bench.documents(count, store, kid)
        signer = store.load(kid)
        reports = [report_of(data, index, signer) for index, data in enumerate(diplomas)]
        # Warm caches (font parsing, the catalogues) before anything is timed.
        render_signed(diplomas[0], pades), report_signed(reports[0], pades)
        print(f"{count} PDFs each, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
        diploma_unsigned = rate("diploma, unsigned", render_unsigned, diplomas)
        report_plain = rate("official report, unsigned", report_unsigned, reports)
        diploma_signed = rate(
            "diploma, signed (PAdES)", lambda d: render_signed(d, pades), diplomas
        )
        report_pades = rate(
            "official report, signed (PAdES)", lambda r: report_signed(r, pades), reports
        )
    print()
    print(f"report / diploma, unsigned  {report_plain / diploma_unsigned:5.2f}  (goal >= 0.80)")
    print(f"report / diploma, signed    {report_pades / diploma_signed:5.2f}  (goal >= 0.80)")


def make_reports(settings: Settings, numbers: list[tuple[str, str]]) -> list[str]:
    """Reports made through the service, for GET /r/<token>; their tokens."""
    runtime = Runtime(settings)
    tokens = []
    with runtime.database.transaction() as session:
        signer = lifecycle.load_signer(session, runtime.keystore)
        for number, surname in numbers:
            outcome = verify_number(session, number, surname=surname)
            report = service.make_report(
                session,
                outcome,
                Asked(number, surname),
                signer=signer,
                language="en",
                issuer=ISSUER,
                days=90,
                actor="bench",
            )
            tokens.append(report.token)
    runtime.database.dispose()
    return tokens


def post_lua(bodies: list[str], work: Path) -> Path:
    script = work / "post.lua"
    quoted = ",\n".join(json.dumps(body) for body in bodies)
    script.write_text(
        f"local bodies = {{\n{quoted}\n}}\n"
        "math.randomseed(os.time())\n"
        "request = function()\n"
        "  return wrk.format('POST', '/api/v1/reports', "
        "{['Content-Type'] = 'application/json'}, bodies[math.random(1, #bodies)])\n"
        "end\n",
        encoding="utf-8",
    )
    return script


def http_rates(args: argparse.Namespace) -> None:
    engine_name = "postgresql" if args.database_url else "sqlite"
    work = args.work_dir / engine_name
    work.mkdir(parents=True, exist_ok=True)
    if args.database_url:
        database_url = api_bench.postgres_schema_url(args.database_url, f"bench_api_{args.rows}")
        baseline_target = api_bench.postgres_schema_url(
            args.database_url, f"bench_baseline_{args.rows}"
        )
    else:
        database_url = f"sqlite:///{work / f'registry-{args.rows}.sqlite3'}"
        baseline_target = str(work / f"baseline-{args.rows}.sqlite3")
    settings = Settings(
        database_url=database_url,
        base_url=BASE_URL,
        keys_dir=work / "keys",
        instance_dir=work,
        ratelimit="off",
    )
    runtime = api_bench.prepare_registry(settings, args.rows, work)
    api_bench.prepare_baseline(baseline_target, args.rows)
    rng = random.Random(7)  # noqa: S311 - a reproducible sample, not a secret
    sample = rng.sample(range(1, args.rows + 1), min(args.reports, args.rows))
    with runtime.database.session() as session:
        rows = session.execute(
            select(Document.number, Document.surname).where(
                Document.number.in_([f"KT{i:07d}" for i in sample])
            )
        ).all()
    runtime.database.dispose()
    queries = [(number, surname) for number, surname in rows]
    tokens = make_reports(settings, queries)
    with tempfile.TemporaryDirectory() as scratch:
        scratch_dir = Path(scratch)
        baseline_lua = api_bench.lua_paths(
            [f"/lookup?number=KT{i:07d}" for i in sample], scratch_dir, "b"
        )
        bodies = [
            json.dumps({"number": number, "surname": surname, "language": "en"})
            for number, surname in queries
        ]
        create_lua = post_lua(bodies, scratch_dir)
        recheck_lua = api_bench.lua_paths([f"/r/{token}" for token in tokens], scratch_dir, "r")
        service_env = {
            "VERIFIER_DATABASE_URL": database_url,
            "VERIFIER_KEYS_DIR": str(settings.keys_dir),
            "VERIFIER_INSTANCE_DIR": str(work),
            "VERIFIER_BASE_URL": BASE_URL,
            "VERIFIER_RATELIMIT": "off",
        }
        print(
            f"{engine_name}, {args.rows} documents, {len(tokens)} reports, gunicorn 2 sync "
            f"workers, wrk {args.connections} connections x {args.seconds}s"
        )
        with (
            api_bench.gunicorn(
                "baseline_app:app", {"BENCH_BASELINE_DB": baseline_target}, HERE
            ) as base_url,
            api_bench.gunicorn("verifier.web.wsgi:app", service_env) as url,
        ):
            api_bench.wrk(base_url, baseline_lua, 1, args.connections)  # warm-up
            api_bench.wrk(url, recheck_lua, 1, args.connections)
            before = api_bench.wrk(base_url, baseline_lua, args.seconds, args.connections)
            create = api_bench.wrk(url, create_lua, args.seconds, args.connections)
            recheck = api_bench.wrk(url, recheck_lua, args.seconds, args.connections)
            after = api_bench.wrk(base_url, baseline_lua, args.seconds, args.connections)
    base = {key: (before[key] + after[key]) / 2 for key in before}
    print(
        f"{'baseline (bare Flask PK)':<24} {base['rps']:8.0f} req/s  p99 {base['p99_ms']:6.1f} ms"
        f"  (mean of {before['rps']:.0f} before and {after['rps']:.0f} after)"
    )
    for name, result in (("POST /api/v1/reports", create), ("GET /r/<token> (HTML)", recheck)):
        print(
            f"{name:<24} {result['rps']:8.0f} req/s  p99 {result['p99_ms']:6.1f} ms  "
            f"non-2xx {result['non_2xx']:.0f}  = {result['rps'] / base['rps']:.0%} of baseline"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="PDFs per measurement")
    parser.add_argument("--rows", type=int, default=100_000, help="documents in the registry")
    parser.add_argument("--reports", type=int, default=2000, help="reports made for GET /r/")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database-url", help="postgresql+psycopg://... (default: SQLite)")
    parser.add_argument("--work-dir", type=Path, default=ROOT / "instance" / "bench-api")
    parser.add_argument("--pdf-only", action="store_true", help="skip the HTTP measurements")
    args = parser.parse_args()
    pdf_rates(args.count)
    if not args.pdf_only:
        print()
        http_rates(args)


if __name__ == "__main__":
    main()
