"""A small, polite client of Wikidata: the MediaWiki Action API (`wbsearchentities`,
`wbgetentities`) and the query service (SPARQL 1.1, results as SPARQL JSON).

- A User-Agent naming the tool and a contact, as Wikimedia's policy asks
  (CITYKG_CONTACT adds an e-mail or URL; CITYKG_USER_AGENT replaces the whole string).
- `wbgetentities` in batches of at most 50 ids (the API's limit for anonymous clients).
- Retries with back-off on 429 and 5xx (and on the API's `maxlag` error): the wait is the
  response's Retry-After (seconds or an HTTP date) when it gives one, else 1, 2, 4… seconds,
  at most `max_wait` each, `retries` times; network errors are retried likewise.
- One request at a time (the query service throttles parallel clients).
- A disk cache of successful answers (CITYKG_CACHE or ~/.cache/citykg/wikidata), keyed by URL
  and parameters, kept `cache_days` (7 by default).

Endpoints default to Wikidata's and can be pointed elsewhere (CITYKG_WIKIDATA_API,
CITYKG_WIKIDATA_SPARQL), which is how the tests run it against a local server.
"""
from __future__ import annotations

import email.utils
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import httpx

API_URL = "https://www.wikidata.org/w/api.php"
SPARQL_URL = "https://query.wikidata.org/sparql"
BATCH = 50
RETRY_STATUS = {429, 500, 502, 503, 504}
SPARQL_GET_LIMIT = 1800  # longer queries are POSTed as a form


class WikidataError(RuntimeError):
    """Wikidata could not be reached or answered with an error."""


def user_agent() -> str:
    if os.environ.get("CITYKG_USER_AGENT"):
        return os.environ["CITYKG_USER_AGENT"]
    contact = os.environ.get("CITYKG_CONTACT", "").strip()
    contact = f"; {contact}" if contact else ""
    return (f"citykg/0.1.0 (https://w3id.org/citykg/; a city-relations knowledge graph"
            f"{contact}) httpx/{httpx.__version__}")


def default_cache_dir() -> Path:
    if os.environ.get("CITYKG_CACHE"):
        return Path(os.environ["CITYKG_CACHE"]) / "wikidata"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "citykg" / "wikidata"


