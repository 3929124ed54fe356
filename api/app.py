"""The HTTP API: `create_app()` wires settings, the backend, the caches and one router per
resource. `uvicorn citykg.api.app:app` builds the app from the environment on first use;
`citykg serve` runs `create_app` as a factory.

The settings are read from the environment once, here (`citykg.api.deps.Settings` lists
them), and reach the routers through `Depends` (`deps.AppSettings`, `deps.Holder`).
"""
from __future__ import annotations

import asyncio
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from citykg.api.cache import OrjsonResponse, ResponseCache
from citykg.api.canned import load_queries
from citykg.api.deps import BackendHolder, PerVersion, Settings
from citykg.api.evaluate import QueryFailed
from citykg.api.graph import RelationGraph
from citykg.api.headers import SecurityHeaders
from citykg.api.precompute import Precomputed
from citykg.api.routers import cities, health, queries, reconcile, relations, sparql, ui, wikidata
from citykg.api.runner import CloseWhenRetiring, QueryRunner
from citykg.api.search import CityIndex
from citykg.core.backends import Backend
from citykg.core.paths import SPARQL_DIR
from citykg.core.store import StoreError

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
DESCRIPTION = """A knowledge graph of the international relations of cities (sister cities,
friendship and partner agreements, overseas offices, networks, aid, programs and budgets),
read from Japanese municipal reports, every fact traced to its document and lines.

- **/relations**, **/cities**, **/paths**: relationship lookup by any name of a city.
- **/queries**: canned SPARQL queries with typed parameters, paged, as JSON, SPARQL JSON or CSV.
- **/sparql**: the SPARQL 1.1 endpoint (read-only).
"""


def create_app(backend: Backend | None = None, store: Path | str | None = None,
               endpoint: str | None = None) -> FastAPI:
    settings = Settings.from_env(store, endpoint)
    holder = BackendHolder(settings, backend)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # the name index before the first request (uvicorn accepts once this returns): a fresh
        # worker, replacing a retired one, must not answer its first lookups late
        await asyncio.to_thread(_warm, app)
        threading.Thread(target=app.state.precomputed.watch, daemon=True, name="citykg-watch",
                         args=(holder, settings.refresh_seconds)).start()
        yield
        app.state.runner.exit_if_abandoned()

    # /docs and /redoc with Swagger UI and ReDoc from the package, not a CDN: they work offline
    app = FastAPIOffline(title="citykg", version="0.1.0", description=DESCRIPTION,
                  default_response_class=OrjsonResponse, lifespan=lifespan)
    app.state.settings = settings
    app.state.holder = holder
    app.state.runner = QueryRunner(settings.query_timeout)
    app.state.cache = ResponseCache()
    app.state.inflight = {}  # cache keys being computed: see cache.cached
    app.state.index = PerVersion(CityIndex)
    app.state.graph = PerVersion(RelationGraph)
    app.state.reconcile_orgs = PerVersion(reconcile.organisations)
    app.state.queries = load_queries(SPARQL_DIR)
    app.state.precomputed = Precomputed(app.state.queries)
    for module in (health, relations, cities):
        app.include_router(module.router)
    app.include_router(queries.build_router(app.state.queries))
    for module in (sparql, reconcile, wikidata):  # /sparql, /reconcile, /wikidata
        app.include_router(module.router)
    app.add_middleware(sparql.FastPath)
    app.add_middleware(CloseWhenRetiring)
    app.add_middleware(SecurityHeaders)  # the outermost: on every response
    app.include_router(ui.router)  # the explorer page at /, its /static files, /sources, /places

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 405:  # Allow: the methods of every route at the path, not one's
            methods = [m for m in METHODS if any(
                r.matches({**request.scope, "method": m})[0] == Match.FULL for r in app.router.routes)]
            exc.headers = {**(exc.headers or {}), "Allow": ", ".join(methods)}
        return await http_exception_handler(request, exc)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> OrjsonResponse:
        return OrjsonResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(QueryFailed)
    async def query_failed(request: Request, exc: QueryFailed) -> OrjsonResponse:
        return OrjsonResponse({"detail": exc.message, "error": exc.message}, status_code=exc.status)

    return app


def _warm(app: FastAPI) -> None:
    """What the first calls would otherwise wait for: the name index, and each canned query's
    SERVICE check (a parse of the query text)."""
    try:
        app.state.index.get(app.state.holder)
    except Exception:  # noqa: BLE001 - the first search will build it and report the error
        pass
    for q in app.state.queries:
        try:
            queries.without_forbidden_services(q.text, q.text, app.state.settings.service_allow)
        except HTTPException:  # refused: the call says so
            pass


def __getattr__(name: str):
    """`app`, built from the environment on first use (for `uvicorn citykg.api.app:app`)."""
    if name == "app":
        global app
        app = create_app()
        return app
    raise AttributeError(name)
