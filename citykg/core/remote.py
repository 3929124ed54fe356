"""A remote SPARQL 1.1 endpoint (e.g. `oxigraph serve`) behind GraphStore's interface.

Reads ask for SPARQL JSON results or N-Triples and check that the body parses completely:
`oxigraph serve --timeout-s` cancels a query mid-stream yet answers HTTP 200, its body cut
and ending in "The SPARQL operation has been cancelled" — such a body is an error, never
results. Queries run against the union of the named graphs, like the embedded store
(`union-default-graph` on the query URL; oxigraph's default graph is its own otherwise).
Writes (`replace_graphs`) send one SPARQL Update request, which oxigraph runs in one
transaction, like GraphStore.
"""
from __future__ import annotations

import asyncio
import json
import time
import weakref
from collections.abc import Iterable, Mapping

import httpx
import pyoxigraph as ox

from citykg import sparql
from citykg.core.store import StoreError, replace_graphs_update
from citykg.core.terms import META_GRAPH
from citykg.core.terms import STORE_VERSION as _VERSION

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
ACCEPT = f"{RESULTS_JSON}, {N_TRIPLES};q=0.9"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("citykg")
    except PackageNotFoundError:
        return "dev"


USER_AGENT = f"citykg/{_version()} (+https://w3id.org/citykg; SPARQL client)"


class RemoteError(StoreError):
    """The endpoint refused, failed, timed out or sent a cut body. `status` is an HTTP status
    fit for our own clients: 400 for the caller's mistake, 502/504 for the endpoint's."""

    def __init__(self, message: str, status: int = 502):
        super().__init__(message)
        self.status = status


def _base(endpoint: str) -> str:
    return endpoint[: -len("/query")] if endpoint.rstrip("/").endswith("/query") else ""


