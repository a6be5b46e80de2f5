"""``adapters.django.middleware`` pinned: receivers, per-view lookups and refusals.

Through the Django test clients on :mod:`tests.integration.django_pinned_urls` (views
with marks) and the example project (none on the paths used here), comparing statuses,
exact headers and who was asked.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient, Client, RequestFactory, override_settings

import adapters.django.middleware as middleware_module
from adapters.django import CORSMiddleware, cross_origin
from adapters.django.signals import check_request_enabled
from cors_core import ConfigError, CORSPolicy, PathRules
from tests.integration import django_pinned_urls as u
from tests.integration.django_support import BASE, CORS_SETTINGS, DELETE, FRONT, cors_settings

pytestmark = pytest.mark.filterwarnings("ignore::cors_core.CORSConfigWarning")


PARTNER = "https://partner.example"
EVIL = "https://evil.example"
LATE = "https://late.example"

PINNED: dict[str, Any] = {
    **BASE,
    "ROOT_URLCONF": "tests.integration.django_pinned_urls",
    "MIDDLEWARE": [
        "adapters.django.CORSMiddleware",
        "tests.integration.django_views.ShortCircuitMiddleware",
        "django.middleware.common.CommonMiddleware",
    ],
    "CORS_ALLOWED_ORIGINS": [FRONT],
    "CORS_ALLOW_HEADERS": ["content-type"],
}
del PINNED["CORS_ORIGIN_WHITELIST"]


class Asked:
    """Receivers that remember each request they were asked about."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str | None]] = []

    def _note(self, request: HttpRequest) -> None:
        self.calls.append((request.method or "", request.path, request.headers.get("Origin")))

    def no(self, sender: Any, request: HttpRequest, **kwargs: Any) -> bool:
        self._note(request)
        return False

    def partner(self, sender: Any, request: HttpRequest, **kwargs: Any) -> bool:
        self._note(request)
        return request.headers.get("Origin") == PARTNER

    def anyone(self, sender: Any, request: HttpRequest, **kwargs: Any) -> bool:
        self._note(request)
        return True


@contextmanager
def connected(*receivers: Callable[..., Any]) -> Iterator[None]:
    for receiver in receivers:
        check_request_enabled.connect(receiver, weak=False)
    try:
        yield
    finally:
        for receiver in receivers:
            check_request_enabled.disconnect(receiver)


@pytest.fixture
def asked() -> Asked:
    return Asked()


@pytest.fixture
def pinned() -> Iterator[Client]:
    u.CALLS.clear()
    with cors_settings(PINNED):
        yield Client(raise_request_exception=False)


def cors_headers(response: Any) -> dict[str, str]:
    return {
        k.lower(): v
        for k, v in response.items()
        if k.lower().startswith("access-control-") or k.lower() == "vary"
    }


# --------------------------------------------------------------------------- receivers


def test_any_one_truthy_receiver_allows(asked: Asked) -> None:
    with cors_settings(), connected(asked.no, asked.partner):
        got = Client().get("/api/todos/", headers={"Origin": PARTNER})
        stranger = Client().get("/api/todos/", headers={"Origin": EVIL})
    assert got.status_code == 200
    assert cors_headers(got) == {
        "access-control-allow-origin": PARTNER,
        "access-control-allow-credentials": "true",
        "vary": "Origin",
    }
    assert cors_headers(stranger) == {"vary": "Origin"}
    assert len(asked.calls) == 4  # both receivers, both requests


def test_any_one_truthy_receiver_allows_async(asked: Asked) -> None:
    async def run() -> list[str | None]:
        client = AsyncClient()
        answers = []
        for origin in (PARTNER, EVIL):
            r = await client.get("/api/todos/", headers={"Origin": origin})
            answers.append(r.get("Access-Control-Allow-Origin"))
        return answers

    with cors_settings(), connected(asked.no, asked.partner):
        assert asyncio.run(run()) == [PARTNER, None]
    with cors_settings(), connected(asked.no):
        assert asyncio.run(run()) == [None, None]


