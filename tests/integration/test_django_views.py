"""Per-view policies: ``cross_origin`` and ``no_cors`` on every kind of Django view.

Through the test clients (sync and async) on :mod:`tests.integration.django_views`, and
on the example project (``examples/django_project``) through the test client and under
real servers: waitress (WSGI) and uvicorn (ASGI).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import pytest
from django.test import AsyncClient, Client

import adapters.django.middleware as middleware_module
from adapters.django import cross_origin, no_cors
from adapters.django.decorators import NO_CORS, ProjectViewPolicy, view_policy
from cors_core import ConfigError, CORSPolicy
from cors_core.browser import Response, simulate, simulate_async
from cors_core.testing import cors_trip
from tests.integration import django_views as v
from tests.integration.conftest import hdrs, http_sender
from tests.integration.django_support import BASE, FRONT, cors_settings
from tests.servers import serve_asgi, serve_wsgi

pytestmark = pytest.mark.filterwarnings("ignore::cors_core.CORSConfigWarning")

VIEWS: dict[str, Any] = {
    **BASE,
    "ROOT_URLCONF": "tests.integration.django_views",
    "MIDDLEWARE": [
        "adapters.django.CORSMiddleware",
        "tests.integration.django_views.ShortCircuitMiddleware",
        "django.middleware.common.CommonMiddleware",
    ],
    "CORS_ALLOWED_ORIGINS": [FRONT],
    "CORS_ALLOW_HEADERS": ["content-type"],
}
del VIEWS["CORS_ORIGIN_WHITELIST"]


@pytest.fixture
def views() -> Iterator[Client]:
    v.CALLS.clear()
    with cors_settings(VIEWS):
        yield Client(raise_request_exception=False)


def preflight(client: Client, path: str, origin: str, method: str, headers: str = "") -> Any:
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        sent["Access-Control-Request-Headers"] = headers
    return client.options(path, headers=sent)


# --------------------------------------------------------------------------- decorators


def _built(found: Any) -> CORSPolicy:
    """The policy a ``cross_origin(**options)`` mark builds under the current settings."""
    assert isinstance(found, ProjectViewPolicy), found
    policy = found.resolve()
    assert isinstance(policy, CORSPolicy)
    return policy


def test_the_marks_are_found_where_django_puts_them() -> None:
    with cors_settings(VIEWS):
        assert isinstance(view_policy(v.function_view), ProjectViewPolicy)  # functools.wraps
        assert view_policy(v.no_cors_view) is NO_CORS
        assert view_policy(v.disabled_view) is NO_CORS
        assert view_policy(v.plain_view) is None
        assert view_policy(v.ClassMarked.as_view(), "get") is view_policy(v.ClassMarked)
        dispatch = _built(view_policy(v.DispatchMarked.as_view(), "put"))
        assert dispatch.options["allow_origins"] == [v.DISPATCH_ORIGIN]
        handler = v.HandlerMarked.as_view()
        put, get = view_policy(handler, "put"), view_policy(handler, "get")
        assert _built(put).options["allow_origins"] == [v.PUT_ORIGIN]
        assert _built(get).options["allow_origins"] == [v.CLASS_ORIGIN]
        assert view_policy(handler, "head") is get  # HEAD is served by get()
        assert view_policy(v.shared_view) is v.SHARED


def test_decorator_arguments_are_checked_at_import_time() -> None:
    with pytest.raises(ConfigError) as both:
        cross_origin(enabled=False, allow_origins=["*"])
    assert both.value.problems[0].option == "enabled"
    with pytest.raises(ConfigError) as bad:
        cross_origin(allow_origins=["https://app.example.com/"])
    assert bad.value.problems[0].entry == "'https://app.example.com/'"
    with pytest.raises(ConfigError) as typo:
        cross_origin(allow_origin=["https://app.example.com"])
    assert typo.value.problems[0].fix == "did you mean 'allow_origins'?"
    # Settings may not be final at import: a bare decorator is judged at the first use.
    assert isinstance(view_policy(cross_origin()(lambda request: None)), ProjectViewPolicy)
    assert no_cors(v.plain_view) is v.plain_view  # marks, never wraps
    del v.plain_view.cors_core_policy  # type: ignore[attr-defined]


# --------------------------------------------------------------------- function views


def test_function_view_policy_replaces_the_project_policy(views: Client) -> None:
    trip = cors_trip(views, "/views/function/", origin=v.FUNCTION_ORIGIN, method="PUT")
    assert trip.verdict.code == "ok", trip.steps
    assert trip.preflight is not None and trip.preflight.status == 204
    assert hdrs(trip.preflight.response_headers)["access-control-max-age"] == "60"
    # The project's origin is not in this view's policy.
    front = cors_trip(views, "/views/function/", origin=FRONT)
    assert front.verdict.code == "missing_allow_origin"
    # The same view on another URL has the same policy; a plain view keeps the project's.
    assert cors_trip(views, "/other/function/", origin=v.FUNCTION_ORIGIN).verdict.code == "ok"
    assert cors_trip(views, "/views/plain/", origin=FRONT).verdict.code == "ok"
    plain = cors_trip(views, "/views/plain/", origin=v.FUNCTION_ORIGIN)
    assert plain.verdict.code == "missing_allow_origin"


def test_preflights_are_answered_per_view_before_the_view_runs(views: Client) -> None:
    ok = preflight(views, "/views/function/", v.FUNCTION_ORIGIN, "PUT")
    refused = preflight(views, "/views/function/", v.FUNCTION_ORIGIN, "DELETE")
    project = preflight(views, "/views/plain/", v.FUNCTION_ORIGIN, "PUT")
    assert (ok.status_code, refused.status_code, project.status_code) == (204, 403, 403)
    assert ok["Access-Control-Allow-Origin"] == v.FUNCTION_ORIGIN
    assert ok["Access-Control-Allow-Methods"] == "GET, PUT"
    assert "Access-Control-Allow-Origin" not in refused
    assert v.CALLS == []


def test_no_cors_view_gets_no_headers_and_its_preflights(views: Client) -> None:
    for path in ("/views/no-cors/", "/views/disabled/"):
        got = views.get(path, headers={"Origin": FRONT})
        assert got.status_code == 200
        assert not [k for k in got.headers if k.lower().startswith("access-control-")]
        assert "Vary" not in got
        answered = preflight(views, path, FRONT, "POST", "content-type")
        assert answered.status_code == 200 and answered["X-View"] in ("no_cors", "disabled")
        trip = cors_trip(views, path, origin=FRONT)
        assert trip.verdict.code == "missing_allow_origin"
    assert ("OPTIONS", "/views/no-cors/") in v.CALLS


def test_async_function_view(views: Client) -> None:
    trip = cors_trip(
        views, "/views/async/", origin=v.ASYNC_ORIGIN, method="DELETE", credentials=True
    )
    assert trip.verdict.code == "ok", trip.steps
    assert trip.actual is not None
    assert hdrs(trip.actual.response_headers)["access-control-allow-credentials"] == "true"


def test_a_shared_policy_and_exposed_headers(views: Client) -> None:
    trip = cors_trip(views, "/views/shared/", origin=v.CLASS_ORIGIN)
    assert trip.verdict.code == "ok" and trip.readable_headers >= {"x-view"}


def test_errors_raised_by_a_marked_view_carry_its_headers(views: Client) -> None:
    got = views.get("/views/raising/", headers={"Origin": v.FUNCTION_ORIGIN})
    assert got.status_code == 500
    assert got["Access-Control-Allow-Origin"] == v.FUNCTION_ORIGIN
    assert got["Vary"] == "Origin"


# ------------------------------------------------------------------ class-based views


def test_cross_origin_on_the_view_class(views: Client) -> None:
    trip = cors_trip(views, "/views/class/", origin=v.CLASS_ORIGIN, method="PATCH")
    assert trip.verdict.code == "ok", trip.steps
    assert cors_trip(views, "/views/class/", origin=FRONT).verdict.code == ("missing_allow_origin")


def test_cross_origin_on_a_rest_framework_view(views: Client) -> None:
    """A Django REST framework ``APIView`` marked on its class: preflight answered before
    DRF runs (no authentication, no 405 from its OPTIONS handler), actual response decorated."""
    from django.test import override_settings

    # No django.contrib.auth in these tests' project: DRF's anonymous user must be None.
    with override_settings(REST_FRAMEWORK={"UNAUTHENTICATED_USER": None}):
        trip = cors_trip(
            views, "/views/drf/", origin=v.CLASS_ORIGIN, method="PATCH", headers={"X-DRF": "1"}
        )
        assert trip.verdict.code == "ok", trip.steps
        assert trip.actual is not None and trip.actual.status == 200
        assert trip.actual.body == b'{"view":"drf"}'
        blocked = cors_trip(views, "/views/drf/", origin=FRONT, method="PATCH")
        assert blocked.verdict.code == "missing_allow_origin", blocked.steps


def test_cross_origin_on_an_as_view_result(views: Client) -> None:
    """The DRF way: ``cross_origin(...)(SomeAPIView.as_view())`` in the URLconf."""
    trip = cors_trip(views, "/views/as-view/", origin=v.AS_VIEW_ORIGIN, method="POST")
    assert trip.verdict.code == "ok", trip.steps
    assert trip.actual is not None and trip.actual.status == 200


def test_method_decorator_on_dispatch(views: Client) -> None:
    trip = cors_trip(
        views,
        "/views/dispatch/",
        origin=v.DISPATCH_ORIGIN,
        method="PUT",
        headers={"X-Token": "t"},
        credentials=True,
    )
    assert trip.verdict.code == "ok", trip.steps
    assert trip.preflight is not None
    pre = hdrs(trip.preflight.response_headers)
    assert pre["access-control-allow-headers"].startswith("x-token")
    assert pre["access-control-allow-credentials"] == "true"


def test_a_handler_mark_wins_for_its_method_preflights_included(views: Client) -> None:
    put = cors_trip(
        views, "/views/handler/", origin=v.PUT_ORIGIN, method="PUT", headers={"X-Put": "1"}
    )
    assert put.verdict.code == "ok", put.steps
    # The preflight announcing PUT is answered with put()'s policy ...
    assert preflight(views, "/views/handler/", v.PUT_ORIGIN, "PUT", "x-put").status_code == 204
    # ... and other methods with the class's.
    assert cors_trip(views, "/views/handler/", origin=v.PUT_ORIGIN).verdict.code == (
        "missing_allow_origin"
    )
    assert cors_trip(views, "/views/handler/", origin=v.CLASS_ORIGIN).verdict.code == "ok"
    head = views.head("/views/handler/", headers={"Origin": v.CLASS_ORIGIN})
    assert head["Access-Control-Allow-Origin"] == v.CLASS_ORIGIN
    assert preflight(views, "/views/handler/", v.CLASS_ORIGIN, "PUT").status_code == 403
    # A method Django does not dispatch falls back to the view and class marks.
    weird = preflight(views, "/views/handler/", v.CLASS_ORIGIN, "PURGE")
    assert weird.status_code == 403 and "method_not_allowed" in weird.content.decode()


# ---------------------------------------------------------------- the request cycle


def test_block_disallowed_stops_the_request_before_the_view(views: Client) -> None:
    blocked = views.get("/views/blocking/", headers={"Origin": "https://evil.example"})
    assert blocked.status_code == 403
    assert v.CALLS == []
    allowed = views.get("/views/blocking/", headers={"Origin": v.BLOCKING_ORIGIN})
    assert allowed.status_code == 200 and v.CALLS == [("GET", "/views/blocking/")]


def test_requests_a_middleware_answers_still_get_the_view_policy(views: Client) -> None:
    """No process_view then: the view is resolved on the way out."""
    got = views.get("/views/function/", headers={"Origin": v.FUNCTION_ORIGIN, "X-Short": "1"})
    assert got.status_code == 401 and v.CALLS == []
    assert got["Access-Control-Allow-Origin"] == v.FUNCTION_ORIGIN
    plain = views.get("/views/plain/", headers={"Origin": FRONT, "X-Short": "1"})
    assert plain["Access-Control-Allow-Origin"] == FRONT
    missing = views.get("/views/nowhere/", headers={"Origin": FRONT})
    assert missing.status_code == 404 and missing["Access-Control-Allow-Origin"] == FRONT


def test_a_view_policy_applies_outside_cors_urls_regex() -> None:
    with cors_settings(VIEWS, CORS_URLS_REGEX=r"^/views/plain/"):
        client = Client()
        assert cors_trip(client, "/views/function/", origin=v.FUNCTION_ORIGIN).verdict.code == (
            "ok"
        )
        outside = client.get("/other/nothing/", headers={"Origin": FRONT})
    assert "Access-Control-Allow-Origin" not in outside and "Vary" not in outside


def test_each_view_is_looked_up_once(views: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[Any, str | None]] = []
    real = middleware_module.view_policy

    def counting(view: Any, method: str | None = None) -> Any:
        seen.append((view, method))
        return real(view, method)

    monkeypatch.setattr(middleware_module, "view_policy", counting)
    for _ in range(5):
        cors_trip(views, "/views/function/", origin=v.FUNCTION_ORIGIN, method="PUT")
        cors_trip(views, "/views/handler/", origin=v.PUT_ORIGIN, method="PUT")
        cors_trip(views, "/views/handler/", origin=v.CLASS_ORIGIN)
        preflight(views, "/views/handler/", v.CLASS_ORIGIN, "X-" + "Y" * 50)
    assert len(seen) == len(set(seen)) == 4  # function, handler put/get, handler other


def test_async_client_runs_process_view_async(views: Client) -> None:
    client = AsyncClient(raise_request_exception=False)

    def sender(path: str) -> Any:
        async def send(method: str, headers: Sequence[tuple[str, str]]) -> Response:
            r = await client.generic(method, path, headers=dict(headers))
            return r.status_code, list(r.items()), bytes(r.content)

        return send

    async def run() -> list[str]:
        trips = [
            await simulate_async(
                sender("/views/function/"), origin=v.FUNCTION_ORIGIN, method="PUT"
            ),
            await simulate_async(sender("/views/dispatch/"), origin=FRONT, method="PUT"),
            await simulate_async(sender("/views/plain/"), origin=FRONT, method="DELETE"),
            await simulate_async(sender("/views/no-cors/"), origin=FRONT),
        ]
        return [t.verdict.code for t in trips]

    assert asyncio.run(run()) == ["ok", "missing_allow_origin", "ok", "missing_allow_origin"]
    blocked = asyncio.run(client.get("/views/blocking/", headers={"Origin": "https://x.example"}))
    assert blocked.status_code == 403 and ("GET", "/views/blocking/") not in v.CALLS


# --------------------------------------------------------------- the example project

ADMIN = "https://admin.example.com"


@pytest.fixture
def example() -> Iterator[None]:
    with cors_settings():
        yield


def _example_trips(send: Any) -> dict[str, Any]:
    return {
        "stats": simulate(send("/api/stats/"), origin="https://any.example"),
        "stats_put": simulate(send("/api/stats/"), origin="https://any.example", method="PUT"),
        "reindex": simulate(
            send("/api/reindex/"),
            origin=FRONT,
            method="POST",
            headers={"Content-Type": "application/json"},
            credentials=True,
        ),
        "admin_put": simulate(
            send("/api/admin/todos/1/"),
            origin=ADMIN,
            method="PUT",
            headers={"Content-Type": "application/json", "X-Admin-Token": "t"},
            credentials=True,
        ),
        "admin_front": simulate(
            send("/api/admin/todos/1/"), origin=FRONT, method="PUT", credentials=True
        ),
        "todos": simulate(send("/api/todos/"), origin=FRONT, credentials=True),
        "todos_admin": simulate(send("/api/todos/"), origin=ADMIN),
    }


EXPECTED = {
    "stats": "ok",
    "stats_put": "missing_allow_origin",  # a 403 preflight: the view allows GET only
    "reindex": "missing_allow_origin",
    "admin_put": "ok",
    "admin_front": "missing_allow_origin",
    "todos": "ok",
    "todos_admin": "missing_allow_origin",
}


def test_example_project_per_view_through_the_test_client(example: None) -> None:
    client = Client()

    def send(path: str) -> Any:
        def one(method: str, headers: Sequence[tuple[str, str]]) -> Response:
            merged: dict[str, str] = {}
            for name, value in headers:
                merged[name] = f"{merged[name]}, {value}" if name in merged else value
            r = client.generic(method, path, b'{"title": "x"}', headers=merged)
            return r.status_code, list(r.items()), bytes(r.content)

        return one

    trips = _example_trips(send)
    assert {k: t.verdict.code for k, t in trips.items()} == EXPECTED
    assert trips["stats"].readable_headers >= {"x-total-count"}
    reindex = trips["reindex"].preflight
    assert reindex is not None and reindex.status == 200  # the view answered it
    assert reindex.body.startswith(b'{"reindexed"')


def test_example_project_per_view_under_waitress(example: None) -> None:
    from django.core.handlers.wsgi import WSGIHandler

    with serve_wsgi(WSGIHandler()) as base:
        trips = _example_trips(lambda path: http_sender(base, path))
        raw = httpx.options(
            base + "/api/admin/todos/1/",
            headers={"Origin": ADMIN, "Access-Control-Request-Method": "DELETE"},
        )
    assert {k: t.verdict.code for k, t in trips.items()} == EXPECTED
    assert raw.status_code == 204
    assert raw.headers["access-control-allow-origin"] == ADMIN
    assert raw.headers["access-control-max-age"] == "600"
    admin = trips["admin_put"].actual
    assert admin is not None and admin.body == b'{"id": 1, "title": "x"}'


def test_example_project_per_view_under_uvicorn(example: None) -> None:
    from django.core.handlers.asgi import ASGIHandler

    with serve_asgi(ASGIHandler()) as base:
        trips = _example_trips(lambda path: http_sender(base, path))
    assert {k: t.verdict.code for k, t in trips.items()} == EXPECTED
