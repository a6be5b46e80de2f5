"""Concurrent requests with different origins never see another request's CORS headers.

starlette once leaked ``Access-Control-Allow-Origin`` between requests through shared
state. Here hundreds of overlapping requests, each from its own origin, go through
waitress (a thread pool calling the WSGI adapter concurrently) and uvicorn (one event
loop interleaving ASGI calls); the apps sleep between receiving the request and
answering so the requests really overlap. Each response must carry exactly its own
origin (or none when denied), its own body, and the right preflight answer.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from adapters.asgi import CORSMiddleware as ASGICORS
from adapters.wsgi import CORSMiddleware as WSGICORS
from cors_core import CORSPolicy
from tests.security.support import ACAC, ACAO, cors_names, vary_tokens
from tests.servers import serve_asgi, serve_wsgi

REQUESTS = 600
WORKERS = 24


def make_policy() -> CORSPolicy:
    return CORSPolicy(
        allow_origins=["https://*.example.com"],
        # The predicate path is never cached by the engine: concurrency hits it directly.
        allow_origin_predicate=lambda origin: origin.endswith(".example.org"),
        allow_methods=["GET", "PUT"],
        allow_headers=["x-request-id"],
        expose_headers=["x-request-id"],
        allow_credentials=True,
    )


async def slow_asgi_app(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    headers = dict(scope["headers"])
    await asyncio.sleep(random.uniform(0, 0.005))
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"x-request-id", headers.get(b"x-request-id", b"")), (b"vary", b"Accept")],
        }
    )
    await asyncio.sleep(0)
    await send({"type": "http.response.body", "body": headers.get(b"origin", b"-")})


def slow_wsgi_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    time.sleep(random.uniform(0, 0.005))
    start_response(
        "200 OK", [("X-Request-Id", environ.get("HTTP_X_REQUEST_ID", "")), ("Vary", "Accept")]
    )
    return [environ.get("HTTP_ORIGIN", "-").encode("latin-1")]


@pytest.fixture(params=["uvicorn", "waitress"])
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "uvicorn":
        with serve_asgi(ASGICORS(slow_asgi_app, policy=make_policy())) as base:
            yield base
    else:
        with serve_wsgi(WSGICORS(slow_wsgi_app, policy=make_policy()), threads=16) as base:
            yield base


def origin_for(i: int) -> tuple[str, bool]:
    kind = i % 3
    if kind == 0:
        return f"https://c{i}.example.com", True
    if kind == 1:
        return f"https://c{i}.example.org", True
    return f"https://c{i}.example.com.evil.net", False


def test_concurrent_requests_keep_their_own_headers(server: str) -> None:
    seen_threads: set[int] = set()
    lock = threading.Lock()
    limits = httpx.Limits(max_connections=WORKERS, max_keepalive_connections=WORKERS)

    with httpx.Client(base_url=server, limits=limits, timeout=30) as client:

        def one(i: int) -> str | None:
            with lock:
                seen_threads.add(threading.get_ident())
            origin, allowed = origin_for(i)
            if i % 4 == 3:  # a preflight
                r = client.options(
                    "/x",
                    headers={
                        "Origin": origin,
                        "Access-Control-Request-Method": "PUT",
                        "Access-Control-Request-Headers": "x-request-id",
                    },
                )
                expected_status = 204 if allowed else 403
                if r.status_code != expected_status:
                    return f"{i}: preflight status {r.status_code}"
            else:
                r = client.get("/x", headers={"Origin": origin, "X-Request-Id": str(i)})
                if r.status_code != 200 or r.content != origin.encode():
                    return f"{i}: body {r.content!r} for {origin}"
                if r.headers.get("x-request-id") != str(i):
                    return f"{i}: x-request-id {r.headers.get('x-request-id')}"
            acao = r.headers.get_list(ACAO)
            if acao != ([origin] if allowed else []):
                return f"{i}: ACAO {acao} for {origin}"
            if r.headers.get_list(ACAC) != (["true"] if allowed else []):
                return f"{i}: ACAC {r.headers.get_list(ACAC)}"
            if not allowed and cors_names(r.headers.multi_items()):
                return f"{i}: CORS headers on a denied response: {r.headers}"
            if "origin" not in vary_tokens(r.headers.multi_items()):
                return f"{i}: no Vary: Origin"
            return None

        with ThreadPoolExecutor(WORKERS) as pool:
            problems = [p for p in pool.map(one, range(REQUESTS)) if p is not None]
    assert problems == []
    assert len(seen_threads) > 1
