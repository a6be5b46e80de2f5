"""FastAPI and Starlette under uvicorn, driven over HTTP and judged with cors_core.browser."""

from __future__ import annotations

import importlib

import httpx
import pytest
from fastapi import FastAPI

from adapters.asgi import CORSMiddleware
from cors_core import CORSConfigWarning
from cors_core.browser import cors_check, simulate
from tests.integration.conftest import hdrs, http_sender
from tests.servers import serve_asgi

FRONT = "http://localhost:8080"


def _fastapi_docs_app() -> FastAPI:
    """The CORS snippet of FastAPI's documentation, verbatim but for the import."""
    app = FastAPI()

    origins = [
        "http://localhost.tiangolo.com",
        "https://localhost.tiangolo.com",
        "http://localhost",
        "http://localhost:8080",
    ]

    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )

    @app.get("/")
    async def main() -> dict[str, str]:
        return {"message": "Hello World"}

    @app.put("/items/{item_id}")
    async def put_item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    return app


def _built(app: FastAPI) -> FastAPI:
    # Starlette builds its middleware (and so our policy) at the first request; build it
    # here so the configuration warning is raised, and asserted, in the test's thread.
    with pytest.warns(CORSConfigWarning, match="localhost.tiangolo.com") as caught:
        app.middleware_stack = app.build_middleware_stack()
    assert len(caught) == 1  # plain http + credentials, only for the non-loopback origin
    return app


def test_fastapi_docs_snippet_works_unchanged_with_credentials_and_any_header() -> None:
    app = _built(_fastapi_docs_app())
    with serve_asgi(app) as base:
        trip = simulate(
            http_sender(base, "/items/5"),
            origin=FRONT,
            method="PUT",
            headers={
                "Authorization": "Bearer t",
                "Content-Type": "application/json",
                "X-Anything-At-All": "1",
            },
            credentials=True,
        )
    assert trip.verdict.code == "ok", trip.steps
    assert trip.preflight is not None and trip.actual is not None
    pre = hdrs(trip.preflight.response_headers)
    assert trip.preflight.status == 204
    assert pre["access-control-allow-origin"] == FRONT
    assert pre["access-control-allow-credentials"] == "true"
    assert pre["access-control-allow-methods"] == "PUT"
    assert pre["access-control-allow-headers"] == "authorization, content-type, x-anything-at-all"
    assert trip.actual.status == 200 and trip.actual.body == b'{"id":5}'
    act = hdrs(trip.actual.response_headers)
    assert act["access-control-allow-origin"] == FRONT
    assert act["vary"] == "Origin"


def test_fastapi_docs_snippet_refuses_other_origins_with_a_reason() -> None:
    app = _built(_fastapi_docs_app())
    with serve_asgi(app) as base:
        trip = simulate(http_sender(base, "/items/5"), origin="https://evil.example", method="PUT")
        simple = httpx.get(base + "/", headers={"Origin": "https://evil.example"})
    assert trip.verdict.code == "missing_allow_origin"
    assert trip.preflight is not None and trip.preflight.status == 403
    assert trip.actual is None
    assert trip.preflight.body == b"CORS preflight rejected (origin_not_allowed)\n"
    assert simple.status_code == 200
    assert "access-control-allow-origin" not in simple.headers
    assert simple.headers["vary"] == "Origin"


def test_add_middleware_leaves_starlette_500s_without_cors_headers() -> None:
    """Why the README says to wrap the whole app: the inner middleware never sees the 500."""
    app = _built(_fastapi_docs_app())
    with serve_asgi(app) as base:
        r = httpx.get(base + "/boom", headers={"Origin": FRONT})
    assert r.status_code == 500
    assert "access-control-allow-origin" not in r.headers
    verdict = cors_check(list(r.headers.multi_items()), origin=FRONT, credentials=True)
    assert verdict.code == "missing_allow_origin"


def test_wrapping_the_whole_fastapi_app_puts_cors_headers_on_500s() -> None:
    example = importlib.import_module("examples.fastapi_app")
    with serve_asgi(example.app) as base:
        trip = simulate(http_sender(base, "/boom"), origin=FRONT, credentials=True)
    assert trip.verdict.code == "ok", trip.steps  # the page can read the 500
    assert trip.actual is not None and trip.actual.status == 500
    assert trip.actual.body == b"Internal Server Error"
    act = hdrs(trip.actual.response_headers)
    assert act["access-control-allow-origin"] == FRONT
    assert act["access-control-allow-credentials"] == "true"
    assert act["vary"] == "Origin"


def test_fastapi_example_put_with_authorization() -> None:
    example = importlib.import_module("examples.fastapi_app")
    with serve_asgi(example.app) as base:
        trip = simulate(
            http_sender(base, "/items/7"),
            origin="https://app.example.com",
            method="PUT",
            headers={"Authorization": "Bearer t", "Content-Type": "application/json"},
            credentials=True,
        )
        other = simulate(
            http_sender(base, "/items/7"),
            origin="https://app.example.com.evil.example",
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
    assert trip.verdict.code == "ok", trip.steps
    assert trip.actual is not None
    assert trip.actual.body == b'{"id":7,"name":"x","authorized":true}'
    assert other.verdict.code == "missing_allow_origin"


def test_starlette_example_under_uvicorn() -> None:
    example = importlib.import_module("examples.starlette_app")
    with serve_asgi(example.app) as base:
        listed = simulate(http_sender(base, "/items"), origin="http://localhost:5173")
        put = simulate(
            http_sender(base, "/items/3"),
            origin="https://app.example.com",
            method="PUT",
            headers={"Content-Type": "application/json", "X-Request-Id": "r1"},
        )
        refused = simulate(
            http_sender(base, "/items/3"),
            origin="https://app.example.com",
            method="PUT",
            headers={"X-Other": "1"},
        )
        reason = httpx.options(
            base + "/items/3",
            headers={
                "Origin": "https://app.example.com",
                "Access-Control-Request-Method": "DELETE",
            },
        )
    assert listed.verdict.code == "ok" and listed.readable_headers >= {"x-total-count"}
    assert listed.actual is not None and listed.actual.body == b'[{"id":1}]'
    assert put.verdict.code == "ok", put.steps
    assert put.actual is not None and put.actual.body == b'{"id":3,"name":"x","title":"x"}'
    assert refused.verdict.code == "missing_allow_origin"  # 403 preflight carries no ACAO
    assert reason.status_code == 403
    assert reason.text == "CORS preflight rejected (method_not_allowed)\n"


def test_plain_asgi_example_under_uvicorn() -> None:
    example = importlib.import_module("examples.asgi_app")
    with serve_asgi(example.app) as base:
        trip = simulate(
            http_sender(base, "/things"),
            origin="http://127.0.0.1:8080",
            method="DELETE",
            credentials=True,
        )
        blocked = simulate(http_sender(base, "/things"), origin="http://localhost:3000")
    assert trip.verdict.code == "ok", trip.steps
    assert trip.actual is not None
    assert trip.actual.body == b'{"method": "DELETE", "path": "/things"}'
    assert trip.readable_headers >= {"x-total-count", "content-type"}
    assert blocked.verdict.code == "missing_allow_origin"
