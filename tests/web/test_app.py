"""The web application shell: health check and security headers."""

from __future__ import annotations

import pytest
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


# One response of every kind the service gives: pages, JSON answers, errors of both
# shapes, static files, the workspace, the registrar API refusing a stranger.
EVERY_KIND_OF_RESPONSE = [
    ("GET", "/healthz"),
    ("GET", "/"),
    ("GET", "/verify?number=KT2400999&surname=Karimov"),
    ("GET", "/v/not-a-token"),
    ("GET", "/about"),
    ("GET", "/privacy"),
    ("GET", "/offline"),
    ("GET", "/api/v1/verify?number=KT2400999&surname=Karimov"),
    ("GET", "/api/v1/verify?number=KT2400999"),  # 422 in the JSON envelope
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/.well-known/jwks.json"),
    ("GET", "/no/such/page"),  # 404 page
    ("GET", "/api/v1/no-such-route"),  # 404 JSON
    ("DELETE", "/"),  # 405
    ("GET", "/static/site.css"),
    ("GET", "/registrar/login"),
    ("GET", "/registrar/documents/"),  # a redirect to the log-in
    ("GET", "/api/v1/documents/KT2400101"),  # 401 for a stranger
]


@pytest.mark.parametrize(("method", "path"), EVERY_KIND_OF_RESPONSE)
def test_every_response_carries_security_headers(
    client: FlaskClient, method: str, path: str
) -> None:
    headers = client.open(path, method=method).headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_hsts_only_over_https(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    assert (
        "max-age"
        in client.get("/healthz", base_url="https://localhost").headers["Strict-Transport-Security"]
    )
