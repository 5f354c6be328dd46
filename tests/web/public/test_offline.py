"""GET /offline: one self-contained page that verifies tokens with the JWKS embedded in it."""

from __future__ import annotations

import json
import re

from flask.testing import FlaskClient

from verifier.web.public.site import offline_texts

JWKS_BLOCK = re.compile(r'<script type="application/json" id="jwks">(.*?)</script>', re.S)


def test_offline_page_embeds_the_published_jwks(client: FlaskClient) -> None:
    html = client.get("/offline").get_data(as_text=True)
    match = JWKS_BLOCK.search(html)
    assert match is not None
    assert json.loads(match.group(1)) == client.get("/.well-known/jwks.json").get_json()


def test_offline_page_loads_nothing_from_anywhere(client: FlaskClient) -> None:
    html = client.get("/offline").get_data(as_text=True)
    assert re.search(r"<(script|link|img)[^>]+(src|href)=", html) is None


def test_offline_page_scripts_run_only_under_its_response_nonce(client: FlaskClient) -> None:
    response = client.get("/offline")
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"script-src 'nonce-([A-Za-z0-9_-]+)'", policy)
    assert nonce is not None and "unsafe-inline" not in policy
    executable = re.findall(r"<script(?! type=\"application/json\")([^>]*)>", response.text)
    assert executable == [f' nonce="{nonce.group(1)}"']
    assert client.get("/offline").headers["Content-Security-Policy"] != policy


def test_offline_page_carries_its_words_in_all_three_languages(client: FlaskClient) -> None:
    html = client.get("/offline?lang=ru").get_data(as_text=True)
    texts = offline_texts()
    assert set(texts) == {"uz", "ru", "en"}
    assert texts["ru"]["valid"] != texts["en"]["valid"] != texts["uz"]["valid"]
    assert '<html lang="ru">' in html
