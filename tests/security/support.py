"""Drivers shared by the security tests: both adapters in-process, raw sockets, a shared cache.

Everything here calls the real middleware (``adapters.asgi`` / ``adapters.wsgi``) with
real protocol objects (an ASGI scope and receive/send, a PEP 3333 environ and
``start_response``); nothing of the engine is mocked.

- :func:`call_asgi` / :func:`call_wsgi` run one request and return ``(status, headers, body)``
  with header names lowercased and values as ``str`` (latin-1), duplicates kept.
- :func:`asgi_sender` / :func:`wsgi_sender` / :func:`http_sender` adapt a middleware (or a
  live server) to :func:`cors_core.browser.simulate`'s ``send``.
- :func:`raw_http` sends hand-written bytes to a live server (for what httpx refuses to send).
- :class:`SharedCache` is a minimal RFC 9111 shared cache keyed by URL + ``Vary``.
"""

from __future__ import annotations

import io
import re
import socket
import sys
from collections.abc import Callable, Coroutine, Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

import httpx

from adapters.asgi import CORSMiddleware as ASGICORS
from adapters.wsgi import CORSMiddleware as WSGICORS

APP = "https://app.example.com"
EVIL = "https://evil.example.net"
HOST = "api.example.com"
ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
ACAM = "access-control-allow-methods"
ACAH = "access-control-allow-headers"
ACAPN = "access-control-allow-private-network"
PREFLIGHT_VARY = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)
CTRL_RE = re.compile(r"[\r\n\x00]")

Headers = list[tuple[str, str]]
Result = tuple[int, Headers, bytes]
#: Request headers as ``(name, value)``; ``str`` values are latin-1 encoded for ASGI.
RequestHeaders = Sequence[tuple[str | bytes, str | bytes]]


