"""Load: 10 000 mixed requests through uvicorn and waitress on 127.0.0.1.

Allowed and denied actual requests, passing and refused preflights, and malformed ones
(bad Origin serialisations, a non-token method, a 10 KB request-header list), from
thousands of distinct origins so the engine's caches fill and must stay bounded.
Every response is checked exactly; the run must finish within ``CORS_LOAD_SECONDS``
(default 120 s) with zero errors, zero lost responses, and the process' resident memory
after the run within ``CORS_LOAD_MAX_GROWTH_MB`` (default 40 MB) of what it was after
a warm-up of 1 000 requests.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from adapters.asgi import CORSMiddleware as ASGICORS
from adapters.wsgi import CORSMiddleware as WSGICORS
from cors_core import CORSPolicy
from tests.security.support import ACAO, APP, asgi_app, cors_names, wsgi_app
from tests.servers import serve_asgi, serve_wsgi

pytestmark = pytest.mark.slow

TOTAL = 10_000
WARMUP = 1_000
WORKERS = 8
SECONDS = float(os.environ.get("CORS_LOAD_SECONDS", "120"))
MAX_GROWTH_MB = float(os.environ.get("CORS_LOAD_MAX_GROWTH_MB", "40"))


def make_policy() -> CORSPolicy:
    return CORSPolicy(
        allow_origins=[APP, "https://*.example.com"],
        allow_methods=["GET", "PUT", "DELETE"],
        allow_headers=["x-token"],
        allow_credentials=True,
    )


@pytest.fixture(params=["uvicorn", "waitress"])
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "uvicorn":
        with serve_asgi(ASGICORS(asgi_app, policy=make_policy())) as base:
            yield base
    else:
        with serve_wsgi(WSGICORS(wsgi_app, policy=make_policy()), threads=8) as base:
            yield base


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


Check = Callable[[httpx.Response], bool]


def request_for(i: int) -> tuple[str, dict[str, str], Check]:
    """The i-th request of the mix and the exact outcome it must have."""
    kind = i % 7
    if kind == 0:  # allowed actual
        origin = f"https://u{i}.example.com"
        return (
            "GET",
            {"Origin": origin},
            lambda r: (
                r.status_code == 200
                and r.headers.get_list(ACAO) == [origin]
                and r.headers["access-control-allow-credentials"] == "true"
            ),
        )
    if kind == 1:  # denied actual, a fresh origin each time
        return (
            "GET",
            {"Origin": f"https://u{i}.evil.net"},
            lambda r: (
                r.status_code == 200
                and not cors_names(r.headers.multi_items())
                and r.headers["vary"] == "Accept-Encoding, Origin"
            ),
        )
    if kind == 2:  # passing preflight
        origin = f"https://p{i}.example.com"
        return (
            "OPTIONS",
            {
                "Origin": origin,
                "Access-Control-Request-Method": "PUT",
                "Access-Control-Request-Headers": "x-token",
            },
            lambda r: (
                r.status_code == 204
                and r.headers.get_list(ACAO) == [origin]
                and r.headers["access-control-allow-headers"] == "x-token"
            ),
        )
    if kind == 3:  # refused preflight (method)
        return (
            "OPTIONS",
            {"Origin": APP, "Access-Control-Request-Method": "PATCH"},
            lambda r: r.status_code == 403 and not cors_names(r.headers.multi_items()),
        )
    if kind == 4:  # malformed origins
        origin = [
            f"https://u{i}.example.com/",
            f"HTTPS://U{i}.EXAMPLE.COM",
            f"https://u{i}.example.com:443",
            "https://a.example.com, https://b.example.com",
        ][(i // 7) % 4]
        return (
            "GET",
            {"Origin": origin},
            lambda r: r.status_code == 200 and not cors_names(r.headers.multi_items()),
        )
    if kind == 5:  # malformed preflight: not a method token
        return (
            "OPTIONS",
            {"Origin": APP, "Access-Control-Request-Method": "PUT,DELETE"},
            lambda r: r.status_code == 403 and not cors_names(r.headers.multi_items()),
        )
    # comma flood within the servers' header limits
    return (
        "OPTIONS",
        {
            "Origin": APP,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "x-token," * 1300,
        },
        lambda r: r.status_code == 403 and not cors_names(r.headers.multi_items()),
    )


def run(client: httpx.Client, indexes: range) -> list[str]:
    def one(i: int) -> str | None:
        method, headers, check = request_for(i)
        try:
            r = client.request(method, "/load", headers=headers)
        except httpx.HTTPError as exc:
            return f"{i}: {exc!r}"
        return None if check(r) else f"{i}: {r.status_code} {dict(r.headers)}"

    with ThreadPoolExecutor(WORKERS) as pool:
        results: list[Any] = list(pool.map(one, indexes))
    assert len(results) == len(indexes)  # no lost responses
    return [p for p in results if p is not None]


def test_load_mixed_requests(server: str) -> None:
    limits = httpx.Limits(max_connections=WORKERS, max_keepalive_connections=WORKERS)
    with httpx.Client(base_url=server, limits=limits, timeout=30) as client:
        assert run(client, range(TOTAL, TOTAL + WARMUP)) == []
        gc.collect()
        before = rss_mb()
        start = time.monotonic()
        errors = run(client, range(TOTAL))
        elapsed = time.monotonic() - start
        gc.collect()
        after = rss_mb()
    print(f"\nload: {TOTAL} requests in {elapsed:.1f} s, RSS {before:.1f} -> {after:.1f} MB")
    assert errors == [], errors[:5]
    assert elapsed < SECONDS
    assert after - before < MAX_GROWTH_MB
