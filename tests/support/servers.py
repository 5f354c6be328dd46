"""A live gunicorn server for the tests that need real workers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from verifier.config import Settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    access_log: Path


def server_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        VERIFIER_DATABASE_URL=settings.database_url,
        VERIFIER_KEYS_DIR=str(settings.keys_dir),
        VERIFIER_INSTANCE_DIR=str(settings.instance_dir),
        VERIFIER_BASE_URL=settings.base_url,
        VERIFIER_RATELIMIT="off",
    )
    env.update(extra)
    return env


def gunicorn_command(port: int, workers: int) -> list[str]:
    """The gunicorn command line ``verifier serve`` runs, less its logging options."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "python:verifier.web.gunicorn_config",
        "verifier.web.wsgi:app",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]


def start_gunicorn(
    settings: Settings, tmp_path: Path, *, workers: int = 2, env: Mapping[str, str] = {}
) -> Server:
    """``gunicorn verifier.web.wsgi:app`` as deployed; the access log records each worker's pid."""
    port = free_port()
    access_log = tmp_path / f"access-{port}.log"
    process = subprocess.Popen(
        [
            *gunicorn_command(port, workers),
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(p)s %(s)s %(U)s",
        ],
        env=server_env(settings, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                break
        except (OSError, urllib.error.HTTPError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.1)
    return Server(url, process, access_log)


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
