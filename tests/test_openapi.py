"""The API's documentation against a real uvicorn server: /docs and /redoc render in headless
Chromium with every request off 127.0.0.1 refused, and the OpenAPI document says what the
server enforces (schemathesis, every check, finds nothing)."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from conftest import running_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must have it: see scripts/setup.sh)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def base(seed_store):
    command = [sys.executable, "-m", "uvicorn", "--factory", "citykg.api.app:create_app",
               "--host", "127.0.0.1", "--log-level", "warning"]
    with running_server(command, {"CITYKG_STORE": str(seed_store)}) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is missing: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the Python package playwright is not installed (pip install playwright)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def offline(browser):
    """A page whose requests to anywhere but 127.0.0.1 are refused (and listed)."""
    context = browser.new_context()
    context.set_default_timeout(20_000)
    left: list[str] = []

    def only_local(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            left.append((route.request.resource_type, route.request.url))
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    yield page, left
    context.close()


@pytest.mark.slow
def test_docs_render_offline(offline, base):
    page, left = offline
    # the explorer's API link
    page.goto(base + "/")
    page.locator("a[href='/docs']").first.click()
    page.wait_for_selector(".opblock", timeout=15_000)
    operations = page.locator(".opblock-summary-path").all_text_contents()
    assert "/sparql" in operations and "/relations" in operations, operations
    # the reconciliation manifest's documentation link
    manifest = httpx.get(base + "/reconcile").json()
    page.goto(manifest["documentation"])
    page.wait_for_selector(".opblock-tag-section", timeout=15_000)
    assert page.locator("#operations-tag-reconcile").count() == 1
    assert left == [], left
    # ReDoc asks for its maker's logo (hidden when it fails to load), nothing it needs
    page.goto(base + "/redoc")
    page.wait_for_selector("[data-section-id]", state="attached", timeout=15_000)
    assert page.locator("[data-section-id*=relations]").count() > 0
    assert [url for kind, url in left if kind != "image"] == [], left
