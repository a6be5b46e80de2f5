"""Whole trips: what a browser sends, sees and decides for one ``fetch()``."""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass
from typing import TypedDict, Unpack

from cors_core.browser._checks import (
    Verdict,
    cors_check,
    exposed_response_headers,
    preflight_check,
    preflight_max_age,
)
from cors_core.browser._classify import (
    checked_method,
    page_headers,
    preflight_reasons,
    unsafe_names,
    with_default_accept,
)
from cors_core.browser._headers import (
    BAD_VALUE_RE,
    AsyncSend,
    HeadersLike,
    Response,
    Send,
    header_pairs,
    show,
)

__all__ = ["Exchange", "Trip", "TripOptions", "simulate", "simulate_async"]


@dataclass(frozen=True)
class Exchange:
    """One HTTP round trip as the browser saw it.

    >>> Exchange("GET", (("Origin", "https://a.example"),), 200, (), b"").status
    200
    """

    method: str
    headers: tuple[tuple[str, str], ...]
    status: int
    response_headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True)
class Trip:
    """The outcome of :func:`simulate`: what the browser sent, saw, decided and logged.

    ``preflight`` is None when none was needed; ``actual`` is None when the preflight
    failed (the browser never sends the request); ``readable_headers`` is empty when the
    trip is blocked.

    >>> trip = simulate(lambda m, h: (200, [("Access-Control-Allow-Origin", "*")], b"hi"),
    ...                 origin="https://a.example")
    >>> bool(trip.verdict), trip.preflight, trip.actual.body if trip.actual else None
    (True, None, b'hi')
    """

    verdict: Verdict
    preflight: Exchange | None
    actual: Exchange | None
    readable_headers: frozenset[str]
    steps: tuple[str, ...]


def _describe(pairs: Iterable[tuple[str, str]]) -> str:
    return "; ".join(f"{name}: {show(value)}" for name, value in pairs) or "(no headers)"


def _preflight_request(
    origin: str, method: str, unsafe: list[str], private_network: bool
) -> tuple[tuple[str, str], ...]:
    headers = [("Origin", origin), ("Accept", "*/*"), ("Access-Control-Request-Method", method)]
    if unsafe:
        headers.append(("Access-Control-Request-Headers", ",".join(unsafe)))
    if private_network:
        headers.append(("Access-Control-Request-Private-Network", "true"))
    return tuple(headers)


@dataclass(frozen=True)
class _Request:
    """One trip's request as the page made it, already validated like ``fetch()`` does."""

    origin: str
    method: str
    headers: tuple[tuple[str, str], ...]
    credentials: bool
    private_network: bool
    forced: bool


_Outgoing = tuple[str, tuple[tuple[str, str], ...]]
_Stage = Generator[_Outgoing, Response, tuple[Exchange, Verdict]]


def _preflight_stage(request: _Request, steps: list[str]) -> _Stage:
    unsafe = unsafe_names(request.headers)
    sent = _preflight_request(request.origin, request.method, unsafe, request.private_network)
    steps.append(f"Sent preflight OPTIONS with {_describe(sent)}.")
    status, response_headers, body = yield ("OPTIONS", sent)
    verdict = preflight_check(
        status,
        response_headers,
        origin=request.origin,
        method=request.method,
        request_headers=unsafe,
        credentials=request.credentials,
        private_network=request.private_network,
        use_cors_preflight=request.forced,
    )
    if verdict:
        age = preflight_max_age(response_headers)
        steps.append(f"Preflight got {status}: passed (cacheable for {age} s in Chromium).")
    else:
        steps.append(f"Preflight got {status}: blocked [{verdict.code}] {verdict.message}")
        steps.append(f"The {request.method} request was not sent.")
    return Exchange("OPTIONS", sent, status, header_pairs(response_headers), body), verdict


def _actual_stage(request: _Request, steps: list[str]) -> _Stage:
    sent = (("Origin", request.origin), *request.headers)
    steps.append(f"Sent {request.method} with {_describe(sent)}.")
    status, response_headers, body = yield (request.method, sent)
    if 300 <= status < 400:
        steps.append(f"Got {status}: redirects are not followed by this model (taken as final).")
    verdict = cors_check(response_headers, origin=request.origin, credentials=request.credentials)
    if verdict:
        steps.append(f"Response {status}: CORS check passed.")
    else:
        steps.append(f"Response {status}: blocked [{verdict.code}] {verdict.message}")
    return Exchange(request.method, sent, status, header_pairs(response_headers), body), verdict


