"""Debian's chromium for browser tests, driven by playwright; skips the importing module
without it (unless REQUIRE_BROWSER is set, as in CI, where a missing browser fails)."""

from __future__ import annotations

import contextlib
import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but Debian's chromium is not installed")
    pytest.skip("Debian's chromium package is not installed", allow_module_level=True)

sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright

# Debian's chromium on a machine with no network beyond the registries: without the
# background-networking flags it keeps trying, and failing, to reach Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@contextlib.contextmanager
def launched_chromium():
    """Headless Chromium for a test module's ``browser`` fixture."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