class WikidataClient:
    def __init__(self, api_url: str | None = None, sparql_url: str | None = None, *,
                 cache_dir: Path | str | None = None, cache_days: float = 7, retries: int = 5,
                 backoff: float = 1.0, max_wait: float = 120, timeout: float = 60,
                 sleep: Callable[[float], None] = time.sleep,
                 transport: httpx.BaseTransport | None = None):
        self.api_url = api_url or os.environ.get("CITYKG_WIKIDATA_API") or API_URL
        self.sparql_url = sparql_url or os.environ.get("CITYKG_WIKIDATA_SPARQL") or SPARQL_URL
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self.cache_seconds = cache_days * 86400
        self.retries, self.backoff, self.max_wait = retries, backoff, max_wait
        self.sleep = sleep
        self.requests = 0  # requests sent over the network (cache hits are not counted)
        self.waits: list[float] = []  # the back-off waits, in order
        self._http = httpx.Client(timeout=timeout, transport=transport, follow_redirects=True,
                                  headers={"User-Agent": user_agent(),
                                           "Accept-Encoding": "gzip"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> WikidataClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # the API ----------------------------------------------------------------------------
    def search(self, text: str, language: str = "en", limit: int = 7) -> list[dict]:
        """`wbsearchentities`: items whose label or alias matches `text` in `language`, each
        {"id", "label", "description", "match": {"type", "language", "text"}, …}."""
        body = self._get(self.api_url, {
            "action": "wbsearchentities", "search": text, "language": language,
            "uselang": language, "type": "item", "limit": str(limit), "strictlanguage": "0",
            "format": "json", "formatversion": "2", "maxlag": "5"})
        return list(body.get("search") or [])

    def entities(self, ids: Iterable[str], props: str = "labels|aliases|claims",
                 languages: str = "en|ja") -> dict[str, dict]:
        """`wbgetentities` for any number of ids, 50 a request: {qid: entity}. Missing items
        are left out; a redirected id maps to its target's entity."""
        ids = list(dict.fromkeys(ids))
        out: dict[str, dict] = {}
        for i in range(0, len(ids), BATCH):
            batch = ids[i:i + BATCH]
            body = self._get(self.api_url, {
                "action": "wbgetentities", "ids": "|".join(batch), "props": props,
                "languages": languages, "format": "json", "formatversion": "2",
                "maxlag": "5"})
            for key, entity in (body.get("entities") or {}).items():
                if "missing" in entity or not isinstance(entity, dict):
                    continue
                out[key] = entity
                redirect = entity.get("redirects") or {}
                if redirect.get("from"):
                    out[redirect["from"]] = entity
        return out

    def sparql(self, query: str) -> dict:
        """The query service's SPARQL JSON for a SELECT or ASK query."""
        if len(query) <= SPARQL_GET_LIMIT:
            return self._get(self.sparql_url, {"query": query}, sparql=True)
        return self._request("POST", self.sparql_url, {"query": query}, sparql=True)

    # transport ----------------------------------------------------------------------------
    def _get(self, url: str, params: dict, sparql: bool = False) -> dict:
        return self._request("GET", url, params, sparql)

    def _request(self, method: str, url: str, params: dict, sparql: bool = False) -> dict:
        key = hashlib.sha256(json.dumps([url, sorted(params.items())]).encode()).hexdigest()
        cached = self._cached(key)
        if cached is not None:
            return cached
        headers = {"Accept": "application/sparql-results+json" if sparql else "application/json"}
        for attempt in range(self.retries + 1):
            try:
                if method == "GET":
                    r = self._http.get(url, params=params, headers=headers)
                else:
                    r = self._http.post(url, data=params, headers=headers)
                self.requests += 1
            except httpx.TransportError as exc:
                if attempt == self.retries:
                    raise WikidataError(f"{url}: {exc}") from exc
                self._wait(None, attempt)
                continue
            if r.status_code in RETRY_STATUS:
                if attempt == self.retries:
                    raise WikidataError(f"{url}: HTTP {r.status_code} after {attempt + 1} tries")
                self._wait(r.headers.get("Retry-After"), attempt)
                continue
            if r.status_code != 200:
                raise WikidataError(f"{url}: HTTP {r.status_code}: {r.text[:200]}")
            try:
                body = r.json()
            except ValueError as exc:
                raise WikidataError(f"{url}: not JSON: {r.text[:200]!r}") from exc
            error = body.get("error") if isinstance(body, dict) else None
            if error and error.get("code") == "maxlag" and attempt < self.retries:
                self._wait(r.headers.get("Retry-After"), attempt)
                continue
            if error:
                raise WikidataError(f"{url}: {error.get('code')}: {error.get('info')}")
            self._store(key, body)
            return body
        raise WikidataError(f"{url}: no answer")  # pragma: no cover

    def _wait(self, retry_after: str | None, attempt: int) -> None:
        wait = _retry_after(retry_after)
        if wait is None:
            wait = self.backoff * 2 ** attempt
        wait = max(0.0, min(wait, self.max_wait))
        self.waits.append(wait)
        self.sleep(wait)

    def _cached(self, key: str) -> dict | None:
        path = self.cache_dir / key[:2] / f"{key}.json"
        try:
            if time.time() - path.stat().st_mtime > self.cache_seconds:
                return None
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _store(self, key: str, body: dict) -> None:
        path = self.cache_dir / key[:2] / f"{key}.json"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
            tmp.replace(path)
        except OSError:
            pass  # a cache that cannot be written is no reason to fail


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: a number of seconds, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