def _start(
    origin: str, method: str, headers: HeadersLike, flags: tuple[bool, bool, bool]
) -> tuple[_Request, list[str]]:
    """Validate the page's call as ``fetch()`` does and open the step log."""
    method = checked_method(method)
    if BAD_VALUE_RE.search(origin):
        raise ValueError(f"invalid origin {show(origin)}")
    page = page_headers(headers)
    request = _Request(origin, method, with_default_accept(page.kept), *flags)
    mode = "include" if request.credentials else "same-origin"
    steps = [f"fetch {method} from origin {show(origin)}, mode 'cors', credentials '{mode}'."]
    if page.dropped:
        steps.append("Dropped forbidden header(s) a page cannot set: " + ", ".join(page.dropped))
    return request, steps


class TripOptions(TypedDict, total=False):
    """What the page's ``fetch()`` asks for; every key is optional.

    ``method`` (default ``"GET"``), ``headers`` the page sets, ``credentials`` for
    ``credentials: "include"``, ``private_network`` when the target is on a more private
    network, ``force_preflight`` for Fetch's use-CORS-preflight flag (an upload listener).
    """

    method: str
    headers: HeadersLike
    credentials: bool
    private_network: bool
    force_preflight: bool


def _trip_machine(origin: str, options: TripOptions) -> Generator[_Outgoing, Response, Trip]:
    """Every decision of a trip; yields each request and is sent back its response."""
    flags = (
        options.get("credentials", False),
        options.get("private_network", False),
        options.get("force_preflight", False),
    )
    request, steps = _start(origin, options.get("method", "GET"), options.get("headers", ()), flags)
    reasons = preflight_reasons(
        request.method,
        request.headers,
        private_network=request.private_network,
        forced=request.forced,
    )
    preflight = None
    if reasons:
        steps.append("Preflight needed: " + "; ".join(reasons) + ".")
        preflight, verdict = yield from _preflight_stage(request, steps)
        if not verdict:
            return Trip(verdict, preflight, None, frozenset(), tuple(steps))
    else:
        steps.append("No preflight: the method and all headers are CORS-safelisted.")
    actual, verdict = yield from _actual_stage(request, steps)
    readable = frozenset[str]()
    if verdict:
        readable = exposed_response_headers(
            actual.response_headers, credentials=request.credentials
        )
        shown = ", ".join(sorted(readable)) or "no response headers"
        steps.append(f"JS can read the body and {shown}.")
    return Trip(verdict, preflight, actual, readable, tuple(steps))


def simulate(send: Send, *, origin: str, **options: Unpack[TripOptions]) -> Trip:
    """Do what a browser does for ``fetch(url, {method, headers, credentials, mode: "cors"})``.

    Decides whether a preflight is needed; if so sends ``OPTIONS`` with ``Origin``,
    ``Accept: */*``, ``Access-Control-Request-Method``, ``Access-Control-Request-Headers``
    (CORS-unsafe names, lowercase, sorted, ``,``-joined; omitted when none) and, with
    ``private_network``, ``Access-Control-Request-Private-Network: true``, then checks the
    answer. If that passes (or none was needed) it sends the actual request with
    ``Origin`` and the page's headers (forbidden ones dropped, ``Accept: */*`` added when
    absent) and runs the CORS check. ``credentials=True`` is ``credentials: "include"``.
    ``force_preflight`` is Fetch's use-CORS-preflight flag (e.g. an upload listener).

    >>> def send(method, headers):
    ...     if method == "OPTIONS":
    ...         return 204, [("Access-Control-Allow-Origin", "https://a.example")], b""
    ...     return 200, [("Access-Control-Allow-Origin", "https://a.example")], b"{}"
    >>> trip = simulate(send, origin="https://a.example", method="DELETE")
    >>> trip.verdict.code, trip.actual is None
    ('method_not_allowed', True)

    Raises ValueError for what ``fetch()`` itself rejects (forbidden or malformed method,
    malformed header).
    """
    machine = _trip_machine(origin, options)
    request = next(machine)
    while True:
        try:
            request = machine.send(send(*request))
        except StopIteration as done:
            trip: Trip = done.value
            return trip


async def simulate_async(send: AsyncSend, *, origin: str, **options: Unpack[TripOptions]) -> Trip:
    """:func:`simulate` for an ``async`` send function (e.g. one driving an ASGI app).

    >>> import asyncio
    >>> async def send(method, headers):
    ...     return 200, {"Access-Control-Allow-Origin": "*"}, b""
    >>> asyncio.run(simulate_async(send, origin="https://a.example")).verdict.code
    'ok'
    """
    machine = _trip_machine(origin, options)
    request = next(machine)
    while True:
        response = await send(*request)
        try:
            request = machine.send(response)
        except StopIteration as done:
            trip: Trip = done.value
            return trip
