"""Rate limits per client (429 + Retry-After), shared by every gunicorn worker through Redis."""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.support.servers import Server, start_gunicorn, stop
from verifier.config import Settings
from verifier.db import schema
from verifier.keys import lifecycle
from verifier.runtime import Runtime
from verifier.web.app import create_app

REDIS_URL = os.environ.get("VERIFIER_TEST_REDIS_URL")


def one_request_per_worker(server: Server, workers: int) -> list[int]:
    """Send ``workers`` requests that are in flight together, so each worker takes one.

    A sync worker reading an unfinished request cannot accept another
    connection, so the half-sent requests spread over all the workers.
    """
    host, port = server.url.removeprefix("http://").split(":")
    connections = [socket.create_connection((host, int(port)), timeout=10) for _ in range(workers)]
    try:
        for connection in connections:
            connection.sendall(b"GET /api/v1/verify?number=KT1&surname=X HTTP/1.1\r\nHost: t\r\n")
        time.sleep(0.2)  # let every worker pick one up; the test asserts it did, below
        statuses = []
        for connection in connections:
            connection.sendall(b"Connection: close\r\n\r\n")
            reply = b""
            while chunk := connection.recv(65536):
                reply += chunk
            statuses.append(int(reply.split(b" ", 2)[1]))
        return statuses
    finally:
        for connection in connections:
            connection.close()


def limited_client(settings: Settings, limit: str) -> FlaskClient:
    app = create_app(settings.with_overrides(ratelimit=limit))
    return app.test_client()


def test_the_api_answers_429_with_retry_after_past_the_limit(settings: Settings) -> None:
    client = limited_client(settings, "3/minute")
    query = {"number": "KT1", "surname": "X"}
    statuses = [client.get("/api/v1/verify", query_string=query).status_code for _ in range(4)]
    assert statuses[:3] != [429] * 3 and statuses[3] == 429
    refused = client.get("/api/v1/verify", query_string={**query, "lang": "en"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert json.loads(refused.data)["error"]["code"] == "rate_limited"


def test_one_budget_covers_every_public_route(settings: Settings) -> None:
    client = limited_client(settings, "2/minute")
    client.get("/")
    client.post("/api/v1/verify/token", json={"token": "a.b.c"})
    page = client.get("/verify", query_string={"lang": "ru"})
    assert page.status_code == 429 and page.mimetype == "text/html"
    assert "Слишком много запросов" in page.get_data(as_text=True)
    assert client.get("/.well-known/jwks.json").status_code == 429


def test_health_checks_and_the_stylesheet_are_not_limited(settings: Settings) -> None:
    client = limited_client(settings, "1/minute")
    assert all(client.get("/healthz").status_code == 200 for _ in range(5))
    assert all(client.get("/static/site.css").status_code == 200 for _ in range(5))


def test_off_disables_the_limits(client: FlaskClient) -> None:
    assert all(client.get("/").status_code == 200 for _ in range(100))


@pytest.mark.slow
def test_with_redis_the_limit_holds_across_gunicorn_workers(tmp_path: Path) -> None:
    if not REDIS_URL:
        pytest.skip("VERIFIER_TEST_REDIS_URL is not set (CI sets it to a Redis server)")
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'registry.sqlite3'}",
        keys_dir=tmp_path / "keys",
        instance_dir=tmp_path / "instance",
    )
    runtime = Runtime(settings)
    schema.upgrade(runtime.database)
    with runtime.database.transaction() as session:
        lifecycle.ensure_key(session, runtime.keystore, actor="test")
    runtime.database.dispose()
    limit, rounds = 12, 16
    requests = rounds * 3
    server = start_gunicorn(
        settings,
        tmp_path,
        workers=3,
        env={
            "VERIFIER_RATELIMIT": f"{limit}/hour",
            "VERIFIER_RATELIMIT_STORAGE_URL": REDIS_URL,
            # Its own counters: other test runs may share this Redis.
            "VERIFIER_RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            # Every request guesses one number wrongly: lift that number's budget of
            # wrong guesses so that only the client's limit is measured here.
            "VERIFIER_NUMBER_FAILURES": f"{requests}/hour",
        },
    )

    try:
        statuses = [status for _ in range(rounds) for status in one_request_per_worker(server, 3)]
    finally:
        stop(server)
    served_by = {
        line.split()[0]
        for line in server.access_log.read_text().splitlines()
        if "/api/v1/verify" in line
    }
    assert len(served_by) == 3, "the requests did not reach every worker: nothing was proven"
    assert statuses.count(200) == limit
    assert statuses.count(429) == requests - limit
