"""Real processes: the installed command, kill -9 in the middle of an import,
and `verifier serve` answering /healthz through gunicorn."""

from __future__ import annotations

import os
import pty
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.support.files import generated_rows, write_csv
from tests.support.values import certificate_values, transcript_values
from verifier.audit import events
from verifier.config import Settings
from verifier.db import Database
from verifier.db.models import Document
from verifier.keys import lifecycle
from verifier.verification.outcome import Status
from verifier.verification.service import verify_token

pytestmark = pytest.mark.slow


def env_for(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        VERIFIER_DATABASE_URL=settings.database_url,
        VERIFIER_KEYS_DIR=str(settings.keys_dir),
        VERIFIER_INSTANCE_DIR=str(settings.instance_dir),
        VERIFIER_BASE_URL=settings.base_url,
    )
    return env


def verifier(
    settings: Settings, *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "verifier", *args],
        env=env_for(settings),
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
    )


def child_processes(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children.read_text().split()] if children.exists() else []


def running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return status.rsplit(")", 1)[1].split()[0] != "Z"


def count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Document)) or 0


def test_import_killed_with_sigkill_resumes_exactly(settings: Settings, tmp_path: Path) -> None:
    total = 6000
    verifier(settings, "init")
    verifier(settings, "institution", "add", "TATT", "--name-uz", "Toshkent texnikumi")
    path = write_csv(tmp_path / "big.csv", generated_rows(total))
    database = Database(settings.database_url)
    process = subprocess.Popen(
        [sys.executable, "-m", "verifier", "issue", str(path), "--chunk-size", "200"],
        env=env_for(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while count(database) == 0 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    workers = child_processes(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = count(database)
    assert 0 < partial < total, "the import was not interrupted part-way; make the file bigger"
    assert workers, "the import ran without worker processes"
    deadline = time.monotonic() + 10
    while (left := [pid for pid in workers if running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, "worker processes outlived the killed import"

    finished = verifier(settings, "issue", str(path))
    assert finished.stdout.startswith(
        f"{total} rows: {total - partial} issued, {partial} already issued"
    )
    assert count(database) == total
    with database.session() as session:
        report = events.audit(session)
    assert report.intact and report.events_checked == total + 2
    database.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_answers_healthz_through_gunicorn(settings: Settings) -> None:
    verifier(settings, "init")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "verifier", "serve", "--port", str(port), "--workers", "1"],
        env=env_for(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=2
                ) as response:
                    assert response.status == 200
                    assert b'"database":"ok"' in response.read().replace(b" ", b"")
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_import_on_a_terminal_shows_progress_with_rate_and_time_left(
    settings: Settings, tmp_path: Path
) -> None:
    verifier(settings, "init")
    verifier(settings, "institution", "add", "TATT", "--name-uz", "Toshkent texnikumi")
    path = write_csv(tmp_path / "class.csv", generated_rows(300))
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "verifier", "issue", str(path), "--chunk-size", "100"],
        env=env_for(settings),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=terminal,
    )
    os.close(terminal)
    stdout, _ = process.communicate(timeout=120)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert process.returncode == 0
    assert b"300/300 rows" in shown and b"/s" in shown and b"left" in shown
    assert stdout.startswith(b"300 rows: 300 issued")


def mixed_rows(total: int) -> list[dict[str, Any]]:
    """Diplomas, with a transcript and a certificate every hundred rows."""
    rows = list(generated_rows(total))
    for index in range(0, total, 100):
        number = rows[index]["number"]
        rows[index + 1] = transcript_values(
            number=f"KTI{number[2:]}", diploma_number=number, surname=rows[index]["surname"]
        )
        rows[index + 2] = certificate_values(number=f"MO{number[2:]}")
    return rows


def test_import_on_worker_processes_issues_every_row_verifiably(
    settings: Settings, tmp_path: Path
) -> None:
    total = 1500
    verifier(settings, "init")
    verifier(settings, "institution", "add", "TATT", "--name-uz", "Toshkent texnikumi")
    path = write_csv(tmp_path / "class.csv", mixed_rows(total))
    issued = verifier(settings, "issue", str(path), "--processes", "2", "--chunk-size", "100")
    assert issued.stdout.startswith(f"{total} rows: {total} issued, 0 already issued")
    assert verifier(settings, "audit").returncode == 0
    database = Database(settings.database_url)
    with database.session() as session:
        ring = lifecycle.keyring(session)
        tokens = session.execute(select(Document.number, Document.token)).all()
        assert len(tokens) == total
        outcomes = {verify_token(session, str(token), ring).status for _, token in tokens}
    assert outcomes == {Status.VALID}
    database.dispose()


def test_import_on_worker_processes_names_every_bad_row_and_issues_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    verifier(settings, "init")
    verifier(settings, "institution", "add", "TATT", "--name-uz", "Toshkent texnikumi")
    rows = list(generated_rows(1000))
    rows[4]["birth_date"] = "2003-02-30"
    rows[949]["number"] = "KT-12x4"
    path = write_csv(tmp_path / "class.csv", rows)
    refused = verifier(
        settings, "issue", str(path), "--processes", "2", "--chunk-size", "100", check=False
    )
    assert refused.returncode != 0
    assert "row 6, field birth_date" in refused.stderr
    assert "row 951, field number" in refused.stderr
    database = Database(settings.database_url)
    assert count(database) == 0
    database.dispose()
