"""``check_request_enabled`` through the engine's origin hook, in a real Django app.

The middleware builds each engine's hooked twin once (``with_origin_hook``); its
receivers are asked only when the lists refuse a well-formed origin (reason
``origin_not_allowed``), or for a request with ``Origin`` on a path ``CORS_URLS_REGEX``
leaves out, as django-cors-headers asks them. Whatever they allow gets a listed
origin's answer, methods and headers checked; the reason is ``origin_allowed_by_hook``.
django-cors-headers is the oracle: with several receivers, a page never gets through
here what it would not get through there.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import corsheaders.signals
import pytest
from django.http import HttpRequest
from django.test import AsyncClient, Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.django.signals import check_request_enabled
from cors_core import CORSPolicy, PathRules
from tests.integration.django_support import cors_settings
from tests.integration.test_django_peer_oracle import (
    OURS,
    PEER,
    PROJECT,
    Probe,
    Refused,
    configurations,
    probes,
    serve,
    what_a_page_gets,
    widenings,
)
from tests.strength import example_count

pytestmark = pytest.mark.filterwarnings("ignore::cors_core.CORSConfigWarning")

APP = "https://app.example.com"
PARTNER = "https://partner.example"
STRANGER = "https://stranger.example"
PREFLIGHT_VARY = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)
SETTINGS: dict[str, Any] = {
    "CORS_ALLOWED_ORIGINS": [APP],
    "CORS_ALLOW_CREDENTIALS": True,
    "CORS_ALLOW_METHODS": ["GET", "PUT"],
    "CORS_ALLOW_HEADERS": ["content-type"],
    "CORS_EXPOSE_HEADERS": ["X-Total"],
    "CORS_PREFLIGHT_MAX_AGE": 600,
}
#: The view's own headers (tests.integration.django_oracle_urls).
VIEW = [("Content-Type", "application/json"), ("X-Total", "3"), ("X-Secret", "s3cret")]


def allowed_get(origin: str) -> list[tuple[str, str]]:
    return [
        *VIEW,
        ("Access-Control-Allow-Origin", origin),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Expose-Headers", "X-Total"),
        ("Vary", "Origin"),
    ]


def allowed_preflight(origin: str) -> list[tuple[str, str]]:
    return [
        ("Access-Control-Allow-Origin", origin),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "GET, PUT"),
        ("Access-Control-Allow-Headers", "content-type"),
        ("Access-Control-Max-Age", "600"),
        ("Vary", PREFLIGHT_VARY),
    ]


def refused_preflight(body: bytes) -> list[tuple[str, str]]:
    return [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("X-Content-Type-Options", "nosniff"),
        ("Vary", PREFLIGHT_VARY),
    ]


class Receivers:
    """Receivers that record each call as ``(receiver, method, path, origin)``."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str, str | None]] = []

    def _note(self, name: str, request: HttpRequest) -> str | None:
        origin = request.headers.get("Origin")
        self.calls.append((name, request.method or "", request.path, origin))
        return origin

    def never(self, sender: Any, request: HttpRequest, **kwargs: Any) -> None:
        """Answers ``None``: falsy."""
        self._note("never", request)

    def partner(self, sender: Any, request: HttpRequest, **kwargs: Any) -> str:
        """Answers a truthy string for the partner, an empty one otherwise."""
        return "yes" if self._note("partner", request) == PARTNER else ""

    def zero(self, sender: Any, request: HttpRequest, **kwargs: Any) -> int:
        """Answers ``0``: falsy."""
        self._note("zero", request)
        return 0


@contextmanager
def connected(*receivers: Callable[..., Any], peer: bool = False) -> Iterator[None]:
    signal = corsheaders.signals.check_request_enabled if peer else check_request_enabled
    for receiver in receivers:
        signal.connect(receiver, weak=False)
    try:
        yield
    finally:
        for receiver in receivers:
            signal.disconnect(receiver)


