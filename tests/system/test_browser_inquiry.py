"""Issue 15's clerk path, walked in headless Chromium against real gunicorn workers and a
real SMTP server, on both databases: a look-up of an old diploma -> not_found -> the
inquiry form -> the status page -> a registrar answers it in the workspace, creating the
archive record -> the status page shows the letter -> the letter's QR re-check page ->
the same look-up now answers valid, with ``origin: archive``. JavaScript is off."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import ARTIFACTS
from tests.support.servers import Server, start_gunicorn, stop
from tests.support.smtp import SmtpServer, running_smtp_server
from tests.support.workspace import PASSWORD, Account, add_account
from verifier.runtime import Runtime

pytestmark = pytest.mark.slow

NUMBER, SURNAME = "KT 0900231", "Yusupova"
ASK = "Ask for an official check (formal inquiry)"


@pytest.fixture
def mail() -> Iterator[SmtpServer]:
    with running_smtp_server() as server:
        yield server


@pytest.fixture
def service(
    runtime: Runtime, institution: str, mail: SmtpServer, tmp_path: Path
) -> Iterator[Server]:
    server = start_gunicorn(
        runtime.settings,
        tmp_path,
        env={
            "VERIFIER_BASE_URL": "http://127.0.0.1",
            "VERIFIER_SMTP_URL": f"smtp://127.0.0.1:{mail.port}",
            "VERIFIER_MAIL_FROM": "registry@example.uz",
        },
    )
    yield server
    stop(server)


def new_page(browser: Browser) -> Page:
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    return context.new_page()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"inquiry-{name}.png"), full_page=True)


def log_in(page: Page, url: str, account: Account) -> None:
    page.goto(f"{url}/registrar/login?lang=en")
    page.locator("#email").fill(account.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#code").fill(account.code())
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("form.logout")).to_be_visible()


def look_up(url: str) -> dict[str, object]:
    query = f"number={NUMBER.replace(' ', '')}&surname={SURNAME}&lang=en"
    with urllib.request.urlopen(f"{url}/api/v1/verify?{query}", timeout=10) as answer:
        return json.loads(answer.read())  # type: ignore[no-any-return]


def test_a_clerk_asks_about_an_old_diploma_and_a_registrar_settles_it(
    browser: Browser, service: Server, runtime: Runtime, mail: SmtpServer
) -> None:
    url = service.url
    registrar = add_account(runtime, "registrar@tatt.uz", "registrar", "TATT")

    # The clerk looks the 2009 diploma up: the registry does not hold it yet.
    clerk = new_page(browser)
    clerk.goto(f"{url}/?lang=en")
    clerk.get_by_label("Document number").fill(NUMBER)
    clerk.get_by_label("Surname").fill(SURNAME)
    clerk.get_by_role("button", name="Check the document").click()
    expect(
        clerk.get_by_role("link", name="Ask for an official check (formal inquiry)")
    ).to_be_visible()
    shot(clerk, "1-not-found")

    # The inquiry form comes filled with what was typed.
    clerk.get_by_role("link", name=ASK).click()
    expect(clerk.locator("#number")).to_have_value(re.compile(r"KT\s?0900231"))
    expect(clerk.locator("#surname")).to_have_value(SURNAME)
    clerk.locator("#given_name").fill("Dilnoza")
    clerk.locator("#institution").fill("TATT")
    clerk.locator("#year").fill("2009")
    clerk.locator("#requester_kind").select_option("ministry")
    clerk.locator("#requester_organisation").fill("Auswärtiges Amt <script>alert(1)</script>")
    clerk.locator("#requester_country").select_option("DE")
    clerk.locator("#requester_name").fill("Anna Schmidt")
    clerk.locator("#requester_email").fill("anna.schmidt@example.de")
    clerk.locator("#purpose").fill("Recognition of a vocational diploma.")
    clerk.locator("#consent").check()
    shot(clerk, "2-form")
    clerk.get_by_role("button", name="Send the inquiry").click()

    # The status page: received, with its number and due date; the receipt mail has its link.
    expect(clerk.locator("body")).to_contain_text("INQ-")
    status_url = clerk.url
    assert "key=" in status_url
    number = re.search(r"INQ-\d{4}-\d{6}", clerk.content())
    assert number is not None
    shot(clerk, "3-received")
    receipt = mail.wait_for(1)[0]
    assert receipt["To"] == "anna.schmidt@example.de"
    key = re.search(r"key=([\w-]+)", status_url)
    assert key is not None
    assert f"key={key.group(1)}" in receipt.get_content()
    assert SURNAME not in receipt.get_content()

    # A registrar takes the case and answers it, transcribing the issue-book entry.
    staff = new_page(browser)
    log_in(staff, url, registrar)
    staff.goto(f"{url}/registrar/inquiries?lang=en")
    staff.get_by_role("link", name=number.group(0)).click()
    staff.get_by_role("button", name="Take this case").click()
    staff.locator("input[name=outcome][value=confirmed]").check()
    staff.locator("#note").fill("Entry 31 of the 2009 issue book confirms the diploma.")
    staff.locator("#signatory_name").fill("Karimova Nodira")
    staff.locator("#signatory_position").fill("Head of the registry")
    staff.locator("input[name=settle][value=create]").check()
    staff.locator("#record-source").fill("Issue book 2005-2009, p. 131, entry 31")
    if staff.locator("#record-issue_year").count():
        staff.locator("#record-issue_year").fill("2009")
    shot(staff, "4-answer")
    staff.get_by_role("button", name="Answer and sign the letter").click()
    expect(staff.locator("body")).to_contain_text("VL-")
    shot(staff, "5-answered")

    # The status page now shows the letter; its QR page says it is genuine.
    clerk.goto(status_url)
    expect(clerk.locator("[data-fact=letter-pdf]")).to_be_visible()
    shot(clerk, "6-letter")
    clerk.locator("[data-fact=letter-check]").click()
    expect(clerk.locator("body")).to_contain_text("Genuine report")
    shot(clerk, "7-recheck")
    answered = mail.wait_for(2)[1]
    assert number.group(0) in answered["Subject"]
    assert SURNAME not in answered.get_content()

    # The same look-up now answers by itself, from the archive record.
    answer = look_up(url)
    assert answer["status"] == "valid"
    assert answer["document"]["origin"] == "archive"  # type: ignore[index]
