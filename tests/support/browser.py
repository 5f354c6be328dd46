"""Debian's headless Chromium driven by Playwright, shared by the browser tests.

The ``browser`` fixture lives in tests/system/conftest.py; a test that asks
for it is skipped, with the reason, on a machine without Chromium (CI installs it).
"""

from __future__ import annotations

import os
from pathlib import Path

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
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
