"""WSGI protocol behaviour of ``adapters.wsgi.CORSMiddleware`` (PEP 3333, wsgiref.validate)."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from typing import Any
from wsgiref.validate import validator

import httpx
import pytest

from adapters.wsgi import CORSMiddleware
from cors_core import CORSPolicy, PathRules
from cors_core.browser import cors_check, preflight_check
from tests.scenario_table import (
    APP,
    EVIL,
    PREFLIGHT_VARY,
    Request,
    call_wsgi,
    preflight,
    req,
    wsgi_environ,
)
from tests.servers import serve_wsgi

POLICY = CORSPolicy(
    allow_origins=[APP],
    allow_methods=["GET", "PUT"],
    allow_headers=["x-token"],
    allow_credentials=True,
)
TEXT = [("Content-Type", "text/plain")]


def plain_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [*TEXT, ("Vary", "Accept")])
    return [b"plain"]


@pytest.mark.parametrize(
    ("name", "policy", "request_", "status", "acao", "reaches"),
    [
        ("preflight-ok", POLICY, preflight(acrh="x-token"), 204, APP, False),
        ("preflight-rejected", POLICY, preflight(EVIL), 403, None, False),
        ("actual-allowed", POLICY, req("PUT"), 200, APP, True),
        ("actual-denied", POLICY, req(origin=EVIL), 200, None, True),
        ("no-origin", POLICY, req(origin=None), 200, None, True),
        (
            "blocked",
            CORSPolicy(allow_origins=[APP], block_disallowed=True),
            req(origin=EVIL),
            403,
            None,
            False,
        ),
        (
            "pass-through-path",
            PathRules({"/x": None}, default=POLICY),
            preflight(path="/x"),
            200,
            None,
            True,
        ),
    ],
)
def test_validated_on_every_path(
    name: str, policy: Any, request_: Request, status: int, acao: str | None, reaches: bool
) -> None:
    """validator() outside and inside the middleware: PEP 3333 holds on both sides."""
    app = validator(CORSMiddleware(validator(plain_app), policy=policy))
    res = call_wsgi(app, request_)  # warnings are errors inside call_wsgi
    assert res.status == status
    assert res.get("access-control-allow-origin") == acao
    assert (res.body == b"plain") is reaches
    if name.startswith("preflight"):
        assert res.get("vary") == PREFLIGHT_VARY
    elif name == "pass-through-path":
        assert res.get("vary") == "Accept"
    elif name == "blocked":
        assert res.get("vary") == "Origin"
    else:
        assert res.get("vary") == "Accept, Origin"


class Body:
    """An app iterable that records ``close()`` and iteration."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.closed = 0
        self.iterated = False

    def __iter__(self) -> Iterator[bytes]:
        self.iterated = True
        return iter(self.chunks)

    def close(self) -> None:
        self.closed += 1


def _start_response(record: list[Any]) -> Any:
    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        record.append((status, headers, exc_info))
        return lambda data: None

    return start_response


@pytest.mark.parametrize("origin", [APP, EVIL, None])
def test_app_iterable_returned_and_closed(origin: str | None) -> None:
    body = Body([b"a", b"b"])

    def app(environ: dict[str, Any], start_response: Any) -> Body:
        start_response("200 OK", TEXT)
        return body

    record: list[Any] = []
    result = CORSMiddleware(app, policy=POLICY)(
        wsgi_environ(req(origin=origin)), _start_response(record)
    )
    assert result is body  # the same object: the server's close() reaches the app
    assert list(result) == [b"a", b"b"]
    body.close()  # what the server does: result is body
    assert body.closed == 1


def test_close_called_through_validator() -> None:
    body = Body([b"x"])

    def app(environ: dict[str, Any], start_response: Any) -> Body:
        start_response("200 OK", TEXT)
        return body

    res = call_wsgi(validator(CORSMiddleware(validator(app), policy=POLICY)), req())
    assert res.body == b"x"
    assert body.iterated and body.closed == 1


def test_generator_body_streams_lazily() -> None:
    steps: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("200 OK", TEXT)
        for i in range(3):
            steps.append(f"app yields {i}")
            yield b"%d" % i
        steps.append("app done")

    record: list[Any] = []
    result = CORSMiddleware(app, policy=POLICY)(wsgi_environ(req()), _start_response(record))
    assert steps == []  # nothing ran yet: the generator is returned as is
    for chunk in result:
        steps.append(f"server got {chunk.decode()}")
    assert steps == [
        "app yields 0",
        "server got 0",
        "app yields 1",
        "server got 1",
        "app yields 2",
        "server got 2",
        "app done",
    ]
    assert dict(record[0][1])["Access-Control-Allow-Origin"] == APP


def test_generator_close_runs_finally() -> None:
    finalized: list[bool] = []

    def app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("200 OK", TEXT)
        try:
            yield b"one"
            yield b"two"
        finally:
            finalized.append(True)

    result = CORSMiddleware(app, policy=POLICY)(wsgi_environ(req()), _start_response([]))
    iterator = iter(result)
    assert next(iterator) == b"one"
    result.close()  # type: ignore[attr-defined]
    assert finalized == [True]


def test_write_callable_is_the_servers() -> None:
    written: list[bytes] = []

    def server_write(data: bytes) -> None:
        written.append(data)

    seen: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen.append(headers)
        return server_write

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        write = start_response("200 OK", TEXT)
        assert write is server_write
        write(b"hello ")
        return [b"world"]

    result = CORSMiddleware(app, policy=POLICY)(wsgi_environ(req()), start_response)
    assert written == [b"hello "] and list(result) == [b"world"]
    assert dict(seen[0])["Access-Control-Allow-Origin"] == APP


