"""The API under test: one small app on four stacks, and a record of what the server saw.

Every stack answers any path with the same JSON echo (``respond``) and two extra response
headers, ``X-Exposed`` and ``X-Hidden``; paths starting with ``/fail`` answer 500, and
paths starting with ``/raise`` raise an exception. Two
records are kept per server:

- ``log.wire``: every request that reached the server (outside the CORS middleware, so
  preflights the middleware answers are in it), with its status and response headers;
- ``log.app``: the requests the application itself handled (inside the middleware).

Usage::

    with serve_api("fastapi", {"allow_origins": ["http://localhost:8001"]}) as api:
        ...  # the browser calls api.url + "/items"
        assert api.log.calls() == [("OPTIONS", "/items", 204), ("PUT", "/items", 200)]
        assert api.log.app == [("PUT", "/items")]
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import (
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    Sequence,
)
from dataclasses import dataclass
from typing import Any

import flask
import httpx
from fastapi import FastAPI, Request
from fastapi import Response as FastAPIResponse

from cors_core import CORSPolicy
from cors_core.browser import HeadersLike, Response, Trip, simulate
from tests.servers import serve_asgi, serve_wsgi

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

STACKS = ("asgi", "wsgi", "fastapi", "flask")
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
#: Request headers kept in the wire record (lowercase).
SELECTED = (
    "origin",
    "cookie",
    "authorization",
    "x-custom",
    "x-refused",
    "content-type",
    "access-control-request-method",
    "access-control-request-headers",
)
EXPOSED_VALUE = "exposed-value"
HIDDEN_VALUE = "hidden-value"


@dataclass(frozen=True)
class Seen:
    """One request as the server received it, and the status/headers it answered with."""

    method: str
    path: str
    status: int
    headers: Mapping[str, str]
    response_headers: tuple[tuple[str, str], ...]  # names lowercase


class Log:
    """What one server saw; appended to by the server threads."""

    def __init__(self) -> None:
        self.wire: list[Seen] = []
        self.app: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def saw(self, seen: Seen) -> None:
        with self._lock:
            self.wire.append(seen)

    def handled(self, method: str, path: str) -> None:
        with self._lock:
            self.app.append((method, path))

    def clear(self) -> None:
        with self._lock:
            self.wire.clear()
            self.app.clear()

    def calls(self) -> list[tuple[str, str, int]]:
        """``(method, path, status)`` of every request that reached the server, in order."""
        with self._lock:
            return [(s.method, s.path, s.status) for s in self.wire]

    def mark(self) -> tuple[int, int]:
        with self._lock:
            return len(self.wire), len(self.app)

    def rewind(self, mark: tuple[int, int]) -> None:
        with self._lock:
            del self.wire[mark[0] :]
            del self.app[mark[1] :]


def _selected(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    for name, value in pairs:
        if name.lower() in SELECTED:
            found.setdefault(name.lower(), []).append(value)
    return {name: ", ".join(values) for name, values in found.items()}


def respond(
    method: str, path: str, headers: Mapping[str, str], body: bytes
) -> tuple[int, list[tuple[str, str]], bytes]:
    """The app's answer, the same on every stack: a JSON echo of the request.

    ``/fail...`` answers 500 itself; ``/raise...`` raises, leaving the 500 to the framework
    or the server.
    """
    payload: dict[str, str | None]
    if path.startswith("/raise"):
        raise RuntimeError("unhandled error in the e2e app (expected by the test)")
    if path.startswith("/fail"):
        status, payload = 500, {"error": "boom"}
    else:  # None for an absent header: JSON null
        status = 200
        payload = {
            "method": method,
            "path": path,
            "cookie": headers.get("cookie"),
            "authorization": headers.get("authorization"),
            "x-custom": headers.get("x-custom"),
            "body": body.decode("utf-8", "replace"),
        }
    data = json.dumps(payload, sort_keys=True).encode()
    return (
        status,
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(data))),
            ("X-Exposed", EXPOSED_VALUE),
            ("X-Hidden", HIDDEN_VALUE),
        ],
        data,
    )


# -- recording wrappers (outermost: they see what the server received) -------------------


def record_asgi(app: ASGIApp, log: Log) -> ASGIApp:
    async def recorder(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        request = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]

        async def send_recorded(message: Message) -> None:
            if message["type"] == "http.response.start":
                response = tuple(
                    (k.decode("latin-1").lower(), v.decode("latin-1"))
                    for k, v in message["headers"]
                )
                log.saw(
                    Seen(
                        scope["method"],
                        scope["path"],
                        message["status"],
                        _selected(request),
                        response,
                    )
                )
            await send(message)

        await app(scope, receive, send_recorded)

    return recorder


def record_wsgi(app: WSGIApp, log: Log) -> WSGIApp:
    def recorder(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = [
            (key[5:].replace("_", "-").lower(), value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        ]
        if environ.get("CONTENT_TYPE"):
            request.append(("content-type", environ["CONTENT_TYPE"]))

        def start_recorded(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            log.saw(
                Seen(
                    environ["REQUEST_METHOD"],
                    environ["PATH_INFO"],
                    int(status.split(" ", 1)[0]),
                    _selected(request),
                    tuple((name.lower(), value) for name, value in headers),
                )
            )
            return start_response(status, headers, *exc)

        return app(environ, start_recorded)

    return recorder


# -- the four stacks ---------------------------------------------------------------------


def _raw_asgi_app(log: Log) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        log.handled(scope["method"], scope["path"])
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        status, response, data = respond(scope["method"], scope["path"], headers, body)
        raw = [(k.lower().encode(), v.encode()) for k, v in response]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": data})

    return app


def _raw_wsgi_app(log: Log) -> WSGIApp:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        log.handled(method, path)
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        status, response, data = respond(method, path, headers, body)
        start_response(f"{status} {'OK' if status == 200 else 'Internal Server Error'}", response)
        return [data]

    return app


def asgi_stack(log: Log, options: Mapping[str, Any]) -> ASGIApp:
    """A plain ASGI callable wrapped in ``adapters.asgi.CORSMiddleware(app, policy=...)``."""
    from adapters.asgi import CORSMiddleware

    return CORSMiddleware(_raw_asgi_app(log), policy=CORSPolicy(**options))


def wsgi_stack(log: Log, options: Mapping[str, Any]) -> WSGIApp:
    """A plain WSGI callable wrapped in ``adapters.wsgi.CORSMiddleware(app, policy=...)``."""
    from adapters.wsgi import CORSMiddleware

    return CORSMiddleware(_raw_wsgi_app(log), policy=CORSPolicy(**options))


def fastapi_stack(log: Log, options: Mapping[str, Any]) -> ASGIApp:
    """FastAPI with ``app.add_middleware(adapters.asgi.CORSMiddleware, **options)``."""
    from adapters.asgi import CORSMiddleware

    app = FastAPI()
    app.add_middleware(CORSMiddleware, **options)

    @app.api_route("/{rest:path}", methods=METHODS)
    async def anything(request: Request) -> FastAPIResponse:
        body = await request.body()
        log.handled(request.method, request.url.path)
        headers = {k.lower(): v for k, v in request.headers.items()}
        status, response, data = respond(request.method, request.url.path, headers, body)
        kept = {k: v for k, v in response if k != "Content-Length"}
        return FastAPIResponse(content=data, status_code=status, headers=kept)

    return app


def flask_stack(log: Log, options: Mapping[str, Any]) -> WSGIApp:
    """Flask with the ``adapters.flask.CORS(app, **options)`` extension."""
    from adapters.flask import CORS

    app = flask.Flask("e2e_api")

    @app.route("/", defaults={"rest": ""}, methods=METHODS)
    @app.route("/<path:rest>", methods=METHODS)
    def anything(rest: str) -> flask.Response:
        request = flask.request
        log.handled(request.method, request.path)
        headers = {k.lower(): v for k, v in request.headers.items()}
        status, response, data = respond(request.method, request.path, headers, request.get_data())
        kept = [(k, v) for k, v in response if k != "Content-Length"]
        return flask.Response(data, status=status, headers=kept)

    CORS(app, **options)
    return app


@dataclass
class Api:
    """A running API server: its stack name, base URL and record."""

    stack: str
    url: str
    log: Log

    def model(
        self,
        path: str,
        *,
        origin: str,
        method: str = "GET",
        headers: HeadersLike = (),
        credentials: bool = False,
    ) -> Trip:
        """The same trip judged by ``cors_core.browser.simulate`` over real HTTP (httpx).

        Its requests are removed from the record afterwards, so call it after asserting
        what the browser's requests did.
        """
        mark = self.log.mark()
        try:
            with httpx.Client(timeout=10.0) as client:

                def send(sent_method: str, sent: Sequence[tuple[str, str]]) -> Response:
                    r = client.request(sent_method, self.url + path, headers=list(sent))
                    return r.status_code, r.headers.multi_items(), r.content

                return simulate(
                    send, origin=origin, method=method, headers=headers, credentials=credentials
                )
        finally:
            self.log.rewind(mark)


@contextlib.contextmanager
def serve_api(stack: str, options: Mapping[str, Any]) -> Iterator[Api]:
    """Run the API on ``stack`` (uvicorn for ASGI stacks, waitress for WSGI) with ``options``."""
    log = Log()
    if stack in ("asgi", "fastapi"):
        asgi = asgi_stack(log, options) if stack == "asgi" else fastapi_stack(log, options)
        with serve_asgi(record_asgi(asgi, log)) as url:
            log.clear()
            yield Api(stack, url, log)
    elif stack in ("wsgi", "flask"):
        wsgi = wsgi_stack(log, options) if stack == "wsgi" else flask_stack(log, options)
        with serve_wsgi(record_wsgi(wsgi, log)) as url:
            log.clear()
            yield Api(stack, url, log)
    else:
        raise ValueError(f"unknown stack {stack!r}; expected one of {STACKS}")
