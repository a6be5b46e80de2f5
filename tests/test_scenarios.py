"""The scenario table (tests/scenario_table.py) run against both adapters.

Every row is run through the ASGI adapter (direct scope/receive/send) and the WSGI
adapter (``wsgiref.validate`` outside the middleware and around the inner app), with
the same expectations: exact status, exact ``Access-Control-*`` headers, exact
``Vary``, app reached or not, exact body, and the browser model's verdict.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from cors_core import CORSPolicy
from cors_core.browser import simulate, simulate_async
from tests.scenario_table import (
    ACAO,
    ADAPTERS,
    APP,
    CTRL_RE,
    EVIL,
    SCENARIOS,
    Request,
    Result,
    Scenario,
    asgi_stack,
    browser_verdict,
    call_asgi_async,
    call_wsgi,
    wsgi_stack,
)


def _params() -> list[Any]:
    out = []
    for row in SCENARIOS:
        for adapter in ADAPTERS:
            failing = row.xfail is not None and row.xfail_adapter in (None, adapter)
            marks = [pytest.mark.xfail(reason=row.xfail, strict=True)] if failing else []
            out.append(pytest.param(row, adapter, id=f"{row.id}-{adapter}", marks=marks))
    return out


def test_scenario_ids_are_unique() -> None:
    ids = [row.id for row in SCENARIOS]
    assert len(ids) == len(set(ids))
    assert len(SCENARIOS) >= 100


@pytest.mark.parametrize(("row", "adapter"), _params())
def test_scenario(row: Scenario, adapter: str) -> None:
    build, call = ADAPTERS[adapter]
    res = call(build(row.policy()), row.request)
    _check(row, res)


def _check(row: Scenario, res: Result) -> None:
    # Protocol-level hygiene first: no CR/LF/NUL anywhere, at most one ACAO.
    for name, value in res.headers:
        assert not CTRL_RE.search(name + value), (name, value)
    assert len(res.values(ACAO)) <= 1
    assert res.status == row.status, (res.status, res.body)
    assert res.cors() == dict(row.cors)
    assert res.get("vary") == row.vary
    app_marker = res.get("x-app")
    if row.reaches_app:
        assert app_marker == "1"
        assert res.body == f"app:{row.request.method} {_path(row.request)}".encode()
    else:
        assert app_marker is None
        if row.body is not None:
            assert res.body == row.body
        if res.body:
            assert res.get("content-length") == str(len(res.body))
    for name, expected in row.extra.items():
        assert res.get(name) == expected, name
    if row.verdict is not None:
        verdict = browser_verdict(row.request, res, row.credentials)
        assert verdict.code == row.verdict, verdict.message
        assert verdict.allowed is (row.verdict == "ok")


def _path(r: Request) -> str:
    from urllib.parse import unquote

    return unquote(r.path)


# ---------------------------------------------------------------- full browser trips


def _wsgi_send(app: Any, path: str = "/") -> Any:
    def send(method: str, headers: Sequence[tuple[str, str]]) -> Any:
        raw = (("host", "api.example.com"), *headers)
        r = Request(method, path, tuple((n.lower().encode(), v.encode("latin-1")) for n, v in raw))
        res = call_wsgi(app, r)
        return res.status, res.headers, res.body

    return send


def _asgi_send(app: Any, path: str = "/") -> Any:
    async def send(method: str, headers: Sequence[tuple[str, str]]) -> Any:
        raw = (("host", "api.example.com"), *headers)
        r = Request(method, path, tuple((n.lower().encode(), v.encode("latin-1")) for n, v in raw))
        res = await call_asgi_async(app, r)
        return res.status, res.headers, res.body

    return send


def _trip(adapter: str, policy: CORSPolicy, path: str = "/", **fetch: Any) -> Any:
    if adapter == "wsgi":
        return simulate(_wsgi_send(wsgi_stack(policy), path), **fetch)
    return asyncio.run(simulate_async(_asgi_send(asgi_stack(policy), path), **fetch))


ADAPTER_NAMES = pytest.mark.parametrize("adapter", ["asgi", "wsgi"])

FULL: dict[str, Any] = {
    "allow_origins": [APP],
    "allow_methods": ["GET", "POST", "PUT", "DELETE", "PATCH"],
    "allow_headers": ["authorization", "content-type", "x-token"],
    "expose_headers": ["x-total-count"],
    "allow_credentials": True,
}


@ADAPTER_NAMES
def test_trip_credentialed_json_put(adapter: str) -> None:
    trip = _trip(
        adapter,
        CORSPolicy(**FULL),
        path="/expose",
        origin=APP,
        method="PUT",
        headers={"Content-Type": "application/json", "Authorization": "Bearer t"},
        credentials=True,
    )
    assert trip.verdict.code == "ok", trip.steps
    assert trip.preflight is not None and trip.preflight.status == 204
    assert trip.actual is not None and trip.actual.body == b"app:PUT /expose"
    assert trip.readable_headers == {"content-type", "x-total-count"}


@ADAPTER_NAMES
def test_trip_simple_get_needs_no_preflight(adapter: str) -> None:
    trip = _trip(adapter, CORSPolicy(**FULL), origin=APP, credentials=True)
    assert trip.verdict.code == "ok"
    assert trip.preflight is None
    assert trip.actual is not None and trip.actual.status == 200


@ADAPTER_NAMES
def test_trip_denied_origin_blocked_before_request(adapter: str) -> None:
    trip = _trip(adapter, CORSPolicy(**FULL), origin=EVIL, method="DELETE")
    assert trip.verdict.code == "missing_allow_origin"
    assert trip.preflight is not None and trip.preflight.status == 403
    assert trip.actual is None


@ADAPTER_NAMES
def test_trip_header_not_listed_blocked(adapter: str) -> None:
    trip = _trip(adapter, CORSPolicy(**FULL), origin=APP, method="POST", headers={"X-Other": "1"})
    assert trip.verdict.code == "missing_allow_origin"  # the 403 carries no CORS headers
    assert trip.actual is None


@ADAPTER_NAMES
def test_trip_wildcard_headers_cover_authorization_by_echo(adapter: str) -> None:
    policy = CORSPolicy(allow_origins=["*"], allow_methods="*", allow_headers="*")
    trip = _trip(
        adapter, policy, origin=EVIL, method="PATCH", headers={"Authorization": "Bearer t"}
    )
    assert trip.verdict.code == "ok", trip.steps
    assert trip.preflight is not None
    allow = {n.lower(): v for n, v in trip.preflight.response_headers}
    assert allow["access-control-allow-headers"] == "authorization"


@ADAPTER_NAMES
def test_trip_private_network(adapter: str) -> None:
    on = _trip(
        adapter,
        CORSPolicy(allow_origins=[APP], allow_private_network=True),
        origin=APP,
        private_network=True,
    )
    off = _trip(adapter, CORSPolicy(allow_origins=[APP]), origin=APP, private_network=True)
    assert on.verdict.code == "ok" and on.actual is not None
    assert off.verdict.code == "missing_allow_origin" and off.actual is None


@ADAPTER_NAMES
def test_trip_credentialed_needs_allow_credentials(adapter: str) -> None:
    trip = _trip(adapter, CORSPolicy(allow_origins=[APP]), origin=APP, credentials=True)
    assert trip.verdict.code == "missing_allow_credentials"
    assert trip.actual is not None  # the request was sent; the response is unreadable
