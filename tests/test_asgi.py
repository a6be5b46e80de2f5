"""ASGI protocol behaviour of ``adapters.asgi.CORSMiddleware`` (in-process and on uvicorn)."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import MutableMapping
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route

from adapters.asgi import CORSMiddleware
from cors_core import CORSPolicy, PathRules
from cors_core.browser import cors_check, preflight_check
from tests.scenario_table import APP, EVIL, HOST, PREFLIGHT_VARY, asgi_scope, req
from tests.servers import serve_asgi

Message = MutableMapping[str, Any]


class Recorder:
    """An ASGI receive/send pair that records everything sent."""

    def __init__(self, incoming: list[Message] | None = None) -> None:
        self.incoming = list(incoming or [{"type": "http.request", "body": b""}])
        self.sent: list[Message] = []

    async def receive(self) -> Message:
        if self.incoming:
            return self.incoming.pop(0)
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        self.sent.append(message)

    def types(self) -> list[str]:
        return [m["type"] for m in self.sent]


def run(app: Any, scope: dict[str, Any], rec: Recorder) -> None:
    asyncio.run(app(scope, rec.receive, rec.send))


def headers_of(message: Message) -> dict[str, str]:
    names = [n for n, _ in message["headers"]]
    assert len(names) == len(set(names)), message["headers"]
    return {n.decode(): v.decode() for n, v in message["headers"]}


CHUNKS = [b"first,", b"", b"second,", bytes(range(256)), b"last"]


def streaming_app(sent_by_app: list[Message]) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        messages: list[Message] = [
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/octet-stream"), (b"vary", b"Accept")],
            },
            *(
                {"type": "http.response.body", "body": c, "more_body": i < len(CHUNKS) - 1}
                for i, c in enumerate(CHUNKS)
            ),
        ]
        for m in messages:
            sent_by_app.append(copy.deepcopy(m))
            await send(m)

    return app


POLICY = CORSPolicy(allow_origins=[APP], allow_methods=["GET", "PUT"], allow_credentials=True)


@pytest.mark.parametrize("origin", [APP, EVIL, None])
def test_one_start_and_body_chunks_in_order_untouched(origin: str | None) -> None:
    by_app: list[Message] = []
    rec = Recorder()
    run(CORSMiddleware(streaming_app(by_app), policy=POLICY), asgi_scope(req(origin=origin)), rec)
    assert rec.types() == ["http.response.start"] + ["http.response.body"] * len(CHUNKS)
    assert rec.sent[1:] == by_app[1:]  # body messages exactly as the app sent them
    assert [m["body"] for m in rec.sent[1:]] == CHUNKS
    start = headers_of(rec.sent[0])
    if origin == APP:
        assert start == {
            "content-type": "application/octet-stream",
            "vary": "Accept, Origin",
            "access-control-allow-origin": APP,
            "access-control-allow-credentials": "true",
        }
    else:
        assert start == {"content-type": "application/octet-stream", "vary": "Accept, Origin"}


def test_streaming_is_not_buffered() -> None:
    """Each chunk reaches the server before the app produces the next one."""
    seen_by_server: list[bytes] = []
    steps: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for i in range(3):
            steps.append(f"app sends {i}")
            await send({"type": "http.response.body", "body": b"%d" % i, "more_body": i < 2})

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            steps.append(f"server got {message['body'].decode()}")
            seen_by_server.append(message["body"])

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    asyncio.run(CORSMiddleware(app, policy=POLICY)(asgi_scope(req()), receive, send))
    assert steps == [
        "app sends 0",
        "server got 0",
        "app sends 1",
        "server got 1",
        "app sends 2",
        "server got 2",
    ]


class Boom(Exception):
    pass


@pytest.mark.parametrize("after_start", [False, True])
@pytest.mark.parametrize("origin", [APP, EVIL, None])
def test_app_exception_propagates_unchanged(after_start: bool, origin: str | None) -> None:
    error = Boom("from the app")

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if after_start:
            await send({"type": "http.response.start", "status": 200, "headers": []})
        raise error

    rec = Recorder()
    with pytest.raises(Boom) as info:
        run(CORSMiddleware(app, policy=POLICY), asgi_scope(req(origin=origin)), rec)
    assert info.value is error
    assert rec.types() == (["http.response.start"] if after_start else [])


def test_app_message_not_mutated() -> None:
    original_headers = [
        (b"content-type", b"text/plain"),
        (b"vary", b"Accept"),
        (b"access-control-allow-origin", b"https://wrong.example"),
    ]
    start: Message = {"type": "http.response.start", "status": 201, "headers": original_headers}
    snapshot = copy.deepcopy(start)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send(start)
        await send({"type": "http.response.body", "body": b"x"})

    rec = Recorder()
    run(CORSMiddleware(app, policy=POLICY), asgi_scope(req()), rec)
    assert start == snapshot
    assert start["headers"] is original_headers
    assert headers_of(rec.sent[0]) == {
        "content-type": "text/plain",
        "vary": "Accept, Origin",
        "access-control-allow-origin": APP,
        "access-control-allow-credentials": "true",
    }


def test_lifespan_passes_through_untouched() -> None:
    calls: list[tuple[Any, Any, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        calls.append((scope, receive, send))
        assert (await receive())["type"] == "lifespan.startup"
        await send({"type": "lifespan.startup.complete"})

    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    snapshot = copy.deepcopy(scope)
    rec = Recorder([{"type": "lifespan.startup"}])
    asyncio.run(CORSMiddleware(app, policy=POLICY)(scope, rec.receive, rec.send))
    assert len(calls) == 1
    assert calls[0][0] is scope and scope == snapshot
    assert calls[0][1] == rec.receive and calls[0][2] == rec.send
    assert rec.sent == [{"type": "lifespan.startup.complete"}]


def _ws_app(calls: list[Any]) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        calls.append((scope, receive, send))
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": 1000})

    return app


def _ws_scope(origin: str | None, extensions: dict[str, Any] | None = None) -> dict[str, Any]:
    extra: dict[str, Any] = {"subprotocols": []}
    if extensions is not None:
        extra["extensions"] = extensions
    return asgi_scope(req("GET", origin, path="/ws"), "websocket", **extra)


@pytest.mark.parametrize("origin", [EVIL, APP, None])
def test_websocket_passes_through_by_default(origin: str | None) -> None:
    calls: list[Any] = []
    scope = _ws_scope(origin)
    rec = Recorder([{"type": "websocket.connect"}])
    run(CORSMiddleware(_ws_app(calls), policy=POLICY), scope, rec)
    assert len(calls) == 1 and calls[0][0] is scope
    assert calls[0][1] == rec.receive and calls[0][2] == rec.send
    assert rec.types() == ["websocket.accept", "websocket.close"]


WS_POLICY = CORSPolicy(allow_origins=[APP], websocket_origins=True)


def test_websocket_disallowed_origin_closed_before_accept() -> None:
    calls: list[Any] = []
    rec = Recorder([{"type": "websocket.connect"}])
    run(CORSMiddleware(_ws_app(calls), policy=WS_POLICY), _ws_scope(EVIL), rec)
    assert calls == []
    assert rec.sent == [{"type": "websocket.close", "code": 1008}]


def test_websocket_disallowed_origin_http_response_extension() -> None:
    calls: list[Any] = []
    rec = Recorder([{"type": "websocket.connect"}])
    scope = _ws_scope(EVIL, {"websocket.http.response": {}})
    run(CORSMiddleware(_ws_app(calls), policy=WS_POLICY), scope, rec)
    assert calls == []
    assert rec.types() == ["websocket.http.response.start", "websocket.http.response.body"]
    assert rec.sent[0]["status"] == 403
    body = b"CORS request rejected (websocket_origin_not_allowed)\n"
    assert headers_of(rec.sent[0]) == {
        "content-type": "text/plain; charset=utf-8",
        "content-length": str(len(body)),
        "x-content-type-options": "nosniff",
        "vary": "Origin",
    }
    assert rec.sent[1]["body"] == body
    assert not rec.sent[1].get("more_body", False)


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param(APP, id="allowed"),
        pytest.param(None, id="no-origin"),
        pytest.param("http://" + HOST, id="same-origin"),
    ],
)
def test_websocket_allowed_same_origin_and_originless_pass(origin: str | None) -> None:
    calls: list[Any] = []
    rec = Recorder([{"type": "websocket.connect"}])
    scope = _ws_scope(origin)
    run(CORSMiddleware(_ws_app(calls), policy=WS_POLICY), scope, rec)
    assert len(calls) == 1 and calls[0][0] is scope
    assert rec.types() == ["websocket.accept", "websocket.close"]


def test_websocket_same_origin_wss() -> None:
    calls: list[Any] = []
    rec = Recorder([{"type": "websocket.connect"}])
    scope = _ws_scope("https://" + HOST)
    scope["scheme"] = "wss"
    run(CORSMiddleware(_ws_app(calls), policy=WS_POLICY), scope, rec)
    assert len(calls) == 1


def test_websocket_origins_under_path_rules() -> None:
    rules = PathRules({"/ws": WS_POLICY, "/open": None})
    for path, refused in (("/ws", True), ("/open", False)):
        calls: list[Any] = []
        rec = Recorder([{"type": "websocket.connect"}])
        scope = asgi_scope(req("GET", EVIL, path=path), "websocket")
        run(CORSMiddleware(_ws_app(calls), policy=rules), scope, rec)
        assert (calls == []) is refused, path
        assert rec.sent[0]["type"] == ("websocket.close" if refused else "websocket.accept")


# ------------------------------------------------------------------- a real Starlette app


async def _items(request: StarletteRequest) -> PlainTextResponse:
    return PlainTextResponse("items", headers={"x-total-count": "2"})


async def _stream(request: StarletteRequest) -> StreamingResponse:
    async def gen() -> Any:
        for part in (b"a", b"b", b"c"):
            yield part

    return StreamingResponse(gen(), media_type="text/plain")


async def _options(request: StarletteRequest) -> PlainTextResponse:
    return PlainTextResponse("app options")


def starlette_app() -> Starlette:
    app = Starlette(
        routes=[
            Route("/items", _items, methods=["GET", "PUT"]),
            Route("/stream", _stream),
            Route("/opts", _options, methods=["OPTIONS"]),
        ]
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=[APP],
        allow_methods=["GET", "PUT"],
        allow_headers=["x-token"],
        expose_headers=["x-total-count"],
        allow_credentials=True,
    )
    return app


def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://" + HOST)


def test_starlette_add_middleware() -> None:
    async def go() -> None:
        async with _client(starlette_app()) as client:
            pre = await client.options(
                "/items",
                headers={
                    "Origin": APP,
                    "Access-Control-Request-Method": "PUT",
                    "Access-Control-Request-Headers": "x-token",
                },
            )
            assert pre.status_code == 204 and pre.content == b""
            assert pre.headers["vary"] == PREFLIGHT_VARY
            verdict = preflight_check(
                pre.status_code,
                list(pre.headers.items()),
                origin=APP,
                method="PUT",
                request_headers=["x-token"],
                credentials=True,
            )
            assert verdict.code == "ok", verdict.message
            got = await client.put("/items", headers={"Origin": APP, "X-Token": "t"})
            assert got.status_code == 200 and got.text == "items"
            assert got.headers.get_list("access-control-allow-origin") == [APP]
            assert got.headers["access-control-allow-credentials"] == "true"
            assert got.headers["access-control-expose-headers"] == "x-total-count"
            assert got.headers["vary"] == "Origin"
            assert cors_check(list(got.headers.items()), origin=APP, credentials=True)
            missing = await client.get("/nope", headers={"Origin": APP})
            assert missing.status_code == 404
            assert missing.headers["access-control-allow-origin"] == APP
            denied = await client.get("/items", headers={"Origin": EVIL})
            assert denied.status_code == 200
            assert "access-control-allow-origin" not in denied.headers
            assert denied.headers["vary"] == "Origin"
            opts = await client.options("/opts", headers={"Origin": APP})
            assert opts.status_code == 200 and opts.text == "app options"
            assert opts.headers["access-control-allow-origin"] == APP
            stream = await client.get("/stream", headers={"Origin": APP})
            assert stream.text == "abc"
            assert stream.headers["access-control-allow-origin"] == APP

    asyncio.run(go())


def test_starlette_on_uvicorn_streams_and_preflights() -> None:
    with serve_asgi(starlette_app()) as base, httpx.Client(base_url=base, timeout=10) as client:
        pre = client.options(
            "/items",
            headers={"Origin": APP, "Access-Control-Request-Method": "DELETE"},
        )
        assert pre.status_code == 403
        assert pre.text == "CORS preflight rejected (method_not_allowed)\n"
        assert "access-control-allow-origin" not in pre.headers
        with client.stream("GET", "/stream", headers={"Origin": APP}) as r:
            assert r.status_code == 200
            assert r.headers.get_list("access-control-allow-origin") == [APP]
            assert b"".join(r.iter_bytes()) == b"abc"


USER_APP = """
from fastapi import FastAPI

from adapters.asgi import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])
"""


@pytest.mark.slow  # runs mypy (tooling): CI runs it with `pytest -m slow`
def test_add_middleware_type_checks_for_users(tmp_path: Any) -> None:
    """A FastAPI user's `app.add_middleware(CORSMiddleware, ...)` passes mypy --strict."""
    import pathlib
    import subprocess
    import sys

    source = tmp_path / "user_app.py"
    source.write_text(USER_APP)
    root = pathlib.Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(source)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
