"""Security headers on every console response: no framing (clickjacking), a Content-Security-Policy that
allows only the console's own scripts and styles (no inline script, no eval: htmx is configured by a meta
tag), no MIME sniffing, no referrer leaving the site, and nothing kept in a shared cache.

A plain ASGI middleware rather than Starlette's BaseHTTPMiddleware: the intake API shares the app, and this
costs a path comparison per request there.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PREFIX = "/review"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class ConsoleHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if not scope["path"].startswith(f"{PREFIX}/static/"):
                    headers["Cache-Control"] = "no-store"  # pages hold lead data
            await send(message)

        await self.app(scope, receive, with_headers)
