"""Benchmark: the public API under gunicorn (2 workers) on a registry of N documents.

Load comes from wrk in a separate process (32 connections). Baseline, measured
in the same run under the same gunicorn settings, before and after the service
(the mean is the reference): a bare Flask app answering a primary-key look-up
on a table of the same size in the same database engine.
Printed: throughput ratios and p99 latency for ``GET /api/v1/verify`` and
``GET /v/<token>``, and one batch of 1000 queries against 1000 single requests.
Rate limits are off (``VERIFIER_RATELIMIT=off``), as behind a limiting gateway.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, make_url, select, text  # noqa: E402

from tests.support.files import generated_rows, write_csv  # noqa: E402
from verifier.config import Settings  # noqa: E402
from verifier.db import schema  # noqa: E402
from verifier.db.models import Document, Institution  # noqa: E402
from verifier.documents import registry  # noqa: E402
from verifier.imports import files  # noqa: E402
from verifier.keys import lifecycle  # noqa: E402
from verifier.runtime import Runtime  # noqa: E402

BASE_URL = "https://diplom.example.uz"
SURNAMES = ["Gʻulomov", "Yoʻldoshev", "Qodirov", "Ҳолматов", "Ergashev", "Oʻrinboyev", "Rahimov"]


def postgres_schema_url(url: str, schema_name: str) -> str:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema_name}"'))
    admin.dispose()
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema_name}"})
    return scoped.render_as_string(hide_password=False)


def prepare_registry(settings: Settings, rows: int, work: Path) -> Runtime:
    """The service's registry with ``rows`` diplomas (kept between runs)."""
    runtime = Runtime(settings)
    schema.upgrade(runtime.database)
    with runtime.database.transaction() as session:
        lifecycle.ensure_key(session, runtime.keystore, actor="bench")
        if session.scalars(select(Institution).where(Institution.code == "TATT")).first() is None:
            registry.add_institution(session, "TATT", name_uz="Toshkent texnikumi", actor="bench")
    with runtime.database.session() as session:
        have = session.scalar(select(func.count()).select_from(Document)) or 0
    if have < rows:
        print(f"issuing {rows - have} documents into the registry (once)...", flush=True)
        path = write_csv(work / "rows.csv", generated_rows(rows - have, start=have + 1))
        files.issue_file(runtime.database, runtime.keystore, path, base_url=BASE_URL, actor="bench")
    return runtime


def prepare_baseline(target: str, rows: int) -> None:
    """A table of the same size with the number as primary key."""
    values = [
        (f"KT{i:07d}", SURNAMES[i % len(SURNAMES)], "Abdulla", "2003-04-17", "TATT", "2024-07-05")
        for i in range(1, rows + 1)
    ]
    ddl = (
        "CREATE TABLE IF NOT EXISTS docs (number TEXT PRIMARY KEY, surname TEXT, "
        "given_name TEXT, birth_date TEXT, institution TEXT, issue_date TEXT)"
    )
    if target.startswith("postgresql"):
        import psycopg

        with psycopg.connect(target.replace("postgresql+psycopg", "postgresql")) as connection:
            connection.execute(ddl)
            if connection.execute("SELECT count(*) FROM docs").fetchone() != (rows,):
                connection.execute("TRUNCATE docs")
                with connection.cursor().copy("COPY docs FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
            connection.execute("ANALYZE docs")
        return
    connection = sqlite3.connect(target)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(ddl)
    if connection.execute("SELECT count(*) FROM docs").fetchone() != (rows,):
        connection.execute("DELETE FROM docs")
        connection.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?)", values)
    connection.commit()
    connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(app: str, env: dict[str, str], chdir: Path | None = None) -> Iterator[str]:
    port = free_port()
    args = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}"]
    args += ["--workers", "2", "--log-level", "warning"]
    if chdir:
        args += ["--chdir", str(chdir)]
    process = subprocess.Popen(args, env={**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2)  # noqa: S310 - our own server
                break
            except urllib.error.HTTPError:
                break  # answering, even if 404
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def lua_paths(paths: list[str], work: Path, name: str) -> Path:
    script = work / f"{name}.lua"
    quoted = ",\n".join(json.dumps(p) for p in paths)
    script.write_text(
        f"local paths = {{\n{quoted}\n}}\n"
        "math.randomseed(os.time())\n"
        "request = function()\n"
        "  return wrk.format('GET', paths[math.random(1, #paths)])\n"
        "end\n",
        encoding="utf-8",
    )
    return script


def wrk(url: str, script: Path, seconds: int, connections: int) -> dict[str, float]:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    assert p99, output
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p99_ms": float(p99.group(1)) * scale,
        "non_2xx": float(errors.group(1)) if errors else 0.0,
    }


def verify_path(index: int) -> str:
    query = urllib.parse.urlencode(
        {"number": f"KT{index:07d}", "surname": SURNAMES[index % len(SURNAMES)]}
    )
    return f"/api/v1/verify?{query}"


