"""Starlette's documented configurations, migrated by changing one import: same browser verdicts.

Each configuration below is written from the facts of starlette's and FastAPI's CORS
documentation (the FastAPI tutorial's list of local origins with ``allow_methods=["*"]``
and ``allow_headers=["*"]``, a regex of subdomains, ``["*"]`` for a public API, exposed
headers and ``max_age``). The same keyword arguments are given to starlette's own
``CORSMiddleware`` and to ours around the same app (``adapters.asgi.CORSMiddleware``,
and the drop-in ``adapters.starlette.CORSMiddleware``); every browser trip
(``cors_core.browser.simulate``, the Fetch rules) must end with the same verdict, except
where ``DIFFERENCES`` says why ours answers otherwise, on purpose.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.middleware.cors import CORSMiddleware as StarletteCORS

from adapters.asgi import CORSMiddleware as OurCORS
from adapters.starlette import CORSMiddleware as DropIn
from cors_core import ConfigError
from cors_core.browser import simulate
from tests.security.support import asgi_app, call_asgi

CONFIGS: dict[str, dict[str, Any]] = {
    "fastapi-tutorial": {
        "allow_origins": ["http://localhost", "http://localhost:8080", "https://app.example.org"],
        "allow_credentials": True,
        "allow_methods": ["*"],
        "allow_headers": ["*"],
    },
    "public-api": {"allow_origins": ["*"]},
    "regex-subdomains": {
        "allow_origin_regex": r"https://[a-z0-9-]+\.example\.org",
        "allow_methods": ["GET", "PUT"],
        "allow_headers": ["x-token"],
    },
    "exposed-headers": {
        "allow_origins": ["https://app.example.org"],
        "allow_methods": ["GET", "DELETE"],
        "expose_headers": ["X-Total-Count"],
        "max_age": 600,
    },
    "defaults-with-origins": {"allow_origins": ["https://app.example.org"]},
}

TRIPS: dict[str, dict[str, Any]] = {
    "get": {"origin": "https://app.example.org"},
    "get-other-origin": {"origin": "https://evil.example.net"},
    "get-subdomain": {"origin": "https://shop.example.org"},
    "get-localhost-8080": {"origin": "http://localhost:8080"},
    "get-credentials": {"origin": "https://app.example.org", "credentials": True},
    "put-json": {
        "origin": "https://app.example.org",
        "method": "PUT",
        "headers": {"Content-Type": "application/json"},
    },
    "delete": {"origin": "https://app.example.org", "method": "DELETE"},
    "custom-header": {"origin": "https://shop.example.org", "headers": {"X-Token": "1"}},
    "authorization": {
        "origin": "https://app.example.org",
        "headers": {"Authorization": "Bearer t"},
        "credentials": True,
    },
    "post-json": {
        "origin": "https://app.example.org",
        "method": "POST",
        "headers": {"Content-Type": "application/json"},
    },
}

#: (config, trip) -> (whether ours allows it, why). Everything else gets starlette's verdict
#: (allowed or blocked: the rule a blocked trip fails on may differ, since ours answers a
#: refused preflight 403 without CORS headers where starlette answers 400 with them).
DIFFERENCES: dict[tuple[str, str], tuple[bool, str]] = {
    ("regex-subdomains", "put-json"): (
        False,
        "starlette adds the CORS-safelisted names (content-type ...) to every allow_headers; "
        "ours allows what the list names, and a JSON body makes the browser ask for "
        "content-type (application/json is not safelisted): list it",
    ),
}


async def counting_app(scope: Any, receive: Any, send: Any) -> None:
    """An app whose responses carry a header that only ``expose_headers`` makes readable."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"x-total-count", b"3")],
        }
    )
    await send({"type": "http.response.body", "body": b"[]"})


def _sender(middleware: Any) -> Any:
    def send(method: str, headers: list[tuple[str, str]]) -> Any:
        return call_asgi(middleware, method, "/items", headers)

    return send


