"""ASGI middleware for what every response and request share:

- `X-Content-Type-Options: nosniff` and a Content-Security-Policy on every response. The
  explorer loads its scripts and styles from /static only (no inline script or style
  attribute), so its policy allows nothing else; /docs and /redoc are FastAPI's pages, which
  configure Swagger UI and ReDoc with an inline script and may load them from a CDN.
- The request's `Host` header (any client sets it) replaced by the public address
  (deps.public_base), so that no URL the app or Starlette writes (a redirect to the path with
  or without its trailing slash, `request.url_for`) names a host a client chose.
"""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

from fastapi import Request
from starlette.datastructures import MutableHeaders

from citykg.api.deps import public_base

CSP = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "connect-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'none'",
    "form-action 'self'"])
CDN = "https://cdn.jsdelivr.net"
DOCS_CSP = "; ".join([
    "default-src 'self'", f"script-src 'self' 'unsafe-inline' {CDN}",
    f"style-src 'self' 'unsafe-inline' {CDN} https://fonts.googleapis.com",
    "img-src 'self' data: https:", "font-src 'self' data: https://fonts.gstatic.com",
    "worker-src 'self' blob:", "connect-src 'self'", "object-src 'none'", "base-uri 'none'"])
DOCS_PAGES = ("/docs", "/docs/oauth2-redirect", "/redoc")


def policy(path: str) -> str:
    return DOCS_CSP if path in DOCS_PAGES else CSP


@lru_cache(maxsize=64)
def _split(url: str) -> SplitResult:
    return urlsplit(url)


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        base = _split(public_base(Request(scope)))
        headers = [(k, v) for k, v in scope["headers"] if k != b"host"]
        scope = dict(scope, scheme=base.scheme,
                     headers=[(b"host", base.netloc.encode("ascii", "replace")), *headers])
        csp = policy(scope["path"])

        async def sending(message):
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                out.setdefault("x-content-type-options", "nosniff")
                out.setdefault("content-security-policy", csp)
            await send(message)

        await self.app(scope, receive, sending)
