"""Issue 14, section 4: /reconcile input that used to give a 500, the Host header kept out of
every URL the server writes, and the headers every response carries (nosniff, a
Content-Security-Policy the explorer satisfies: tests/test_explorer.py runs it in Chromium
under this policy). TestClient on the seed store, and one real uvicorn."""
from __future__ import annotations

import json
import sys
from html.parser import HTMLParser

import httpx
import pytest
from conftest import running_server
from fastapi.testclient import TestClient

from citykg.api.app import create_app
from citykg.api.headers import CSP
from citykg.api.routers.ui import STATIC_DIR

EVIL = "evil.example"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def client(seed_store):
    with TestClient(create_app(store=seed_store)) as c:
        yield c


def refused(client, field: str, **form) -> str:
    r = client.post("/reconcile", data=form)
    assert r.status_code == 400, (form, r.status_code, r.text[:300])
    detail = r.json()["detail"]
    assert field in detail, (field, detail)
    return detail


# ------------------------------------------------------------------- /reconcile input ----
@pytest.mark.parametrize("limit", ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"])
def test_a_limit_that_is_no_finite_number(client, limit):
    refused(client, "`limit`", queries='{"q0": {"query": "横浜市", "limit": LIMIT}}'
            .replace("LIMIT", limit))
    refused(client, "`limit`", query='{"query": "横浜市", "limit": LIMIT}'.replace("LIMIT", limit))


@pytest.mark.parametrize("settings", [["origin", "document"], "document", 5, True])
def test_extend_settings_that_are_no_object(client, settings):
    spec = {"ids": ["city/jp/14100"], "properties": [{"id": "partners", "settings": settings}]}
    refused(client, "extend.properties[partners].settings", extend=json.dumps(spec))


def test_extend_fields_of_the_wrong_shape(client):
    bad = {"ids": ["city/jp/14100"],
           "properties": [{"id": "partners", "settings": {"origin": "rumour"}}]}
    refused(client, "settings.origin", extend=json.dumps(bad))
    refused(client, "extend.ids", extend=json.dumps({"ids": [{"id": 1}], "properties": []}))
    refused(client, "extend.properties", extend=json.dumps({"ids": [], "properties": ["x"]}))


@pytest.mark.parametrize("field", ["queries", "query", "extend"])
def test_json_nested_100k_deep(client, field):
    deep = "[" * 100_000 + "]" * 100_000
    text = {"queries": '{"q0": DEEP}', "query": '{"query": "x", "properties": DEEP}',
            "extend": '{"ids": DEEP, "properties": []}'}[field].replace("DEEP", deep)
    assert "nested deeper than" in refused(client, field, **{field: text})


def test_json_nested_below_the_parser_limit_but_past_ours(client):
    values = "[" * 600 + '"日本"' + "]" * 600
    text = '{"q0": {"query": "横浜市", "properties": [{"pid": "country", "v": V}]}}' \
        .replace("V", values)
    assert "nested deeper than" in refused(client, "queries", queries=text)


def test_what_still_passes(client):
    """The checks leave ordinary requests alone: a float limit, settings, an origin."""
    r = client.post("/reconcile", data={"queries": json.dumps(
        {"q0": {"query": "横浜市", "limit": 2.0, "type": "City"}})})
    assert r.status_code == 200 and r.json()["q0"]["result"][0]["id"] == "city/jp/14100"
    spec = {"ids": ["city/jp/14100"],
            "properties": [{"id": "partners", "settings": {"origin": "document"}},
                           {"id": "country", "settings": None}]}
    r = client.post("/reconcile", data={"extend": json.dumps(spec)})
    assert r.status_code == 200 and r.json()["rows"]["city/jp/14100"]["partners"], r.text


# ----------------------------------------------------------------------- Host header ----
def test_the_host_header_never_reaches_a_url(client):
    evil = {"Host": EVIL, "X-Forwarded-Host": EVIL}
    r = client.get("/reconcile", headers=evil)
    assert r.status_code == 200 and EVIL not in r.text
    assert r.json()["documentation"] == "http://testserver/docs#/reconcile"
    assert r.json()["view"]["url"].startswith("http://testserver/reconcile/view")
    r = client.get("/reconcile/view", params={"id": "city/jp/14100"}, headers=evil,
                   follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "http://testserver/cities/yokohama"
    # Starlette's own redirect (to the path without its trailing slash) is built from the Host
    r = client.get("/reconcile/", headers=evil, follow_redirects=False)
    assert r.status_code in (307, 404) and EVIL not in r.headers.get("location", "")
    r = client.get("/reconcile/preview", params={"id": "city/jp/14100"}, headers=evil)
    assert r.status_code == 200 and EVIL not in r.text


def test_a_configured_public_url(seed_store, monkeypatch):
    monkeypatch.setenv("CITYKG_PUBLIC_URL", "https://citykg.example.org/kg/")
    with TestClient(create_app(store=seed_store)) as c:
        m = c.get("/reconcile", headers={"Host": EVIL}).json()
        assert m["documentation"] == "https://citykg.example.org/kg/docs#/reconcile"
        assert m["suggest"]["entity"]["service_url"] == "https://citykg.example.org/kg"
        r = c.get("/reconcile/view", params={"id": "city/jp/14100"}, headers={"Host": EVIL},
                  follow_redirects=False)
        assert r.headers["location"] == "https://citykg.example.org/kg/cities/yokohama"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x.example", "https://",
                                 "https://a.example/?q=1", "https://u:p@a.example",
                                 "https://a.example:port", "http://a b.example"])
