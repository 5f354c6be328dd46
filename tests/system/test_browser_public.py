"""A real browser (Debian's headless Chromium via Playwright) uses the public site,
with JavaScript off, as a clerk or an employer would; screenshots go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import ARTIFACTS
from tests.support.pdfs import signed
from tests.support.servers import Server, start_gunicorn, stop
from verifier.runtime import Runtime

pytestmark = pytest.mark.slow


@pytest.fixture
def site(request: pytest.FixtureRequest, database_url: str) -> Server:
    if database_url.startswith("postgresql"):
        pytest.skip("the pages are the same on both databases; driven once, on SQLite")
    server: Server = request.getfixturevalue("live_server")
    return server


OPERATOR_ENV = {
    "VERIFIER_OPERATOR_NAME_EN": "Ministry of Higher Education, Science and Innovation",
    "VERIFIER_OPERATOR_NAME_UZ": "Oliy taʼlim, fan va innovatsiyalar vazirligi",
    "VERIFIER_OPERATOR_CONTACT": "verify@edu.uz, +998 71 246 00 00",
    "VERIFIER_OPERATOR_ADDRESS": "Toshkent, Universitet koʻchasi 7",
}


@pytest.fixture
def official_site(site: Server, runtime: Runtime, tmp_path: Path) -> Iterator[Server]:
    """The demo registry served by an installation whose operator is configured."""
    (tmp_path / "official").mkdir()
    server = start_gunicorn(runtime.settings, tmp_path / "official", workers=1, env=OPERATOR_ENV)
    yield server
    stop(server)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # No JavaScript: the site must work without it, and now we know it does.
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    yield context.new_page()
    context.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_clerk_looks_a_diploma_up_with_the_keyboard_only(site: Server, page: Page) -> None:
    page.goto(site.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check a document")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # site name
    for _ in range(3):  # the language switcher
        page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Document number")).to_be_focused()
    page.keyboard.type("kt 2400101")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Surname")).to_be_focused()
    page.keyboard.type("Gulomov")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Valid")
    expect(
        page.get_by_text("Tashkent Technical College of Information Technologies")
    ).to_be_visible()
    expect(page.get_by_text("Gʻulomov Abdulla Rustam oʻgʻli")).to_be_visible()


def test_a_wrong_surname_is_not_found(site: Server, page: Page) -> None:
    page.goto(site.url + "/")
    page.get_by_label("Document number").fill("KT2400101")
    page.get_by_label("Surname").fill("Karimov")
    page.get_by_role("button", name="Check the document").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Not found")
    expect(page.get_by_text("Abdulla")).to_have_count(0)


def test_a_phone_opens_a_documents_qr_url(
    site: Server, browser: Browser, token_of: Callable[[str], str]
) -> None:
    context = browser.new_context(
        java_script_enabled=False,
        locale="uz-UZ",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
    )
    phone = context.new_page()
    phone.goto(f"{site.url}/v/{token_of('KT2400101')}")
    expect(phone.locator("html")).to_have_attribute("lang", "uz")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Haqiqiy")
    expect(phone.get_by_text("Toshkent axborot texnologiyalari texnikumi")).to_be_visible()
    # Nothing wider than the screen: no sideways scrolling on a phone.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(phone, "qr-landing-phone-uz")
    context.close()


def test_the_revoked_qr_url_says_revoked(
    site: Server, page: Page, token_of: Callable[[str], str]
) -> None:
    page.goto(f"{site.url}/v/{token_of('KT2400103')}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Revoked")
    expect(page.get_by_text("Issued in error")).to_be_visible()


def test_the_language_switcher_translates_the_answer(site: Server, page: Page) -> None:
    page.goto(f"{site.url}/verify?number=KT2400101&surname=Gʻulomov")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Valid")
    shot(page, "answer-valid-en")
    page.get_by_role("link", name="Русский").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Действителен")
    expect(page.get_by_text("Ташкентский техникум информационных технологий")).to_be_visible()
    shot(page, "answer-valid-ru")
    page.get_by_role("link", name="Oʻzbekcha").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Haqiqiy")
    shot(page, "answer-valid-uz")


@pytest.mark.parametrize(
    ("name", "number", "surname", "word"),
    [
        ("revoked", "KT2400103", "Qodirov", "Revoked"),
        ("superseded", "KT2400105", "Toʻxtayeva", "Replaced"),
        ("not-found", "KT2400101", "Karimov", "Not found"),
    ],
)
def test_screenshots_of_the_other_answers(
    site: Server, page: Page, name: str, number: str, surname: str, word: str
) -> None:
    page.goto(f"{site.url}/verify?number={number}&surname={surname}&lang=en")
    expect(page.get_by_role("heading", level=1)).to_contain_text(word)
    shot(page, f"answer-{name}-en")


def test_the_answer_prints_without_the_form_and_switcher(site: Server, page: Page) -> None:
    page.goto(f"{site.url}/verify?number=KT2400101&surname=Gʻulomov")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Language")).to_be_hidden()
    expect(page.get_by_role("link", name="Check another document")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_an_empty_form_says_what_is_missing(site: Server, page: Page) -> None:
    page.goto(site.url + "/?lang=en")
    page.get_by_role("button", name="Check the document").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The document number is required.")
    expect(summary).to_contain_text("surname (or birth date) is required")
    expect(page.get_by_label("Document number")).to_have_attribute("aria-invalid", "true")
    shot(page, "empty-form-en")


def test_not_found_keeps_what_was_typed_and_offers_the_next_step(site: Server, page: Page) -> None:
    page.goto(site.url + "/?lang=en")
    page.get_by_label("Document number").fill("KT 2400101")
    page.get_by_label("Surname").fill("Karimov")
    page.get_by_role("button", name="Check the document").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Not found")
    expect(page.get_by_label("Document number")).to_have_value("KT 2400101")
    expect(page.get_by_label("Surname")).to_have_value("Karimov")
    expect(page.get_by_role("heading", name="What you can do")).to_be_visible()
    # The next step works from here: the birth date instead of the surname.
    page.get_by_label("Surname").fill("")
    page.get_by_label("or birth date").fill("2003-04-17")
    page.get_by_role("button", name="Check the document").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Valid")


def test_a_genuine_pdf_uploaded_from_the_look_up_page_is_valid(
    site: Server, page: Page, runtime: Runtime, tmp_path: Path
) -> None:
    pdf = tmp_path / "KT2400101.pdf"
    # pyHanko signs with asyncio.run(), which cannot run beside Playwright's loop
    # in this thread.
    with ThreadPoolExecutor(max_workers=1) as thread:
        pdf.write_bytes(thread.submit(signed, runtime, "KT2400101").result())
    page.goto(site.url + "/?lang=en")
    page.get_by_label("PDF file", exact=True).set_input_files(str(pdf))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Valid")
    expect(page.get_by_text("Gʻulomov Abdulla Rustam oʻgʻli")).to_be_visible()
    expect(page.get_by_text("PDF file: passed")).to_be_visible()
    shot(page, "upload-valid-en")


def test_an_english_page_gives_the_latin_reading_of_a_cyrillic_name(
    site: Server, page: Page
) -> None:
    page.goto(f"{site.url}/verify?number=KT2400104&surname=Holmatov&lang=en")
    expect(page.get_by_text("(Holmatov Sherzod Alisher oʻgʻli)")).to_be_visible()
    page.get_by_role("link", name="Русский").click()
    expect(page.get_by_text("Ҳолматов Шерзод Алишер ўғли")).to_be_visible()
    expect(page.get_by_text("Holmatov Sherzod")).to_have_count(0)


def test_the_printed_answer_shows_the_operator_address_and_moment(
    official_site: Server, page: Page
) -> None:
    page.goto(f"{official_site.url}/verify?number=KT2400101&surname=Gʻulomov&lang=en")
    page.emulate_media(media="print")
    footer = page.get_by_role("contentinfo")
    expect(
        footer.get_by_text("Ministry of Higher Education, Science and Innovation")
    ).to_be_visible()
    expect(footer.get_by_text("https://verify.example.uz")).to_be_visible()
    expect(footer.get_by_text("verify@edu.uz")).to_be_visible()
    expect(page.get_by_text("(Tashkent) ·")).to_be_visible()
    expect(page.get_by_role("link", name="About this service")).to_be_hidden()
    expect(page.locator(".demo-banner")).to_have_count(0)
    shot(page, "answer-printed-en")


def test_the_about_page_shows_what_the_registry_holds(site: Server, page: Page) -> None:
    page.goto(site.url + "/?lang=en")
    page.get_by_role("link", name="About this service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About this service")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Tashkent Technical College of Information Technologies")
    expect(table).to_contain_text("2024–2025")
    shot(page, "about-en")
