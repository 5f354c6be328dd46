"""Recording an archive record from a scan of an issue-book page, and serving the scan.

Every refusal is checked for what the person is told and that nothing was stored.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from tests.support.values import old_diploma
from tests.support.workspace import Account, SignIn, csrf_token, document, text
from verifier.archive import service as archive
from verifier.archive.service import MAX_SCAN_BYTES, Scan
from verifier.db.models import ArchiveScan, Document, Event
from verifier.runtime import Runtime

NEW = "/registrar/archive/new"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PE = b"MZ\x90\x00" + b"\x00" * 64  # a Windows executable


def entry(**changes: str) -> dict[str, str]:
    """A 2012 diploma as the issue book notes it: no birth date, no programme code."""
    values = {
        "type": "diploma",
        "number": "KT 1200457",
        "surname": "Ergashev",
        "given_name": "Bobur",
        "program_name": "Kompyuter tarmoqlari",
        "qualification": "Texnik",
        "issue_year": "2012",
        "source": "Issue book 2009-2012, p. 47, entry 12",
        "checked_by": "Karimova N.",
    }
    values.update(changes)
    return values


def record(
    client: FlaskClient,
    values: dict[str, str] | None = None,
    *,
    scan: bytes | None = PNG,
    filename: str = "page-47.png",
    csrf: bool = True,
) -> TestResponse:
    """POST the form as a browser does: multipart, with the page's CSRF token."""
    data: dict[str, Any] = dict(entry() if values is None else values)
    if csrf:
        data["csrf_token"] = csrf_token(client, NEW)
    if scan is not None:
        data["scan"] = (BytesIO(scan), filename)
    return client.post(NEW, data=data, content_type="multipart/form-data")


def stored(runtime: Runtime) -> tuple[int, int]:
    """How many documents and scans the registry holds."""
    with runtime.database.session() as session:
        documents = session.scalar(select(func.count()).select_from(Document)) or 0
        scans = session.scalar(select(func.count()).select_from(ArchiveScan)) or 0
    return documents, scans


# --- recording ---------------------------------------------------------------------------