class RemoteBackend:
    def __init__(self, endpoint_url: str, update_url: str | None = None,
                 graph_store_url: str | None = None, timeout: float = 10,
                 union_default_graph: bool = True, max_bytes: int = 512 << 20):
        self.endpoint_url = endpoint_url.rstrip("/")
        base = _base(self.endpoint_url)
        self.update_url = update_url or (base + "/update" if base else None)
        self.graph_store_url = graph_store_url or (base + "/store" if base else None)
        self.timeout, self.max_bytes = timeout, max_bytes
        self.params = {"union-default-graph": ""} if union_default_graph else {}
        self._client = httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT})
        self._async: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._version: tuple[float, str] | None = None
        self.read_only = self.update_url is None

    # reading -----------------------------------------------------------------------------
    def _post(self, sparql: str) -> tuple[str, bytes]:
        """(content type, body) of a query, read within `timeout` s and `max_bytes`."""
        deadline, chunks, size = time.monotonic() + self.timeout, [], 0
        try:
            with self._client.stream("POST", self.endpoint_url, params=self.params,
                                     data={"query": sparql}, headers={"Accept": ACCEPT}) as resp:
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise RemoteError(f"the result is larger than {self.max_bytes} bytes",
                                          413)
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("deadline")
                    chunks.append(chunk)
        except httpx.TimeoutException as exc:
            raise RemoteError(f"{self.endpoint_url} did not answer within {self.timeout:g} s",
                              504) from exc
        except httpx.RemoteProtocolError as exc:
            raise RemoteError(f"the answer of {self.endpoint_url} was cut off: {exc}",
                              504) from exc
        except httpx.HTTPError as exc:
            raise RemoteError(f"{self.endpoint_url}: {exc}") from exc
        body = b"".join(chunks)
        check_status(resp.status_code, body.decode("utf-8", "replace"), self.endpoint_url)
        return resp.headers.get("content-type", ""), body

    def query(self, sparql: str):
        """pyoxigraph results: QuerySolutions, QueryBoolean or a list of Triples."""
        ctype, body = self._post(sparql)
        return parse_body(ctype, body, self.endpoint_url)

    def select(self, sparql: str) -> list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]:
        result = self.query(sparql)
        if not isinstance(result, ox.QuerySolutions):
            raise RemoteError("select() needs a SELECT query", 400)
        names = [v.value for v in result.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in result]

    def ask(self, sparql: str) -> bool:
        return bool(self.query(sparql))

    def construct(self, sparql: str) -> list[ox.Triple]:
        result = self.query(sparql)
        if not isinstance(result, list):
            raise RemoteError("construct() needs a CONSTRUCT or DESCRIBE query", 400)
        return result

    def graphs(self) -> list[str]:
        rows = self.select(sparql.text("named-graphs"))
        return sorted(r["g"].value for r in rows if r["g"] != META_GRAPH)

    def count(self, graph: str | None = None) -> int:
        rows = self.select(sparql.text("count-triples", {"g": ox.NamedNode(graph)} if graph else {}))
        return int(rows[0]["n"].value)

    def version(self, max_age: float = 2.0) -> str:
        """The store version GraphStore writes to the meta graph, cached `max_age` seconds."""
        now = time.monotonic()
        if self._version and now - self._version[0] < max_age:
            return self._version[1]
        rows = self.select(sparql.text("store-version", meta=META_GRAPH, version=_VERSION))
        value = rows[0]["v"].value if rows else "0"
        self._version = (now, value)
        return value

    # writing -----------------------------------------------------------------------------
    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple | ox.Quad]]) -> None:
        """Replace each named graph, and bump the version, in one SPARQL Update request."""
        if not self.update_url:
            raise StoreError(f"{self.endpoint_url}: no update endpoint configured")
        try:
            resp = self._client.post(self.update_url, content=replace_graphs_update(graphs).encode(),
                                     headers={"Content-Type": "application/sparql-update"},
                                     timeout=max(self.timeout, 300))
        except httpx.HTTPError as exc:
            raise RemoteError(f"{self.update_url}: {exc} (the update may not have run)") from exc
        check_status(resp.status_code, resp.text, self.update_url)
        self._version = None

    def drop_graph(self, name: str) -> None:
        self.replace_graphs({name: []})

    def flush(self) -> None:
        pass

    # forwarding raw requests (the /sparql endpoint) ----------------------------------------
    def _aclient(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._async.get(loop)
        if client is None:
            client = httpx.AsyncClient(headers={"User-Agent": USER_AGENT}, timeout=self.timeout)
            self._async[loop] = client
        return client

    async def fetch(self, sparql: str, accept: str, max_bytes: int,
                    default_graphs: Iterable[str] = (), named_graphs: Iterable[str] = (),
                    timeout: float | None = None) -> tuple[str, bytes]:
        """POST a query, read at most `max_bytes`, within `timeout` s: (content type, body).
        The body is not validated yet: see parse_body."""
        timeout = timeout or self.timeout
        params = [("default-graph-uri", g) for g in default_graphs]
        params += [("named-graph-uri", g) for g in named_graphs]
        if not params:
            params = list(self.params.items())
        chunks, size = [], 0
        try:
            async with asyncio.timeout(timeout):
                async with self._aclient().stream(
                        "POST", self.endpoint_url, params=params, data={"query": sparql},
                        headers={"Accept": accept}) as resp:
                    async for chunk in resp.aiter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise RemoteError(f"the result is larger than {max_bytes} bytes; "
                                              "add a LIMIT", 413)
                        chunks.append(chunk)
        except (TimeoutError, httpx.TimeoutException):
            raise RemoteError(f"query exceeded the time limit of {timeout:g} s "
                              f"(remote endpoint {self.endpoint_url})", 504) from None
        except httpx.RemoteProtocolError as exc:
            raise RemoteError(f"the remote endpoint's answer was cut off: {exc}", 504) from exc
        except httpx.HTTPError as exc:
            raise RemoteError(f"cannot query the remote endpoint {self.endpoint_url}: {exc}"
                              ) from exc
        body = b"".join(chunks)
        check_status(resp.status_code, body.decode("utf-8", "replace"), self.endpoint_url)
        return resp.headers.get("content-type", ""), body

    def close(self) -> None:
        self._client.close()


def check_status(status: int, text: str, url: str) -> None:
    if status < 300:
        return
    text = text.strip()[:500]
    if status in (400, 406, 415):  # the caller's query or format: pass the message on
        raise RemoteError(text or f"{url} answered {status}", 400 if status == 400 else status)
    raise RemoteError(f"{url} answered HTTP {status}: {text}")


def parse_body(content_type: str, body: bytes, url: str = "the remote endpoint"):
    """Results from a body that must parse completely: a cut or error-tailed body raises."""
    media = content_type.split(";")[0].strip().lower()
    try:
        if media in (RESULTS_JSON, "application/json"):
            json.loads(body)  # the whole document, nothing after it
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        if media in (N_TRIPLES, "text/plain"):
            return [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
    except (ValueError, SyntaxError) as exc:
        tail = body[-120:].decode("utf-8", "replace")
        raise RemoteError(f"{url} sent an incomplete or invalid answer (cancelled or cut "
                          f"off?): {exc}; it ends with {tail!r}", 504) from exc
    raise RemoteError(f"{url} answered with unexpected content type {content_type!r}")