@contextmanager
def project(**changes: Any) -> Iterator[Client]:
    with cors_settings(PROJECT, MIDDLEWARE=[OURS], **{**SETTINGS, **changes}):
        yield Client(raise_request_exception=True)


def preflight(client: Client, path: str, origin: str, method: str, names: str = "") -> Any:
    headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if names:
        headers["Access-Control-Request-Headers"] = names
    return client.options(path, headers=headers)


@pytest.fixture
def receivers() -> Receivers:
    return Receivers()


# -- several receivers ----------------------------------------------------------------------


def test_any_truthy_receiver_allows_and_all_falsy_refuse(receivers: Receivers) -> None:
    with (
        project() as client,
        connected(receivers.never, receivers.partner, receivers.zero),
    ):
        partner_get = client.get("/api/items/", headers={"Origin": PARTNER})
        partner_put = preflight(client, "/api/items/", PARTNER, "PUT", "content-type")
        stranger_get = client.get("/api/items/", headers={"Origin": STRANGER})
        stranger_put = preflight(client, "/api/items/", STRANGER, "PUT")
    assert (partner_get.status_code, list(partner_get.items())) == (200, allowed_get(PARTNER))
    assert (partner_put.status_code, list(partner_put.items())) == (
        204,
        allowed_preflight(PARTNER),
    )
    assert partner_put.content == b""
    assert (stranger_get.status_code, list(stranger_get.items())) == (
        200,
        [*VIEW, ("Vary", "Origin")],
    )
    body = b"CORS preflight rejected (origin_not_allowed)\n"
    assert (stranger_put.status_code, list(stranger_put.items()), stranger_put.content) == (
        403,
        refused_preflight(body),
        body,
    )
    # Every receiver, once per request, with sender=None and the request.
    assert receivers.calls == [
        (name, method, "/api/items/", origin)
        for origin, method in (
            (PARTNER, "GET"),
            (PARTNER, "OPTIONS"),
            (STRANGER, "GET"),
            (STRANGER, "OPTIONS"),
        )
        for name in ("never", "partner", "zero")
    ]


# -- asked only when the lists refuse the origin --------------------------------------------


def test_receivers_are_asked_only_for_origins_the_lists_refuse(receivers: Receivers) -> None:
    with project() as client, connected(receivers.partner):
        listed_get = client.get("/api/items/", headers={"Origin": APP})
        listed_method = preflight(client, "/api/items/", APP, "DELETE")
        listed_header = preflight(client, "/api/items/", APP, "PUT", "x-token")
        malformed = preflight(client, "/api/items/", PARTNER + "/", "PUT")
        null = preflight(client, "/api/items/", "null", "PUT")
        no_origin = client.get("/api/items/")
        assert receivers.calls == []
        partner_method = preflight(client, "/api/items/", PARTNER, "DELETE")
        partner_header = preflight(client, "/api/items/", PARTNER, "PUT", "x-token")
    assert (listed_get.status_code, list(listed_get.items())) == (200, allowed_get(APP))
    codes = [
        r.content
        for r in (listed_method, listed_header, malformed, null, partner_method, partner_header)
    ]
    assert codes == [
        b"CORS preflight rejected (method_not_allowed)\n",
        b"CORS preflight rejected (header_not_allowed)\n",
        b"CORS preflight rejected (origin_malformed)\n",
        b"CORS preflight rejected (origin_null_not_allowed)\n",
        # the receiver allowed the origin; the method and the header are still refused
        b"CORS preflight rejected (method_not_allowed)\n",
        b"CORS preflight rejected (header_not_allowed)\n",
    ]
    assert {r.status_code for r in (listed_method, malformed, partner_method)} == {403}
    assert list(no_origin.items()) == [*VIEW, ("Vary", "Origin")]
    assert [call[1:] for call in receivers.calls] == [
        ("OPTIONS", "/api/items/", PARTNER),
        ("OPTIONS", "/api/items/", PARTNER),
    ]