def test_a_public_url_that_is_not_one_is_refused_by_name(seed_store, monkeypatch, url):
    monkeypatch.setenv("CITYKG_PUBLIC_URL", url)
    with pytest.raises(ValueError, match="CITYKG_PUBLIC_URL"):
        create_app(store=seed_store)


def test_under_uvicorn_urls_name_the_address_served(seed_store):
    command = [sys.executable, "-m", "uvicorn", "--factory", "citykg.api.app:create_app",
               "--host", "127.0.0.1", "--log-level", "warning"]
    with running_server(command, {"CITYKG_STORE": str(seed_store)}) as url:
        m = httpx.get(url + "/reconcile", headers={"Host": EVIL}, timeout=30).json()
        assert m["documentation"] == f"{url}/docs#/reconcile"
        r = httpx.get(url + "/reconcile/view", params={"id": "city/jp/14100"},
                      headers={"Host": EVIL}, timeout=30)
        assert r.status_code == 303 and r.headers["location"] == f"{url}/cities/yokohama"


# --------------------------------------------------------------------------- headers ----
@pytest.mark.parametrize("path", ["/", "/health", "/static/js/main.js", "/relations?city=横浜市",
                                  "/no/such/page", "/reconcile/preview?id=city/jp/14100",
                                  "/queries/documents?format=csv"])
def test_every_response_has_nosniff_and_a_policy(client, path):
    r = client.get(path)
    assert r.headers["x-content-type-options"] == "nosniff", path
    assert r.headers["content-security-policy"] == CSP, path


def test_the_policy_allows_no_inline_script_or_style():
    rules = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert rules["script-src"] == "'self'" and rules["style-src"] == "'self'"
    assert rules["object-src"] == "'none'" and rules["base-uri"] == "'none'"


class _Inline(HTMLParser):
    """Collects what a policy without 'unsafe-inline' refuses: inline scripts, event handler
    attributes, style attributes and elements."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        names = {k for k, _ in attrs}
        if tag == "script" and "src" not in names:
            self._script = True
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"<{tag} {k}>" for k in names if k.startswith("on") or k == "style"]

    def handle_endtag(self, tag):
        self._script = False

    def handle_data(self, data):
        if self._script and data.strip():
            self.found.append(f"inline script {data.strip()[:40]!r}")


def inline_parts(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    return parser.found


def test_the_explorer_and_the_preview_have_nothing_inline(client):
    assert inline_parts((STATIC_DIR / "index.html").read_text(encoding="utf-8")) == []
    assert inline_parts(client.get("/").text) == []
    preview = client.get("/reconcile/preview", params={"id": "city/jp/14100"}).text
    assert inline_parts(preview) == [], preview
    assert "横浜市" in preview


def test_the_api_pages_keep_working_policies(client):
    """/docs configures Swagger UI with an inline script: its page has its own policy."""
    r = client.get("/docs")
    assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff"
    assert "'unsafe-inline'" in r.headers["content-security-policy"]
