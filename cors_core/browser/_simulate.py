"""Whole trips: what a browser sends, sees and decides for one ``fetch()``."""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass, replace
from typing import Literal, TypedDict, Unpack

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

__all__ = ["CredentialsMode", "Exchange", "Trip", "TripOptions", "simulate", "simulate_async"]

#: A ``fetch()`` credentials mode (``RequestInit.credentials``).
CredentialsMode = Literal["omit", "same-origin", "include"]
_MODES: tuple[CredentialsMode, ...] = ("omit", "same-origin", "include")


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
    trip is blocked. ``verdict`` is the Fetch standard's; when the preflight failed only
    by a rule Chrome does not apply yet (see :class:`BrowserDifference`), ``actual`` is
    the request Chrome sends anyway, and ``verdict.differences`` is kept only if Chrome
    then allows the trip (``verdict.allowed_in("Chrome")``).

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
    mode: CredentialsMode
    private_network: bool
    forced: bool

    @property
    def credentials(self) -> bool:
        """Whether the CORS checks run in credentials mode "include"."""
        return self.mode == "include"


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


def _credentials_mode(value: object) -> CredentialsMode:
    """``True`` is "include", ``False`` fetch's default "same-origin"; a mode is kept."""
    if value is True:
        return "include"
    if value is False:
        return "same-origin"
    for mode in _MODES:
        if value == mode:
            return mode
    raise ValueError(
        f"credentials {value!r} is not a credentials mode: use 'omit', 'same-origin' or "
        "'include' (or True for 'include')"
    )


def _start(origin: str, options: TripOptions) -> tuple[_Request, list[str]]:
    """Validate the page's call as ``fetch()`` does and open the step log."""
    method = checked_method(options.get("method", "GET"))
    if BAD_VALUE_RE.search(origin):
        raise ValueError(f"invalid origin {show(origin)}")
    mode = _credentials_mode(options.get("credentials", False))
    page = page_headers(options.get("headers", ()))
    request = _Request(
        origin,
        method,
        with_default_accept(page.kept),
        mode,
        options.get("private_network", False),
        options.get("force_preflight", False),
    )
    steps = [f"fetch {method} from origin {show(origin)}, mode 'cors', credentials '{mode}'."]
    if page.dropped:
        steps.append("Dropped forbidden header(s) a page cannot set: " + ", ".join(page.dropped))
    return request, steps


class TripOptions(TypedDict, total=False):
    """What the page's ``fetch()`` asks for; every key is optional.

    ``method`` (default ``"GET"``), ``headers`` the page sets, ``credentials``: the
    credentials mode, ``"omit"``, ``"same-origin"`` (fetch's default) or ``"include"``
    (``True`` means ``"include"``, ``False`` ``"same-origin"``), ``private_network`` when
    the target is on a more private network, ``force_preflight`` for Fetch's
    use-CORS-preflight flag (an upload listener).
    """

    method: str
    headers: HeadersLike
    credentials: bool | CredentialsMode
    private_network: bool
    force_preflight: bool


def _chrome_goes_on(verdict: Verdict, request: _Request, steps: list[str]) -> bool:
    """Whether Chrome passes the preflight this verdict refuses (then it sends the request)."""
    differing = [d for d in verdict.differences if "Chrome" in d.browsers and d.allowed]
    if not differing:
        steps.append(f"The {request.method} request was not sent.")
        return False
    steps.append(
        f"{verdict.deciders[0].upper()}{verdict.deciders[1:]} stop here: the "
        f"{request.method} request is not sent. {differing[0].summary}; Chrome goes on:"
    )
    return True


def _trip_machine(origin: str, options: TripOptions) -> Generator[_Outgoing, Response, Trip]:
    """Every decision of a trip; yields each request and is sent back its response."""
    request, steps = _start(origin, options)
    reasons = preflight_reasons(
        request.method,
        request.headers,
        private_network=request.private_network,
        forced=request.forced,
    )
    preflight = None
    refused: Verdict | None = None  # a preflight verdict that only Chrome passes
    if reasons:
        steps.append("Preflight needed: " + "; ".join(reasons) + ".")
        preflight, verdict = yield from _preflight_stage(request, steps)
        if not verdict:
            if not _chrome_goes_on(verdict, request, steps):
                return Trip(verdict, preflight, None, frozenset(), tuple(steps))
            refused = verdict
    else:
        steps.append("No preflight: the method and all headers are CORS-safelisted.")
    actual, verdict = yield from _actual_stage(request, steps)
    readable = frozenset[str]()
    if verdict:
        readable = exposed_response_headers(
            actual.response_headers, credentials=request.credentials
        )
        shown = ", ".join(sorted(readable)) or "no response headers"
        who = "In Chrome, JS" if refused is not None else "JS"
        steps.append(f"{who} can read the body and {shown}.")
    if refused is not None:
        # The standard's verdict stands; Chrome's differs only if Chrome allowed the trip.
        kept = refused if verdict else replace(refused, differences=())
        return Trip(kept, preflight, actual, frozenset(), tuple(steps))
    return Trip(verdict, preflight, actual, readable, tuple(steps))


def simulate(send: Send, *, origin: str, **options: Unpack[TripOptions]) -> Trip:
    """Do what a browser does for ``fetch(url, {method, headers, credentials, mode: "cors"})``.

    Decides whether a preflight is needed; if so sends ``OPTIONS`` with ``Origin``,
    ``Accept: */*``, ``Access-Control-Request-Method``, ``Access-Control-Request-Headers``
    (CORS-unsafe names, lowercase, sorted, ``,``-joined; omitted when none) and, with
    ``private_network``, ``Access-Control-Request-Private-Network: true``, then checks the
    answer. If that passes (or none was needed) it sends the actual request with
    ``Origin`` and the page's headers (forbidden ones dropped, ``Accept: */*`` added when
    absent) and runs the CORS check. ``credentials`` is the credentials mode
    (``"omit"``, ``"same-origin"`` or ``"include"``; ``True`` is ``"include"``).
    ``force_preflight`` is Fetch's use-CORS-preflight flag (e.g. an upload listener).

    The verdict is the Fetch standard's. When the preflight fails only by a rule Chrome
    does not apply yet, the trip goes on as in Chrome (the request is sent and checked),
    so ``trip.verdict.allowed_in("Chrome")`` says what Chrome does with the whole trip.

    >>> def send(method, headers):
    ...     if method == "OPTIONS":
    ...         return 204, [("Access-Control-Allow-Origin", "https://a.example")], b""
    ...     return 200, [("Access-Control-Allow-Origin", "https://a.example")], b"{}"
    >>> trip = simulate(send, origin="https://a.example", method="DELETE")
    >>> trip.verdict.code, trip.actual is None
    ('method_not_allowed', True)

    >>> trip = simulate(send, origin="https://a.example", credentials="omit")
    >>> trip.steps[0]
    "fetch GET from origin 'https://a.example', mode 'cors', credentials 'omit'."

    Raises ValueError for what ``fetch()`` itself rejects (forbidden or malformed method,
    malformed header, an unknown credentials mode).
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