def test_a_registrar_records_an_archive_document_and_lands_on_its_page(
    signed_in: SignIn, registrar: Account, runtime: Runtime
) -> None:
    client = signed_in(registrar)
    response = record(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/registrar/documents/KT1200457"
    row = document(runtime, "KT1200457")
    assert row.origin == "archive" and row.token is None
    assert row.source == "Issue book 2009-2012, p. 47, entry 12"
    assert row.checked_by == "Karimova N." and row.issue_year == 2012
    page = text(client.get(response.headers["Location"]))
    assert "KT1200457 is recorded from the issue book." in page


def test_the_new_page_offers_every_field_and_the_scan(
    signed_in: SignIn, registrar: Account
) -> None:
    page = text(signed_in(registrar).get(NEW))
    assert 'enctype="multipart/form-data"' in page and 'name="scan"' in page
    for name in ("number", "surname", "birth_date", "program_code", "issue_year", "source"):
        assert f'name="{name}"' in page
    assert "TATT" in page and 'name="institution"' not in page  # fixed to their own


def test_the_workspace_navigation_links_to_the_new_page(
    signed_in: SignIn, registrar: Account
) -> None:
    assert f'href="{NEW}"' in text(signed_in(registrar).get("/registrar/documents/"))


def test_the_scan_is_stored_and_served_as_a_download(
    signed_in: SignIn, registrar: Account, runtime: Runtime
) -> None:
    client = signed_in(registrar)
    record(client)
    page = text(client.get("/registrar/documents/KT1200457"))
    assert "Scan of the issue-book page" in page
    assert 'href="/registrar/documents/KT1200457/scan"' in page
    download = client.get("/registrar/documents/KT1200457/scan")
    assert download.status_code == 200 and download.data == PNG
    assert download.mimetype == "image/png"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "KT1200457-scan.png" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"
    with runtime.database.session() as session:
        assert archive.scan_of(session, "KT1200457").filename == "page-47.png"


def test_what_the_issue_book_did_not_note_is_shown_as_not_recorded(
    signed_in: SignIn, registrar: Account
) -> None:
    client = signed_in(registrar)
    record(client)
    page = text(client.get("/registrar/documents/KT1200457"))
    birth = page.split("Birth date</dt>", 1)[1].split("</dd>", 1)[0]
    assert "not recorded" in birth
    assert "2012" in page and "day not recorded" in page
    assert "Download PDF" not in page  # an archive record has no PDF of its own


def test_an_archive_record_imported_without_a_scan_says_so(
    signed_in: SignIn, registrar: Account, runtime: Runtime
) -> None:
    with runtime.database.transaction() as session:
        archive.record(session, old_diploma(), actor="test")
    client = signed_in(registrar)
    page = text(client.get("/registrar/documents/KT1200457"))
    scan = page.split("Scan of the issue-book page</dt>", 1)[1].split("</dd>", 1)[0]
    assert "not recorded" in scan
    assert client.get("/registrar/documents/KT1200457/scan").status_code == 404


def test_an_admin_records_for_the_institution_they_choose(
    signed_in: SignIn, admin: Account, institution: str, runtime: Runtime
) -> None:
    client = signed_in(admin)
    assert 'name="institution"' in text(client.get(NEW))
    response = record(client, entry(institution="TATT"))
    assert response.status_code == 302
    assert document(runtime, "KT1200457").institution.code == "TATT"


def test_an_admin_must_choose_an_institution(
    signed_in: SignIn, admin: Account, institution: str, runtime: Runtime
) -> None:
    response = record(signed_in(admin))
    assert response.status_code == 422
    assert 'id="institution-error"' in text(response)
    assert stored(runtime) == (0, 0)


# --- refusals ----------------------------------------------------------------------------


def test_missing_required_fields_are_named_and_nothing_is_stored(
    signed_in: SignIn, registrar: Account, runtime: Runtime
) -> None:
    response = record(signed_in(registrar), entry(source="", issue_year=""))
    page = text(response)
    assert response.status_code == 422 and "nothing was recorded" in page
    assert 'id="source-error"' in page and 'id="issue_date-error"' in page
    assert "Transcribed from:" in page  # the summary names the field by its label
    assert stored(runtime) == (0, 0)


def test_an_executable_named_pdf_is_refused_naming_the_scan_and_nothing_is_stored(
    signed_in: SignIn, registrar: Account, runtime: Runtime
) -> None:
    response = record(signed_in(registrar), scan=PE, filename="page-47.pdf")
    page = text(response)
    assert response.status_code == 422
    assert 'id="scan-error"' in page and "PDF, JPEG or PNG" in page
    assert "Scan of the issue-book page:" in page
    assert stored(runtime) == (0, 0)


def test_a_scan_over_10_mib_is_refused_and_nothing_is_stored(
    signed_in: SignIn, registrar: Account, runtime: Runtime
) -> None:
    too_large = b"%PDF-" + b"\x00" * MAX_SCAN_BYTES
    response = record(signed_in(registrar), scan=too_large, filename="page-47.pdf")
    assert response.status_code == 422
    assert 'id="scan-error"' in text(response) and "larger than 10 MiB" in text(response)
    assert stored(runtime) == (0, 0)


def test_a_record_without_a_scan_is_refused(
    signed_in: SignIn, registrar: Account, runtime: Runtime
) -> None:
    response = record(signed_in(registrar), scan=None)
    assert response.status_code == 422 and 'id="scan-error"' in text(response)
    assert stored(runtime) == (0, 0)


def test_a_registrar_cannot_record_for_another_institution(
    signed_in: SignIn, registrar: Account, other_institution: str, runtime: Runtime
) -> None:
    response = record(signed_in(registrar), entry(institution="SAMT"))
    assert response.status_code == 403
    assert stored(runtime) == (0, 0)
    with runtime.database.session() as session:
        refused = session.scalars(select(Event).where(Event.kind == "access_refused")).all()
    assert any("another institution" in event.payload for event in refused)


def test_an_auditor_may_not_record(
    signed_in: SignIn, auditor: Account, institution: str, runtime: Runtime
) -> None:
    client = signed_in(auditor)
    assert client.get(NEW).status_code == 403
    assert record(client, entry(institution="TATT")).status_code == 403
    assert f'href="{NEW}"' not in text(client.get("/registrar/documents/"))
    assert stored(runtime) == (0, 0)


def test_a_post_without_the_csrf_token_is_refused(
    signed_in: SignIn, registrar: Account, runtime: Runtime
) -> None:
    response = record(signed_in(registrar), csrf=False)
    assert response.status_code == 400 and "did not come from this site" in text(response)
    assert stored(runtime) == (0, 0)


def test_the_same_record_twice_changes_nothing(
    signed_in: SignIn, registrar: Account, runtime: Runtime
) -> None:
    client = signed_in(registrar)
    record(client)
    again = record(client)
    assert again.status_code == 302
    assert again.headers["Location"] == "/registrar/documents/KT1200457"
    assert "already recorded with these details; nothing changed" in text(
        client.get(again.headers["Location"])
    )
    assert stored(runtime) == (1, 1)


def test_another_record_under_a_recorded_number_is_a_conflict(
    signed_in: SignIn, registrar: Account, runtime: Runtime
) -> None:
    client = signed_in(registrar)
    record(client)
    response = record(client, entry(surname="Karimov"))
    assert response.status_code == 409 and 'id="number-error"' in text(response)
    assert document(runtime, "KT1200457").surname == "Ergashev"
    assert stored(runtime) == (1, 1)


# --- who sees the scan -------------------------------------------------------------------


def test_another_institutions_registrar_cannot_download_the_scan(
    signed_in: SignIn, other_registrar: Account, runtime: Runtime
) -> None:
    with runtime.database.transaction() as session:
        archive.record(session, old_diploma(), actor="test", scan=Scan.of("p.png", PNG))
    client = signed_in(other_registrar)
    assert client.get("/registrar/documents/KT1200457/scan").status_code == 404
    assert client.get("/registrar/documents/KT1200457").status_code == 404


def test_an_auditor_may_download_the_scan(
    signed_in: SignIn, auditor: Account, institution: str, runtime: Runtime
) -> None:
    with runtime.database.transaction() as session:
        archive.record(session, old_diploma(), actor="test", scan=Scan.of("p.png", PNG))
    download = signed_in(auditor).get("/registrar/documents/KT1200457/scan")
    assert download.status_code == 200 and download.data == PNG
