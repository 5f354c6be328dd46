"""The web application shell: health check and security headers."""

from __future__ import annotations

from flask.testing import FlaskClient

from verifier.config import Settings
from verifier.web.app import create_app


def test_healthz_reports_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_down(tmp_path: object) -> None:
    app = create_app(
        Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/x?connect_timeout=1")
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json == {
        "status": "error",
        "database": "unavailable",
    }


def test_every_response_carries_security_headers(client: FlaskClient) -> None:
    headers = client.get("/healthz").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_hsts_only_over_https(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    assert (
        "max-age"
        in client.get("/healthz", base_url="https://localhost").headers["Strict-Transport-Security"]
    )
