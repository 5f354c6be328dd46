"""Schemathesis holds the live service to its OpenAPI document, with every check, on every route.

What runs: ``st run --checks all`` against real gunicorn workers serving the
demo registry, from the service's own ``/api/v1/openapi.json``. That is every
operation the document describes: the public API (single, batch, token and PDF
verification, keys, the document itself, health), the public pages (``/``,
``/verify``, ``/v/{token}``) and the registrar API (issue, read, revoke), the
last with a real bearer token made by ``verifier api-token create`` in this
test's registry for the demo college, whose documents the demo data holds.
All four phases run: the document's examples, coverage (boundaries, every
missing or wrong-typed component), fuzzing, and stateful sequences through the
document's links (issue, then read or revoke what was issued).

"All checks" means: no server error; statuses, content types, headers and
bodies as documented; every schema-valid request accepted and every
schema-violating one refused; unsupported methods answered 405 with Allow;
secured operations refusing a missing or wrong token; issued documents
readable. The few request rules OpenAPI cannot state (one of two look-up
parameters is required; a document to issue must be a real one) are taught to
the generator in ``tests/support/schemathesis_hooks.py``, for schema-valid
cases only, and stated in words in the document (one filter there drops the
negative cases a multipart body cannot carry, a JSON null as the PDF); 413 and
414 (a request too large as a whole) count as refusals
(``tests/support/schemathesis.toml``).

Repeatable: deterministic generation (no random seed, no example database),
one worker; one and a half to two and a half minutes a run. On SQLite and on
PostgreSQL: the HTTP layer is the same, but what a text column takes is not
(PostgreSQL refuses a NUL that SQLite stores).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.support.servers import Server
from verifier.web.public import openapi

pytestmark = pytest.mark.slow

SUPPORT = Path(__file__).resolve().parents[2] / "support"


def operations() -> int:
    return sum(
        method in {"get", "post", "put", "patch", "delete"}
        for path in openapi.document()["paths"].values()
        for method in path
    )


def test_the_live_service_honours_its_openapi_document_under_every_check(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    run: Callable[..., Result],
    token_of: Callable[[str], str],
) -> None:
    live_server: Server = request.getfixturevalue("live_server")
    created = run("api-token", "create", "--institution", "TATT", "--name", "schemathesis")
    assert created.exit_code == 0, created.output
    token = created.output.strip().splitlines()[-1]
    # The document as the server serves it, read from a file: loaded from its
    # URL, schemathesis would leave that route out as the schema's own.
    document = tmp_path / "openapi.json"
    with urllib.request.urlopen(f"{live_server.url}/api/v1/openapi.json") as served:
        document.write_bytes(served.read())
    st = shutil.which("st", path=str(Path(sys.executable).parent))
    assert st, "schemathesis is in the test extra"
    result = subprocess.run(
        [
            st,
            "--config-file",
            str(SUPPORT / "schemathesis.toml"),
            "run",
            str(document),
            "--url",
            live_server.url,
            "--checks",
            "all",
            "--header",
            f"Authorization: Bearer {token}",
            "--generation-deterministic",
            "--max-examples",
            "30",
            # One worker: CPython 3.11's ast module is not thread-safe ("AST
            # constructor recursion depth mismatch"), and schemathesis parses
            # source while generating, so two workers failed at random.
            "--workers",
            "1",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={
            **os.environ,
            "SCHEMATHESIS_HOOKS": str(SUPPORT / "schemathesis_hooks.py"),
            # A report is made only of a genuine document's token (docs/reports.md).
            "VERIFIER_SCHEMATHESIS_DOCUMENT_TOKEN": token_of("KT2400101"),
        },
    )
    report = result.stdout[-8000:] + result.stderr[-2000:]
    assert result.returncode == 0, report
    count = operations()
    assert f"Selected: {count}/{count}" in result.stdout, report
    assert f"Tested: {count}" in result.stdout, report
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in result.stdout, report
    assert "No issues found" in result.stdout, report
