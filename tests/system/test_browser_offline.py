"""The /offline page, saved as one file and opened from disk with the network cut,
judges every token vector as docs/token-vectors.json expects (headless Chromium)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Browser, Page, Route, expect

from tests.support.vectors import JWKS, VECTORS
from verifier.signing.tokens import qr_url
from verifier.web.public.site import offline_texts

pytestmark = pytest.mark.slow
JWKS_BLOCK = re.compile(r'(<script type="application/json" id="jwks">)(.*?)(</script>)', re.S)


@pytest.fixture
def saved_page(client: FlaskClient, database_url: str, tmp_path: Path) -> Path:
    if database_url.startswith("postgresql"):
        pytest.skip("the page is the same on both databases; driven once, on SQLite")
    # What "Save page as… (HTML only)" writes: the bytes served. The embedded
    # JWKS is then the vectors' (as if saved from a service publishing those test
    # keys); test_web_offline checks that the service embeds its own.
    html = client.get("/offline?lang=en").get_data(as_text=True)
    keys = json.dumps(JWKS).replace("<", "\\u003c")
    html, replaced = JWKS_BLOCK.subn(lambda m: m.group(1) + keys + m.group(3), html)
    assert replaced == 1
    path = tmp_path / "offline-verification.html"
    path.write_text(html, encoding="utf-8")
    return path


@pytest.fixture
def offline_page(browser: Browser, saved_page: Path) -> Iterator[Page]:
    context = browser.new_context(offline=True, locale="en-GB")
    requests: list[str] = []

    def refuse(route: Route) -> None:
        requests.append(route.request.url)
        route.abort()

    context.route(re.compile(r"^(?!file:).*"), refuse)
    page = context.new_page()
    page.goto(saved_page.as_uri())
    yield page
    context.close()
    assert requests == [], "the saved page must load nothing"


def test_saved_page_judges_every_vector_offline(offline_page: Page) -> None:
    results: list[dict[str, Any]] = offline_page.evaluate(
        "async (tokens) => { const out = [];"
        " for (const t of tokens) out.push(await verifyToken(t)); return out; }",
        [v["token"] for v in VECTORS],
    )
    disagreements = [
        (vector["name"], result)
        for vector, result in zip(VECTORS, results, strict=True)
        if (result["status"], result["claims"]) != (vector["expect"], vector.get("claims"))
        or (vector["expect"] != "valid" and result["rule"] != vector["rule"])
    ]
    assert disagreements == []


def test_saved_page_shows_a_pasted_qr_link_and_its_verdict_in_each_language(
    offline_page: Page,
) -> None:
    vector = next(v for v in VECTORS if v["name"] == "diploma-uzbek-cyrillic")
    texts = offline_texts()
    offline_page.get_by_label(texts["en"]["label"]).fill(
        f"  {qr_url('https://diplom.example.uz', vector['token'])}\n"
    )
    offline_page.get_by_role("button", name=texts["en"]["check"]).click()
    expect(offline_page.locator("#status-word")).to_have_text(texts["en"]["valid"])
    expect(offline_page.locator('[data-claim="sn"]')).to_have_text(vector["claims"]["sn"])
    for code, name in (("ru", "Русский"), ("uz", "Oʻzbekcha")):
        offline_page.get_by_role("button", name=name).click()
        expect(offline_page.locator("#status-word")).to_have_text(texts[code]["valid"])
        expect(offline_page.locator("h1")).to_have_text(texts[code]["title"])


def test_saved_page_says_a_forged_token_is_invalid(offline_page: Page) -> None:
    vector = next(v for v in VECTORS if v["name"] == "compromised-key")
    texts = offline_texts()
    offline_page.get_by_label(texts["en"]["label"]).fill(vector["token"])
    offline_page.get_by_role("button", name=texts["en"]["check"]).click()
    expect(offline_page.locator("#status-word")).to_have_text(texts["en"]["invalid"])
    expect(offline_page.locator("#claims")).to_be_empty()