def test_receivers_are_asked_only_about_refused_origins(asked: Asked) -> None:
    with cors_settings(CORS_URLS_REGEX=r"^/api/todos/"), connected(asked.anyone):
        client = Client(raise_request_exception=False)
        listed = client.get("/api/todos/", headers={"Origin": FRONT})
        # A listed origin announcing a method the settings refuse: not the receivers' call.
        patch = client.options(
            "/api/todos/1/",
            headers={"Origin": FRONT, "Access-Control-Request-Method": "PATCH"},
        )
        no_origin_inside = client.get("/api/todos/")
        no_origin_outside = client.get("/api/boom/")
        boom_outside = client.get("/api/boom/", headers={"Origin": PARTNER})
    assert listed["Access-Control-Allow-Origin"] == FRONT
    assert patch.status_code == 403 and "Access-Control-Allow-Origin" not in patch
    assert "Access-Control-Allow-Origin" not in no_origin_inside
    assert no_origin_outside.status_code == 500 and cors_headers(no_origin_outside) == {}
    assert boom_outside.status_code == 500
    assert boom_outside["Access-Control-Allow-Origin"] == PARTNER
    assert asked.calls == [("GET", "/api/boom/", PARTNER)]


def test_a_receiver_under_path_rules(asked: Asked) -> None:
    rules = PathRules(
        {
            "/api/todos/*": CORSPolicy(allow_origins=[FRONT], allow_methods=["GET", "DELETE"]),
            "/api/boom/": None,
        }
    )
    names = {n: DELETE for n in CORS_SETTINGS}
    with cors_settings(**{**names, "CORS_POLICY": rules}), connected(asked.anyone):
        client = Client(raise_request_exception=False)
        get = client.get("/api/todos/", headers={"Origin": PARTNER})
        delete = client.options(
            "/api/todos/1/",
            headers={"Origin": PARTNER, "Access-Control-Request-Method": "DELETE"},
        )
        put = client.options(
            "/api/todos/1/",
            headers={"Origin": PARTNER, "Access-Control-Request-Method": "PUT"},
        )
        off = client.get("/api/boom/", headers={"Origin": PARTNER})
        bare = client.get("/api/todos/")
    assert get.status_code == 200
    assert cors_headers(get) == {"access-control-allow-origin": PARTNER, "vary": "Origin"}
    assert delete.status_code == 204
    assert delete["Access-Control-Allow-Origin"] == PARTNER
    assert delete["Access-Control-Allow-Methods"] == "GET, DELETE"
    assert put.status_code == 403 and "Access-Control-Allow-Origin" not in put
    assert off.status_code == 500 and cors_headers(off) == {}
    assert bare.status_code == 200 and cors_headers(bare) == {"vary": "Origin"}


# -------------------------------------------------------------------------- per view


def test_head_uses_the_get_handler_mark(pinned: Client) -> None:
    head = pinned.head("/pinned/get-marked/", headers={"Origin": u.GET_ORIGIN})
    assert head.status_code == 200
    assert cors_headers(head) == {  # CORS_ALLOW_CREDENTIALS under the view's options
        "access-control-allow-origin": u.GET_ORIGIN,
        "access-control-allow-credentials": "true",
        "vary": "Origin",
    }
    post = pinned.post("/pinned/get-marked/", headers={"Origin": FRONT})
    assert post["Access-Control-Allow-Origin"] == FRONT  # POST: the project's policy
    refused = pinned.post("/pinned/get-marked/", headers={"Origin": u.GET_ORIGIN})
    assert "Access-Control-Allow-Origin" not in refused


def test_the_view_cache_is_bounded_for_unknown_methods(
    pinned: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[Any, str | None]] = []
    real = middleware_module.view_policy

    def counting(view: Any, method: str | None = None) -> Any:
        seen.append((view, method))
        return real(view, method)

    monkeypatch.setattr(middleware_module, "view_policy", counting)
    for method in ("PURGE", "X-ONE", "X-TWO", "LOCK", "get", "GET"):
        pinned.options(
            "/pinned/get-marked/",
            headers={"Origin": FRONT, "Access-Control-Request-Method": method},
        )
    assert [m for _, m in seen] == [None, "get"]


def test_block_disallowed_when_the_url_does_not_resolve(pinned: Client) -> None:
    with cors_settings(PINNED, CORS_OPTIONS={"block_disallowed": True}):
        client = Client(raise_request_exception=False)
        missing = client.get("/pinned/nowhere/", headers={"Origin": EVIL})
        listed = client.get("/pinned/nowhere/", headers={"Origin": FRONT})
        plain = client.get("/pinned/plain/", headers={"Origin": EVIL})
        same = client.get(
            "/pinned/plain/", headers={"Origin": "http://testserver", "Host": "testserver"}
        )
    assert missing.status_code == 403
    assert "Access-Control-Allow-Origin" not in missing
    assert listed.status_code == 404 and listed["Access-Control-Allow-Origin"] == FRONT
    assert plain.status_code == 403
    assert same.status_code == 200  # same-origin requests pass
    assert u.CALLS == [("GET", "/pinned/plain/")]


