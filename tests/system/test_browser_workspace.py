"""Issue 5's "done means", walked in headless Chromium against real gunicorn workers:
an administrator creates an institution and a registrar; the registrar logs in with a
TOTP code, imports a file, revokes one document and downloads a PDF; an auditor sees
all of it. JavaScript is off: the workspace must not need it. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import ARTIFACTS
from tests.support.files import generated_rows, write_csv
from tests.support.servers import Server, start_gunicorn, stop
from tests.support.workspace import PASSWORD, Account, add_account
from verifier.runtime import Runtime

pytestmark = pytest.mark.slow


@pytest.fixture
def workspace(database_url: str, runtime: Runtime, tmp_path: Path) -> Iterator[Server]:
    if database_url.startswith("postgresql"):
        pytest.skip("the pages are the same on both databases; driven once, on SQLite")
    # Plain http on 127.0.0.1 here, so the session cookie is not marked Secure.
    server = start_gunicorn(
        runtime.settings, tmp_path, env={"VERIFIER_BASE_URL": "http://127.0.0.1"}
    )
    yield server
    stop(server)


def new_page(browser: Browser) -> Page:
    context = browser.new_context(java_script_enabled=False, locale="en-GB", accept_downloads=True)
    return context.new_page()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"workspace-{name}.png"), full_page=True)


def log_in(page: Page, url: str, account: Account) -> None:
    page.goto(f"{url}/registrar/login?lang=en")
    page.get_by_label("E-mail address").fill(account.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Code from the authenticator app").fill(account.code())
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.context.close()


def create_account(page: Page, url: str, email: str, role: str, institution: str = "") -> Account:
    page.goto(f"{url}/registrar/users")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Role").select_option(role)
    page.get_by_label("Institution (registrars only)").select_option(institution)
    page.get_by_label("Initial password").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("img", name="QR code for the authenticator app")).to_be_visible()
    uri = page.locator("#otpauth-uri").inner_text()
    return Account(email, pyotp.parse_uri(uri).secret)


def test_admin_registrar_and_auditor_walk_through_the_workspace(
    browser: Browser, workspace: Server, runtime: Runtime, tmp_path: Path
) -> None:
    url = workspace.url
    admin = add_account(runtime, "admin@edu.uz", "admin")  # as `verifier user add` does

    # The administrator creates the institution, a registrar and an auditor.
    page = new_page(browser)
    log_in(page, url, admin)
    page.goto(f"{url}/registrar/institutions")
    page.get_by_label("Code").fill("TATT")
    page.get_by_label("Name (Uzbek)").fill("Toshkent axborot texnologiyalari texnikumi")
    page.get_by_label("Name (Russian)").fill("Ташкентский техникум информационных технологий")
    page.get_by_role("button", name="Add the institution").click()
    expect(page.get_by_role("status").first).to_contain_text("Institution TATT is added.")
    registrar = create_account(page, url, "registrar@tatt.uz", "registrar", "TATT")
    shot(page, "1-admin-enrols-registrar")
    auditor = create_account(page, url, "auditor@edu.uz", "auditor")
    log_out(page)

    # The registrar logs in with a TOTP code and imports a file.
    page = new_page(browser)
    log_in(page, url, registrar)
    page.get_by_role("link", name="Imports").click()
    upload = write_csv(tmp_path / "class-2024.csv", generated_rows(25))
    page.get_by_label("CSV or JSONL file").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_text("Every row is valid.")).to_be_visible()
    shot(page, "2-registrar-preview")
    page.get_by_role("button", name="Issue 25 documents").click()
    # The page refreshes itself (a meta refresh, no script) until the job is done.
    expect(page.get_by_text("25 documents issued")).to_be_visible(timeout=60_000)
    with page.expect_download() as report:
        page.get_by_role("link", name=re.compile("Download the report")).click()
    lines = Path(report.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "number,status,qr_url" and len(lines) == 26
    shot(page, "3-registrar-import-done")

    # ... revokes one document, with a reason and a confirmation ...
    page.goto(f"{url}/registrar/documents/?number=KT0000002")
    page.get_by_role("link", name="KT0000002").click()
    page.get_by_label("Reason for revoking").fill("Issued in error")
    page.get_by_role("button", name="Revoke…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke KT0000002?")
    page.get_by_role("button", name="Yes, revoke it").click()
    expect(page.get_by_role("status").first).to_contain_text("KT0000002 is revoked.")

    # ... and downloads another one's PDF.
    page.goto(f"{url}/registrar/documents/KT0000001")
    with page.expect_download() as pdf:
        page.get_by_role("button", name="Download PDF").click()
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF")
    assert pdf.value.suggested_filename == "KT0000001.pdf"
    log_out(page)

    # The auditor sees all of it, and may change none of it.
    page = new_page(browser)
    log_in(page, url, auditor)
    page.goto(f"{url}/registrar/documents/KT0000002")
    expect(page.get_by_text("Issued in error").first).to_be_visible()
    expect(page.get_by_role("button", name="Revoke…")).to_have_count(0)
    page.get_by_role("link", name="Audit trail").click()
    trail = page.locator("table.grid")
    for kind in ("institution_added", "user_added", "login", "import_started",
                 "import_finished", "revoked", "downloaded", "logout"):  # fmt: skip
        expect(trail.get_by_role("cell", name=kind, exact=True).first).to_be_visible()
    expect(trail).to_contain_text("registrar@tatt.uz (127.0.0.1)")
    shot(page, "4-auditor-audit-trail")
    page.get_by_label("What").select_option("revoked")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 events.")).to_be_visible()
    log_out(page)
