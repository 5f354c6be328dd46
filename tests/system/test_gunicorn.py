"""Real gunicorn: the access log holds no personal data, several workers need shared
rate-limit storage, and public traffic does not lock staff out of the log-in."""

from __future__ import annotations

import subprocess
import urllib.error
import urllib.request
from collections.abc import Callable

import pytest
from click.testing import Result
from flask.testing import FlaskClient

from tests.support.servers import Server, free_port, gunicorn_command, server_env
from verifier.config import Settings
from verifier.web.app import create_app


@pytest.mark.slow
def test_the_access_log_holds_no_query_string_or_token(
    live_server: Server, qr_of: Callable[[str], str]
) -> None:
    query = "/api/v1/verify?number=KT2400101&surname=Gulomov"
    with urllib.request.urlopen(live_server.url + query, timeout=10):
        pass
    qr = qr_of("KT2400101")
    token = qr.rsplit("/", 1)[1]
    with urllib.request.urlopen(f"{live_server.url}/v/{token}", timeout=10):
        pass
    live_server.process.terminate()
    live_server.process.wait(timeout=10)
    log = live_server.access_log.read_text()
    assert "/api/v1/verify" in log and "/v/[token]" in log
    for secret in ("Gulomov", "KT2400101", token[:40], token[-20:]):
        assert secret not in log


def test_several_workers_with_per_process_counters_are_refused(settings: Settings) -> None:
    env = server_env(settings, VERIFIER_RATELIMIT="60/minute")
    env.pop("VERIFIER_RATELIMIT_STORAGE_URL", None)
    done = subprocess.run(
        gunicorn_command(free_port(), workers=2),
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert b"count rate limits alone" in done.stderr


def test_verifier_serve_refuses_several_workers_with_memory_storage(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VERIFIER_RATELIMIT_STORAGE_URL", raising=False)
    monkeypatch.setenv("VERIFIER_RATELIMIT", "60/minute")
    result = run("serve", "--workers", "3")
    assert result.exit_code != 0
    assert "count rate limits alone" in result.output


def test_public_traffic_does_not_lock_the_workspace_log_in_out(settings: Settings) -> None:
    client: FlaskClient = create_app(settings.with_overrides(ratelimit="5/minute")).test_client()
    for _ in range(10):
        client.get("/api/v1/verify", query_string={"number": "KT1", "surname": "X"})
    assert client.get("/api/v1/verify?number=KT1&surname=X").status_code == 429
    assert client.get("/registrar/login").status_code == 200
    assert client.post("/registrar/login", data={}).status_code in {400, 401}