def test_a_blocking_view_asks_the_receivers_once(pinned: Client, asked: Asked) -> None:
    with connected(asked.no):
        refused = pinned.get("/pinned/blocking/", headers={"Origin": EVIL})
    assert refused.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused
    assert asked.calls == [("GET", "/pinned/blocking/", EVIL)]
    assert u.CALLS == []
    with connected(asked.anyone):
        opened = pinned.get("/pinned/blocking/", headers={"Origin": EVIL})
    assert opened.status_code == 200 and opened["Access-Control-Allow-Origin"] == EVIL
    assert u.CALLS == [("GET", "/pinned/blocking/")]


class PinnedUrlconf:
    """Above the CORS middleware: routes every request with the pinned URLconf."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        request.urlconf = "tests.integration.django_pinned_urls"
        return self.get_response(request)


def test_the_request_urlconf_is_the_one_looked_at() -> None:
    middleware = [
        "tests.integration.test_django_middleware_pinned.PinnedUrlconf",
        *PINNED["MIDDLEWARE"],
    ]
    with cors_settings(PINNED, ROOT_URLCONF=u.Unmarked, MIDDLEWARE=middleware):
        client = Client()
        get = client.get("/pinned/get-marked/", headers={"Origin": u.GET_ORIGIN})
        pre = client.options(
            "/pinned/get-marked/",
            headers={"Origin": u.GET_ORIGIN, "Access-Control-Request-Method": "GET"},
        )
    assert get.status_code == 200 and get["Access-Control-Allow-Origin"] == u.GET_ORIGIN
    assert pre.status_code == 204 and pre["Access-Control-Allow-Origin"] == u.GET_ORIGIN


def test_a_project_without_marks_and_a_view_marked_later(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    looked: list[Any] = []
    real = middleware_module.get_resolver

    def counting(urlconf: Any = None) -> Any:
        looked.append(urlconf)
        return real(urlconf)

    monkeypatch.setattr(middleware_module, "get_resolver", counting)
    with cors_settings(PINNED, ROOT_URLCONF=u.Unmarked):
        client = Client()
        got = [client.get("/pinned/plain/", headers={"Origin": FRONT}) for _ in range(3)]
        bare = client.get("/pinned/plain/")
        assert len(looked) == 1  # looked up once, not per request
        cross_origin(allow_origins=[LATE])(u.late)
        try:
            late = client.get("/pinned/late/", headers={"Origin": LATE})
        finally:
            del u.late.cors_core_policy  # type: ignore[attr-defined]
    assert len(looked) == 2  # again once a view was marked
    for response in got:
        assert response.status_code == 200
        assert cors_headers(response) == {
            "access-control-allow-origin": FRONT,
            "access-control-allow-credentials": "true",
            "vary": "Origin",
        }
    assert cors_headers(bare) == {"vary": "Origin"}
    assert late["Access-Control-Allow-Origin"] == LATE


def test_receivers_asked_on_the_way_out(pinned: Client, asked: Asked) -> None:
    with connected(asked.partner):
        missing = pinned.get("/pinned/nowhere/", headers={"Origin": PARTNER})
    assert missing.status_code == 404
    assert missing["Access-Control-Allow-Origin"] == PARTNER
    assert asked.calls == [("GET", "/pinned/nowhere/", PARTNER)]


def test_a_class_view_a_middleware_answered(pinned: Client) -> None:
    got = pinned.get("/pinned/get-marked/", headers={"Origin": u.GET_ORIGIN, "X-Short": "1"})
    assert got.status_code == 401 and u.CALLS == []
    assert cors_headers(got) == {
        "access-control-allow-origin": u.GET_ORIGIN,
        "access-control-allow-credentials": "true",  # the settings' under the view's
        "vary": "Origin",
    }


def test_a_subclass_with_a_peer_hook_is_refused_with_each_field() -> None:
    class Peer(CORSMiddleware):
        def check_preflight(self, request: Any) -> None: ...

    with pytest.raises(ConfigError) as refused:
        Peer(lambda request: None)
    (problem,) = refused.value.problems
    assert problem.option.endswith("Peer.check_preflight")
    assert problem.entry == ""
    assert problem.problem == "overrides a django-cors-headers method this middleware never calls"
    assert problem.fix == "set the policy attribute, or mark the view with @cross_origin"


def test_a_preflights_requested_headers_and_private_network_reach_the_engine(
    pinned: Client,
) -> None:
    """The middleware hands the engine every preflight value: a header the settings do
    not allow, and a private-network request, are refused on their own reasons."""
    base = {"Origin": FRONT, "Access-Control-Request-Method": "GET"}
    ok = pinned.options(
        "/pinned/plain/", headers={**base, "Access-Control-Request-Headers": "content-type"}
    )
    assert ok.status_code == 204
    header = pinned.options(
        "/pinned/plain/", headers={**base, "Access-Control-Request-Headers": "x-not-listed"}
    )
    assert (header.status_code, header.content) == (
        403,
        b"CORS preflight rejected (header_not_allowed)\n",
    )
    private = pinned.options(
        "/pinned/plain/", headers={**base, "Access-Control-Request-Private-Network": "true"}
    )
    assert (private.status_code, private.content) == (
        403,
        b"CORS preflight rejected (private_network_not_allowed)\n",
    )


# ---------------------------------------------------------- answers, sync and async


def _echo(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"{request.method} {request.path}".encode())


async def _echo_async(request: HttpRequest) -> HttpResponse:
    return _echo(request)


def test_a_request_cors_leaves_alone_reaches_the_view_as_sent_async_too() -> None:
    """Outside CORS_URLS_REGEX, no receiver: the view gets the request, nothing added."""
    with cors_settings(CORS_URLS_REGEX=r"^/api/todos/"):
        request = RequestFactory().get("/elsewhere/", headers={"Origin": FRONT})
        sync = CORSMiddleware(_echo)(request)
        request = RequestFactory().get("/elsewhere/", headers={"Origin": FRONT})
        async_ = asyncio.run(CORSMiddleware(_echo_async)(request))
    for response in (sync, async_):
        assert (response.status_code, response.content) == (200, b"GET /elsewhere/")
        assert cors_headers(response) == {}


def test_a_view_response_with_only_a_vary_keeps_it() -> None:
    """A response whose every header is one the policy may merge (here only ``Vary``)."""

    def bare_vary(request: HttpRequest) -> HttpResponse:
        response = HttpResponse(b"x")
        del response["Content-Type"]
        response["Vary"] = "Accept-Encoding"
        return response

    with cors_settings():
        request = RequestFactory().get("/api/todos/", headers={"Origin": FRONT})
        got = CORSMiddleware(bare_vary)(request)
    assert dict(got.items()) == {
        "Vary": "Accept-Encoding, Origin",
        "Access-Control-Allow-Origin": FRONT,
        "Access-Control-Allow-Credentials": "true",
    }


def test_with_receivers_connected_a_listed_origins_preflight_is_judged_whole(
    pinned: Client, asked: Asked
) -> None:
    """The receivers are not asked about a listed origin, and the engine still sees the
    preflight's private-network request."""
    with connected(asked.no):
        private = pinned.options(
            "/pinned/plain/",
            headers={
                "Origin": FRONT,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Private-Network": "true",
            },
        )
    assert (private.status_code, private.content) == (
        403,
        b"CORS preflight rejected (private_network_not_allowed)\n",
    )
    assert asked.calls == []


