"""Debian's headless Chromium driven by Playwright, shared by the browser tests.

A plugin of conftest.py; a test that asks for ``browser`` is skipped, with the
reason, on a machine without Chromium (CI installs it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = os.environ.get("VERIFIER_TEST_CHROMIUM", "/usr/bin/chromium")
# As root, in a sandbox with no network beyond loopback: no sandbox, no GPU, and
# none of the background connections Chromium would otherwise try at start.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (CI installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
