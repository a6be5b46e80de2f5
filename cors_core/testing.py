"""Assert in your own tests what a browser would decide, through your framework's test client.

Each helper runs a browser-faithful trip with :func:`cors_core.browser.simulate`
(a preflight when the Fetch rules need one, then the actual request) through a test
client, asserts the browser's verdict, and returns the :class:`~cors_core.browser.Trip`.
A failed assertion names the rule that failed, the server's ``X-CORS-Reason`` (with
``debug=True``) and every step. The verdict asserted is the Fetch standard's; where Chrome
decides otherwise today (``*`` in ``Access-Control-Allow-Headers`` covering
``Authorization``), the message says both, and ``trip.verdict.allowed_in("Chrome")``
gives Chrome's answer.

Clients are duck-typed, so this module imports no framework:

- httpx ``Client`` and Starlette/FastAPI ``TestClient``: ``.request(method, url, headers=...)``;
- httpx ``AsyncClient`` (e.g. with ``httpx.ASGITransport``): the ``_async`` variants;
- Flask's test client: ``.open(path, method=..., headers=...)``;
- Django's test client: ``.generic(method, path, headers=...)``.

Example (pytest, with FastAPI's ``TestClient``)::

    from cors_core.testing import assert_cors_allowed, assert_cors_blocked

    def test_frontend_can_put() -> None:
        client = TestClient(app)  # fastapi.testclient.TestClient
        assert_cors_allowed(client, "/items/1", origin="https://app.example.com",
                            method="PUT", headers={"Content-Type": "application/json"},
                            credentials=True, readable=["x-total-count"])
        assert_cors_blocked(client, "/items/1", origin="https://evil.example",
                            method="PUT", code="missing_allow_origin")
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Unpack

from cors_core._rejection import parse_rejection
from cors_core.browser import Response, Trip, TripOptions, Verdict, simulate, simulate_async

__all__ = [
    "TripOptions",
    "assert_cors_allowed",
    "assert_cors_allowed_async",
    "assert_cors_blocked",
    "assert_cors_blocked_async",
    "cors_trip",
    "cors_trip_async",
]


def _django_response(response: Any) -> Response:
    return response.status_code, list(response.items()), bytes(response.content)


def _flask_response(response: Any) -> Response:
    return response.status_code, list(response.headers.items()), bytes(response.get_data())


def _httpx_response(response: Any) -> Response:
    return response.status_code, list(response.headers.multi_items()), bytes(response.content)


def _sender(client: Any, path: str) -> Any:
    if hasattr(client, "generic"):  # Django (it also has .request, with another meaning)

        def send_django(method: str, headers: Sequence[tuple[str, str]]) -> Response:
            merged: dict[str, str] = {}
            for name, value in headers:
                merged[name] = f"{merged[name]}, {value}" if name in merged else value
            return _django_response(client.generic(method, path, headers=merged))

        return send_django
    if hasattr(client, "request"):  # httpx.Client, Starlette/FastAPI TestClient

        def send_httpx(method: str, headers: Sequence[tuple[str, str]]) -> Response:
            return _httpx_response(client.request(method, path, headers=list(headers)))

        return send_httpx
    if hasattr(client, "open"):  # Flask / Werkzeug

        def send_flask(method: str, headers: Sequence[tuple[str, str]]) -> Response:
            return _flask_response(client.open(path, method=method, headers=list(headers)))

        return send_flask
    raise TypeError(
        f"{type(client).__name__} is not a supported test client: pass an httpx client, "
        "a Starlette/FastAPI TestClient, a Flask test client or a Django test client"
    )


def cors_trip(client: Any, path: str, *, origin: str, **options: Unpack[TripOptions]) -> Trip:
    """Run a browser-faithful trip through a test client; no assertion.

    >>> trip = cors_trip(client, "/api", origin="https://app.example.com", method="PUT")
    >>> trip.verdict.code
    'ok'
    """
    return simulate(_sender(client, path), origin=origin, **options)


async def cors_trip_async(
    client: Any, path: str, *, origin: str, **options: Unpack[TripOptions]
) -> Trip:
    """:func:`cors_trip` for an async client (``httpx.AsyncClient``).

    >>> import asyncio
    >>> trip = asyncio.run(cors_trip_async(async_client, "/api", origin="https://app.example.com"))
    >>> trip.verdict.code
    'ok'
    """

    async def send(method: str, headers: Sequence[tuple[str, str]]) -> Response:
        response = await client.request(method, path, headers=list(headers))
        return _httpx_response(response)

    return await simulate_async(send, origin=origin, **options)


def _explain(trip: Trip, path: str) -> str:
    """The trip, the server's own reason first when it gave one (``X-CORS-Reason``, or the
    code in a refusal body), then what the browser reports, then the steps."""
    v = trip.verdict
    reasons: list[str] = []
    for exchange in (trip.preflight, trip.actual):
        if exchange is None:
            continue
        said = [value for name, value in exchange.response_headers if name.lower() == REASON]
        refusal = parse_rejection(exchange.body)
        if not said and refusal is not None and refusal.code:
            said = [f"{refusal.code} (set debug=True for the sentence and the fix)"]
        reasons += [f"{value} ({exchange.method})" for value in said]
    if reasons and not v.allowed:
        lines = [f"CORS trip to {path!r}: the server refused it: {reasons[0]}"]
        lines.append(f"  the browser reports: [{v.code}] {v.message}")
        lines += [f"  server reason: {reason}" for reason in reasons[1:]]
    else:
        lines = [f"CORS trip to {path!r}: [{v.code}] {v.message}"]
        lines += [f"  server reason: {reason}" for reason in reasons]
    for difference in v.differences:
        lines.append(f"  {difference.summary}")
        if difference.fix:
            lines.append(f"  fix: {difference.fix}")
    lines += [f"  {i}. {step}" for i, step in enumerate(trip.steps, 1)]
    return "\n".join(lines)


def _headline(v: Verdict) -> str:
    """``a browser would BLOCK this request``, or, when a browser decides otherwise,
    ``this request is BLOCKED by the Fetch standard, ...; Chrome lets it through today``."""
    word = "ALLOW" if v.allowed else "BLOCK"
    if not v.differences:
        return f"a browser would {word} this request"
    others = "; ".join(d.outcome for d in v.differences)
    return f"this request is {word}ED by {v.deciders}; {others}"


REASON = "x-cors-reason"


def _check_allowed(trip: Trip, path: str, readable: Iterable[str]) -> Trip:
    if not trip.verdict.allowed:
        raise AssertionError(_headline(trip.verdict) + "\n" + _explain(trip, path))
    missing = sorted({name.lower() for name in readable} - trip.readable_headers)
    if missing:
        raise AssertionError(
            f"allowed, but JavaScript cannot read {', '.join(missing)} "
            "(add them to expose_headers)\n" + _explain(trip, path)
        )
    return trip


def _check_blocked(trip: Trip, path: str, code: str | None) -> Trip:
    if trip.verdict.allowed:
        raise AssertionError(_headline(trip.verdict) + "\n" + _explain(trip, path))
    if code is not None and trip.verdict.code != code:
        raise AssertionError(
            f"blocked, but with code {trip.verdict.code!r}, not {code!r}\n" + _explain(trip, path)
        )
    return trip


def assert_cors_allowed(
    client: Any,
    path: str,
    *,
    origin: str,
    readable: Iterable[str] = (),
    **options: Unpack[TripOptions],
) -> Trip:
    """Assert a browser on ``origin`` may make this request and read the response.

    ``readable``: response header names page JavaScript must be able to read.

    >>> assert_cors_allowed(client, "/api", origin="https://app.example.com", method="PUT")
    Trip(verdict=Verdict(allowed=True, code='ok', ...), ...)
    """
    return _check_allowed(cors_trip(client, path, origin=origin, **options), path, readable)


def assert_cors_blocked(
    client: Any,
    path: str,
    *,
    origin: str,
    code: str | None = None,
    **options: Unpack[TripOptions],
) -> Trip:
    """Assert a browser on ``origin`` is blocked (optionally with this verdict ``code``).

    >>> assert_cors_blocked(client, "/api", origin="https://evil.example",
    ...                     code="missing_allow_origin")
    Trip(verdict=Verdict(allowed=False, code='missing_allow_origin', ...), ...)
    """
    return _check_blocked(cors_trip(client, path, origin=origin, **options), path, code)


async def assert_cors_allowed_async(
    client: Any,
    path: str,
    *,
    origin: str,
    readable: Iterable[str] = (),
    **options: Unpack[TripOptions],
) -> Trip:
    """:func:`assert_cors_allowed` for ``httpx.AsyncClient``.

    >>> import asyncio
    >>> asyncio.run(assert_cors_allowed_async(async_client, "/api", origin="https://app.example.com"))
    Trip(verdict=Verdict(allowed=True, code='ok', ...), ...)
    """
    trip = await cors_trip_async(client, path, origin=origin, **options)
    return _check_allowed(trip, path, readable)


async def assert_cors_blocked_async(
    client: Any,
    path: str,
    *,
    origin: str,
    code: str | None = None,
    **options: Unpack[TripOptions],
) -> Trip:
    """:func:`assert_cors_blocked` for ``httpx.AsyncClient``.

    >>> import asyncio
    >>> asyncio.run(assert_cors_blocked_async(async_client, "/api", origin="https://evil.example"))
    Trip(verdict=Verdict(allowed=False, code='missing_allow_origin', ...), ...)
    """
    trip = await cors_trip_async(client, path, origin=origin, **options)
    return _check_blocked(trip, path, code)