@pytest.mark.parametrize("secure", [False, True])
def test_with_receivers_saying_no_same_origin_still_passes_under_block_disallowed(
    asked: Asked, secure: bool
) -> None:
    """A same-origin request (its Host and scheme) is never blocked, whatever the
    receivers answer; another origin they refuse is."""
    origin = "https://testserver" if secure else "http://testserver"
    with (
        cors_settings(PINNED, CORS_OPTIONS={"block_disallowed": True}),
        connected(asked.no),
    ):
        u.CALLS.clear()
        client = Client()
        same = client.get(
            "/pinned/plain/", headers={"Origin": origin, "Host": "testserver"}, secure=secure
        )
        other = client.get(
            "/pinned/plain/", headers={"Origin": EVIL, "Host": "testserver"}, secure=secure
        )
    assert same.status_code == 200
    assert cors_headers(same) == {"vary": "Origin"}
    assert other.status_code == 403
    assert ("GET", "/pinned/plain/", EVIL) in asked.calls


@pytest.mark.parametrize(
    ("origin", "host", "secure"),
    [
        ("http://testserver", "testserver", False),
        ("https://testserver", "testserver", True),
        ("https://testserver", "testserver", False),  # another scheme: not same-origin
        ("http://a b", "a b", False),  # a malformed Origin equal to what Host says
        ("https://a b", "a b", True),
        ("http://a b", "a b", True),
    ],
)
def test_same_origin_is_judged_alike_with_and_without_receivers(
    asked: Asked, origin: str, host: str, secure: bool
) -> None:
    """Under block_disallowed, whether a request is same-origin (its Origin against the
    Host and scheme it came with) does not depend on receivers being connected."""

    def send() -> tuple[int, dict[str, str]]:
        client = Client(raise_request_exception=False)
        got = client.get("/pinned/plain/", headers={"Origin": origin, "Host": host}, secure=secure)
        return got.status_code, cors_headers(got)

    with cors_settings(PINNED, CORS_OPTIONS={"block_disallowed": True}):
        alone = send()
        with connected(asked.no):
            asking = send()
    assert asking == alone
    if host == "testserver":
        assert alone[0] == (200 if origin.startswith("https" if secure else "http:") else 403)