def test_no_receiver_connected_means_the_plain_policy(receivers: Receivers) -> None:
    with project() as client:
        before = preflight(client, "/api/items/", PARTNER, "PUT")
        with connected(receivers.partner):
            during = preflight(client, "/api/items/", PARTNER, "PUT")
        after = preflight(client, "/api/items/", PARTNER, "PUT")
    assert [before.status_code, during.status_code, after.status_code] == [403, 204, 403]
    assert len(receivers.calls) == 1


# -- CORS_URLS_REGEX ------------------------------------------------------------------------


def test_asked_inside_and_outside_cors_urls_regex(receivers: Receivers) -> None:
    with project(CORS_URLS_REGEX=r"^/api/") as client, connected(receivers.partner):
        inside_listed = client.get("/api/items/", headers={"Origin": APP})
        inside_partner = client.get("/api/items/", headers={"Origin": PARTNER})
        assert [c[2:] for c in receivers.calls] == [("/api/items/", PARTNER)]
        outside_partner = client.get("/public/items/", headers={"Origin": PARTNER})
        outside_put = preflight(client, "/public/items/", PARTNER, "PUT", "content-type")
        outside_listed = client.get("/public/items/", headers={"Origin": APP})
        outside_stranger = preflight(client, "/public/items/", STRANGER, "PUT")
        outside_no_origin = client.get("/public/items/")
    assert list(inside_listed.items()) == allowed_get(APP)
    assert list(inside_partner.items()) == allowed_get(PARTNER)
    # Outside the regex the receivers turn CORS on for the request, or leave it off.
    assert list(outside_partner.items()) == allowed_get(PARTNER)
    assert (outside_put.status_code, list(outside_put.items())) == (
        204,
        allowed_preflight(PARTNER),
    )
    assert list(outside_listed.items()) == VIEW  # listed, but CORS is off there
    assert (outside_stranger.status_code, list(outside_stranger.items())) == (200, VIEW)
    assert outside_stranger.content == b'{"method": "OPTIONS"}'  # the view answered
    assert list(outside_no_origin.items()) == VIEW
    # Outside, asked for every request with an Origin, listed or not (as the peer does).
    assert [c[1:] for c in receivers.calls[1:]] == [
        ("GET", "/public/items/", PARTNER),
        ("OPTIONS", "/public/items/", PARTNER),
        ("GET", "/public/items/", APP),
        ("OPTIONS", "/public/items/", STRANGER),
    ]


@pytest.mark.parametrize("peer", [False, True], ids=["ours", "django-cors-headers"])
def test_outside_cors_urls_regex_the_peer_answers_alike(receivers: Receivers, peer: bool) -> None:
    middleware = PEER if peer else OURS
    with (
        cors_settings(PROJECT, MIDDLEWARE=[middleware], **SETTINGS, CORS_URLS_REGEX=r"^/api/"),
        connected(receivers.never, receivers.partner, peer=peer),
    ):
        client = Client()
        partner = client.get("/public/items/", headers={"Origin": PARTNER})
        stranger = client.get("/public/items/", headers={"Origin": STRANGER})
    assert partner["Access-Control-Allow-Origin"] == PARTNER
    assert partner["Access-Control-Allow-Credentials"] == "true"
    assert partner["Vary"].lower() == "origin"
    assert "Access-Control-Allow-Origin" not in stranger and "Vary" not in stranger


# -- PathRules --------------------------------------------------------------------------------