#: Our two entry points: the native middleware, and the drop-in with starlette's signature.
OURS = {"adapters.asgi": OurCORS, "adapters.starlette": DropIn}


@pytest.mark.parametrize("ours_name", sorted(OURS))
@pytest.mark.parametrize("trip_name", sorted(TRIPS))
@pytest.mark.parametrize("config_name", sorted(CONFIGS))
def test_same_verdict_as_starlette(config_name: str, trip_name: str, ours_name: str) -> None:
    config, trip = CONFIGS[config_name], TRIPS[trip_name]
    theirs = simulate(_sender(StarletteCORS(counting_app, **config)), **trip)
    ours = simulate(_sender(OURS[ours_name](counting_app, **config)), **trip)
    difference = DIFFERENCES.get((config_name, trip_name))
    if difference is None:
        assert ours.verdict.allowed == theirs.verdict.allowed, (ours.steps, theirs.steps)
        assert ours.readable_headers == theirs.readable_headers
    else:
        allowed, why = difference
        assert ours.verdict.allowed is allowed, why
        assert theirs.verdict.allowed is not allowed, f"no longer a difference: {why}"


def test_exposed_header_is_readable_through_both() -> None:
    config = CONFIGS["exposed-headers"]
    for middleware in (
        StarletteCORS(counting_app, **config),
        OurCORS(counting_app, **config),
        DropIn(counting_app, **config),
    ):
        trip = simulate(_sender(middleware), origin="https://app.example.org")
        assert trip.verdict.allowed
        assert trip.readable_headers == {"content-type", "x-total-count"}
        assert trip.actual is not None and trip.actual.body == b"[]"


def test_wildcard_with_credentials_is_refused_loudly_where_starlette_reflects() -> None:
    """The one starlette setting that is unsafe: ours refuses it at start-up, with the fix."""
    config = {"allow_origins": ["*"], "allow_credentials": True}
    reflected = simulate(
        _sender(StarletteCORS(asgi_app, **config)),
        origin="https://evil.example.net",
        credentials=True,
    )
    assert reflected.verdict.allowed  # starlette reflects any origin with credentials
    with pytest.raises(ConfigError, match="list the trusted origins explicitly"):
        OurCORS(asgi_app, **config)
    with pytest.raises(ConfigError, match=re.escape("allow_origins=['https://app.example")):
        DropIn(asgi_app, **config)


def test_the_drop_in_through_starlettes_add_middleware() -> None:
    """The one-import switch in a Starlette app: ``Middleware(CORSMiddleware, ...)`` with
    starlette's keywords, a preflight answered before the app, the actual response
    given its headers; and a setting starlette never matched stops the app at its first
    request (when Starlette builds its middleware), naming the entry."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    async def items(request: Any) -> JSONResponse:
        return JSONResponse([], headers={"X-Total-Count": "0"})

    def app(**config: Any) -> TestClient:
        middleware = [Middleware(DropIn, **config)]
        routes = [Route("/items", items, methods=["GET", "PUT"])]
        return TestClient(Starlette(routes=routes, middleware=middleware))

    client = app(
        allow_origins=["https://app.example.org"],
        allow_methods=["GET", "PUT"],
        expose_headers=["X-Total-Count"],
    )
    origin = {"Origin": "https://app.example.org"}
    preflight = client.options("/items", headers={**origin, "Access-Control-Request-Method": "PUT"})
    assert (preflight.status_code, preflight.headers["access-control-allow-methods"]) == (
        204,
        "GET, PUT",
    )
    got = client.get("/items", headers=origin)
    assert got.headers["access-control-allow-origin"] == "https://app.example.org"
    assert got.headers["access-control-expose-headers"] == "X-Total-Count"
    with pytest.raises(ConfigError, match=re.escape("allow_origins: 'https://*.example.org'")):
        app(allow_origins=["https://*.example.org"]).get("/items", headers=origin)