class _WithoutAsend:
    """``check_request_enabled`` as Django 4.2 has it: a signal without ``asend``."""

    def __init__(self, signal: Any) -> None:
        self._signal = signal

    @property
    def receivers(self) -> Any:
        return self._signal.receivers

    def send(self, sender: Any, **named: Any) -> Any:
        return self._signal.send(sender, **named)


def test_async_requests_ask_the_receivers_without_asend(
    asked: Asked, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        middleware_module, "check_request_enabled", _WithoutAsend(check_request_enabled)
    )

    async def run() -> list[str | None]:
        client = AsyncClient()
        got = []
        for origin in (PARTNER, EVIL):
            r = await client.get("/api/todos/", headers={"Origin": origin})
            got.append(r.get("Access-Control-Allow-Origin"))
        return got

    with cors_settings(), connected(asked.partner):
        assert asyncio.run(run()) == [PARTNER, None]
    assert asked.calls == [("GET", "/api/todos/", PARTNER), ("GET", "/api/todos/", EVIL)]


def test_the_receivers_answer_is_what_the_origin_hook_gives() -> None:
    """``_YES`` and ``_NO`` are built once, at import, from ``_Question(answer)``; a fresh
    question has no answer, and the hook notes that it was wanted. Outside a decision
    (no question) the hook refuses."""
    Question = middleware_module._Question
    assert middleware_module._question.get() is None
    assert middleware_module._receivers_allow(EVIL) is False
    for answer in (True, False):
        token = middleware_module._question.set(Question(answer))
        try:
            assert middleware_module._receivers_allow(EVIL) is answer
        finally:
            middleware_module._question.reset(token)
    fresh = Question()
    assert fresh.answer is None and not fresh.wanted
    token = middleware_module._question.set(fresh)
    try:
        assert middleware_module._receivers_allow(EVIL) is False
    finally:
        middleware_module._question.reset(token)
    assert fresh.wanted is True


# ------------------------------------------------------------------ the debug log

ORIGIN_HOOK_REASON = (
    "[origin_allowed_by_hook] origin 'https://partner.example' is not in the lists, but "
    "the origin hook allowed it (for Django: a check_request_enabled receiver)"
)


