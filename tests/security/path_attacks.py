"""Path-encoding attacks on ``PathRules``: the rule table, the cases, the apps and the drivers.

Design rule 11: per-path rules judge the path the application *routes* (percent-decoded,
``.``/``..`` resolved, repeated slashes collapsed, case-sensitive, ``+`` kept, decoded exactly
once), never the raw request line. With :func:`make_rules`, ``/api/*`` allows one origin with
credentials and ``/api/internal/*`` has no CORS at all, so every spelling of an internal path
(``/api/%69nternal/secrets``, ``/api%2Finternal/secrets``, ...) must get no CORS header.

Used by ``tests/security/test_path_encoding.py`` (in-process and real servers) and
``tests/e2e/test_chromium_paths.py`` (real Chromium). What lives here:

- :func:`make_rules` / :data:`TABLES`: the rule table, without or with an open default;
- :data:`CASES`: raw request targets, where the application routes each, and why;
- :func:`asgi_scope` / :func:`waitress_environ` / :func:`werkzeug_environ`: the request as
  uvicorn (h11), waitress and werkzeug's dev server really build it from a raw target;
- the apps that route as a real application does: FastAPI (:func:`fastapi_app`), Flask
  (:func:`flask_app`) and Django (:data:`urlpatterns`, :class:`RulesCORS`); each answers
  JSON ``{"view": "internal" | "api", "path": <the path it routed>}``;
- :func:`serve_werkzeug` (werkzeug's ``make_server``; ``tests.servers`` has uvicorn and
  waitress) and :func:`raw_request` (exact bytes over a socket, so nothing normalises the path).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

import flask
from django.http import JsonResponse  # type: ignore[import-untyped]
from django.urls import re_path  # type: ignore[import-untyped]
from fastapi import FastAPI, Request

from adapters.asgi import CORSMiddleware as ASGICORSMiddleware
from adapters.django import CORSMiddleware as DjangoCORSMiddleware
from adapters.flask import CORS
from cors_core import CORSPolicy, PathRules
from tests.security.support import APP, Result, call_wsgi_environ, raw_http
from tests.servers import free_port

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Any], Awaitable[None]]

PREFIX_RULE = "/api/*"
INTERNAL_RULE = "/api/internal/*"


#: The two rule tables: no CORS outside the rules, or the ``/api/*`` policy as the default too
#: ("CORS everywhere but /api/internal"), where a path that dodges every rule gets CORS.
TABLES = ("default-none", "default-open")


def make_rules(origin: str = APP, table: str = "default-none") -> PathRules:
    """``/api/*``: ``origin`` with credentials; ``/api/internal/*``: no CORS; paths no rule
    covers: no CORS (``"default-none"``) or the ``/api/*`` policy (``"default-open"``)."""
    policy = CORSPolicy(allow_origins=[origin], allow_credentials=True)
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; expected one of {TABLES}")
    return PathRules(
        {PREFIX_RULE: policy, INTERNAL_RULE: None},
        default=policy if table == "default-open" else None,
    )


@dataclass(frozen=True)
class Case:
    """One raw request target, where the application routes it, and why.

    ``routes_to`` is ``"internal"`` (under ``/api/internal``: never CORS), ``"api"`` (under
    ``/api`` only: ACAO + credentials) or ``"outside"`` (no rule: the table's default).
    """

    target: str
    routes_to: str
    why: str

    def cors(self, table: str) -> bool:
        """Whether an allowed Origin gets ACAO + credentials here under ``table``."""
        return self.routes_to == "api" or (self.routes_to == "outside" and table == "default-open")


CASES: tuple[Case, ...] = (
    # Routed under /api/internal: no CORS whatever the spelling.
    Case("/api/internal/secrets", "internal", "control: the plain spelling"),
    Case("/api/%69nternal/secrets", "internal", "%69 is 'i'"),
    Case("/api%2Finternal/secrets", "internal", "%2F is '/': every server decodes it"),
    Case("/api%2finternal/secrets", "internal", "lower-case hex digits"),
    Case("/api/%69%6E%74%65%72%6E%61%6C/secrets", "internal", "all escaped, mixed-case hex"),
    Case("/api//internal/secrets", "internal", "repeated slashes collapse"),
    Case("/api/./internal/secrets", "internal", "'.' segment"),
    Case("/api/x/../internal/secrets", "internal", "'..' segment"),
    Case("/api/x/%2e%2e/internal/secrets", "internal", "escaped '..'"),
    Case("/api/x/%2E%2e/internal/secrets", "internal", "escaped '..', mixed case"),
    Case("/api/public/%2e%2e/internal/secrets", "internal", "escaped '..' out of /api/public"),
    Case("/api/internal/a+b", "internal", "'+' stays '+': still under /api/internal"),
    Case(
        "/api/internal/..%2Fpublic",
        "internal",
        "'..' after an encoded '/': routers serve /api/internal/../public from /api/internal",
    ),
    Case("/api/internal/..%2F..%2Fpublic", "internal", "two of them: still the internal view"),
    # Routed under /api but not /api/internal: ACAO + credentials.
    Case("/api/public", "api", "control: the plain spelling"),
    Case("/api/%70ublic", "api", "decodes to /api/public"),
    Case("/api/internal+x/y", "api", "'+' is neither a space nor a '/'"),
    Case("/api/%c0%afinternal/x", "api", "overlong UTF-8 '/' is invalid UTF-8, never a '/'"),
    Case("/api/%e0%80%afinternal/x", "api", "3-byte overlong '/': invalid UTF-8, never a '/'"),
    Case("/api/%c0%ae%c0%ae/internal/x", "api", "overlong '.' is never a dot: no '..'"),
    Case("/api/%2569nternal/secrets", "api", "decoded once: a literal '%69nternal' segment"),
    Case("/api/%252e%252e/internal/x", "api", "decoded once: a literal '%2e%2e', not '..'"),
    Case("/api/caf%C3%A9", "api", "valid UTF-8 outside ASCII (PATH_INFO holds it as latin-1)"),
    Case(
        "/api/%E2%82%AC", "api", "valid UTF-8 outside latin-1 (Django's ASGI META holds '\u20ac')"
    ),
    # No rule: the default.
    Case("/API/internal/x", "outside", "case-sensitive: neither /api/* nor /api/internal/*"),
)

#: Spellings every framework serves from the internal view (decoding only, no dot segments).
REACH_INTERNAL: tuple[str, ...] = (
    "/api/%69nternal/secrets",
    "/api%2Finternal/secrets",
    "/api%2finternal/secrets",
    "/api/%69%6E%74%65%72%6E%61%6C/secrets",
)


# ----------------------------------------------------------- requests as servers build them


def asgi_scope(method: str, target: str, headers: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The HTTP scope uvicorn (h11) builds: ``path`` = ``unquote(raw)`` (UTF-8, invalid bytes
    replaced by U+FFFD), ``raw_path`` = the raw target's bytes, ``root_path`` = ``""``."""
    raw_path, _, query = target.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": method,
        "root_path": "",
        "path": unquote(raw_path),
        "raw_path": raw_path.encode("ascii"),
        "query_string": query.encode("ascii"),
        "headers": [(b"host", b"127.0.0.1:8000")]
        + [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers],
    }


def _environ(method: str, path_info: str, query: str, headers: Sequence[tuple[str, str]]) -> Any:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in headers:
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def waitress_environ(method: str, target: str, headers: Sequence[tuple[str, str]]) -> Any:
    """The environ waitress builds: ``PATH_INFO`` = the decoded *bytes* as latin-1
    (PEP 3333), ``REQUEST_URI`` = the raw target, no ``RAW_URI``."""
    raw_path, _, query = target.partition("?")
    environ = _environ(method, unquote_to_bytes(raw_path).decode("latin-1"), query, headers)
    environ["REQUEST_URI"] = target
    return environ


def werkzeug_environ(method: str, target: str, headers: Sequence[tuple[str, str]]) -> Any:
    """The environ werkzeug's dev server builds: ``RAW_URI`` and ``REQUEST_URI`` = the raw
    target, ``PATH_INFO`` = ``unquote(raw)`` (UTF-8, errors replaced) re-encoded UTF-8 and
    read as latin-1, so invalid UTF-8 arrives as the latin-1 of U+FFFD's UTF-8 bytes."""
    raw_path, _, query = target.partition("?")
    path_info = unquote(raw_path).encode("utf-8").decode("latin-1")
    environ = _environ(method, path_info, query, headers)
    environ["RAW_URI"] = environ["REQUEST_URI"] = target
    return environ


def call_asgi_app(app: Any, scope: dict[str, Any]) -> Result:
    """One request through an ASGI app in-process; ``(status, headers, body)`` (names lowercase)."""
    sent: list[Message] = []
    incoming = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> Message:
        return incoming.pop() if incoming else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    assert sent and sent[0]["type"] == "http.response.start", sent
    headers = [(n.decode("latin-1").lower(), v.decode("latin-1")) for n, v in sent[0]["headers"]]
    return int(sent[0]["status"]), headers, b"".join(m.get("body", b"") for m in sent[1:])


#: One request, as an environ, through a WSGI app in-process (names lowercase).
call_wsgi_app = call_wsgi_environ


# ------------------------------------------------------------------------------ the apps


async def routed_asgi_app(scope: Scope, receive: Any, send: Any) -> None:
    """A bare ASGI app: 200 with ``{"view": ..., "path": scope["path"]}``."""
    path = scope["path"]
    view = "internal" if path.startswith("/api/internal/") else "api"
    body = json.dumps({"view": view, "path": path}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def routed_wsgi_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """The WSGI twin of :func:`routed_asgi_app` (path: ``PATH_INFO`` read back as UTF-8)."""
    path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "replace")
    view = "internal" if path.startswith("/api/internal/") else "api"
    body = json.dumps({"view": view, "path": path}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def fastapi_app(rules: PathRules) -> Any:
    """FastAPI with ``/api/internal/{rest:path}`` and ``/api/{rest:path}`` (GET only), and
    ``app.add_middleware(adapters.asgi.CORSMiddleware, policy=rules)``."""
    app = FastAPI()
    app.add_middleware(ASGICORSMiddleware, policy=rules)

    @app.get("/api/internal/{rest:path}")
    async def internal(rest: str, request: Request) -> dict[str, str]:
        return {"view": "internal", "path": request.url.path}

    @app.get("/api/{rest:path}")
    async def api(rest: str, request: Request) -> dict[str, str]:
        return {"view": "api", "path": request.url.path}

    return app


def flask_app(rules: PathRules) -> Any:
    """Flask with ``/api/internal/<path:rest>`` and ``/api/<path:rest>`` (GET only), and
    ``adapters.flask.CORS(app, policy=rules)``."""
    app = flask.Flask("path_attacks")

    @app.get("/api/internal/<path:rest>")
    def internal(rest: str) -> dict[str, str]:
        return {"view": "internal", "path": flask.request.path}

    @app.get("/api/<path:rest>")
    def api(rest: str) -> dict[str, str]:
        return {"view": "api", "path": flask.request.path}

    CORS(app, policy=rules)
    return app


def _django_view(name: str) -> Callable[..., Any]:
    def view(request: Any, rest: str) -> Any:
        return JsonResponse({"view": name, "path": request.path})

    return view


#: ``ROOT_URLCONF = "tests.security.path_attacks"``: the same two routes as the other apps.
urlpatterns = [
    re_path(r"^api/internal/(?P<rest>.*)$", _django_view("internal")),
    re_path(r"^api/(?P<rest>.*)$", _django_view("api")),
]


class RulesCORS(DjangoCORSMiddleware):
    """``MIDDLEWARE = ["tests.security.path_attacks.RulesCORS"]``: the Django middleware with
    :func:`make_rules` as its policy (a subclass, so no ``CORS_*`` setting is involved)."""

    policy = make_rules()


class OpenDefaultRulesCORS(DjangoCORSMiddleware):
    """:class:`RulesCORS` with the ``"default-open"`` table."""

    policy = make_rules(table="default-open")


def django_settings(table: str) -> dict[str, Any]:
    """The settings a Django server of this module runs with (``override_settings(**...)``)."""
    middleware = RulesCORS if table == "default-none" else OpenDefaultRulesCORS
    return {
        "ROOT_URLCONF": __name__,
        "MIDDLEWARE": [f"{__name__}.{middleware.__name__}"],
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost"],
        "DEBUG": False,
        "APPEND_SLASH": False,
    }


# ----------------------------------------------------------------------------- servers


@contextlib.contextmanager
def serve_werkzeug(app: Any) -> Iterator[str]:
    """Run a WSGI app under werkzeug's dev server (``make_server``, threaded); yield its URL."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log(self, type: str, message: str, *args: Any) -> None:
            pass

    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def raw_request(
    base_url: str, method: str, target: str, headers: Sequence[tuple[str, str]] = ()
) -> Result:
    """``method target HTTP/1.1`` sent byte for byte (``Connection: close``); a chunked
    body is returned de-chunked."""
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers]
    status, got, body = raw_http(base_url, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    if any(n == "transfer-encoding" and "chunked" in v.lower() for n, v in got):
        body = _dechunk(body)
    return status, got, body


def _dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out, data = out + rest[:size], rest[size + 2 :]
    return out
