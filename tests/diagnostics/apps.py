"""Apps the diagnostics tests serve on 127.0.0.1: one behind our middleware, one with
deliberately broken hand-written CORS (the kind of code people paste from answers)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from adapters.asgi import CORSMiddleware

APP_ORIGIN = "https://app.example.com"

GOOD_OPTIONS: dict[str, Any] = {
    "allow_origins": [APP_ORIGIN, "https://*.example.org"],
    "allow_methods": ["GET", "POST", "PUT", "DELETE"],
    "allow_headers": ["x-api-key", "content-type"],
    "expose_headers": ["x-total-count"],
    "allow_credentials": True,
    "max_age": 600,
}


async def plain_asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A tiny JSON-ish endpoint: every path answers 200 with ``X-Total-Count``."""
    if scope["type"] != "http":
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"x-total-count", b"3")],
        }
    )
    await send({"type": "http.response.body", "body": b'{"items": 3}'})


def good_app(debug: bool = False) -> CORSMiddleware:
    """Our ASGI middleware around :func:`plain_asgi`."""
    return CORSMiddleware(plain_asgi, debug=debug, **GOOD_OPTIONS)


StartResponse = Callable[..., Any]


def broken_wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """Hand-written CORS with a classic bug per path.

    - ``/slash``: Access-Control-Allow-Origin with a trailing slash;
    - ``/no-credentials``: echoes the origin but never sends Allow-Credentials;
    - ``/wildcard``: ``*`` together with ``Allow-Credentials: true``;
    - ``/methods``: preflight allows only GET, POST;
    - ``/no-options``: CORS headers everywhere, but OPTIONS is routed to a 405;
    - ``/twice``: two Access-Control-Allow-Origin headers (proxy + app);
    - ``/redirect``: the preflight is redirected to a trailing-slash URL.
    """
    path = environ.get("PATH_INFO", "/")
    method = environ["REQUEST_METHOD"]
    origin = environ.get("HTTP_ORIGIN", "")
    headers = [("Content-Type", "text/plain")]
    status = "200 OK"
    if path == "/slash":
        headers.append(("Access-Control-Allow-Origin", origin + "/"))
    elif path == "/no-credentials":
        headers.append(("Access-Control-Allow-Origin", origin))
    elif path == "/wildcard":
        headers += [
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Credentials", "true"),
        ]
    elif path == "/methods":
        headers += [
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Methods", "GET, POST"),
            ("Access-Control-Allow-Headers", "content-type"),
        ]
    elif path == "/no-options":
        headers.append(("Access-Control-Allow-Origin", origin))
        if method == "OPTIONS":
            status = "405 Method Not Allowed"
    elif path == "/twice":
        headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Origin", "*")]
    elif path == "/redirect" and method == "OPTIONS":
        status = "301 Moved Permanently"
        headers += [("Location", "/redirect/"), ("Access-Control-Allow-Origin", origin)]
    if method == "OPTIONS" and status == "200 OK":
        status = "204 No Content"
        start_response(status, headers)
        return []
    start_response(status, headers)
    return [b"hello"]


async def wildcard_headers_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Hand-written CORS answering the literal '*' for origins, methods and headers (the
    case where Chrome and the Fetch standard disagree on ``Authorization``)."""
    if scope["type"] != "http":
        return
    cors = [(b"access-control-allow-origin", b"*")]
    if scope["method"] == "OPTIONS":
        cors += [(b"access-control-allow-headers", b"*"), (b"access-control-allow-methods", b"*")]
        await send({"type": "http.response.start", "status": 204, "headers": cors})
        await send({"type": "http.response.body", "body": b""})
        return
    headers = [*cors, (b"content-type", b"text/plain")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"ok"})