def _logged(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    return [(r.name, r.getMessage()) for r in caplog.records if r.name.startswith("cors_core")]


def test_with_receivers_connected_each_answer_is_logged_once(
    pinned: Client, asked: Asked, caplog: pytest.LogCaptureFixture
) -> None:
    """At DEBUG: a refusal the receivers were not asked about (a listed origin, a method
    the settings refuse), an origin they allowed (request and preflight), and a
    refusal after they allowed the origin (private network: that reason only).
    Allowed requests from listed origins log nothing."""
    with connected(asked.partner), caplog.at_level(logging.DEBUG, logger="cors_core"):
        listed = pinned.get("/pinned/plain/", headers={"Origin": FRONT})
        patch = pinned.options(
            "/pinned/plain/",
            headers={"Origin": FRONT, "Access-Control-Request-Method": "PATCH"},
        )
        get = pinned.get("/pinned/plain/", headers={"Origin": PARTNER})
        preflight = pinned.options(
            "/pinned/plain/",
            headers={"Origin": PARTNER, "Access-Control-Request-Method": "GET"},
        )
        private = pinned.options(
            "/pinned/plain/",
            headers={
                "Origin": PARTNER,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Private-Network": "true",
            },
        )
    assert [r.status_code for r in (listed, patch, get, preflight, private)] == [
        200,
        403,
        200,
        204,
        403,
    ]
    assert private.content == b"CORS preflight rejected (private_network_not_allowed)\n"
    assert _logged(caplog) == [
        (
            "cors_core",
            "CORS preflight rejected: 'OPTIONS' '/pinned/plain/': [method_not_allowed] "
            "method 'PATCH' is not in allow_methods (it allows DELETE, GET, POST, PUT): "
            "add it to allow_methods (methods are case-sensitive)",
        ),
        (
            "cors_core.django",
            f"CORS request allowed by a check_request_enabled receiver: {ORIGIN_HOOK_REASON}",
        ),
        (
            "cors_core.django",
            f"CORS preflight allowed by a check_request_enabled receiver: {ORIGIN_HOOK_REASON}",
        ),
        (
            "cors_core",
            "CORS preflight rejected: 'OPTIONS' '/pinned/plain/': "
            "[private_network_not_allowed] the preflight asks for private network access "
            "(Access-Control-Request-Private-Network: true): set allow_private_network=True "
            "to grant it",
        ),
    ]


def test_without_receivers_a_refusal_is_logged_with_the_routed_path(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with cors_settings(PINNED), caplog.at_level(logging.DEBUG, logger="cors_core"):
        refused = Client().get("/pinned/plain/", headers={"Origin": EVIL})
    assert refused.status_code == 200 and "Access-Control-Allow-Origin" not in refused
    assert _logged(caplog) == [
        (
            "cors_core",
            "CORS request rejected: 'GET' '/pinned/plain/': [origin_not_allowed] origin "
            "'https://evil.example' is not allowed: add it to allow_origins (or match it "
            "with a '*.' pattern, allow_origin_regex or allow_origin_predicate)",
        )
    ]


# ------------------------------------------------------------- where the policy is from


def test_path_rules_without_receivers_judge_the_routed_path() -> None:
    rules = PathRules(
        {
            "/api/todos/*": CORSPolicy(allow_origins=[FRONT]),
            "/api/boom/": None,
        }
    )
    names = {n: DELETE for n in CORS_SETTINGS}
    with cors_settings(**{**names, "CORS_POLICY": rules}):
        client = Client(raise_request_exception=False)
        todos = client.get("/api/todos/", headers={"Origin": FRONT})
        boom = client.get("/api/boom/", headers={"Origin": FRONT})
    assert todos.status_code == 200
    assert cors_headers(todos) == {"access-control-allow-origin": FRONT, "vary": "Origin"}
    assert boom.status_code == 500 and cors_headers(boom) == {}


def test_a_subclass_policy_is_used_from_the_first_request() -> None:
    class PartnerCORS(CORSMiddleware):
        policy = CORSPolicy(allow_origins=[PARTNER])

    with cors_settings():  # the settings allow FRONT, not PARTNER
        middleware = PartnerCORS(_echo)
        assert middleware.cors_policy is PartnerCORS.policy
        partner = middleware(RequestFactory().get("/api/todos/", headers={"Origin": PARTNER}))
        front = middleware(RequestFactory().get("/api/todos/", headers={"Origin": FRONT}))
    assert cors_headers(partner) == {"access-control-allow-origin": PARTNER, "vary": "Origin"}
    assert cors_headers(front) == {"vary": "Origin"}


def test_a_root_urlconf_change_alone_is_followed() -> None:
    """No CORS_* setting changes: the marks of the new URLconf apply all the same."""
    with cors_settings(PINNED, ROOT_URLCONF=u.Unmarked):
        client = Client(raise_request_exception=False)
        before = client.get("/pinned/plain/", headers={"Origin": u.GET_ORIGIN})
        with override_settings(ROOT_URLCONF="tests.integration.django_pinned_urls"):
            marked = client.get("/pinned/get-marked/", headers={"Origin": u.GET_ORIGIN})
        after = client.get("/pinned/get-marked/", headers={"Origin": u.GET_ORIGIN})
    assert before.status_code == 200 and cors_headers(before) == {"vary": "Origin"}
    assert marked.status_code == 200
    assert marked["Access-Control-Allow-Origin"] == u.GET_ORIGIN
    assert after.status_code == 404 and cors_headers(after) == {"vary": "Origin"}