def test_a_receiver_under_path_rules_and_a_path_without_cors_stays_off(
    receivers: Receivers,
) -> None:
    api = CORSPolicy(
        allow_origins=[APP],
        allow_methods=["GET", "PUT"],
        allow_headers=["content-type"],
        expose_headers=["X-Total"],
        allow_credentials=True,
        max_age=600,
    )
    rules = PathRules({"/api/*": api, "/admin/*": None}, default=CORSPolicy(allow_origins=[APP]))
    with (
        cors_settings(PROJECT, MIDDLEWARE=[OURS], CORS_POLICY=rules),  # no other CORS_*
        connected(receivers.partner),
    ):
        client = Client()
        api_get = client.get("/api/items/", headers={"Origin": PARTNER})
        api_put = preflight(client, "/api/items/", PARTNER, "PUT", "content-type")
        public_put = preflight(client, "/public/items/", PARTNER, "PUT")
        public_get = client.get("/public/items/", headers={"Origin": PARTNER})
        admin_get = client.get("/admin/items/", headers={"Origin": PARTNER})
        admin_put = preflight(client, "/admin/items/", PARTNER, "PUT")
    assert list(api_get.items()) == allowed_get(PARTNER)
    assert (api_put.status_code, list(api_put.items())) == (204, allowed_preflight(PARTNER))
    # The default policy allows GET only: the origin is allowed, the method is not.
    assert (public_put.status_code, public_put.content) == (
        403,
        b"CORS preflight rejected (method_not_allowed)\n",
    )
    assert list(public_get.items()) == [
        *VIEW,
        ("Access-Control-Allow-Origin", PARTNER),
        ("Vary", "Origin"),
    ]
    # CORS off for /admin/: no header, the preflight reaches the view, nobody is asked.
    assert list(admin_get.items()) == VIEW
    assert (admin_put.status_code, list(admin_put.items())) == (200, VIEW)
    assert [c[1:3] for c in receivers.calls] == [
        ("GET", "/api/items/"),
        ("OPTIONS", "/api/items/"),
        ("OPTIONS", "/public/items/"),
        ("GET", "/public/items/"),
    ]


# -- the reason code ----------------------------------------------------------------------------


def test_the_reason_code_is_in_the_debug_log_and_the_debug_body(
    receivers: Receivers, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        project(CORS_OPTIONS={"debug": True}) as client,
        connected(receivers.partner),
        caplog.at_level(logging.DEBUG, logger="cors_core"),
    ):
        allowed = preflight(client, "/api/items/", PARTNER, "PUT")
        refused = preflight(client, "/api/items/", STRANGER, "PUT")
    message = (
        "origin 'https://stranger.example' is not allowed: add it to allow_origins (or "
        "match it with a '*.' pattern, allow_origin_regex or allow_origin_predicate); the "
        "origin hook did not allow it either"
    )
    assert allowed.status_code == 204
    assert refused.status_code == 403
    assert refused["X-CORS-Reason"] == f"origin_not_allowed: {message}"
    assert refused.content == f"CORS preflight rejected: {message}\n".encode()
    assert [r.getMessage() for r in caplog.records if r.name.startswith("cors_core")] == [
        "CORS preflight allowed by a check_request_enabled receiver: "
        "[origin_allowed_by_hook] origin 'https://partner.example' is not in the lists, but "
        "the origin hook allowed it (for Django: a check_request_enabled receiver)",
        f"CORS preflight rejected: 'OPTIONS' '/api/items/': [origin_not_allowed] {message}",
    ]


# -- async receivers, concurrency -------------------------------------------------------------