def test_write_callable_through_validator() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        write = start_response("200 OK", TEXT)
        write(b"hello ")
        return [b"world"]

    res = call_wsgi(validator(CORSMiddleware(validator(app), policy=POLICY)), req())
    assert res.body == b"hello world"
    assert res.get("access-control-allow-origin") == APP


class AppError(Exception):
    pass


def _error_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", TEXT)
    try:
        raise AppError("late failure")
    except AppError:
        start_response("500 Internal Server Error", [*TEXT, ("Vary", "Cookie")], sys.exc_info())
    return [b"error page"]


@pytest.mark.parametrize("origin", [APP, EVIL])
def test_exc_info_passed_through(origin: str) -> None:
    record: list[Any] = []
    result = CORSMiddleware(_error_app, policy=POLICY)(
        wsgi_environ(req(origin=origin)), _start_response(record)
    )
    assert list(result) == [b"error page"]
    assert len(record) == 2
    assert record[0][2] is None
    status, headers, exc_info = record[1]
    assert status == "500 Internal Server Error"
    assert exc_info[0] is AppError and isinstance(exc_info[1], AppError)
    assert str(exc_info[1]) == "late failure"
    got = dict(headers)
    assert got["Vary"] == "Cookie, Origin"
    assert got.get("Access-Control-Allow-Origin") == (APP if origin == APP else None)


def test_exc_info_through_validator() -> None:
    res = call_wsgi(validator(CORSMiddleware(validator(_error_app), policy=POLICY)), req())
    assert res.status == 500
    assert res.body == b"error page"
    assert res.get("access-control-allow-origin") == APP
    assert res.get("access-control-allow-credentials") == "true"


def test_exc_info_after_headers_sent_reraises() -> None:
    """Once headers are out, start_response(exc_info) must re-raise: the middleware lets it."""
    error = AppError("after body")

    def app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("200 OK", TEXT)
        yield b"partial"
        try:
            raise error
        except AppError:
            start_response("500 Internal Server Error", TEXT, sys.exc_info())
        yield b"never"

    sent: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        if exc_info is not None and sent:
            raise exc_info[1].with_traceback(exc_info[2])
        sent.append(status)
        return lambda data: None

    result = CORSMiddleware(app, policy=POLICY)(wsgi_environ(req()), start_response)
    iterator = iter(result)
    assert next(iterator) == b"partial"
    with pytest.raises(AppError) as info:
        next(iterator)
    assert info.value is error


def test_exception_before_start_response_propagates() -> None:
    error = AppError("early")

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise error

    for origin in (APP, EVIL, None):
        with pytest.raises(AppError) as info:
            CORSMiddleware(app, policy=POLICY)(
                wsgi_environ(req(origin=origin)), _start_response([])
            )
        assert info.value is error


def test_app_header_list_not_mutated() -> None:
    mine = [*TEXT, ("Access-Control-Allow-Origin", "https://wrong.example"), ("Vary", "Accept")]
    snapshot = list(mine)

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", mine)
        return [b""]

    record: list[Any] = []
    CORSMiddleware(app, policy=POLICY)(wsgi_environ(req()), _start_response(record))
    assert mine == snapshot
    sent = record[0][1]
    assert [v for n, v in sent if n.lower() == "access-control-allow-origin"] == [APP]


# ------------------------------------------------------------------------- on waitress


def test_flask_on_waitress() -> None:
    from flask import Flask, Response, stream_with_context

    flask_app = Flask(__name__)

    @flask_app.route("/items", methods=["GET", "PUT"])
    def items() -> Response:
        return Response("items", headers={"X-Total-Count": "2"})

    @flask_app.route("/stream")
    def stream() -> Response:
        def gen() -> Iterator[str]:
            yield from ("a", "b", "c")

        return Response(stream_with_context(gen()), mimetype="text/plain")

    @flask_app.route("/fail")
    def fail() -> Response:
        raise RuntimeError("boom")

    flask_app.wsgi_app = CORSMiddleware(  # type: ignore[method-assign]
        flask_app.wsgi_app, policy=POLICY
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        with serve_wsgi(flask_app) as base, httpx.Client(base_url=base, timeout=10) as client:
            pre = client.options(
                "/items",
                headers={
                    "Origin": APP,
                    "Access-Control-Request-Method": "PUT",
                    "Access-Control-Request-Headers": "x-token",
                },
            )
            assert pre.status_code == 204 and pre.content == b""
            verdict = preflight_check(
                204,
                list(pre.headers.items()),
                origin=APP,
                method="PUT",
                request_headers=["x-token"],
                credentials=True,
            )
            assert verdict.code == "ok", verdict.message
            put = client.put("/items", headers={"Origin": APP, "X-Token": "1"})
            assert put.status_code == 200 and put.text == "items"
            assert put.headers.get_list("access-control-allow-origin") == [APP]
            assert cors_check(list(put.headers.items()), origin=APP, credentials=True)
            with client.stream("GET", "/stream", headers={"Origin": APP}) as r:
                assert r.headers["access-control-allow-origin"] == APP
                assert b"".join(r.iter_bytes()) == b"abc"
            failed = client.get("/fail", headers={"Origin": APP})
            assert failed.status_code == 500
            assert failed.headers["access-control-allow-origin"] == APP
            assert failed.headers["vary"] == "Origin"
