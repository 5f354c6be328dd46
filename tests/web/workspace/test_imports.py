"""Workspace imports: every row checked and shown before anything is issued, issuing in
the background with progress, and a report of what was issued."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from collections.abc import Callable
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from tests.support.files import generated_rows, write_csv, write_jsonl
from tests.support.values import BASE_URL
from tests.support.workspace import Account, csrf_token, form_post
from verifier.db.models import Document, Event, ImportJob
from verifier.imports import jobs
from verifier.runtime import Runtime

SignIn = Callable[[Account], FlaskClient]


def upload(client: FlaskClient, path: Path, name: str | None = None) -> TestResponse:
    with path.open("rb") as handle:
        return client.post(
            "/registrar/imports/",
            data={
                "csrf_token": csrf_token(client, "/registrar/imports/"),
                "file": (handle, name or path.name),
            },
            content_type="multipart/form-data",
        )


def documents(runtime: Runtime) -> int:
    with runtime.database.session() as session:
        return session.scalar(select(func.count()).select_from(Document)) or 0


def job_state(runtime: Runtime, job_id: int) -> ImportJob:
    with runtime.database.session() as session:
        job = session.get(ImportJob, job_id)
        assert job is not None
        return job


def wait_until_finished(runtime: Runtime, job_id: int, timeout: float = 120) -> ImportJob:
    deadline = time.monotonic() + timeout
    while (job := job_state(runtime, job_id)).status == "running":
        assert time.monotonic() < deadline, "the import did not finish"
        time.sleep(0.05)
    return job


def job_id_of(response: TestResponse) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_an_upload_shows_every_row_and_issues_nothing_until_confirmed(
    signed_in: SignIn, registrar: Account, runtime: Runtime, tmp_path: Path
) -> None:
    client = signed_in(registrar)
    job_id = job_id_of(upload(client, write_csv(tmp_path / "class.csv", generated_rows(3))))
    page = client.get(f"/registrar/imports/{job_id}").get_data(as_text=True)
    assert all(f"KT{n:07d}" in page for n in (1, 2, 3))
    assert "Every row is valid" in page and "Issue 3 documents" in page
    assert documents(runtime) == 0


def test_a_10000_row_file_with_one_bad_row_issues_nothing_and_shows_that_row(
    signed_in: SignIn, registrar: Account, runtime: Runtime, tmp_path: Path
) -> None:
    rows = list(generated_rows(10_000))
    rows[7_340]["birth_date"] = "2003-02-30"  # spreadsheet row 7,342
    client = signed_in(registrar)
    job_id = job_id_of(upload(client, write_csv(tmp_path / "big.csv", rows)))
    job = job_state(runtime, job_id)
    assert (job.status, job.total_rows, job.invalid_rows) == ("rejected", 10_000, 1)
    page = client.get(f"/registrar/imports/{job_id}").get_data(as_text=True)
    assert "1 of 10000 rows have problems. Nothing was issued." in page
    assert "<td>7342</td><td>Birth date</td><td>2003-02-30 is not a real date</td>" in page
    assert "Issue 10000" not in page
    # The row itself, on its page of the full listing.
    listing = client.get(f"/registrar/imports/{job_id}?page=74").get_data(as_text=True)
    assert 'class="bad"' in listing and "KT0007341" in listing
    # A rejected file can never be started, whatever is posted.
    form_post(client, f"/registrar/imports/{job_id}/issue", {}, page="/registrar/imports/")
    assert job_state(runtime, job_id).status == "rejected" and documents(runtime) == 0
    with runtime.database.session() as session:
        kinds = set(session.scalars(select(Event.kind)))
    assert "import_rejected" in kinds and "issued" not in kinds


def test_an_upload_over_the_size_limit_is_refused(
    signed_in: SignIn, registrar: Account, runtime: Runtime, tmp_path: Path
) -> None:
    big = tmp_path / "huge.csv"
    big.write_bytes(b"type,number\n" + b"x" * (17 * 1024 * 1024))
    response = upload(signed_in(registrar), big)
    assert response.status_code == 413
    assert "The file is too large" in response.get_data(as_text=True)
    assert job_count(runtime) == 0


def job_count(runtime: Runtime) -> int:
    with runtime.database.session() as session:
        return session.scalar(select(func.count()).select_from(ImportJob)) or 0


def test_a_file_that_is_not_csv_or_jsonl_is_refused(
    signed_in: SignIn, registrar: Account, runtime: Runtime, tmp_path: Path
) -> None:
    sheet = tmp_path / "class.xlsx"
    sheet.write_bytes(b"PK\x03\x04")
    response = upload(signed_in(registrar), sheet)
    assert response.status_code == 422
    assert "Choose a .csv or .jsonl file" in response.get_data(as_text=True)


def test_rows_for_another_institution_are_refused(
    signed_in: SignIn,
    registrar: Account,
    other_institution: str,
    runtime: Runtime,
    tmp_path: Path,
) -> None:
    rows = [*generated_rows(2), *generated_rows(1, start=3, institution="SAMT")]
    job_id = job_id_of(upload(signed_in(registrar), write_jsonl(tmp_path / "x.jsonl", rows)))
    job = job_state(runtime, job_id)
    assert job.status == "rejected" and "you may issue for TATT only, not SAMT" in job.errors
    assert documents(runtime) == 0


def test_issuing_runs_in_the_background_and_the_report_lists_what_was_issued(
    signed_in: SignIn, registrar: Account, runtime: Runtime, tmp_path: Path
) -> None:
    client = signed_in(registrar)
    job_id = job_id_of(upload(client, write_csv(tmp_path / "class.csv", generated_rows(1500))))
    started = form_post(
        client, f"/registrar/imports/{job_id}/issue", {}, page="/registrar/imports/"
    )
    assert started.status_code == 302
    job = wait_until_finished(runtime, job_id)
    assert (job.status, job.issued, job.done_rows) == ("done", 1500, 1500)
    assert documents(runtime) == 1500
    page = client.get(f"/registrar/imports/{job_id}").get_data(as_text=True)
    assert "1500 documents issued" in page and 'http-equiv="refresh"' not in page
    report = client.get(f"/registrar/imports/{job_id}/report.csv")
    assert report.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(report.get_data(as_text=True))))
    assert lines[0] == ["number", "status", "qr_url"] and len(lines) == 1501
    assert lines[1][:2] == ["KT0000001", "valid"] and lines[1][2].startswith(f"{BASE_URL}/v/")
    with runtime.database.session() as session:
        kinds = [e.kind for e in session.scalars(select(Event).where(Event.kind.like("import%")))]
    assert kinds == ["import_started", "import_finished"]


def test_a_running_import_page_refreshes_itself_and_only_reads(
    signed_in: SignIn, registrar: Account, runtime: Runtime, tmp_path: Path
) -> None:
    client = signed_in(registrar)
    job_id = job_id_of(upload(client, write_csv(tmp_path / "class.csv", generated_rows(2))))
    with runtime.database.transaction() as session:
        job = session.get(ImportJob, job_id)
        assert job is not None
        job.status = "running"  # as if a worker were issuing it right now
    page = client.get(f"/registrar/imports/{job_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "<progress" in page
    assert documents(runtime) == 0


def test_starting_an_import_twice_issues_it_once(
    signed_in: SignIn, registrar: Account, runtime: Runtime, tmp_path: Path
) -> None:
    client = signed_in(registrar)
    job_id = job_id_of(upload(client, write_csv(tmp_path / "class.csv", generated_rows(5))))
    path = f"/registrar/imports/{job_id}/issue"
    form_post(client, path, {}, page="/registrar/imports/")
    second = form_post(client, path, {}, page="/registrar/imports/")
    assert second.status_code == 302
    wait_until_finished(runtime, job_id)
    with runtime.database.session() as session:
        started = session.scalars(select(Event).where(Event.kind == "import_started")).all()
    assert len(started) == 1 and documents(runtime) == 5


def test_another_institutions_import_is_invisible(
    signed_in: SignIn,
    registrar: Account,
    other_registrar: Account,
    runtime: Runtime,
    tmp_path: Path,
    app: object,
) -> None:
    client = signed_in(registrar)
    job_id = job_id_of(upload(client, write_csv(tmp_path / "class.csv", generated_rows(2))))
    form_post(client, "/registrar/logout", {})
    other = signed_in(other_registrar)
    assert other.get(f"/registrar/imports/{job_id}").status_code == 404
    assert other.get(f"/registrar/imports/{job_id}/report.csv").status_code == 404
    path = f"/registrar/imports/{job_id}/issue"
    assert form_post(other, path, {}, page="/registrar/imports/").status_code == 404
    assert job_state(runtime, job_id).status == "ready" and documents(runtime) == 0


def test_an_auditor_sees_imports_but_cannot_upload_or_start_them(
    signed_in: SignIn, auditor: Account, runtime: Runtime, tmp_path: Path
) -> None:
    client = signed_in(auditor)
    assert client.get("/registrar/imports/").status_code == 200
    assert upload(client, write_csv(tmp_path / "class.csv", generated_rows(2))).status_code == 403
    assert job_count(runtime) == 0


def test_an_import_whose_worker_died_can_be_resumed(
    signed_in: SignIn, registrar: Account, runtime: Runtime, tmp_path: Path
) -> None:
    client = signed_in(registrar)
    job_id = job_id_of(upload(client, write_csv(tmp_path / "class.csv", generated_rows(4))))
    with runtime.database.transaction() as session:
        job = session.get(ImportJob, job_id)
        assert job is not None
        # Claimed by a worker that then vanished: no progress for longer than STALE_AFTER.
        job.status = "running"
        job.updated_at = dt.datetime.now(dt.UTC) - jobs.STALE_AFTER - dt.timedelta(seconds=1)
    page = client.get(f"/registrar/imports/{job_id}").get_data(as_text=True)
    assert "Issuing was interrupted" in page and 'http-equiv="refresh"' not in page
    form_post(client, f"/registrar/imports/{job_id}/issue", {}, page="/registrar/imports/")
    assert wait_until_finished(runtime, job_id).status == "done" and documents(runtime) == 4


def test_row_problems_are_shown_in_the_workspace_language(
    signed_in: SignIn, registrar: Account, tmp_path: Path
) -> None:
    rows = list(generated_rows(2))
    rows[1]["birth_date"] = "2003-02-30"
    client = signed_in(registrar)
    job_id = job_id_of(upload(client, write_csv(tmp_path / "class.csv", rows)))
    uzbek = client.get(f"/registrar/imports/{job_id}?lang=uz").get_data(as_text=True)
    assert "2003-02-30 — mavjud boʻlmagan sana" in uzbek
    russian = client.get(f"/registrar/imports/{job_id}?lang=ru").get_data(as_text=True)
    assert "2003-02-30 — несуществующая дата" in russian


def test_row_problems_name_fields_by_their_label_in_the_workspace_language(
    signed_in: SignIn, registrar: Account, tmp_path: Path
) -> None:
    rows = list(generated_rows(2))
    rows[1]["program_code"] = "no spaces allowed"
    client = signed_in(registrar)
    job_id = job_id_of(upload(client, write_csv(tmp_path / "class.csv", rows)))
    russian = client.get(f"/registrar/imports/{job_id}?lang=ru").get_data(as_text=True)
    assert "<td>3</td><td>Код программы</td>" in russian
    assert "program_code" not in russian.split('id="problems-heading"')[1].split("</table>")[0]
    english = client.get(f"/registrar/imports/{job_id}?lang=en").get_data(as_text=True)
    assert "Programme code: must be letters, digits, dots or dashes (at most 32)" in english


def russian_page_of_stored_problems(
    client: FlaskClient, runtime: Runtime, tmp_path: Path, stored: str
) -> str:
    """A rejected import's page in Russian, its row problems stored as ``stored`` (JSON),
    as an earlier version of the service stored them."""
    rows = list(generated_rows(2))
    rows[1]["birth_date"] = "2003-02-30"
    job_id = job_id_of(upload(client, write_csv(tmp_path / "class.csv", rows)))
    with runtime.database.transaction() as session:
        job = session.get(ImportJob, job_id)
        assert job is not None
        job.errors = stored
    return client.get(f"/registrar/imports/{job_id}?lang=ru").get_data(as_text=True)


def test_row_problems_stored_before_codes_are_shown_as_recorded(
    signed_in: SignIn, registrar: Account, runtime: Runtime, tmp_path: Path
) -> None:
    page = russian_page_of_stored_problems(
        signed_in(registrar),
        runtime,
        tmp_path,
        '[[3, "birth_date", "2003-02-30 is not a real date"]]',
    )
    assert "<td>Дата рождения</td><td>2003-02-30 is not a real date</td>" in page


def test_a_row_problem_stored_under_a_code_no_longer_known_is_shown_as_recorded(
    signed_in: SignIn, registrar: Account, runtime: Runtime, tmp_path: Path
) -> None:
    page = russian_page_of_stored_problems(
        signed_in(registrar),
        runtime,
        tmp_path,
        '[[3, "birth_date", "an old sentence", "retired_code", {}]]',
    )
    assert "<td>Дата рождения</td><td>an old sentence</td>" in page