def _b(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1")


def _s(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


# ------------------------------------------------------------------------------ the apps


async def asgi_app(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
    """A plain ASGI app: 200, its own ``Vary``, and the request's path and Origin in the body."""
    origin = b""
    for name, value in scope["headers"]:
        if name == b"origin":
            origin = value
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/plain"),
                (b"vary", b"Accept-Encoding"),
                (b"x-app", b"1"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"app " + origin})


def wsgi_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """The WSGI twin of :func:`asgi_app`."""
    start_response(
        "200 OK",
        [("Content-Type", "text/plain"), ("Vary", "Accept-Encoding"), ("X-App", "1")],
    )
    return [b"app " + environ.get("HTTP_ORIGIN", "").encode("latin-1")]


# ------------------------------------------------------------------ in-process drivers


def drive(coro: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine that never really suspends (our apps do not), without an event loop.

    Much cheaper than ``asyncio.run`` per request, which matters for the fuzzer.
    """
    try:
        coro.send(None)
    except StopIteration:
        return
    coro.close()
    raise RuntimeError("the ASGI app suspended; use asyncio.run for it")


def asgi_scope(method: str, path: str, headers: RequestHeaders) -> dict[str, Any]:
    """A complete ASGI 3 HTTP scope; header names lowercased, values passed as given."""
    raw_path = _b(path)
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "scheme": "http",
        "method": method,
        # As servers do: the request target's bytes, percent-decoded once, read as UTF-8.
        "path": unquote_to_bytes(raw_path).decode("utf-8", "replace"),
        "raw_path": raw_path,
        "query_string": b"",
        "root_path": "",
        "headers": [(_b(n).lower(), _b(v)) for n, v in headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


def call_asgi(mw: Any, method: str, path: str = "/", headers: RequestHeaders = ()) -> Result:
    """One request through an ASGI app, in-process. Checks the message sequence."""
    sent: list[dict[str, Any]] = []
    incoming = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict[str, Any]:
        return incoming.pop() if incoming else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    drive(mw(asgi_scope(method, path, headers), receive, send))
    assert sent and sent[0]["type"] == "http.response.start", sent
    assert all(m["type"] == "http.response.body" for m in sent[1:]), sent
    out = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in sent[0]["headers"]]
    for name, value in sent[0]["headers"]:
        assert isinstance(name, bytes) and isinstance(value, bytes), (name, value)
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return int(sent[0]["status"]), out, body


def wsgi_environ(method: str, path: str, headers: RequestHeaders) -> dict[str, Any]:
    """A PEP 3333 environ; repeated headers are joined with ``,`` as WSGI servers do."""
    raw = _s(path)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote(raw, encoding="latin-1"),
        "REQUEST_URI": raw,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in headers:
        key = _s(name).upper().replace("-", "_")
        key = key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key
        text = _s(value)
        environ[key] = f"{environ[key]},{text}" if key in environ else text
    return environ


def call_wsgi(mw: Any, method: str, path: str = "/", headers: RequestHeaders = ()) -> Result:
    """One request through a WSGI app, in-process (start_response must be called once)."""
    return call_wsgi_environ(mw, wsgi_environ(method, path, headers))


def call_wsgi_environ(app: Any, environ: dict[str, Any]) -> Result:
    """One request, as ``environ``, through a WSGI app in-process; header names lowercase."""
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, hdrs: list[tuple[str, str]], exc_info: Any = None) -> Any:
        assert isinstance(status, str) and status[:3].isdigit(), status
        started.append((status, hdrs))
        return lambda data: None

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    assert len(started) == 1, started
    status, hdrs = started[0]
    for name, value in hdrs:
        assert type(name) is str and type(value) is str, (name, value)
    return int(status[:3]), [(n.lower(), v) for n, v in hdrs], body


Caller = Callable[..., Result]
ADAPTERS: dict[str, tuple[Callable[..., Any], Callable[..., Any], Caller]] = {
    "asgi": (ASGICORS, asgi_app, call_asgi),
    "wsgi": (WSGICORS, wsgi_app, call_wsgi),
}


@dataclass
class Stack:
    """One adapter kind wrapped around its plain app: ``stack(method, path, headers)``."""

    kind: str
    mw: Any

    def __call__(self, method: str, path: str = "/", headers: RequestHeaders = ()) -> Result:
        return ADAPTERS[self.kind][2](self.mw, method, path, headers)

    def sender(self, path: str = "/") -> Callable[[str, Sequence[tuple[str, str]]], Result]:
        """A ``send`` for :func:`cors_core.browser.simulate`."""

        def send(method: str, headers: Sequence[tuple[str, str]]) -> Result:
            return self(method, path, [("Host", HOST), *headers])

        return send


def stack(kind: str, policy: Any = None, **options: Any) -> Stack:
    """The ``kind`` ("asgi" or "wsgi") middleware around the plain app."""
    middleware, app, _ = ADAPTERS[kind]
    mw = middleware(app, policy=policy, **options)
    return Stack(kind, mw)


# ------------------------------------------------------------------------------ helpers


def values(headers: Iterable[tuple[str, str]], name: str) -> list[str]:
    """Every value of header ``name`` (case-insensitive), in order."""
    return [v for n, v in headers if n.lower() == name]


def one(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    """The single value of ``name``, ``None`` if absent; fails if it is repeated."""
    found = values(headers, name)
    assert len(found) <= 1, (name, found)
    return found[0] if found else None


def cors_names(headers: Iterable[tuple[str, str]]) -> set[str]:
    """The ``access-control-*`` response header names present."""
    return {n.lower() for n, _ in headers if n.lower().startswith("access-control-")}


def vary_tokens(headers: Iterable[tuple[str, str]]) -> list[str]:
    """All ``Vary`` tokens, lowercased, over every ``Vary`` line."""
    return [t.strip().lower() for v in values(headers, "vary") for t in v.split(",") if t.strip()]


def assert_clean_headers(headers: Iterable[tuple[str, str]]) -> None:
    """No response header name or value holds CR, LF or NUL."""
    for name, value in headers:
        assert not CTRL_RE.search(name) and not CTRL_RE.search(value), (name, value)


def http_sender(
    client: httpx.Client, path: str = "/"
) -> Callable[[str, Sequence[tuple[str, str]]], Result]:
    """A ``send`` for :func:`cors_core.browser.simulate` against a live server."""

    def send(method: str, headers: Sequence[tuple[str, str]]) -> Result:
        r = client.request(method, path, headers=list(headers))
        return r.status_code, [(n.lower(), v) for n, v in r.headers.multi_items()], r.content

    return send


def raw_http(base_url: str, request: bytes, timeout: float = 5.0) -> tuple[int, Headers, bytes]:
    """Send hand-written request bytes to a live server; parse the (single) response."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(request)
        chunks: list[bytes] = []
        while True:
            try:
                data = sock.recv(65536)
            except TimeoutError:
                break
            if not data:
                break
            chunks.append(data)
            if _complete(b"".join(chunks)):
                break
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = [
        (n.strip().lower(), v.strip()) for n, _, v in (ln.partition(":") for ln in lines[1:])
    ]
    return status, headers, body


def _complete(raw: bytes) -> bool:
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        return False
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return m is not None and len(body) >= int(m.group(1))


# ------------------------------------------------------------------------- shared cache


@dataclass
class SharedCache:
    """A minimal shared HTTP cache (RFC 9111 section 4.1): key = URL + the ``Vary``-named
    request headers of the stored response. ``Vary: *`` never matches. Every response is
    stored (as a CDN configured to cache everything would do)."""

    origin_server: Callable[[str, dict[str, str]], Result]
    entries: list[tuple[str, dict[str, str | None], Result]] = field(default_factory=list)
    hits: int = 0

    def get(self, url: str, headers: dict[str, str]) -> Result:
        """Serve from cache when a stored response's secondary key matches, else forward."""
        lower = {k.lower(): v for k, v in headers.items()}
        for stored_url, key, response in self.entries:
            if stored_url != url or "*" in key:
                continue
            if all(lower.get(name) == value for name, value in key.items()):
                self.hits += 1
                return response
        response = self.origin_server(url, headers)
        key = {name: lower.get(name) for name in vary_tokens(response[1])}
        self.entries.append((url, key, response))
        return response
