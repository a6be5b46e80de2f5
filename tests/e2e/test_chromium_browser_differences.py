"""Where the browser model says Chrome decides otherwise than the Fetch standard, real
Chromium does what the model says Chrome does.

The rule: ``*`` in ``Access-Control-Allow-Headers`` never covers ``Authorization`` (Fetch,
Firefox, Safari); Chrome still lets it (its CorsNonWildcardRequestHeadersSupport feature
is off). A hand-written server answers every preflight with the headers a case names, so
the literal ``*`` reaches the browser (cors_core itself never sends it for
``Authorization``: it echoes the requested names). Each case is fetched in Chromium and
judged by :func:`cors_core.browser.simulate` over HTTP against the same server; the
model's ``verdict.allowed_in("Chrome")`` must be Chromium's outcome, and the model must
send the actual request exactly when Chromium did.

Run alone: ``uv run pytest tests/e2e/test_chromium_browser_differences.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from cors_core.browser import CredentialsMode, Response, Trip, simulate
from tests.e2e.chromium import Fetched, Tab
from tests.e2e.conftest import Origins
from tests.servers import serve_asgi

pytestmark = pytest.mark.browser

OpenTab = Callable[..., Tab]
BLOCKED = "TypeError: Failed to fetch"

#: Access-Control-Allow-Headers values, by the path segment that selects them.
ALLOW_HEADERS = {
    "star": "*",
    "star-auth": "*, Authorization",
    "custom": "x-custom",
}


@dataclass
class RawServer:
    """A hand-written CORS server: ``/<acao>/<acah>/<actual>/<n>`` picks its answer.

    ``acao``: ``star`` sends ``*``; ``echo`` echoes the Origin with
    ``Access-Control-Allow-Credentials: true``. ``acah``: a key of :data:`ALLOW_HEADERS`.
    ``actual``: ``ok`` answers the actual request with the same CORS headers, ``bare``
    without any.
    """

    url: str
    seen: list[tuple[str, str]]

    def model(
        self, path: str, *, origin: str, headers: Mapping[str, str], credentials: CredentialsMode
    ) -> Trip:
        mark = len(self.seen)
        try:
            with httpx.Client(timeout=10.0) as client:

                def send(method: str, sent: Sequence[tuple[str, str]]) -> Response:
                    r = client.request(method, self.url + path, headers=list(sent))
                    return r.status_code, r.headers.multi_items(), r.content

                return simulate(send, origin=origin, headers=headers, credentials=credentials)
        finally:
            del self.seen[mark:]


def _raw_app(seen: list[tuple[str, str]]) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        method, path = scope["method"], scope["path"]
        seen.append((method, path))
        parts = path.strip("/").split("/")
        request = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        cors: list[tuple[bytes, bytes]] = []
        if len(parts) == 4 and (method == "OPTIONS" or parts[2] == "ok"):
            if parts[0] == "star":
                cors.append((b"access-control-allow-origin", b"*"))
            else:
                origin = request.get("origin", "").encode()
                cors.append((b"access-control-allow-origin", origin))
                cors.append((b"access-control-allow-credentials", b"true"))
        if method == "OPTIONS" and len(parts) == 4:
            cors.append((b"access-control-allow-headers", ALLOW_HEADERS[parts[1]].encode()))
            await send({"type": "http.response.start", "status": 204, "headers": cors})
            await send({"type": "http.response.body", "body": b""})
            return
        headers = [*cors, (b"content-type", b"text/plain"), (b"cache-control", b"no-store")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"raw"})

    return app


@pytest.fixture(scope="module")
def raw(origins: Origins) -> Iterator[RawServer]:
    seen: list[tuple[str, str]] = []
    with serve_asgi(_raw_app(seen)) as url:
        seen.clear()
        yield RawServer(url, seen)


AUTH = {"Authorization": "Bearer t0ken"}
CUSTOM = {"X-Custom": "1"}
HEADER_SETS = {"auth": AUTH, "auth+custom": {**AUTH, **CUSTOM}, "custom": CUSTOM}
MODES: tuple[CredentialsMode, ...] = ("omit", "same-origin", "include")
READ = ("content-type", "cache-control")


@dataclass(frozen=True)
class Outcome:
    case: str
    chrome: Fetched
    chrome_sent_actual: bool
    trip: Trip

    @property
    def chrome_allowed(self) -> bool:
        return not self.chrome.blocked


def run_case(
    raw: RawServer,
    tab: Tab,
    origin: str,
    path: str,
    headers: Mapping[str, str],
    mode: CredentialsMode,
) -> Outcome:
    raw.seen.clear()
    result = tab.fetch(raw.url + path, headers=headers, credentials=mode, read=READ)
    assert result.error in (None, BLOCKED), result
    chrome_sent_actual = ("GET", path) in raw.seen
    trip = raw.model(path, origin=origin, headers=headers, credentials=mode)
    case = f"{path} {sorted(headers)} {mode}"
    return Outcome(case, result, chrome_sent_actual, trip)


def test_model_says_what_chromium_does(raw: RawServer, origins: Origins, open_tab: OpenTab) -> None:
    tab = open_tab(origins.page)
    outcomes: list[Outcome] = []
    combos = itertools.product(("star", "echo"), ALLOW_HEADERS, HEADER_SETS, MODES)
    for n, (acao, acah, header_set, mode) in enumerate(combos):
        path = f"/{acao}/{acah}/ok/{n}"  # a fresh URL: no preflight cache entry
        headers = HEADER_SETS[header_set]
        outcomes.append(run_case(raw, tab, origins.page, path, headers, mode))
    for o in outcomes:
        assert o.trip.verdict.allowed_in("Chrome") is o.chrome_allowed, (o.case, o.trip.steps)
        assert (o.trip.actual is not None) is o.chrome_sent_actual, (o.case, o.trip.steps)
    differing = {o.case for o in outcomes if o.trip.verdict.allowed != o.chrome_allowed}
    # Exactly the cases the rule names: Authorization under a literal '*', no credentials.
    expected = {
        f"/{acao}/star/ok/{n} {sorted(HEADER_SETS[hs])} {mode}"
        for n, (acao, acah, hs, mode) in enumerate(
            itertools.product(("star", "echo"), ALLOW_HEADERS, HEADER_SETS, MODES)
        )
        if acah == "star" and hs != "custom" and mode != "include"
    }
    assert differing == expected
    assert len(expected) == 8


def test_authorization_under_wildcard_in_chromium(
    raw: RawServer, origins: Origins, open_tab: OpenTab
) -> None:
    tab = open_tab(origins.page)
    o = run_case(raw, tab, origins.page, "/star/star/ok/single", AUTH, "omit")
    # Chromium lets the page read the response; the standard's verdict blocks it.
    assert (o.chrome_allowed, o.chrome_sent_actual) == (True, True)
    v = o.trip.verdict
    assert (v.allowed, v.code) == (False, "header_not_allowed")
    assert [(d.browsers, d.allowed, d.rule) for d in v.differences] == [
        (("Chrome",), True, "authorization_wildcard")
    ]
    assert v.deciders == "the Fetch standard, Firefox and Safari"
    assert o.trip.readable_headers == frozenset()
    assert o.chrome.headers == {"content-type": "text/plain", "cache-control": "no-store"}
    assert o.trip.steps[-1] == "In Chrome, JS can read the body and cache-control, content-type."


def test_chrome_passes_the_preflight_but_the_response_fails(
    raw: RawServer, origins: Origins, open_tab: OpenTab
) -> None:
    """Chrome sends the request, then its CORS check fails: no browser lets it through."""
    tab = open_tab(origins.page)
    o = run_case(raw, tab, origins.page, "/star/star/bare/single", AUTH, "omit")
    assert (o.chrome_allowed, o.chrome_sent_actual) == (False, True)
    v = o.trip.verdict
    assert (v.allowed, v.code, v.differences) == (False, "header_not_allowed", ())
    assert v.allowed_in("Chrome") is False
    assert o.trip.actual is not None and o.trip.actual.status == 200
    assert o.trip.steps[-1].startswith("Response 200: blocked [missing_allow_origin] ")