def test_async_receivers_under_asgi_with_concurrent_requests() -> None:
    seen: list[tuple[str | None, bool]] = []

    async def partner_async(sender: Any, request: HttpRequest, **kwargs: Any) -> bool:
        await asyncio.sleep(0.01)  # other requests run meanwhile
        origin = request.headers.get("Origin")
        seen.append((origin, asyncio.get_running_loop() is not None))
        return origin == PARTNER

    def never(sender: Any, request: HttpRequest, **kwargs: Any) -> bool:
        return False

    async def run() -> list[Any]:
        client = AsyncClient()
        return list(
            await asyncio.gather(
                *(
                    client.options(
                        "/api/items/",
                        headers={"Origin": origin, "Access-Control-Request-Method": "PUT"},
                    )
                    for origin in (PARTNER, STRANGER, PARTNER, STRANGER)
                ),
                client.get("/api/items/", headers={"Origin": PARTNER}),
            )
        )

    with project(), connected(partner_async, never):
        answers = asyncio.run(run())
    assert [(r.status_code, r.get("Access-Control-Allow-Origin")) for r in answers] == [
        (204, PARTNER),
        (403, None),
        (204, PARTNER),
        (403, None),
        (200, PARTNER),
    ]
    assert list(answers[0].items()) == allowed_preflight(PARTNER)
    assert sorted(seen) == sorted(
        [(PARTNER, True), (STRANGER, True), (PARTNER, True), (STRANGER, True), (PARTNER, True)]
    )


def test_threads_each_get_their_own_receivers_answer() -> None:
    origins = [f"https://p{i}.example" for i in range(4)]
    together = threading.Barrier(len(origins), timeout=10)

    def by_thread(sender: Any, request: HttpRequest, **kwargs: Any) -> bool:
        together.wait()  # every request is between the engine's two passes at once
        return request.headers.get("Origin") == request.GET.get("allow")

    results: dict[str, list[tuple[int, str | None]]] = {}

    def worker(origin: str, other: str) -> None:
        client = Client()
        mine = preflight(client, f"/api/items/?allow={origin}", origin, "PUT")
        theirs = preflight(client, f"/api/items/?allow={origin}", other, "PUT")
        results[origin] = [
            (r.status_code, r.get("Access-Control-Allow-Origin")) for r in (mine, theirs)
        ]

    with project(), connected(by_thread):
        threads = [
            threading.Thread(target=worker, args=(o, origins[(i + 1) % 4]))
            for i, o in enumerate(origins)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert results == {o: [(204, o), (403, None)] for o in origins}


# -- django-cors-headers as the oracle -----------------------------------------------------------

#: What each receiver allows: origins, a path prefix, or nothing (falsy answers).
RECEIVER_SPECS = (
    ("origins", frozenset({"https://partner.example", "https://tool.example"})),
    ("origins", frozenset({"https://app.example.com", "https://evil.example"})),
    ("path", "/public/"),
    ("never", None),
)


def receiver_for(kind: str, what: Any) -> Callable[..., Any]:
    def receiver(sender: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if kind == "origins":
            return request.headers.get("Origin") in what
        if kind == "path":
            return 1 if request.path.startswith(what) else 0
        return None

    return receiver


def serve_with(
    middleware: str, config: dict[str, Any], specs: Sequence[Any], requests: Sequence[Probe]
) -> list[tuple[int, list[tuple[str, str]]]]:
    peer = middleware == PEER
    with connected(*(receiver_for(*spec) for spec in specs), peer=peer):
        return serve(middleware, config, None, requests)


def test_several_receivers_never_widen_access_over_django_cors_headers() -> None:
    compared = through = 0

    @settings(
        max_examples=example_count(200, local=80),
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.data())
    def check(data: st.DataObject) -> None:
        nonlocal compared, through
        config = data.draw(configurations())
        specs = data.draw(st.lists(st.sampled_from(RECEIVER_SPECS), min_size=1, max_size=3))
        origins = frozenset().union(*(w for k, w in specs if k == "origins"))
        requests = data.draw(st.lists(probes(config, origins or None), min_size=4, max_size=10))
        try:
            ours = serve_with(OURS, config, specs, requests)
        except Refused:
            return
        theirs = serve_with(PEER, config, specs, requests)
        compared += 1
        through += sum(what_a_page_gets(p, r).allowed for p, r in zip(requests, ours))
        found = widenings(requests, ours, theirs)
        assert not found, f"settings {config}, receivers {specs}:\n" + "\n".join(found)

    check()
    assert compared > 20 and through > 50, (compared, through)
