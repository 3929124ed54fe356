"""The API's documentation against a real uvicorn server: /docs and /redoc render in headless
Chromium with every request off 127.0.0.1 refused, and the OpenAPI document says what the
server enforces (schemathesis, every check, finds nothing)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, missing, running_server

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CONFIG = Path(__file__).parent / "schemathesis" / "schemathesis.toml"



@pytest.fixture(scope="module")
def base(seed_store):
    command = [sys.executable, "-m", "uvicorn", "--factory", "citykg.api.app:create_app",
               "--host", "127.0.0.1", "--log-level", "warning"]
    with running_server(command, {"CITYKG_STORE": str(seed_store)}) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the Python package playwright is not installed (pip install playwright)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
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


@pytest.mark.slow
def test_the_openapi_document_says_what_the_server_enforces(base, tmp_path):
    """Every check schemathesis has (status codes, content types, headers, schemas of the
    answers, schema-valid data accepted and invalid data refused, Allow on 405), on every
    operation, a few examples each; a fixed seed, so a failure reproduces."""
    if not SCHEMATHESIS.exists():
        missing("schemathesis is not installed (pip install -e '.[dev]')")
    r = subprocess.run([str(SCHEMATHESIS), "--config-file", str(CONFIG), "run",
                        base + "/openapi.json", "--checks", "all", "--max-examples", "3",
                        "--seed", "1", "--workers", "2", "--no-color",
                        "--generation-database", "none"],
                       capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]
    assert " passed" in r.stdout and "failure" not in r.stdout.split("SUMMARY")[-1], r.stdout[-3000:]


def test_a_405_names_every_method_of_the_path(base):
    for path, allowed in (("/sparql", "GET, POST"), ("/reconcile", "GET, POST"),
                          ("/relations", "GET")):
        r = httpx.request("OPTIONS", base + path)
        assert r.status_code == 405 and r.headers["allow"] == allowed, (path, r.headers)
    r = httpx.get(base + "/sparql", params={"query": "ASK {}" + " " * 40_000})
    assert r.status_code == 414 and "POST" in r.json()["error"]
    assert httpx.post(base + "/sparql", data={"query": "ASK {}" + " " * 40_000}).json()["boolean"] is True
