"""Issue 5's "done means", walked in headless Chromium against real gunicorn workers:
an administrator creates an institution and a registrar; the registrar logs in with a
TOTP code, imports a file, revokes one document and downloads a PDF; an auditor sees
all of it. Then issue 12's workspace items: events in words in three languages, an
audit page that fits the window and says whether the chain is intact, confirmation
before a key rotation, reissue refusals before the confirmation step. JavaScript is
off: the workspace must not need it. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import ARTIFACTS
from tests.support.files import generated_rows, write_csv
from tests.support.servers import Server, start_gunicorn, stop
from tests.support.workspace import PASSWORD, Account, add_account
from verifier.audit import replay, trail
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


def log_in(page: Page, url: str, account: Account, language: str = "en") -> None:
    page.goto(f"{url}/registrar/login?lang={language}")
    page.locator("#email").fill(account.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#code").fill(account.code())
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("form.logout")).to_be_visible()


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
    for kind in ("Institution added", "Staff account added", "Logged in", "Import started",
                 "Import finished", "Revoked", "PDF downloaded", "Logged out"):  # fmt: skip
        expect(trail.get_by_role("cell", name=kind, exact=True).first).to_be_visible()
    expect(trail).to_contain_text("registrar@tatt.uz (127.0.0.1)")
    shot(page, "4-auditor-audit-trail")
    page.get_by_label("What").select_option("revoked")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 events.")).to_be_visible()
    log_out(page)


DIGEST = re.compile(r"[0-9a-f]{40,}")


def test_history_and_audit_pages_name_events_in_words_in_three_languages(
    browser: Browser,
    workspace: Server,
    runtime: Runtime,
    issue: Callable[..., str],
    registrar: Account,
    auditor: Account,
) -> None:
    number = issue()
    page = new_page(browser)
    log_in(page, workspace.url, registrar)
    page.goto(f"{workspace.url}/registrar/documents/{number}")
    page.get_by_label("Reason for revoking").fill("Issued in error")
    page.get_by_role("button", name="Revoke…").click()
    page.get_by_role("button", name="Yes, revoke it").click()
    page.context.close()
    page = new_page(browser)
    log_in(page, workspace.url, auditor)
    words = {
        "en": ("Issued", "Revoked", "Logged in", "Reason the public sees"),
        "ru": ("Выдан", "Отозван", "Вход в систему", "Причина, которую видят все"),
        "uz": ("Berilgan", "Bekor qilingan", "Tizimga kirdi", "Hamma koʻradigan sabab"),
    }
    for language, (issued, revoked, logged_in, public_reason) in words.items():
        page.goto(f"{workspace.url}/registrar/documents/{number}?lang={language}")
        history = page.locator("table.events")
        expect(history.get_by_role("cell", name=issued, exact=True)).to_be_visible()
        expect(history.get_by_role("cell", name=revoked, exact=True)).to_be_visible()
        expect(history).to_contain_text(public_reason)
        assert not DIGEST.search(history.inner_text()), language
        shot(page, f"5-history-{language}")
        page.goto(f"{workspace.url}/registrar/audit?lang={language}")
        trail_table = page.locator("table.events")
        expect(trail_table.get_by_role("cell", name=logged_in, exact=True).first).to_be_visible()
        expect(trail_table.get_by_role("cell", name=issued, exact=True)).to_be_visible()
        assert not DIGEST.search(trail_table.inner_text()), language
    # The whole digest stays at hand for an auditor who compares: in the tooltip.
    page.goto(f"{workspace.url}/registrar/documents/{number}?lang=en")
    tooltip = page.locator(".digest").first.get_attribute("title")
    assert tooltip is not None and re.fullmatch(r"[0-9a-f]{64}", tooltip)


def test_the_audit_page_fits_1280_pixels_and_says_the_chain_is_intact(
    browser: Browser,
    workspace: Server,
    runtime: Runtime,
    issue: Callable[..., str],
    auditor: Account,
) -> None:
    issue()
    with runtime.database.session() as session:
        report = replay.run(session)
    with runtime.database.transaction() as session:
        trail.record_audit(session, report, actor="cli:operator")  # as `verifier audit` does
    context = browser.new_context(
        java_script_enabled=True, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    # Anyone can type a long address into the log-in form: the refusal is logged with it.
    stranger = "registrar.of.the.technical.college.of.information.technologies" * 2
    page.goto(f"{workspace.url}/registrar/login?lang=en")
    page.locator("#email").fill(f"{stranger}@edu.uz")
    page.locator("#password").fill("not the password")
    page.locator("#code").fill("000000")
    page.locator("form.stack button[type=submit]").click()
    log_in(page, workspace.url, auditor)
    page.goto(f"{workspace.url}/registrar/audit")
    chain = page.locator("section.chain")
    expect(chain).to_contain_text("Yes: the event chain is intact")
    expect(chain).to_contain_text("by cli:operator")
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px window"
    shot(page, "6-audit-1280")
    page.get_by_role("link", name="Check the whole chain now").click()
    expect(page.locator("section.chain")).to_contain_text("Checked just now")
    context.close()


def test_rotating_the_signing_key_asks_for_confirmation(
    browser: Browser, workspace: Server, runtime: Runtime, admin: Account
) -> None:
    page = new_page(browser)
    log_in(page, workspace.url, admin)
    page.goto(f"{workspace.url}/registrar/keys")
    page.get_by_role("button", name="Rotate the signing key…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rotate the signing key?")
    shot(page, "7-confirm-rotation")
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("cell", name="retired (still verifies)")).to_have_count(0)
    page.get_by_role("button", name="Rotate the signing key…").click()
    page.get_by_role("button", name="Yes, rotate the key").click()
    expect(page.get_by_role("status").first).to_contain_text("New signing key")
    expect(page.get_by_role("cell", name="retired (still verifies)")).to_have_count(1)


def test_reissue_to_the_same_number_fails_before_the_confirmation_step(
    browser: Browser,
    workspace: Server,
    issue: Callable[..., str],
    registrar: Account,
) -> None:
    number = issue()
    page = new_page(browser)
    log_in(page, workspace.url, registrar)
    page.goto(f"{workspace.url}/registrar/documents/{number}")
    page.get_by_label("New number").fill("KT 2400001")
    page.get_by_role("button", name="Reissue…").click()
    expect(page.get_by_role("alert")).to_have_text("A duplicate needs a new number.")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Reissue")
    expect(page.get_by_role("button", name="Yes, reissue it")).to_have_count(0)