def batch_versus_singles(url: str, indexes: list[int], repeats: int) -> tuple[float, float]:
    """(median seconds for one batch of len(indexes), median for as many single GETs)."""
    host, port = url.removeprefix("http://").split(":")
    body = json.dumps(
        {
            "queries": [
                {"number": f"KT{i:07d}", "surname": SURNAMES[i % len(SURNAMES)]} for i in indexes
            ]
        }
    )
    batch_times, single_times = [], []
    for _ in range(repeats):
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        started = time.perf_counter()
        connection.request("POST", "/api/v1/verify", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        results = json.loads(response.read())["results"]
        batch_times.append(time.perf_counter() - started)
        assert all(r["status"] == "valid" for r in results), results[:3]
        connection.close()
        started = time.perf_counter()
        for i in indexes:
            # A new connection per request, as gunicorn's sync workers close each one.
            connection = http.client.HTTPConnection(host, int(port), timeout=60)
            connection.request("GET", verify_path(i))
            single = connection.getresponse()
            single.read()
            assert single.status == 200
            connection.close()
        single_times.append(time.perf_counter() - started)
    return statistics.median(batch_times), statistics.median(single_times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database-url", help="postgresql+psycopg://... (default: SQLite)")
    parser.add_argument("--work-dir", type=Path, default=ROOT / "instance" / "bench-api")
    args = parser.parse_args()
    engine_name = "postgresql" if args.database_url else "sqlite"
    work = args.work_dir / engine_name
    work.mkdir(parents=True, exist_ok=True)
    if args.database_url:
        database_url = postgres_schema_url(args.database_url, f"bench_api_{args.rows}")
        baseline_target = postgres_schema_url(args.database_url, f"bench_baseline_{args.rows}")
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
    runtime = prepare_registry(settings, args.rows, work)
    prepare_baseline(baseline_target, args.rows)
    rng = random.Random(7)  # noqa: S311 - a reproducible sample, not a secret
    sample = rng.sample(range(1, args.rows + 1), min(5000, args.rows))
    with runtime.database.session() as session:
        tokens = session.scalars(
            select(Document.token).where(Document.number.in_([f"KT{i:07d}" for i in sample[:2000]]))
        ).all()
    runtime.database.dispose()

    with tempfile.TemporaryDirectory() as scratch:
        scratch_dir = Path(scratch)
        baseline_lua = lua_paths([f"/lookup?number=KT{i:07d}" for i in sample], scratch_dir, "b")
        verify_lua = lua_paths([verify_path(i) for i in sample], scratch_dir, "v")
        token_lua = lua_paths([f"/v/{t}" for t in tokens], scratch_dir, "t")
        service_env = {
            "VERIFIER_DATABASE_URL": database_url,
            "VERIFIER_KEYS_DIR": str(settings.keys_dir),
            "VERIFIER_INSTANCE_DIR": str(work),
            "VERIFIER_BASE_URL": BASE_URL,
            "VERIFIER_RATELIMIT": "off",
        }
        print(
            f"{engine_name}, {args.rows} documents, gunicorn 2 sync workers, "
            f"wrk {args.connections} connections x {args.seconds}s, {os.cpu_count()} CPUs"
        )
        # The baseline runs before and after the service, and its mean is the
        # reference: a shared machine's speed drifts over a minute's run.
        with (
            gunicorn(
                "baseline_app:app",
                {"BENCH_BASELINE_DB": baseline_target},
                ROOT / "scripts" / "bench",
            ) as base_url,
            gunicorn("verifier.web.wsgi:app", service_env) as url,
        ):
            wrk(base_url, baseline_lua, 2, args.connections)  # warm-up
            wrk(url, verify_lua, 2, args.connections)
            before = wrk(base_url, baseline_lua, args.seconds, args.connections)
            verify = wrk(url, verify_lua, args.seconds, args.connections)
            landing = wrk(url, token_lua, args.seconds, args.connections)
            after = wrk(base_url, baseline_lua, args.seconds, args.connections)
            batch_s, singles_s = batch_versus_singles(url, sample[:1000], repeats=3)
        base = {key: (before[key] + after[key]) / 2 for key in before}

    def line(name: str, result: dict[str, float], goal: float | None) -> None:
        ratio = result["rps"] / base["rps"]
        target = f"  (goal >= {goal:.0%})" if goal else ""
        print(
            f"{name:<24} {result['rps']:8.0f} req/s  p99 {result['p99_ms']:6.1f} ms  "
            f"non-2xx {result['non_2xx']:.0f}  = {ratio:.0%} of baseline{target}"
        )

    print(
        f"{'baseline (bare Flask PK)':<24} {base['rps']:8.0f} req/s  p99 {base['p99_ms']:6.1f} ms"
        f"  (mean of {before['rps']:.0f} before and {after['rps']:.0f} after)"
    )
    line("GET /api/v1/verify", verify, 0.60)
    line("GET /v/<token> (HTML)", landing, 0.40)
    print(
        f"batch of 1000: {batch_s * 1000:.0f} ms; 1000 single GETs: {singles_s * 1000:.0f} ms; "
        f"batch is {singles_s / batch_s:.1f}x faster (goal >= 10x)"
    )


if __name__ == "__main__":
    main()
